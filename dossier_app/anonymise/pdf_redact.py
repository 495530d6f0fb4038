"""Redact identifiers from a PDF: remove the glyphs, draw the box, verify, rewrite.

The measured method of ANONYMISATION.md:

1. pre-pass (pikepdf): flatten form fields and printable annotations, drop the other
   annotations, strip marked content (/ActualText, /Alt), delete hidden layers, drop XFA;
2. find (pypdfium2): page text from the text page, run the Finder, map hits to chars,
   chars to text objects and boxes;
3. remove (pikepdf): in the text-showing operator that draws a hit, match its glyphs to
   PDFium's chars (decoded text and origins must agree, spaces aside: PDFium drops,
   merges and adds spaces), replace each hit glyph by a TJ displacement of its width,
   so nothing else on the line moves; form
   XObjects are copied per use before editing, so other pages keep the original;
4. draw filled black boxes over the hits;
5. verify each edited page (re-extract: no hit left, every other glyph where it was),
   else render the page as an image with the boxes burnt in (raster.py); manual
   regions are always burnt into an image of the page;
6. sanitise hidden channels (sanitise.py) and save with a full rewrite.

No identifier value is ever put in a message, a log line or a file name.
"""

from __future__ import annotations

import bisect
import functools
import io
import logging
import os
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator

from dossier_app.anonymise import raster
from dossier_app.anonymise.hits import HYPHENS, LINE_END_MARKS, Finder, find_hits
from dossier_app.anonymise.pdfium_chars import (
    MAX_FORM_DEPTH,
    CharIndex,
    page_text,
    text_object_order,
)
from dossier_app.case_model import Lakvlak
from dossier_app.documents import sanitise
from dossier_app.errors import DocumentError, DossierError
from dossier_app.meldingen import Melding

log = logging.getLogger(__name__)

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space

# Exceptions the PDF libraries raise on broken or hostile input.
_LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    pikepdf.PdfError, pikepdf.PasswordError, pdfium.PdfiumError, ValueError, KeyError,
    TypeError, IndexError, RuntimeError, OverflowError, RecursionError, AttributeError,
    NotImplementedError, zlib.error, OSError, MemoryError,
)
_TEXT_SHOW = {"Tj", "TJ", "'", '"'}
_PAINT_PATH = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_HYPHEN_FORMS = HYPHENS | {"\u00ad"}
_NON_SPACE = re.compile(r"\S")
_NON_SPACE_RUN = re.compile(r"\S+")
_BOX_PAD = 0.6  # points around the glyph boxes: antialiased edges
_POSITION_TOLERANCE = 0.05  # points: "nothing else moved"

REASON_MANUAL = "handmatig lakvlak"
REASON_UNSUPPORTED = "tekst kon niet veilig worden bewerkt"
REASON_VERIFY = "controle na bewerken niet geslaagd"
REASON_UNREADABLE = "pagina-inhoud onleesbaar"


@dataclass
class PdfCleanResult:
    """What `clean_pdf` did. Counts and page numbers only: never an identifier value."""

    paginas: int
    treffers: dict[int, dict[str, int]] = field(default_factory=dict)  # page (1-based) -> categorie -> count
    gerasterd: dict[int, str] = field(default_factory=dict)  # page (1-based) -> reason (Dutch)
    niet_gecontroleerd: list[int] = field(default_factory=list)  # pages without text layer or region
    vlakken: dict[int, list[Lakvlak]] = field(default_factory=dict)  # black boxes, as shown
    meldingen: list[Melding] = field(default_factory=list)


# --------------------------------------------------------------------------- errors


@contextmanager
def _boundary(bestand: str) -> Iterator[None]:
    """Turn any exception of the PDF libraries into a DocumentError naming the file."""
    try:
        yield
    except DossierError:
        raise
    except MemoryError as exc:
        log.warning("PDF te groot voor het geheugen (%s)", type(exc).__name__)
        raise DocumentError(
            f"'{bestand}' is te groot of te ingewikkeld om te anonimiseren. Druk het af "
            "naar een nieuwe PDF met minder of kleinere pagina's en voeg die toe.",
            bestand=bestand, code="PDF_TE_GROOT") from exc
    except _LIBRARY_ERRORS as exc:
        log.warning("PDF-bibliotheek weigerde het bestand (%s)", type(exc).__name__)
        raise DocumentError(
            f"'{bestand}' kan niet als PDF worden gelezen of is beschadigd. Open het in "
            "een PDF-lezer, bewaar of druk het af als nieuwe PDF en voeg die opnieuw toe.",
            bestand=bestand, code="PDF_ONLEESBAAR") from exc


# --------------------------------------------------------------------------- context


@dataclass
class _ObjectFind:
    """PDFium's view of one text object that holds a hit.

    `chars` are its non-generated chars in PDFium's order: (unicode, origin x, origin y,
    hit). `glyphs` and `size` are the hit glyph numbers and the glyph count when every
    origin is taken as one glyph: the mapping of last resort, used only when PDFium's
    count equals the content stream's.
    """

    chars: list[tuple[str, float, float, bool]]
    glyphs: set[int] = field(default_factory=set)
    size: int = 0


@dataclass
class _PageFind:
    """What the find step learned about one page (no text kept beyond what is needed)."""

    has_text: bool = False
    categories: Counter[str] = field(default_factory=Counter)
    boxes: list[Rect] = field(default_factory=list)
    objects: dict[int, _ObjectFind] = field(default_factory=dict)  # object pos -> its chars
    object_count: int = 0
    hit_chars: set[int] = field(default_factory=set)
    kept: str = ""  # the non-space chars that must survive, in PDFium's order
    checks: list[tuple[int, float, float]] = field(default_factory=list)  # kept no., origin
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    rotate: int = 0


@dataclass
class _Context:
    pdf: pikepdf.Pdf
    finder: Finder
    bestand: str
    regions: dict[int, list[Lakvlak]]  # 0-based page -> manual regions
    result: PdfCleanResult
    finds: dict[int, _PageFind] = field(default_factory=dict)
    raster_reason: dict[int, str] = field(default_factory=dict)  # 0-based page -> reason
    edited: set[int] = field(default_factory=set)
    fonts: dict[object, _FontInfo] = field(default_factory=dict)
    on_page_text: Callable[[int, str], None] | None = None

    def melding(self, code: str, tekst: str, niveau: str = "waarschuwing",
                pagina: int | None = None) -> None:
        if any(m.code == code and m.pagina == pagina for m in self.result.meldingen):
            return
        self.result.meldingen.append(
            Melding(code, tekst, niveau, bestand=self.bestand, pagina=pagina))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- public API


def clean_pdf(src: Path, dst: Path, finder: Finder, lakken: Sequence[Lakvlak], *,
              bestand: str, on_page_text: Callable[[int, str], None] | None = None,
              ) -> PdfCleanResult:
    """Write an anonymised copy of `src` to `dst` and report what was done.

    `lakken` are manual regions (page numbers 1-based). Raises DocumentError when the
    file cannot be read or must be refused. Run `gate.verify_pdf` on `dst` before
    the file goes anywhere. `on_page_text(index, text)` (0-based) gets each page's text
    as the find step reads it, before redaction: hidden layers already removed, form
    fields and printable annotations already page text (the flagger reads these).
    """
    with _boundary(bestand):
        pdf = _open(src, bestand)
    with pdf:
        ctx = _Context(pdf, finder, bestand, {}, PdfCleanResult(paginas=len(pdf.pages)),
                       on_page_text=on_page_text)
        ctx.regions = _regions_by_page(lakken, len(pdf.pages), bestand)
        with _boundary(bestand):
            _prepass(ctx)
            _find_remove_verify(ctx)
            _sanitise_and_save(ctx, dst)
    return ctx.result


def _open(src: Path, bestand: str) -> pikepdf.Pdf:
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
    return all(not _stream_bytes(page.obj, page=True).strip() for page in pdf.pages)


def _regions_by_page(lakken: Sequence[Lakvlak], count: int,
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


# --------------------------------------------------------------------------- pre-pass


def _prepass(ctx: _Context) -> None:
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


def _drop_xfa(ctx: _Context) -> None:
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


def _flatten_annotations(ctx: _Context, off: set[tuple[int, int]]) -> None:
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


def _flatten_printable(ctx: _Context, had_fields: bool) -> None:
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


def _strip_marked_content(ctx: _Context, off: set[tuple[int, int]]) -> bool:
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


def _stream_bytes(holder: Dictionary | pikepdf.Stream, page: bool) -> bytes:
    if not page:
        return holder.read_bytes()  # type: ignore[union-attr]
    contents = holder.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    if isinstance(contents, Array):
        return b"\n".join(c.read_bytes() for c in contents if isinstance(c, pikepdf.Stream))
    return b""


def _strip_stream(pdf: pikepdf.Pdf, holder: Dictionary | pikepdf.Stream, resources: object,
                  off: set[tuple[int, int]], *, page: bool) -> bool:
    data = _stream_bytes(holder, page)
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


# --------------------------------------------------------------------------- find


def _find_page(ctx: _Context, page: pdfium.PdfPage, page_index: int) -> _PageFind:
    textpage = page.get_textpage()
    try:
        count = pdfium_c.FPDFText_CountChars(textpage)
        text = page_text(textpage, count)
        if ctx.on_page_text is not None:
            ctx.on_page_text(page_index, text)
        found = _PageFind(has_text=any(not c.isspace() for c in text),
                          crop=tuple(page.get_cropbox()), rotate=page.get_rotation())
        spans = find_hits(ctx.finder, text)
        if spans:
            found.categories = Counter(spans.values())
            _locate_hits(page, textpage, text, spans, found)
        return found
    finally:
        textpage.close()


def _locate_hits(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str,
                 spans: dict[tuple[int, int], str], found: _PageFind) -> None:
    """Map hit chars to text objects and boxes; note what must stay put.

    Only the chars of the text objects that hold a hit are asked for, so a page costs
    about the same whatever its length.
    """
    order = text_object_order(page)
    position = {addr: pos for pos, addr in enumerate(order)}
    found.object_count = len(order)
    hit_set = {i for start, end in spans for i in range(start, end)}
    found.hit_chars = hit_set
    chars = CharIndex(textpage)
    runs: dict[int, dict[int, int]] = {}  # object pos -> char index -> glyph number
    drawn = [i for i in sorted(hit_set) if not chars.generated(i)]
    for i in drawn:
        pos = position.get(chars.object(i), -1)
        if pos not in runs:
            run = chars.extent(i, chars.object(i))
            origins = chars.origins(run)
            runs[pos] = _glyph_numbers(run, origins)
            found.objects[pos] = _ObjectFind(
                [(text[k], x, y, k in hit_set) for k, (x, y) in zip(run, origins, strict=True)],
                size=len(set(runs[pos].values())))
        if i not in runs[pos]:
            pos = -1  # the object's chars are not in one run: do not guess
            found.objects.setdefault(pos, _ObjectFind([]))
        else:
            found.objects[pos].glyphs.add(runs[pos][i])
    found.boxes = _merge_boxes(chars.boxes(drawn))
    found.kept = _kept_text(text, hit_set)
    found.checks = _line_checks(chars, text, hit_set)


def _kept_text(text: str, hit_set: set[int]) -> str:
    """The page's non-space chars without the hit chars, in order."""
    chars = list(text)
    for i in hit_set:
        chars[i] = " "
    return "".join("".join(chars).split())


def _glyph_numbers(run: list[int], origins: list[tuple[float, float]]) -> dict[int, int]:
    """Char index -> glyph number, taking chars at one origin as one glyph.

    A ligature glyph ("fi") gives PDFium two chars at one origin; both belong to one
    char code in the content stream.
    """
    numbers: dict[int, int] = {}
    last_origin = None
    glyph = -1
    for k, origin in zip(run, origins, strict=True):
        if origin != last_origin:
            glyph += 1
        numbers[k] = glyph
        last_origin = origin
    return numbers


def _line_checks(chars: CharIndex, text: str,
                 hit_set: set[int]) -> list[tuple[int, float, float]]:
    """Origins of the kept glyphs on the lines that hold a hit, by kept-glyph number.

    Removing a glyph can only move glyphs drawn after it from the same current point,
    which PDFium puts on the same line; other lines are positioned independently.
    """
    lines: set[tuple[int, int]] = set()
    end = -1
    for i in sorted(hit_set):
        if i < end:
            continue  # on the line found for the hit char before it
        start = max(text.rfind("\n", 0, i), text.rfind("\r", 0, i)) + 1
        end = min((k for k in (text.find("\r", i), text.find("\n", i)) if k >= 0),
                  default=len(text))
        lines.add((start, end))
    # A kept glyph's number = non-space chars before it minus the hit chars among them.
    hits = sorted(i for i in hit_set if i < len(text) and not text[i].isspace())
    checks = []
    counted_to = counted = 0  # non-space chars in text[:counted_to]
    for start, end in sorted(lines):
        counted += _non_space_count(text, counted_to, start)
        kept = counted - bisect.bisect_left(hits, start)
        line = [i for i in (m.start() for m in _NON_SPACE.finditer(text, start, end))
                if i not in hit_set]
        checks += [(kept + n, x, y) for n, (x, y) in enumerate(chars.origins(line))]
        counted += _non_space_count(text, start, end)
        counted_to = end
    return checks


def _non_space_count(text: str, start: int, end: int) -> int:
    return len("".join(text[start:end].split()))


def _non_space_positions(text: str, numbers: list[int]) -> list[int]:
    """Where the non-space chars with these (ascending) numbers are in `text`."""
    positions = []
    words = _NON_SPACE_RUN.finditer(text)
    word_start = word_end = before = 0  # `before`: non-space chars ahead of the word
    for n in numbers:
        while n >= before + (word_end - word_start):
            before += word_end - word_start
            word = next(words, None)
            if word is None:
                return positions  # fewer chars than numbers: the caller compares lengths
            word_start, word_end = word.span()
        positions.append(word_start + n - before)
    return positions


def _merge_boxes(boxes: list[Rect]) -> list[Rect]:
    """Join the boxes of neighbouring chars on one line into one box, then pad."""
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in boxes:
        if merged:
            m = merged[-1]
            height = max(m[3] - m[1], y1 - y0, 0.1)
            same_line = abs((m[1] + m[3]) / 2 - (y0 + y1) / 2) < height / 2
            near = x0 - m[2] < height * 1.5 and m[0] - x1 < height * 1.5
            if same_line and near:
                m[:] = [min(m[0], x0), min(m[1], y0), max(m[2], x1), max(m[3], y1)]
                continue
        merged.append([x0, y0, x1, y1])
    return [(a - _BOX_PAD, b - _BOX_PAD, c + _BOX_PAD, d + _BOX_PAD) for a, b, c, d in merged]


# --------------------------------------------------------------------------- fonts


class _FontInfo:
    """How to split a font's strings into char codes and how wide each glyph is."""

    def __init__(self, split: str, widths: dict[int, float] | None, default: float,
                 single_byte: bool, to_unicode: _ToUnicode | None = None,
                 names: list[str | None] | None = None) -> None:
        self.split = split  # "byte", "two-byte" or "" (unsupported)
        self.widths = widths or {}
        self.default = default
        self.single_byte = single_byte  # word spacing applies to code 32
        self.to_unicode = to_unicode
        self.names = names  # glyph name per code (simple fonts), from the encoding
        self._forms: dict[int, tuple[str, ...] | None] = {}
        self._advances: dict[tuple[float, float, float], _Advances] = {}

    def unicode(self, code: int) -> str | None:
        """What PDFium reads for a char code: ToUnicode, else the encoding's glyph name.

        None when neither says; then the glyph cannot be matched to PDFium's text.
        """
        if self.to_unicode is not None:
            text = self.to_unicode.lookup(code)
            if text:
                return text
        if self.names is not None and 0 <= code < len(self.names):
            return _unicode_of_name(self.names[code])
        return None

    def forms(self, code: int) -> tuple[str, ...] | None:
        """`_glyph_forms` of what the code shows (None: unknown), asked once per code."""
        if code not in self._forms:
            shown = self.unicode(code)
            self._forms[code] = None if shown is None else _glyph_forms(shown)
        return self._forms[code]

    def advances(self, text_op: _TextOp) -> _Advances:
        """The advances in this font for the text state of `text_op`, shared by every
        operator with the same spacing and size."""
        key = (text_op.char_spacing, text_op.word_spacing, text_op.font_size)
        if key not in self._advances:
            self._advances[key] = _Advances(self, text_op)
        return self._advances[key]

    def codes(self, data: bytes) -> list[int] | None:
        if self.split == "byte":
            return list(data)
        if self.split == "two-byte" and len(data) % 2 == 0:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
        return None

    def encode(self, codes: list[int]) -> bytes:
        size = 1 if self.split == "byte" else 2
        return b"".join(c.to_bytes(size, "big") for c in codes)

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default)


_UNSUPPORTED = _FontInfo("", None, 0.0, False)

_STANDARD_ALIASES = {
    "Arial": "Helvetica", "ArialMT": "Helvetica", "Arial,Bold": "Helvetica-Bold",
    "Arial-BoldMT": "Helvetica-Bold", "Arial,Italic": "Helvetica-Oblique",
    "Arial-ItalicMT": "Helvetica-Oblique", "Arial,BoldItalic": "Helvetica-BoldOblique",
    "Arial-BoldItalicMT": "Helvetica-BoldOblique", "TimesNewRoman": "Times-Roman",
    "TimesNewRomanPSMT": "Times-Roman", "TimesNewRoman,Bold": "Times-Bold",
    "TimesNewRomanPS-BoldMT": "Times-Bold", "CourierNew": "Courier",
    "CourierNewPSMT": "Courier",
}


def _font_info(ctx: _Context, font: object) -> _FontInfo:
    if not isinstance(font, Dictionary):
        return _UNSUPPORTED
    key = font.objgen if font.is_indirect else id(font)
    if key not in ctx.fonts:
        try:
            ctx.fonts[key] = _load_font(font)
        except (ValueError, TypeError, KeyError, IndexError, pikepdf.PdfError):
            ctx.fonts[key] = _UNSUPPORTED
    return ctx.fonts[key]


def _load_font(font: Dictionary) -> _FontInfo:
    subtype = font.get("/Subtype")
    if subtype == Name.Type0:
        return _load_type0(font)
    if subtype in (Name.Type1, Name.TrueType, Name.MMType1):
        return _load_simple(font)
    return _UNSUPPORTED  # Type3 glyphs are drawings: the page falls back to an image


def _load_type0(font: Dictionary) -> _FontInfo:
    # Only Identity-H: code = CID, two bytes, horizontal. Other CMaps need the CMap
    # program; those pages fall back to an image.
    if font.get("/Encoding") != Name("/Identity-H"):
        return _UNSUPPORTED
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) == 0:
        return _UNSUPPORTED
    cid_font = descendants[0]
    default = _pdfium_width(cid_font.get("/DW", 1000))
    return _FontInfo("two-byte", _cid_widths(cid_font.get("/W")), default, False,
                     _ToUnicode.load(font))


def _cid_widths(w: object) -> dict[int, float]:
    widths: dict[int, float] = {}
    if not isinstance(w, Array):
        return widths
    items = list(w)
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            for k, value in enumerate(items[i + 1]):
                widths[first + k] = _pdfium_width(value)
            i += 2
        elif i + 2 < len(items):
            last, value = int(items[i + 1]), _pdfium_width(items[i + 2])
            if last - first > 65535:
                raise ValueError("CID range too large")
            for cid in range(first, last + 1):
                widths[cid] = value
            i += 3
        else:
            break
    return widths


def _pdfium_width(value: object) -> float:
    """A width as PDFium lays text out: it truncates fractional widths to integers.

    Following PDFium keeps the text after a removed glyph on exactly the same pixels
    in PDFium-based viewers (Chrome, Edge, our own preview); elsewhere the difference
    is below 1/1000 em per removed glyph.
    """
    return float(int(float(value)))  # type: ignore[arg-type]


def _load_simple(font: Dictionary) -> _FontInfo:
    from reportlab.pdfbase import _fontdata

    base = str(font.get("/BaseFont", "/"))[1:]
    names = _glyph_names(font, _STANDARD_ALIASES.get(base, base), _fontdata.encodings)
    to_unicode = _ToUnicode.load(font)
    widths = font.get("/Widths")
    if isinstance(widths, Array):
        first = int(font.get("/FirstChar", 0))
        table = {first + k: _pdfium_width(v) for k, v in enumerate(widths)}
        descriptor = font.get("/FontDescriptor")
        missing = 0.0
        if isinstance(descriptor, Dictionary):
            missing = _pdfium_width(descriptor.get("/MissingWidth", 0))
        return _FontInfo("byte", table, missing, True, to_unicode, names)
    table = _standard_widths(font)
    return _FontInfo("byte", table, 0.0, True, to_unicode, names) if table else _UNSUPPORTED


def _standard_widths(font: Dictionary) -> dict[int, float] | None:
    """Widths of a standard-14 font without /Widths, from the AFM data in reportlab."""
    from reportlab.pdfbase import _fontdata

    base = str(font.get("/BaseFont", "/"))[1:]
    base = _STANDARD_ALIASES.get(base, base)
    metrics = _fontdata.widthsByFontGlyph.get(base)
    if metrics is None:
        return None
    names = _glyph_names(font, base, _fontdata.encodings)
    return {code: float(metrics.get(name, 0)) for code, name in enumerate(names) if name}


def _glyph_names(font: Dictionary, base: str, encodings: dict) -> list[str | None]:
    builtin = {"Symbol": "SymbolEncoding", "ZapfDingbats": "ZapfDingbatsEncoding"}
    enc = font.get("/Encoding")
    base_enc = builtin.get(base, "StandardEncoding")
    diffs: list = []
    if isinstance(enc, Name):
        base_enc = str(enc)[1:]
    elif isinstance(enc, Dictionary):
        if isinstance(enc.get("/BaseEncoding"), Name):
            base_enc = str(enc.BaseEncoding)[1:]
        diffs = list(enc.get("/Differences", Array()))
    names: list[str | None] = list(encodings.get(base_enc, encodings["StandardEncoding"]))
    code = 0
    for item in diffs:
        if isinstance(item, int):
            code = item
        elif isinstance(item, Name) and 0 <= code < 256:
            names[code] = str(item)[1:]
            code += 1
    return names


def _unicode_of_name(name: str | None) -> str | None:
    """A glyph name's text by the Adobe Glyph List rules (uniXXXX, uXXXX, AGL names)."""
    from reportlab.pdfbase._glyphlist import _glyphname2unicode

    if not name or name == ".notdef":
        return None
    if name in _glyphname2unicode:
        return chr(_glyphname2unicode[name])
    hex_part = name[3:] if name.startswith("uni") else name[1:] if name.startswith("u") else ""
    if 4 <= len(hex_part) <= 6 and all(c in "0123456789ABCDEF" for c in hex_part):
        value = int(hex_part, 16)
        if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
            return chr(value)
    return None


_CMAP_SECTION = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])")
_CMAP_MAX_BYTES = 4_000_000
_CMAP_MAX_RANGE = 65536


class _ToUnicode:
    """A ToUnicode CMap: its bfchar and bfrange entries, as PDFium reads them."""

    def __init__(self) -> None:
        self.chars: dict[int, str] = {}
        self.ranges: list[tuple[int, int, str | list[str | None]]] = []

    @classmethod
    def load(cls, font: Dictionary) -> _ToUnicode | None:
        stream = font.get("/ToUnicode")
        if not isinstance(stream, pikepdf.Stream):
            return None
        data = stream.read_bytes()
        if len(data) > _CMAP_MAX_BYTES:
            return None
        cmap = cls()
        for section in _CMAP_SECTION.finditer(data):
            tokens = _cmap_tokens(section.group(2))
            if section.group(1) == b"char":
                for src, dst in zip(tokens[0::2], tokens[1::2], strict=False):
                    text = _utf16(dst)
                    if isinstance(src, bytes) and src and text:
                        cmap.chars.setdefault(int.from_bytes(src, "big"), text)
            else:
                cmap._add_ranges(tokens)
        return cmap

    def _add_ranges(self, tokens: list[bytes | list[bytes]]) -> None:
        for i in range(0, len(tokens) - 2, 3):
            lo, hi, dst = tokens[i:i + 3]
            if not (isinstance(lo, bytes) and isinstance(hi, bytes) and lo and hi):
                return  # out of step: ignore the rest of the section
            first, last = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
            if not 0 <= last - first < _CMAP_MAX_RANGE:
                continue
            target = [_utf16(d) for d in dst] if isinstance(dst, list) else _utf16(dst)
            if target:
                self.ranges.append((first, last, target))

    def lookup(self, code: int) -> str | None:
        if code in self.chars:
            return self.chars[code]
        for first, last, target in self.ranges:
            if first <= code <= last:
                if isinstance(target, list):
                    return target[code - first] if code - first < len(target) else None
                value = ord(target[-1]) + code - first
                return target[:-1] + chr(value) if value <= 0x10FFFF else None
        return None


def _cmap_tokens(body: bytes) -> list[bytes | list[bytes]]:
    """The hex strings of a bfchar or bfrange section; arrays as lists."""
    tokens: list[bytes | list[bytes]] = []
    array: list[bytes] | None = None
    for match in _CMAP_TOKEN.finditer(body):
        if match.group(2):
            array = []
        elif match.group(3):
            if array is not None:
                tokens.append(array)
            array = None
        else:
            raw = bytes.fromhex(re.sub(rb"\s", b"", match.group(1)).decode("ascii"))
            (array if array is not None else tokens).append(raw)
    return tokens


def _utf16(raw: object) -> str | None:
    if not isinstance(raw, bytes) or not raw or len(raw) % 2:
        return None
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------- content tree


@dataclass
class _TextOp:
    chain: tuple[int, ...]  # Do-operator indices from the page down to this stream
    index: int  # operator index within that stream
    font: object
    char_spacing: float
    word_spacing: float
    font_size: float


@dataclass
class _Stream:
    ops: list
    resources: Dictionary | None
    xobject: pikepdf.Stream | None  # None for the page itself
    replacements: dict[int, list] = field(default_factory=dict)


@dataclass
class _TextState:
    font: object = None
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    font_size: float = 0.0


class _ContentTree:
    """A page's content and the forms it draws, parsed once, in PDFium's object order."""

    def __init__(self, page: Dictionary) -> None:
        self.streams: dict[tuple[int, ...], _Stream] = {}
        self.text_ops: list[_TextOp] = []
        self.min_depth = 0  # q/Q balance of the page: how far it pops below its start
        self.end_depth = 0
        resources = page.get("/Resources")
        ops = pikepdf.parse_content_stream(page)
        self.streams[()] = _Stream(ops, resources if isinstance(resources, Dictionary) else None,
                                   None)
        self._walk((), _TextState(), frozenset(), top=True)

    def _walk(self, chain: tuple[int, ...], state: _TextState,
              seen: frozenset[tuple[int, int]], *, top: bool = False) -> None:
        stream = self.streams[chain]
        stack: list[_TextState] = []
        depth = 0
        for index, inst in enumerate(stream.ops):
            op = str(inst.operator)
            if op == "q":
                stack.append(_TextState(**vars(state)))
                depth += 1
            elif op == "Q":
                if stack:
                    state = stack.pop()
                depth -= 1
                if top:
                    self.min_depth = min(self.min_depth, depth)
            elif op in _TEXT_SHOW:
                self._text_op(chain, index, inst, op, state)
            else:
                self._state_op(stream, chain, (index, inst, op), state, seen)
        if top:
            self.end_depth = depth

    def _text_op(self, chain: tuple[int, ...], index: int, inst: object, op: str,
                 state: _TextState) -> None:
        operands = inst.operands  # type: ignore[attr-defined]
        if op == '"' and len(operands) == 3:
            state.word_spacing, state.char_spacing = _number(operands[0]), _number(operands[1])
        if state.font is None or not _shows_something(operands, op):
            return  # PDFium makes no text object for these either
        self.text_ops.append(_TextOp(chain, index, state.font, state.char_spacing,
                                     state.word_spacing, state.font_size))

    def _state_op(self, stream: _Stream, chain: tuple[int, ...], where: tuple[int, object, str],
                  state: _TextState, seen: frozenset[tuple[int, int]]) -> None:
        index, inst, op = where
        operands = inst.operands  # type: ignore[attr-defined]
        if op == "Tf" and len(operands) == 2:
            state.font = _lookup(stream.resources, "/Font", operands[0]) or "missing"
            state.font_size = _number(operands[1])
        elif op == "Tc" and operands:
            state.char_spacing = _number(operands[0])
        elif op == "Tw" and operands:
            state.word_spacing = _number(operands[0])
        elif op == "Do" and operands:
            self._form(stream, (*chain, index), operands[0], state, seen)

    def _form(self, parent: _Stream, child: tuple[int, ...], name: object,
              state: _TextState, seen: frozenset[tuple[int, int]]) -> None:
        xobj = _lookup(parent.resources, "/XObject", name)
        if not isinstance(xobj, pikepdf.Stream) or xobj.get("/Subtype") != Name.Form:
            return
        if len(child) > MAX_FORM_DEPTH or xobj.objgen in seen:
            return
        resources = xobj.get("/Resources")
        if not isinstance(resources, Dictionary):
            resources = parent.resources  # PDFium falls back to the page's resources
        self.streams[child] = _Stream(pikepdf.parse_content_stream(xobj), resources, xobj)
        self._walk(child, _TextState(**vars(state)), seen | {xobj.objgen})


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _lookup(resources: Dictionary | None, category: str, name: object) -> object:
    if not isinstance(resources, Dictionary) or not isinstance(name, Name):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, Dictionary) else None


def _shows_something(operands: list, op: str) -> bool:
    if op == "TJ":
        return bool(operands) and isinstance(operands[0], Array) and any(
            isinstance(x, pikepdf.String) for x in operands[0])
    text = operands[-1] if operands else None
    return isinstance(text, pikepdf.String) and len(bytes(text)) > 0


# --------------------------------------------------------------------------- remove


class _Unsupported(Exception):
    """This page cannot be edited safely; it becomes an image instead."""


def _edit_page(ctx: _Context, index: int, found: _PageFind) -> None:
    page = ctx.pdf.pages[index].obj
    try:
        tree = _ContentTree(page)
    except pikepdf.PdfError as exc:
        raise _Unsupported from exc
    if len(tree.text_ops) != found.object_count or -1 in found.objects:
        raise _Unsupported
    for pos, target in found.objects.items():
        text_op = tree.text_ops[pos]
        stream = tree.streams[text_op.chain]
        inst = stream.ops[text_op.index]
        font = _font_info(ctx, text_op.font)
        stream.replacements[text_op.index] = _rewrite_text_op(inst, text_op, font, target)
    _materialise(ctx.pdf, page, tree, found.boxes)


def _rewrite_text_op(inst: object, text_op: _TextOp, font: _FontInfo,
                     target: _ObjectFind) -> list:
    """Replace one text-showing operator by a TJ without the hit glyphs.

    Each removed glyph becomes a displacement of exactly its advance, so every glyph
    after it stays where it was.
    """
    op = str(inst.operator)  # type: ignore[attr-defined]
    operands = list(inst.operands)  # type: ignore[attr-defined]
    if font.split == "" or text_op.font_size == 0:
        raise _Unsupported
    elements: list[list[int] | float] = []
    for element in list(operands[0]) if op == "TJ" else [operands[-1]]:
        if isinstance(element, pikepdf.String):
            codes = font.codes(bytes(element))
            if codes is None:
                raise _Unsupported
            elements.append(codes)
        else:
            elements.append(_number(element))
    advances = font.advances(text_op)
    remove = _hit_glyphs(elements, font, advances, target)
    new_elements: list = []
    glyph = 0
    for element in elements:
        if isinstance(element, float):
            _append_number(new_elements, element)
            continue
        kept: list[int] = []
        for code in element:
            if glyph in remove:
                _flush(new_elements, kept, font)
                _append_number(new_elements, -advances[code])
            else:
                kept.append(code)
            glyph += 1
        _flush(new_elements, kept, font)
    show = ContentStreamInstruction([Array(new_elements)], Operator("TJ"))
    return [*_prefix_ops(op, operands), show]


def _hit_glyphs(elements: list[list[int] | float], font: _FontInfo, advances: _Advances,
                target: _ObjectFind) -> set[int]:
    """The numbers of the glyphs in the operator that draw a hit char.

    PDFium does not give one char per glyph: it drops spaces that follow a space, adds
    spaces of its own for wide gaps and line ends, and gives a ligature glyph several
    chars. So the glyphs are matched to PDFium's chars on what they show: every glyph
    that is not a space must decode (ToUnicode or encoding) to exactly the next
    non-space chars PDFium has for the object, and every char must sit at the origin
    that the glyph's advances put it. Only when that cannot be shown, and PDFium
    counted exactly as many glyphs as the operator has, is its count taken as is.
    """
    aligned = _align_glyphs(elements, font, advances, target.chars)
    if aligned is not None:
        return {glyph for glyph, hit in aligned if hit}
    if sum(len(e) for e in elements if isinstance(e, list)) != target.size:
        raise _Unsupported  # PDFium counted other glyphs than we did: do not guess
    return target.glyphs


def _align_glyphs(elements: list[list[int] | float], font: _FontInfo, advances: _Advances,
                  chars: list[tuple[str, float, float, bool]]) -> list[tuple[int, bool]] | None:
    """(glyph number, shows a hit char) for every non-space glyph, or None if unproven."""
    wanted = [(c, x, y, hit) for c, x, y, hit in chars if not c.isspace()]
    wanted_text = "".join(c for c, _, _, _ in wanted)
    aligned: list[tuple[int, bool]] = []
    points: list[tuple[float, float, float]] = []  # glyph offset, PDFium origin
    k = 0
    for glyph, offset, code in _glyph_offsets(elements, advances):
        forms = font.forms(code)
        if forms is None:
            return None
        if forms[0] and wanted_text.startswith(forms[0], k) and len(forms[0]) == 1:
            _, x, y, hit = wanted[k]  # the usual case, one glyph one char: no lists
            k += 1
            aligned.append((glyph, hit))
            points.append((offset, x, y))
            continue
        size = _matching_chars(forms, wanted_text, k)
        if size is None:
            return None
        if size == 0:
            continue  # a space: PDFium may have kept, dropped or added one
        members = wanted[k:k + size]
        k += size
        aligned.append((glyph, any(hit for _, _, _, hit in members)))
        points.extend((offset, x, y) for _, x, y, _ in members)
    if k != len(wanted) or not _on_one_line(points):
        return None
    return aligned


def _glyph_offsets(elements: list[list[int] | float],
                   advances: _Advances) -> Iterator[tuple[int, float, int]]:
    """(glyph number, start along the baseline in TJ units, code) for every glyph."""
    glyph = 0
    offset = 0.0
    for element in elements:
        if isinstance(element, float):
            offset -= element
            continue
        for code in element:
            yield glyph, offset, code
            offset += advances[code]
            glyph += 1


def _matching_chars(forms: tuple[str, ...], wanted: str, k: int) -> int | None:
    """How many of PDFium's non-space chars (`wanted`) from `k` on show a glyph with
    these `_glyph_forms`; None if none.

    PDFium splits a ligature glyph (U+FB01) into its letters ("fi") and shows a hyphen
    at the end of a line as one of its line-end marks.
    """
    for form in forms:
        if not form:
            return 0
        if wanted.startswith(form, k):
            return len(form)
        if form in _HYPHEN_FORMS and wanted[k:k + 1] and wanted[k] in LINE_END_MARKS:
            return 1
    return None


@functools.lru_cache(maxsize=4096)
def _glyph_forms(shown: str) -> tuple[str, ...]:
    """What a glyph's text may look like in PDFium's chars: as decoded and NFKC-normalised
    (a ligature as its letters), without spaces; each form once, in that order."""
    return tuple(dict.fromkeys("".join(c for c in form if not c.isspace())
                               for form in (shown, unicodedata.normalize("NFKC", shown))))


def _on_one_line(points: list[tuple[float, float, float]]) -> bool:
    """Whether PDFium's origins are the glyph offsets laid out along one straight line.

    The direction and scale (font size, horizontal scaling, text and current matrix)
    follow from the first and last glyph; every other char must then lie within a few
    hundredths of an em of where its glyph's advances put it.
    """
    if not points:
        return True
    first = min(points)
    last = max(points)
    span = last[0] - first[0]
    if span <= 1e-6:
        return all(_near(p[1:], first[1:]) for p in points)
    vx, vy = (last[1] - first[1]) / span, (last[2] - first[2]) / span
    tolerance = 0.01 + 20.0 * (vx * vx + vy * vy) ** 0.5  # 0.02 em
    return all(abs(first[1] + vx * (d - first[0]) - x) <= tolerance
               and abs(first[2] + vy * (d - first[0]) - y) <= tolerance for d, x, y in points)


def _advance(code: int, font: _FontInfo, text_op: _TextOp) -> float:
    """A glyph's advance as a TJ number (thousandths of text space, before Tfs)."""
    spacing = text_op.char_spacing
    if font.single_byte and code == 32:
        spacing += text_op.word_spacing
    return round(font.width(code) + spacing * 1000.0 / text_op.font_size, 4)


class _Advances(dict[int, float]):
    """`_advance` by char code for one font and text state, each computed once."""

    def __init__(self, font: _FontInfo, text_op: _TextOp) -> None:
        super().__init__()
        self.font, self.text_op = font, text_op

    def __missing__(self, code: int) -> float:
        value = self[code] = _advance(code, self.font, self.text_op)
        return value


def _flush(elements: list, kept: list[int], font: _FontInfo) -> None:
    if kept:
        elements.append(pikepdf.String(font.encode(kept)))
        kept.clear()


def _append_number(elements: list, value: float) -> None:
    # TJ numbers are subtracted from the position: a glyph of width w becomes -w.
    if elements and isinstance(elements[-1], float):
        elements[-1] = round(elements[-1] + value, 4)
    else:
        elements.append(float(value))


def _prefix_ops(op: str, operands: list) -> list:
    if op == "'":
        return [ContentStreamInstruction([], Operator("T*"))]
    if op == '"':
        return [ContentStreamInstruction([operands[0]], Operator("Tw")),
                ContentStreamInstruction([operands[1]], Operator("Tc")),
                ContentStreamInstruction([], Operator("T*"))]
    return []


def _materialise(pdf: pikepdf.Pdf, page: Dictionary, tree: _ContentTree,
                 boxes: list[Rect]) -> None:
    """Write edited streams back: forms as private copies, the page with its boxes."""
    edited = _edited_chains(tree)
    for chain in sorted(edited, key=len, reverse=True):
        if chain == ():
            continue
        stream = tree.streams[chain]
        copy = _copy_form(pdf, stream, _apply(stream))
        parent = tree.streams[chain[:-1]]
        name = _private_xobject(parent, copy, page if len(chain) == 1 else None)
        parent.replacements[chain[-1]] = [ContentStreamInstruction([name], Operator("Do"))]
    page_ops = _apply(tree.streams[()])
    lead = 1 - tree.min_depth
    close = lead + tree.end_depth
    q = ContentStreamInstruction([], Operator("q"))
    big_q = ContentStreamInstruction([], Operator("Q"))
    content = [q] * lead + page_ops + [big_q] * max(close, 0) + _box_ops(boxes)
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(content))


def _edited_chains(tree: _ContentTree) -> set[tuple[int, ...]]:
    edited: set[tuple[int, ...]] = set()
    for chain, stream in tree.streams.items():
        if stream.replacements:
            edited.update(chain[:k] for k in range(len(chain) + 1))
    return edited


def _apply(stream: _Stream) -> list:
    out: list = []
    for index, inst in enumerate(stream.ops):
        out.extend(stream.replacements.get(index, [inst]))
    return out


def _copy_form(pdf: pikepdf.Pdf, stream: _Stream, ops: list) -> pikepdf.Stream:
    assert stream.xobject is not None
    copy = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(ops))
    for key, value in stream.xobject.stream_dict.items():
        if key not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
            copy[key] = value
    if stream.resources is not None:
        copy.Resources = _shallow_copy(stream.resources)
        stream.resources = copy.Resources
    return pdf.make_indirect(copy)


def _shallow_copy(d: Dictionary) -> Dictionary:
    return Dictionary({key: value for key, value in d.items()})


def _private_xobject(parent: _Stream, form: pikepdf.Stream, page: Dictionary | None) -> Name:
    """Register `form` under a fresh name in resources that only this use sees."""
    if parent.resources is None:
        parent.resources = Dictionary()
    if page is not None and not getattr(parent, "private", False):
        parent.resources = _shallow_copy(parent.resources)
        page.Resources = parent.resources
        parent.private = True  # type: ignore[attr-defined]
    resources = parent.resources
    group = resources.get("/XObject")
    group = _shallow_copy(group) if isinstance(group, Dictionary) else Dictionary()
    resources.XObject = group
    n = 1
    while Name(f"/TdForm{n}") in group:
        n += 1
    name = Name(f"/TdForm{n}")
    group[name] = form
    return name


def _box_ops(boxes: list[Rect]) -> list:
    if not boxes:
        return []
    ops = [ContentStreamInstruction([], Operator("q")),
           ContentStreamInstruction([0], Operator("g"))]
    for x0, y0, x1, y1 in boxes:
        ops.append(ContentStreamInstruction(
            [round(x0, 3), round(y0, 3), round(x1 - x0, 3), round(y1 - y0, 3)], Operator("re")))
    ops += [ContentStreamInstruction([], Operator("f")),
            ContentStreamInstruction([], Operator("Q"))]
    return ops


# --------------------------------------------------------------------------- orchestration


def _find_remove_verify(ctx: _Context) -> None:
    before = _snapshot(ctx.pdf)
    doc = pdfium.PdfDocument(before)
    try:
        _find_all(ctx, doc)
        _remove_all(ctx)
        _verify_all(ctx, doc)
        _rasterise_all(ctx, doc)
    finally:
        doc.close()
    _report(ctx)


def _snapshot(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return buffer.getvalue()


def _find_all(ctx: _Context, doc: pdfium.PdfDocument) -> None:
    for index in range(len(doc)):
        page = doc[index]
        try:
            found = _find_page(ctx, page, index)
        finally:
            page.close()
        ctx.finds[index] = found
        if index in ctx.regions:
            ctx.raster_reason.setdefault(index, REASON_MANUAL)


def _remove_all(ctx: _Context) -> None:
    for index, found in ctx.finds.items():
        if not found.objects or index in ctx.raster_reason:
            continue
        try:
            _edit_page(ctx, index, found)
            ctx.edited.add(index)
        except (_Unsupported, pikepdf.PdfError):
            ctx.raster_reason[index] = REASON_UNSUPPORTED


def _verify_all(ctx: _Context, before: pdfium.PdfDocument) -> None:
    """Re-extract every edited page: no hit may remain and nothing else may move."""
    if not ctx.edited:
        return
    doc = pdfium.PdfDocument(_snapshot(ctx.pdf))
    try:
        for index in sorted(ctx.edited):
            if not _page_is_clean(ctx, doc, before, index):
                ctx.raster_reason[index] = REASON_VERIFY
    finally:
        doc.close()


def _page_is_clean(ctx: _Context, doc: pdfium.PdfDocument, before: pdfium.PdfDocument,
                   index: int) -> bool:
    found = ctx.finds[index]
    page = doc[index]
    textpage = page.get_textpage()
    try:
        chars = CharIndex(textpage)
        text = page_text(textpage, chars.count)
        if find_hits(ctx.finder, text):
            return False
        if "".join(text.split()) == found.kept:
            where = _non_space_positions(text, [k for k, _, _ in found.checks])
            tol = _POSITION_TOLERANCE
            return len(where) == len(found.checks) and all(
                abs(a - x) <= tol and abs(b - y) <= tol
                for (a, b), (_, x, y) in zip(chars.origins(where), found.checks, strict=True))
        kept = [m.start() for m in _NON_SPACE.finditer(text)]
        after = [(text[i], x, y) for i, (x, y) in zip(kept, chars.origins(kept), strict=True)]
    finally:
        textpage.close()
        page.close()
    # PDFium ordered the text differently: compare every kept glyph by position.
    return _same_glyphs(_kept_glyphs(before, index, found.hit_chars), after)


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= _POSITION_TOLERANCE and abs(a[1] - b[1]) <= _POSITION_TOLERANCE


def _kept_glyphs(doc: pdfium.PdfDocument, index: int,
                 hit_chars: set[int]) -> list[tuple[str, float, float]]:
    page = doc[index]
    textpage = page.get_textpage()
    try:
        chars = CharIndex(textpage)
        text = page_text(textpage, chars.count)
        kept = [i for i, c in enumerate(text) if not c.isspace() and i not in hit_chars]
        return [(text[i], x, y) for i, (x, y) in zip(kept, chars.origins(kept), strict=True)]
    finally:
        textpage.close()
        page.close()


def _same_glyphs(before: list[tuple[str, float, float]],
                 after: list[tuple[str, float, float]]) -> bool:
    """Every kept glyph is still there, at the same origin (within a rounding error)."""
    if len(before) != len(after):
        return False
    buckets: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    for c, x, y in before:
        buckets.setdefault((c, round(x), round(y)), []).append((x, y))
    return all(_take_match(buckets, c, x, y) for c, x, y in after)


def _take_match(buckets: dict[tuple[str, int, int], list[tuple[float, float]]],
                c: str, x: float, y: float) -> bool:
    for dx in (0, -1, 1):
        for dy in (0, -1, 1):
            candidates = buckets.get((c, round(x) + dx, round(y) + dy)) or []
            for k, point in enumerate(candidates):
                if _near(point, (x, y)):
                    del candidates[k]
                    return True
    return False


def _rasterise_all(ctx: _Context, doc: pdfium.PdfDocument) -> None:
    for index, reason in sorted(ctx.raster_reason.items()):
        page = doc[index]
        try:
            found = ctx.finds.get(index, _PageFind())
            regions = [(r.x, r.y, r.breedte, r.hoogte) for r in ctx.regions.get(index, [])]
            image = raster.render_page(page, found.boxes, regions, scan=not found.has_text,
                                       bestand=ctx.bestand, pagina=index + 1)
        finally:
            page.close()
        raster.replace_page_content(ctx.pdf, ctx.pdf.pages[index], image)
        ctx.result.gerasterd[index + 1] = reason


def _report(ctx: _Context) -> None:
    result = ctx.result
    for index, found in sorted(ctx.finds.items()):
        if found.categories:
            result.treffers[index + 1] = dict(found.categories)
        if found.boxes or index in ctx.regions:
            result.vlakken[index + 1] = _shown_boxes(ctx, index, found)
        if not found.has_text and index not in ctx.regions:
            result.niet_gecontroleerd.append(index + 1)
            ctx.melding("GEEN_TEKSTLAAG", "Geen tekstlaag: deze pagina kon niet automatisch "
                        "worden doorzocht. Controleer haar zelf en teken zo nodig lakvlakken.",
                        pagina=index + 1)
    for page, reason in sorted(result.gerasterd.items()):
        ctx.melding("PAGINA_ALS_AFBEELDING", f"Pagina als afbeelding opgenomen ({reason}); "
                    "de tekst op deze pagina is niet meer selecteerbaar.", "info", pagina=page)


def _shown_boxes(ctx: _Context, index: int, found: _PageFind) -> list[Lakvlak]:
    boxes = list(ctx.regions.get(index, []))
    return boxes + [_to_shown(b, found.crop, found.rotate, index) for b in found.boxes]


def _to_shown(rect: Rect, crop: tuple[float, ...], rotate: int, index: int) -> Lakvlak:
    """User-space rectangle -> top-left-origin rectangle of the page as shown."""
    cx0, cx1 = sorted((crop[0], crop[2]))
    cy0, cy1 = sorted((crop[1], crop[3]))
    width, height = cx1 - cx0, cy1 - cy0
    points = []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[3])):
        u, v = x - cx0, cy1 - y
        points.append({90: (height - v, u), 180: (width - u, height - v),
                       270: (v, width - u)}.get(rotate, (u, v)))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Lakvlak(index + 1, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _sanitise_and_save(ctx: _Context, dst: Path) -> None:
    pdf = ctx.pdf
    for m in sanitise.sanitise_pdf(pdf, bestand=ctx.bestand):
        ctx.melding(m.code, m.tekst, m.niveau)
    try:
        pdf.remove_unreferenced_resources()
    except pikepdf.PdfError:
        log.warning("ongebruikte bronnen konden niet worden opgeruimd")
    tmp = dst.with_name(dst.name + ".tmp")
    pdf.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             stream_decode_level=pikepdf.StreamDecodeLevel.generalized, deterministic_id=True,
             linearize=False, fix_metadata_version=False)
    os.replace(tmp, dst)
