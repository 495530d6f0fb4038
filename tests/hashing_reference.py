"""The page digest as first written (a plain walk, no replay of shared subtrees): the
reference `dossier_app.bundle.hashing` must agree with on every page (tests/test_hashing.py).

Page digests: a fingerprint of what a page shows, stable across a plain re-save.

The digest is SHA-256 over a canonical walk of the page's object graph:

- dictionary keys in sorted order; the page's /Parent is left out, and so is every
  other page or page-tree node the walk meets (a link to a page is a marker, not the page),
  so the digest does not depend on the bundle's structure around the page;
- inheritable page attributes (/Resources, /MediaBox, /CropBox, /Rotate) are taken as
  the page sees them, so pushing them down the page tree does not change the digest;
- streams by their decoded data and their dictionary without /Length, /Filter and
  /DecodeParms, so re-compressing does not change the digest; a stream qpdf cannot
  decode (JPEG, JBIG2) by its raw data and filter;
- numbers as normalised decimals (1, 1.0 and 1.00 are the same value), names and
  strings by their bytes;
- indirect objects are numbered in the order the walk first meets them, and a second
  visit is a back-reference to that number, so renumbering objects on save changes
  nothing and cycles end.

Object numbers, xref layout, compression and the document /ID do not enter the digest;
anything that changes the page's content, resources, boxes, rotation or annotations does.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

ALGORITME = "sha256-paginagraaf-1"  # named in the manifest so a later method can coexist

_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_STREAM_SKIP = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})
_PAGE_TYPES = frozenset({"/Page", "/Pages"})


class _Walker:
    """One walk over one page; `stream_cache` may be shared between pages of one file."""

    def __init__(self, stream_cache: dict[tuple[int, int], bytes]) -> None:
        self.h = hashlib.sha256()
        self.seen: dict[tuple[int, int], int] = {}
        self.stream_cache = stream_cache

    def emit(self, tag: bytes, data: bytes = b"") -> None:
        # Length-prefixed so that no two different graphs give the same byte sequence.
        self.h.update(tag + len(data).to_bytes(8, "big") + data)

    def walk(self, obj: object) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            key = obj.objgen
            if key in self.seen:
                self.emit(b"R", str(self.seen[key]).encode())
                return
            self.seen[key] = len(self.seen)
        self._walk_value(obj)

    def _walk_value(self, obj: object) -> None:
        if isinstance(obj, Stream):
            self._walk_stream(obj)
        elif isinstance(obj, Dictionary):
            self._walk_dict(obj)
        elif isinstance(obj, Array):
            self.emit(b"[", str(len(obj)).encode())
            for item in obj:
                self.walk(item)
        else:
            self._walk_scalar(obj)

    def _walk_dict(self, obj: pikepdf.Object, skip: frozenset[str] = frozenset()) -> None:
        kind = obj.get("/Type")
        if isinstance(kind, Name) and str(kind) in _PAGE_TYPES:
            self.emit(b"P")  # another page or the page tree: not part of this page
            return
        keys = sorted(set(obj.keys()) - skip)
        self.emit(b"{", str(len(keys)).encode())
        for key in keys:
            self.emit(b"K", key.encode("utf-8", "surrogateescape"))
            self.walk(obj[key])

    def _walk_stream(self, obj: Stream) -> None:
        self._walk_dict(obj.stream_dict, _STREAM_SKIP)
        self.emit(b"S", self._stream_digest(obj))

    def _stream_digest(self, obj: Stream) -> bytes:
        key = obj.objgen
        if key != (0, 0) and key in self.stream_cache:
            return self.stream_cache[key]
        try:
            data = b"d" + obj.read_bytes()
        except pikepdf.PdfError:
            # Not decodable by qpdf (DCT, JBIG2, ...): a plain re-save keeps these bytes as they are.
            data = b"r" + str(obj.get("/Filter")).encode() + obj.read_raw_bytes()
        digest = hashlib.sha256(data).digest()
        if key != (0, 0):
            self.stream_cache[key] = digest
        return digest

    def _walk_scalar(self, obj: object) -> None:
        if isinstance(obj, bool):
            self.emit(b"B", b"1" if obj else b"0")
        elif isinstance(obj, int | Decimal):
            self.emit(b"N", _number(obj))
        elif isinstance(obj, Name):
            self.emit(b"/", str(obj).encode("utf-8", "surrogateescape"))
        elif isinstance(obj, pikepdf.String):
            self.emit(b"(", bytes(obj))
        elif obj is None:
            self.emit(b"0")
        else:  # operators and other exotica do not occur in an object graph; still be total
            self.emit(b"?", repr(obj).encode())


def _number(value: int | Decimal) -> bytes:
    dec = Decimal(value).normalize()
    if dec == dec.to_integral_value():
        dec = dec.quantize(Decimal(1))
    return format(dec, "f").encode()


def inherited(page: pikepdf.Object, key: str) -> pikepdf.Object | None:
    """A page attribute as the page sees it: its own, or the nearest page-tree ancestor's."""
    node: pikepdf.Object | None = page
    hops = 0
    while node is not None and hops < 64:  # a page tree deeper than 64 is broken anyway
        if key in node:
            return node[key]
        node, hops = node.get("/Parent"), hops + 1
    return None


def page_digest(page: pikepdf.Page | pikepdf.Object,
                stream_cache: dict[tuple[int, int], bytes] | None = None) -> str:
    """Hex SHA-256 of one page, see the module docstring."""
    obj = page.obj if isinstance(page, pikepdf.Page) else page
    walker = _Walker(stream_cache if stream_cache is not None else {})
    walker.seen[obj.objgen] = 0
    keys = (set(obj.keys()) | {k for k in _INHERITABLE if inherited(obj, k) is not None}) - {"/Parent"}
    walker.emit(b"{", str(len(keys)).encode())
    for key in sorted(keys):
        walker.emit(b"K", key.encode("utf-8", "surrogateescape"))
        walker.walk(obj[key] if key in obj else inherited(obj, key))
    return walker.h.hexdigest()


def page_digests(pdf: pikepdf.Pdf) -> list[str]:
    """Digests of all pages, sharing decoded-stream hashes (fonts, images) between pages."""
    cache: dict[tuple[int, int], bytes] = {}
    return [page_digest(page, cache) for page in pdf.pages]
