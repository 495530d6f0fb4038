"""Step 1, the pre-pass (pikepdf): open the file, flatten form fields and printable
annotations, drop the other annotations, strip marked content (/ActualText, /Alt),
delete what hidden layers draw, drop XFA."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator

from dossier_app.anonymise.pdf_redact.context import REASON_UNREADABLE, Context, log
from dossier_app.case_model import Lakvlak
from dossier_app.documents import sanitise
from dossier_app.errors import DocumentError

_PAINT_PATH = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def open_pdf(src: Path, bestand: str) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(src)
    except pikepdf.PasswordError:
        raise DocumentError(
            f"'{bestand}' is beveiligd met een wachtwoord. Open het met het wachtwoord, "
            "bewaar het zonder beveiliging en voeg het opnieuw toe.",
            bestand=bestand, code="PDF_WACHTWOORD") from None
    if pdf.Root.get("/NeedsRendering") is True and _pages_empty(pdf):
        pdf.close()
        raise DocumentError(
            f"'{bestand}' is een dynamisch formulier (XFA) waarvan de inhoud pas in Adobe "
            "Reader ontstaat. Druk het daar af als PDF en voeg die PDF toe.",
            bestand=bestand, code="PDF_XFA_DYNAMISCH")
    if len(pdf.pages) == 0:
        pdf.close()
        raise DocumentError(f"'{bestand}' bevat geen pagina's. Controleer of het juiste "
                            "bestand is gekozen.", bestand=bestand, code="PDF_LEEG")
    return pdf


def _pages_empty(pdf: pikepdf.Pdf) -> bool:
    """Whether no page draws anything (then the content exists only in XFA)."""
    return all(not stream_bytes(page.obj, page=True).strip() for page in pdf.pages)


def regions_by_page(lakken: Sequence[Lakvlak], count: int,
                     bestand: str) -> dict[int, list[Lakvlak]]:
    regions: dict[int, list[Lakvlak]] = {}
    for lak in lakken:
        if not 1 <= lak.pagina <= count:
            raise DocumentError(
                f"Een lakvlak in '{bestand}' staat op pagina {lak.pagina}, maar het bestand "
                f"heeft {count} pagina's. Pas het lakvlak aan.",
                bestand=bestand, code="LAKVLAK_ONGELDIG")
        regions.setdefault(lak.pagina - 1, []).append(lak)
    return regions


def prepass(ctx: Context) -> None:
    pdf = ctx.pdf
    _push_inherited_attributes(pdf)
    _drop_xfa(ctx)
    off = _hidden_layers(pdf)
    _flatten_annotations(ctx, off)
    hidden = _strip_marked_content(ctx, off)
    if "/OCProperties" in pdf.Root:
        del pdf.Root["/OCProperties"]
    if hidden:
        ctx.melding("VERBORGEN_LAAG_VERWIJDERD", "Verborgen laag verwijderd: inhoud die "
                    "niet zichtbaar was, is niet opgenomen.")


def _push_inherited_attributes(pdf: pikepdf.Pdf) -> None:
    # Resources, boxes and /Rotate may live on a /Pages node; put them on each page so
    # later steps can edit or replace one page without touching the others.
    for page in pdf.pages:
        obj = page.obj
        for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
            if key not in obj:
                value = _inherited(obj, key)
                if value is not None:
                    obj[key] = value
        if "/Resources" not in obj:
            obj.Resources = Dictionary()


def _inherited(obj: Dictionary, key: str) -> object | None:
    node = obj.get("/Parent")
    for _ in range(64):  # the page tree is shallow; a loop here is hostile input
        if not isinstance(node, Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _drop_xfa(ctx: Context) -> None:
    if "/NeedsRendering" in ctx.pdf.Root:
        del ctx.pdf.Root["/NeedsRendering"]
    form = ctx.pdf.Root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:
        del form["/XFA"]
        ctx.melding("XFA_VERWIJDERD", "Dynamisch formulier (XFA) verwijderd; de vaste "
                    "weergave van het formulier is gebruikt. Controleer of alles klopt.")


def _hidden_layers(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """Object ids of the optional-content groups that are off by default."""
    props = pdf.Root.get("/OCProperties")
    if not isinstance(props, Dictionary):
        return set()
    config = props.get("/D")
    if not isinstance(config, Dictionary):
        return set()
    on = _objgens(config.get("/ON"))
    off = _objgens(config.get("/OFF"))
    if config.get("/BaseState") == Name.OFF:
        off |= _objgens(props.get("/OCGs")) - on
    return off


def _objgens(arr: object) -> set[tuple[int, int]]:
    if not isinstance(arr, Array):
        return set()
    return {x.objgen for x in arr if isinstance(x, Dictionary) and x.is_indirect}


def _oc_visible(oc: object, off: set[tuple[int, int]], depth: int = 0) -> bool:
    """Whether content marked with this OCG or OCMD shows in the default view."""
    if not isinstance(oc, Dictionary) or depth > 16:
        return True
    if oc.get("/Type") != Name.OCMD:
        return not (oc.is_indirect and oc.objgen in off)
    expr = oc.get("/VE")
    if isinstance(expr, Array):
        return _ve_visible(expr, off, depth + 1)
    members = oc.get("/OCGs")
    groups = list(members) if isinstance(members, Array) else [members]
    states = [_oc_visible(g, off, depth + 1) for g in groups if isinstance(g, Dictionary)]
    if not states:
        return True
    policy = str(oc.get("/P", Name.AnyOn))
    return _POLICIES.get(policy, any)(states)


_POLICIES = {
    "/AllOn": all,
    "/AnyOn": any,
    "/AnyOff": lambda states: not all(states),
    "/AllOff": lambda states: not any(states),
}


def _ve_visible(expr: Array, off: set[tuple[int, int]], depth: int) -> bool:
    if depth > 16 or len(expr) == 0:
        return True
    args = [_ve_visible(a, off, depth + 1) if isinstance(a, Array)
            else _oc_visible(a, off, depth + 1) for a in list(expr)[1:]]
    if expr[0] == Name.Not:
        return not args[0] if args else True
    if expr[0] == Name.And:
        return all(args)
    return any(args)


def _flatten_annotations(ctx: Context, off: set[tuple[int, int]]) -> None:
    pdf = ctx.pdf
    found: set[str] = set()
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, Dictionary):
        found |= sanitise.inventory_form(form)
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array):
            found |= sanitise.inventory_annotations(annots)
            found |= _annotation_actions(annots)
            _drop_hidden_annotations(page.obj, annots, off)
    had_fields = "FORMULIERVELDEN_VERWIJDERD" in found
    _flatten_printable(ctx, had_fields)
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    found.discard("FORMULIERVELDEN_VERWIJDERD")
    for code in sorted(found):
        ctx.result.meldingen.append(sanitise.melding(code, bestand=ctx.bestand))


def _annotation_actions(annots: Array) -> set[str]:
    found: set[str] = set()
    for annot in annots:
        if isinstance(annot, Dictionary):
            found |= sanitise.classify_action(annot)
            action = annot.get("/A")
            if isinstance(action, Dictionary):
                found |= sanitise.classify_action(action)
    return found


def _drop_hidden_annotations(page: Dictionary, annots: Array, off: set[tuple[int, int]]) -> None:
    keep = [a for a in annots if not (isinstance(a, Dictionary) and "/OC" in a
                                      and not _oc_visible(a.OC, off))]
    if len(keep) != len(annots):
        page.Annots = Array(keep)


def _flatten_printable(ctx: Context, had_fields: bool) -> None:
    # Field values and printable stamps become page content, so the find step sees them
    # and they are redacted like any other text. Everything else is dropped afterwards.
    try:
        if "/AcroForm" in ctx.pdf.Root:
            ctx.pdf.generate_appearance_streams()
        ctx.pdf.flatten_annotations(mode="print")
    except pikepdf.PdfError:
        log.warning("platmaken van annotaties mislukt")
        ctx.melding("FORMULIERVELDEN_NIET_PLATGEMAAKT", "Formuliervelden konden niet worden "
                    "platgemaakt; ingevulde waarden ontbreken. Controleer het resultaat.")
        return
    if had_fields:
        ctx.melding("FORMULIERVELDEN_PLATGEMAAKT", "Formuliervelden platgemaakt: de "
                    "ingevulde waarden staan nu als gewone tekst op de pagina.", "info")


def _strip_marked_content(ctx: Context, off: set[tuple[int, int]]) -> bool:
    """Remove BDC/BMC/EMC (and their /ActualText, /Alt) and hidden-layer drawing."""
    hidden = False
    for index, page in enumerate(ctx.pdf.pages):
        try:
            hidden |= _strip_stream(ctx.pdf, page.obj, page.obj.Resources, off, page=True)
        except pikepdf.PdfError:
            ctx.raster_reason[index] = REASON_UNREADABLE
    for obj in list(ctx.pdf.objects):
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Form:
            try:
                hidden |= _strip_stream(ctx.pdf, obj, obj.get("/Resources"), off, page=False)
            except pikepdf.PdfError:
                # Unparseable form: neutralise it rather than let it keep hidden text.
                obj.write(b"")
    for obj in ctx.pdf.objects:
        if isinstance(obj, pikepdf.Stream) and "/OC" in obj:
            del obj["/OC"]
    return hidden


def stream_bytes(holder: Dictionary | pikepdf.Stream, page: bool) -> bytes:
    if not page:
        return holder.read_bytes()
    contents = holder.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    if isinstance(contents, Array):
        return b"\n".join(c.read_bytes() for c in contents if isinstance(c, pikepdf.Stream))
    return b""


def _strip_stream(pdf: pikepdf.Pdf, holder: Dictionary | pikepdf.Stream, resources: object,
                  off: set[tuple[int, int]], *, page: bool) -> bool:
    data = stream_bytes(holder, page)
    xobjects = _xobjects(resources)
    has_oc_xobject = any(isinstance(x, pikepdf.Stream) and "/OC" in x for x in xobjects.values())
    if not (b"BDC" in data or b"BMC" in data or b"MP" in data or b"DP" in data
            or has_oc_xobject):
        return False
    ops = pikepdf.parse_content_stream(holder)
    props = resources.get("/Properties") if isinstance(resources, Dictionary) else None
    new_ops, hidden = _filter_marked(ops, props, xobjects, off)
    content = pikepdf.unparse_content_stream(new_ops)
    if page:
        holder.Contents = pdf.make_stream(content)
    else:
        holder.write(content)
    return hidden


def _xobjects(resources: object) -> dict[str, object]:
    if not isinstance(resources, Dictionary):
        return {}
    xobj = resources.get("/XObject")
    return dict(xobj.items()) if isinstance(xobj, Dictionary) else {}


def _filter_marked(ops: list, props: object, xobjects: dict[str, object],
                   off: set[tuple[int, int]]) -> tuple[list, bool]:
    out: list = []
    stack: list[bool] = []
    hidden_depth = 0
    removed = False
    for inst in ops:
        op = str(inst.operator)
        if op in ("BDC", "BMC"):
            hidden = op == "BDC" and not _marked_visible(inst.operands, props, off)
            stack.append(hidden)
            hidden_depth += hidden
        elif op == "EMC":
            hidden_depth -= stack.pop() if stack else False
        elif op in ("MP", "DP"):
            continue
        elif hidden_depth or _hidden_xobject(inst, op, xobjects, off):
            replacement = _neutralise(inst, op)
            removed |= replacement != [inst]
            out.extend(replacement)
        else:
            out.append(inst)
    return out, removed


def _marked_visible(operands: list, props: object, off: set[tuple[int, int]]) -> bool:
    if len(operands) < 2 or operands[0] != Name.OC:
        return True
    prop = operands[1]
    if isinstance(prop, Name):
        prop = props.get(prop) if isinstance(props, Dictionary) else None
    return _oc_visible(prop, off)


def _hidden_xobject(inst: object, op: str, xobjects: dict[str, object],
                    off: set[tuple[int, int]]) -> bool:
    if op != "Do" or not inst.operands:  # type: ignore[attr-defined]
        return False
    xobj = xobjects.get(str(inst.operands[0]))  # type: ignore[attr-defined]
    return isinstance(xobj, pikepdf.Stream) and "/OC" in xobj and not _oc_visible(xobj.OC, off)


def _neutralise(inst: object, op: str) -> list:
    """Keep the state changes of hidden content, drop what it paints.

    Removing whole operators would unbalance q/Q or BT/ET that straddle the hidden
    section and so move or recolour visible content after it.
    """
    if op in ("Tj", "TJ", "Do", "sh", "INLINE IMAGE"):
        return []
    if op == "'":
        return [ContentStreamInstruction([], Operator("T*"))]
    if op == '"':
        aw, ac = inst.operands[0], inst.operands[1]  # type: ignore[attr-defined]
        return [ContentStreamInstruction([aw], Operator("Tw")),
                ContentStreamInstruction([ac], Operator("Tc")),
                ContentStreamInstruction([], Operator("T*"))]
    if op in _PAINT_PATH:
        return [ContentStreamInstruction([], Operator("n"))]
    return [inst]
