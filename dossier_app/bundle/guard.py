"""Resource limits for `verify`: a received file is refused before it costs too much.

The loket opens files from outside. Before anything decodes a stream or builds qpdf's
page list, the page tree is walked by hand (a page named a million times is refused,
not copied a million times), objects are counted, and every stream's inflated size is
measured in chunks with the intake's limits (documents/limits.py). `Deadline` stops a
check that runs past its time. All refusals are `NotABundleError` (exit 3) in Dutch.
"""

from __future__ import annotations

import hashlib
import time
import zlib

import pikepdf
from pikepdf import Name

from dossier_app.documents.limits import Limits, describe_bytes, describe_pixels
from dossier_app.errors import NotABundleError
from dossier_app.store.memory import ContentMemory

_CHUNK = 1024 * 1024
# Filters the assembler's output can hold: Flate (qpdf writes every stream it can
# decode with it) and image codecs it keeps as they are (measured by their pixels).
IMAGE_FILTERS = _IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"})
_WS = b" \t\r\n\f\0"
PEEK_BYTES = 1  # decoded_size(stream, PEEK_BYTES): is the encoding one verify measures?
TE_GROOT = ("Dat is te groot om veilig te controleren; vraag de school om de bundel opnieuw te maken met "
            "Tafeldossier.")


class Deadline:
    def __init__(self, bestand: str, seconds: float) -> None:
        self.bestand = bestand
        self.seconds = seconds
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise NotABundleError(f"De controle van {self.bestand} duurde langer dan {self.seconds:.0f} "
                                  f"seconden en is gestopt. {TE_GROOT}", bestand=self.bestand)


def check_resources(pdf: pikepdf.Pdf, bestand: str, limits: Limits, deadline: Deadline) -> int:
    """Refuse what is beyond the limits; returns how many streams carry bytes after the end
    of their compressed data (see `has_tail`), for verify to report."""
    _page_tree(pdf, bestand, limits)
    return _streams(pdf, bestand, limits, deadline)


def _refuse(bestand: str, wat: str) -> NotABundleError:
    return NotABundleError(f"{bestand} {wat}. {TE_GROOT}", bestand=bestand)


def _page_tree(pdf: pikepdf.Pdf, bestand: str, limits: Limits) -> None:
    """Count the leaves of the page tree without qpdf's page list; every node once."""
    root = pdf.Root.get("/Pages")
    todo: list[tuple[pikepdf.Object, int]] = [(root, 0)] if root is not None else []
    seen: set[tuple[int, int]] = set()
    leaves = 0
    while todo:
        node, depth = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or not node.is_indirect or node.objgen in seen:
            raise _refuse(bestand, "heeft een ongeldige paginaboom (een pagina of knoop komt er meer dan "
                          "eens in voor, of is geen pagina)")
        seen.add(node.objgen)
        if node.get("/Type") == Name.Pages:
            if depth >= limits.max_page_tree_depth:
                raise _refuse(bestand, "heeft een paginaboom die te diep genest is")
            kids = node.get("/Kids")
            if not isinstance(kids, pikepdf.Array) or len(kids) > limits.max_pdf_pages:
                raise _refuse(bestand, f"heeft meer dan {limits.max_pdf_pages} pagina's of een ongeldige "
                              "paginaboom")
            todo.extend((kid, depth + 1) for kid in kids)
        else:
            leaves += 1
            if leaves > limits.max_pdf_pages:
                raise _refuse(bestand, f"heeft meer dan {limits.max_pdf_pages} pagina's")
    count = root.get("/Count") if root is not None else None
    if leaves == 0 or count != leaves:
        raise _refuse(bestand, f"heeft een paginaboom die niet klopt (hij noemt {count} pagina's, er zijn er "
                      f"{leaves})")


def _streams(pdf: pikepdf.Pdf, bestand: str, limits: Limits, deadline: Deadline) -> int:
    total, tails = 0, 0
    for count, obj in enumerate(pdf.objects, 1):
        if count > limits.max_pdf_objects:
            raise _refuse(bestand, f"bevat meer dan {limits.max_pdf_objects} PDF-objecten")
        if not isinstance(obj, pikepdf.Stream):
            continue
        if count % 1000 == 0:
            deadline.check()
        if obj.get("/Type") in (Name.ObjStm, Name.XRef):  # sizes bounded before qpdf read them
            tails += has_tail(obj, limits.max_stream_bytes)
            continue
        _pixels(obj, bestand, limits)
        size, tail = measure(obj, limits.max_stream_bytes)
        tails += tail
        if size is None:
            raise NotABundleError(f"{bestand} bevat een datastroom die niet zo is gecodeerd als Tafeldossier "
                                  "schrijft; de bundel is na het maken bewerkt en kan niet worden "
                                  "gecontroleerd. Vraag de school om de bundel opnieuw te maken met "
                                  "Tafeldossier.", bestand=bestand)
        total += size
        if size > limits.max_stream_bytes:
            raise _refuse(bestand, f"bevat een datastroom die uitgepakt meer dan "
                          f"{describe_bytes(limits.max_stream_bytes)} is")
        if total > limits.max_total_stream_bytes:
            raise _refuse(bestand, f"bevat inhoud die uitgepakt samen meer dan "
                          f"{describe_bytes(limits.max_total_stream_bytes)} is")
    return tails


def _pixels(obj: pikepdf.Stream, bestand: str, limits: Limits) -> None:
    if obj.get("/Subtype") != Name.Image:
        return
    try:
        pixels = int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
    except (TypeError, ValueError):
        return
    if pixels > limits.max_pdf_image_pixels:
        raise _refuse(bestand, f"bevat een afbeelding van {describe_pixels(pixels)}")


def filter_names(stream: pikepdf.Stream) -> list[str] | None:
    return _filters(stream)


def _filters(stream: pikepdf.Stream) -> list[str] | None:
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array) and all(isinstance(v, Name) for v in value):
        return [str(v) for v in value]
    return None


def decoded_size(stream: pikepdf.Stream, cap: int) -> int | None:
    """Inflated size, counted in chunks and given up just above `cap`; None for a filter
    chain Tafeldossier never writes (LZW, ASCII, chains ending in Flate: unbounded to measure)."""
    return measure(stream, cap)[0]


def has_tail(stream: pikepdf.Stream, cap: int) -> bool:
    """Bytes (other than white space) after the end of a Flate stream's compressed data:
    every reader stops at the end marker, so they are shown by none and travel unseen."""
    return measure(stream, cap)[1]


def measure(stream: pikepdf.Stream, cap: int) -> tuple[int | None, bool]:
    """(decoded_size, has_tail) in one pass over the data."""
    filters = _filters(stream)
    if filters is None:
        return None, False
    raw = stream.read_raw_bytes()
    if not filters or filters[0] in _IMAGE_FILTERS:
        return (len(raw) if len(filters) <= 1 else None), False
    if filters[0] != "/FlateDecode" or any(f not in _IMAGE_FILTERS for f in filters[1:]):
        return None, False
    return _inflated_size_known(raw, cap)


# inflated_size is a function of the bytes and the cap alone: what this process measured
# before, by SHA-256 of the bytes (the assembler's normalisation and verify measure every
# stream of the bundle).
_MEASURED: ContentMemory[tuple[int, bool]] = ContentMemory()


def _inflated_size_known(raw: bytes, cap: int) -> tuple[int, bool]:
    key = hashlib.sha256(raw).digest() + cap.to_bytes(8, "big")
    known = _MEASURED.get(key)
    if known is None:
        known = inflated_size(raw, cap)
        _MEASURED.put(key, known)
    return known


def inflated_size(raw: bytes, cap: int) -> tuple[int, bool]:
    """Size of zlib data inflated in chunks (stops just above `cap`), and whether bytes other
    than white space follow its end."""
    inflater = zlib.decompressobj()
    pending, total = raw, 0
    try:
        while total <= cap:
            chunk = inflater.decompress(pending, _CHUNK)
            total += len(chunk)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(chunk) < _CHUNK):
                break
    except zlib.error:
        return total, False  # damaged data decodes to what came before the damage
    return total, inflater.eof and bool(inflater.unused_data.strip(_WS))
