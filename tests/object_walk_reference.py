"""The gate's object walk as first written, over pikepdf's proxies: the reference that
`dossier_app.anonymise.pdf_objects` and the walk in `gate` (over qpdf's JSON) must agree
with, or see more than (tests/test_pdf_objects.py). Only what the walk yields is kept
here; the stream searches did not change."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

SCRIPT_OR_OUTSIDE = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData",
                     "/GoToR", "/GoToE", "/Rendition", "/Movie", "/Sound"}


def _indirect(obj: object) -> bool:
    return isinstance(obj, pikepdf.Object) and obj.is_indirect


def places(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for number, page in enumerate(pdf.pages, start=1):
        _mark_page(page.obj, f"pagina {number}", found, 0)
    info = pdf.trailer.get("/Info")
    if isinstance(info, Dictionary) and info.is_indirect:
        found[info.objgen] = "metadata"
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary | pikepdf.Stream):
            continue
        kind = _kind(obj)
        if kind:
            found[obj.objgen] = kind
            meta = obj.get("/Metadata")
            if isinstance(meta, pikepdf.Stream):
                found[meta.objgen] = "metadata"
    return found


def _kind(obj: Dictionary | pikepdf.Stream) -> str | None:
    if obj.get("/Type") == Name.Metadata or obj.get("/Subtype") == Name.XML:
        return "metadata"
    if obj.get("/Type") in (Name.EmbeddedFile, Name.Filespec) or "/EF" in obj:
        return "bijlage"
    if "/Title" in obj and any(k in obj for k in ("/Parent", "/Next", "/Prev", "/Dest")):
        return "bladwijzer"
    return None


def _mark_page(obj: object, place: str, found: dict[tuple[int, int], str], depth: int) -> None:
    if depth > 8 or not isinstance(obj, Dictionary | pikepdf.Stream | Array):
        return
    if _indirect(obj):
        if obj.objgen in found:
            return
        found[obj.objgen] = place
    children: list[object] = []
    if isinstance(obj, Array):
        children = list(obj)
    else:
        for key in ("/Contents", "/Resources", "/XObject", "/Annots"):
            if key in obj:
                children.append(obj[key])
        if depth > 0 and "/Resources" not in obj and isinstance(obj, Dictionary):
            children += list(obj.values())
    for child in children:
        _mark_page(child, place, found, depth + 1)


def page_annotations(pdf: pikepdf.Pdf) -> list[int]:
    pages = []
    for number, page in enumerate(pdf.pages, start=1):
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array) and len(annots) > 0:
            pages.append(number)
    return pages


def has_script(pdf: pikepdf.Pdf) -> bool:
    return any(isinstance(obj, Dictionary | pikepdf.Stream) and _is_script(obj) for obj in pdf.objects)


def _is_script(obj: Dictionary | pikepdf.Stream) -> bool:
    if "/JS" in obj or "/AA" in obj or "/OpenAction" in obj:
        return True
    kind = obj.get("/S")
    if isinstance(kind, Name) and str(kind) in SCRIPT_OR_OUTSIDE:
        return True
    action = obj.get("/A")
    return isinstance(action, Dictionary) and str(action.get("/S", "")) in SCRIPT_OR_OUTSIDE


def strings(obj: object, depth: int = 0) -> Iterator[str]:
    if depth > 64:
        return
    if isinstance(obj, pikepdf.String):
        yield str(obj)
    elif isinstance(obj, Name):
        yield str(obj)[1:]
    elif isinstance(obj, Dictionary | Array):
        if depth > 0 and obj.is_indirect:
            return
        items = list(obj) if isinstance(obj, Array) else list(obj.items())
        for item in items:
            if isinstance(item, tuple):
                yield item[0][1:]
                yield from strings(item[1], depth + 1)
            else:
                yield from strings(item, depth + 1)


def object_strings(obj: pikepdf.Object) -> list[str]:
    """What the walk searched of one object of `pdf.objects`."""
    if isinstance(obj, pikepdf.Stream):
        return list(strings(obj.stream_dict))
    if isinstance(obj, Dictionary | Array | pikepdf.String):
        return list(strings(obj))
    return []


def stream_kinds(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    kinds: dict[tuple[int, int], str] = {}
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                stream = obj.get(key)
                if isinstance(stream, pikepdf.Stream):
                    kinds[stream.objgen] = "font"
        elif isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Form:
            kinds[obj.objgen] = "content"
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                kinds[stream.objgen] = "content"
    return kinds


def image_streams(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    return {obj.objgen for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Image}
