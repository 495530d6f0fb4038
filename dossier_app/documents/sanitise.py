"""Remove every hidden channel from a PDF (ANONYMISATION.md, "Hidden channels to clear").

Works in place on an open pikepdf.Pdf. What the reader sees on the page is left alone;
everything else that can carry a name is removed: document information, XMP, comments,
form fields, attachments, JavaScript and actions, layers, the structure tree, bookmarks,
page labels, thumbnails, private application data and EXIF inside JPEG images.

The caller saves with a full rewrite so that objects no longer referenced (old
revisions, the removed attachments) do not reach the output file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from dossier_app.meldingen import Melding

PRODUCER = "Tafeldossier"

# Catalog entries that only carry navigation, metadata, scripts or hidden content.
_CATALOG_DROP = (
    "/Names", "/Dests", "/OpenAction", "/AA", "/Outlines", "/PageLabels",
    "/StructTreeRoot", "/MarkInfo", "/Metadata", "/PieceInfo", "/OCProperties",
    "/AcroForm", "/Perms", "/Threads", "/SpiderInfo", "/URI", "/Collection", "/Legal",
    "/Requirements", "/AF", "/NeedsRendering",
)
_PAGE_DROP = (
    "/Annots", "/B", "/Thumb", "/ID", "/PZ", "/SeparationInfo", "/Tabs",
    "/TemplateInstantiated", "/StructParents",
)
# Entries removed from every dictionary in the file, wherever they occur.
_ANYWHERE_DROP = (
    "/Metadata", "/PieceInfo", "/AA", "/AF", "/OC", "/StructParent", "/StructParents",
    "/Thumb", "/LastModified", "/OPI", "/Ref", "/ActualText", "/Alt", "/Properties",
    "/JS", "/EF",
)
_SCRIPT_ACTIONS = {"/JavaScript"}
_OUTSIDE_ACTIONS = {"/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                    "/Rendition", "/Movie", "/Sound"}
_MAX_DEPTH = 64  # direct objects nest shallowly in real files; deeper is hostile


_TEKST = {
    "JAVASCRIPT_VERWIJDERD": ("JavaScript verwijderd.", "waarschuwing"),
    "ACTIES_VERWIJDERD": ("Koppelingen en acties (web, e-mail, programma's) verwijderd.",
                          "info"),
    "BIJLAGE_NIET_OPGENOMEN": ("Bijlage niet opgenomen: bijgevoegde bestanden in de PDF "
                               "zijn verwijderd. Voeg ze zo nodig als apart document toe.",
                               "waarschuwing"),
    "OPMERKINGEN_VERWIJDERD": ("Opmerkingen verwijderd.", "waarschuwing"),
    "FORMULIERVELDEN_VERWIJDERD": ("Formuliervelden verwijderd.", "waarschuwing"),
    "HANDTEKENING_ONGELDIG": ("Handtekening wordt ongeldig: de digitale handtekening "
                              "past niet meer bij het geanonimiseerde bestand.",
                              "waarschuwing"),
    "BLADWIJZERS_VERWIJDERD": ("Bladwijzers verwijderd.", "info"),
    "METADATA_VERWIJDERD": ("Verborgen gegevens (auteur, titel, XMP, structuur, "
                            "paginalabels, miniaturen) verwijderd.", "info"),
    "VERBORGEN_LAAG_VERWIJDERD": ("Verborgen laag verwijderd.", "waarschuwing"),
}


def melding(code: str, *, bestand: str | None = None, pagina: int | None = None) -> Melding:
    """A sanitising melding by code, in the shared Dutch wording."""
    tekst, niveau = _TEKST[code]
    return Melding(code, tekst, niveau, bestand=bestand, pagina=pagina)  # type: ignore[arg-type]


def sanitise_pdf(pdf: pikepdf.Pdf, *, bestand: str | None = None) -> list[Melding]:
    """Remove all hidden channels from `pdf` in place; return what was removed."""
    found: set[str] = set()
    found |= _scrub_catalog(pdf)
    found |= _scrub_pages(pdf)
    found |= _scrub_all_objects(pdf)
    found |= _strip_jpeg_metadata(pdf)
    _reset_info(pdf)
    _reset_trailer(pdf)
    order = list(_TEKST)
    return [melding(code, bestand=bestand) for code in sorted(found, key=order.index)]


_TRAILER_KEYS = frozenset({"/Root", "/Size", "/Info", "/ID", "/Prev", "/Encrypt", "/XRefStm"})


def _reset_trailer(pdf: pikepdf.Pdf) -> None:
    """Producers put their own keys in the trailer (LibreOffice: /DocChecksum); none belong."""
    for key in list(pdf.trailer.keys()):
        if key not in _TRAILER_KEYS:
            del pdf.trailer[key]


def _scrub_catalog(pdf: pikepdf.Pdf) -> set[str]:
    root = pdf.Root
    found = _inventory_catalog(root)
    for key in _CATALOG_DROP:
        if key in root:
            del root[key]
    if root.get("/PageMode") in (Name.UseOutlines, Name.UseAttachments, Name.UseOC):
        root.PageMode = Name.UseNone
    return found


def _inventory_catalog(root: pikepdf.Object) -> set[str]:
    found: set[str] = set()
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        if "/EmbeddedFiles" in names:
            found.add("BIJLAGE_NIET_OPGENOMEN")
        if "/JavaScript" in names:
            found.add("JAVASCRIPT_VERWIJDERD")
    if "/Outlines" in root:
        found.add("BLADWIJZERS_VERWIJDERD")
    if "/Perms" in root:
        found.add("HANDTEKENING_ONGELDIG")
    if "/OCProperties" in root:
        found.add("VERBORGEN_LAAG_VERWIJDERD")
    if any(k in root for k in ("/Metadata", "/StructTreeRoot", "/PageLabels", "/PieceInfo")):
        found.add("METADATA_VERWIJDERD")
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary):
        found |= inventory_form(form)
    return found


def inventory_form(form: Dictionary) -> set[str]:
    """Meldingen for an AcroForm that is about to disappear (fields, signatures)."""
    found: set[str] = set()
    fields = form.get("/Fields")
    if isinstance(fields, Array) and len(fields) > 0:
        found.add("FORMULIERVELDEN_VERWIJDERD")
    sig_flags = form.get("/SigFlags")
    if isinstance(sig_flags, int) and sig_flags & 1:
        found.add("HANDTEKENING_ONGELDIG")
    return found


def _scrub_pages(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for page in pdf.pages:
        obj = page.obj
        annots = obj.get("/Annots")
        if isinstance(annots, Array):
            found |= inventory_annotations(annots)
        for key in _PAGE_DROP:
            if key in obj:
                del obj[key]
    return found


def inventory_annotations(annots: Array) -> set[str]:
    """Meldingen for the annotations of one page that are about to be removed."""
    found: set[str] = set()
    for annot in annots:
        if not isinstance(annot, Dictionary):
            continue
        subtype = annot.get("/Subtype")
        if subtype == Name.Link:
            found.add("ACTIES_VERWIJDERD")
        elif subtype == Name.FileAttachment:
            found.add("BIJLAGE_NIET_OPGENOMEN")
        elif subtype == Name.Widget:
            found.add("FORMULIERVELDEN_VERWIJDERD")
            if annot.get("/FT") == Name.Sig:
                found.add("HANDTEKENING_ONGELDIG")
        elif subtype != Name.Popup:
            found.add("OPMERKINGEN_VERWIJDERD")
    return found


def iter_dicts(pdf: pikepdf.Pdf) -> Iterator[Dictionary | pikepdf.Stream]:
    """Every dictionary in the file: indirect objects and the direct ones inside them.

    Walks `pdf.objects` rather than following references, so reference loops (an
    outline chain that points back at itself) cannot make it run forever.
    """
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            yield obj
            yield from _direct_dicts(obj.stream_dict, 0)
        elif isinstance(obj, Dictionary | Array):
            yield from _direct_dicts(obj, 0)


def _direct_dicts(obj: Dictionary | Array, depth: int) -> Iterator[Dictionary]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(obj, Dictionary):
        yield obj
        children = list(obj.values())
    else:
        children = list(obj)
    for child in children:
        if isinstance(child, Dictionary | Array) and not child.is_indirect:
            yield from _direct_dicts(child, depth + 1)


def _scrub_all_objects(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for d in iter_dicts(pdf):
        found |= _scrub_dict(d)
    return found


def _scrub_dict(d: Dictionary | pikepdf.Stream) -> set[str]:
    found = classify_action(d)
    if d.get("/Type") == Name.Filespec and "/EF" in d:
        found.add("BIJLAGE_NIET_OPGENOMEN")
    if d.get("/Type") == Name.EmbeddedFile:
        found.add("BIJLAGE_NIET_OPGENOMEN")
    if "/Metadata" in d or "/PieceInfo" in d:
        found.add("METADATA_VERWIJDERD")
    for key in _ANYWHERE_DROP:
        if key in d:
            del d[key]
    action = d.get("/A")
    if isinstance(action, Dictionary) and "/S" in action:
        del d["/A"]
    return found


def classify_action(d: Dictionary | pikepdf.Stream) -> set[str]:
    """Meldingen for a dictionary that is, or triggers, a script or an outside action."""
    kind = d.get("/S")
    if "/JS" in d or kind == Name.JavaScript:
        return {"JAVASCRIPT_VERWIJDERD"}
    if isinstance(kind, Name) and str(kind) in _OUTSIDE_ACTIONS:
        return {"ACTIES_VERWIJDERD"}
    if "/AA" in d:
        return {"JAVASCRIPT_VERWIJDERD"} if _has_script(d.AA) else {"ACTIES_VERWIJDERD"}
    return set()


def _has_script(aa: object) -> bool:
    if not isinstance(aa, Dictionary):
        return False
    return any(isinstance(a, Dictionary) and ("/JS" in a or a.get("/S") == Name.JavaScript)
               for a in aa.values())


def _reset_info(pdf: pikepdf.Pdf) -> None:
    # Write only what we decide: the producer. Title, author, dates and the original
    # file ID all point back at the person or the source document.
    pdf.trailer.Info = pdf.make_indirect(Dictionary(Producer=pikepdf.String(PRODUCER)))
    if "/ID" in pdf.trailer:
        del pdf.trailer["/ID"]


def _strip_jpeg_metadata(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != Name.Image:
            continue
        if not _is_plain_dct(obj):
            continue
        raw = obj.read_raw_bytes()
        clean = strip_jpeg_segments(raw)
        if clean is not None and clean != raw:
            parms = obj.get("/DecodeParms")  # only a dictionary or array is a valid value
            obj.write(clean, filter=Name.DCTDecode,
                      decode_parms=parms if isinstance(parms, (Dictionary, Array)) else None)
            found.add("METADATA_VERWIJDERD")
    return found


def _is_plain_dct(obj: pikepdf.Stream) -> bool:
    filt = obj.get("/Filter")
    if isinstance(filt, Array):
        return len(filt) == 1 and filt[0] == Name.DCTDecode
    return filt == Name.DCTDecode


def strip_jpeg_segments(data: bytes) -> bytes | None:
    """Drop APP1..APP13, APP15 and COM segments; keep everything that affects pixels.

    APP0 (JFIF) holds no text. APP14 ("Adobe") tells the decoder how colours were
    transformed; dropping it would change CMYK/RGB pixels, so it stays. The entropy-
    coded data after SOS is copied unchanged, so decoded pixels are byte-identical.
    Returns None when the data is not a JPEG we understand; the caller leaves it.
    """
    if data[:2] != b"\xff\xd8":
        return None
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if pos + 4 > len(data):
            return None
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            return None
        if not _is_text_segment(marker):
            out += data[pos:pos + 2 + length]
        pos += 2 + length
    return None


def _is_text_segment(marker: int) -> bool:
    return marker == 0xFE or (0xE1 <= marker <= 0xEF and marker != 0xEE)
