"""Page digests: a fingerprint of what a page shows, stable across a plain re-save.

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
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from dossier_app.store.memory import ContentMemory

if TYPE_CHECKING:
    from dossier_app.store.memo import Memo

ALGORITME = "sha256-paginagraaf-1"  # named in the manifest so a later method can coexist

_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_STREAM_SKIP = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})
_PAGE_TYPES = frozenset({"/Page", "/Pages"})


class DigestCache:
    """What one file's page walks share: decoded-stream hashes (fonts, images) and the
    walks of shared subtrees (a font dictionary with its widths, met on every page)."""

    def __init__(self) -> None:
        self.streams: dict[tuple[int, int], bytes] = {}
        self.subtrees: dict[tuple[int, int], _Subtree] = {}


@dataclass(frozen=True)
class _Subtree:
    chunks: list[bytes]  # the walk's output; back-references as empty placeholders
    refs: list[tuple[int, int]]  # (position in chunks, number relative to the subtree's root)
    objects: list[tuple[int, int]]  # the objects it numbered, in order


class _Walker:
    """One walk over one page.

    The output is a list of length-prefixed chunks; a back-reference is a placeholder
    whose number is filled in when the digest is made. The walk of an indirect object is
    remembered in `cache.subtrees` when it is self-contained (every back-reference in it
    points inside it) and replayed on a later page when none of its objects has been met
    there yet: the bytes are then exactly those a fresh walk would emit, with the
    back-references shifted to the new numbering."""

    def __init__(self, cache: DigestCache) -> None:
        self.parts: list[bytes] = []
        self.refs: list[tuple[int, int]] = []  # (position in parts, object number)
        self.seen: dict[tuple[int, int], int] = {}
        self.order: list[tuple[int, int]] = []
        self.cache = cache

    def emit(self, tag: bytes, data: bytes = b"") -> None:
        # Length-prefixed so that no two different graphs give the same byte sequence.
        self.parts.append(tag + len(data).to_bytes(8, "big") + data)

    def number(self, key: tuple[int, int]) -> int:
        index = len(self.seen)
        self.seen[key] = index
        self.order.append(key)
        return index

    def digest(self) -> str:
        parts = list(self.parts)
        for position, number in self.refs:
            ref = str(number).encode()
            parts[position] = b"R" + len(ref).to_bytes(8, "big") + ref
        return hashlib.sha256(b"".join(parts)).hexdigest()

    def walk(self, obj: object) -> None:
        if type(obj) is int:  # the common case (widths, coordinates): no further tests
            self.parts.append(_int_chunk(obj))
            return
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            key = obj.objgen
            if key in self.seen:
                self.refs.append((len(self.parts), self.seen[key]))
                self.parts.append(b"")
                return
            known = self.cache.subtrees.get(key)
            if known is not None and self._replay(known):
                return
            base, start, first_ref = self.number(key), len(self.parts), len(self.refs)
            self._walk_value(obj)
            self._remember(key, base, start, first_ref)
            return
        self._walk_value(obj)

    def _remember(self, key: tuple[int, int], base: int, start: int, first_ref: int) -> None:
        refs = self.refs[first_ref:]
        if any(number < base for _, number in refs):
            return  # refers back to something met before it on this page: not portable
        self.cache.subtrees[key] = _Subtree(self.parts[start:],
                                            [(p - start, n - base) for p, n in refs],
                                            self.order[base:])

    def _replay(self, tree: _Subtree) -> bool:
        if any(k in self.seen for k in tree.objects):
            return False  # a fresh walk would meet one of them as a back-reference
        base, start = len(self.seen), len(self.parts)
        for k in tree.objects:
            self.number(k)
        self.parts.extend(tree.chunks)
        self.refs.extend((p + start, n + base) for p, n in tree.refs)
        return True

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
        items = dict(obj.items())  # one call into pikepdf for keys and values
        kind = items.get("/Type")
        if isinstance(kind, Name) and str(kind) in _PAGE_TYPES:
            self.emit(b"P")  # another page or the page tree: not part of this page
            return
        keys = sorted(items.keys() - skip)
        self.emit(b"{", str(len(keys)).encode())
        for key in keys:
            self.parts.append(_key_chunk(key))
            self.walk(items[key])

    def _walk_stream(self, obj: Stream) -> None:
        self._walk_dict(obj.stream_dict, _STREAM_SKIP)
        self.emit(b"S", self._stream_digest(obj))

    def _stream_digest(self, obj: Stream) -> bytes:
        key = obj.objgen
        streams = self.cache.streams
        if key != (0, 0) and key in streams:
            return streams[key]
        digest = _data_digest(obj)
        if key != (0, 0):
            streams[key] = digest
        return digest

    def _walk_scalar(self, obj: object) -> None:
        # (a plain int never gets here: `walk` appends it first)
        if isinstance(obj, bool):
            self.emit(b"B", b"1" if obj else b"0")
        elif type(obj) is Decimal:
            self.parts.append(_decimal_chunk(obj))
        elif isinstance(obj, int | Decimal):
            self.emit(b"N", _number(obj))
        elif isinstance(obj, Name):
            self.parts.append(_name_chunk(str(obj)))
        elif isinstance(obj, pikepdf.String):
            self.emit(b"(", bytes(obj))
        elif obj is None:
            self.emit(b"0")
        else:  # operators and other exotica do not occur in an object graph; still be total
            self.emit(b"?", repr(obj).encode())


def _data_digest(obj: Stream) -> bytes:
    """SHA-256 of the stream's data as qpdf decodes it; of its filter and raw bytes when qpdf
    cannot decode it (DCT, JBIG2, ...: a plain re-save keeps those bytes as they are)."""
    known_as = _decoding_key(obj)
    known = _DECODED.get(known_as) if known_as is not None else None
    if known is not None:
        return known
    try:
        data = b"d" + obj.read_bytes()
    except pikepdf.PdfError:
        data = b"r" + str(obj.get("/Filter")).encode() + obj.read_raw_bytes()
    digest = hashlib.sha256(data).digest()
    if known_as is not None:
        _DECODED.put(known_as, digest)
    return digest


# What a stream decodes to is a function of its raw bytes and its filters (qpdf's, in this
# process): `_data_digest`'s answers by those, for the streams whose filter is a name or an
# array of names and that have no decode parameters (nor external data). A rebuild
# meets the same fonts and pages again, in the assembler and in verify.
_DECODED: ContentMemory[bytes] = ContentMemory()


def _decoding_key(obj: Stream) -> bytes | None:
    if "/DecodeParms" in obj or "/DP" in obj or "/F" in obj:
        return None
    filt = obj.get("/Filter")
    if filt is None:
        names: list[str] = []
    elif isinstance(filt, Name):  # pikepdf gives the name a reference points to
        names = [str(filt)]
    elif isinstance(filt, Array) and all(isinstance(f, Name) for f in filt):
        names = [str(f) for f in filt]
    else:
        return None
    digest = hashlib.sha256(json.dumps(names).encode("ascii"))  # self-delimiting, then the bytes
    digest.update(obj.read_raw_bytes())
    return digest.digest()


def _chunk(tag: bytes, data: bytes) -> bytes:
    """What `_Walker.emit` appends."""
    return tag + len(data).to_bytes(8, "big") + data


# The chunks of the values every page repeats (dictionary keys, names, widths and
# coordinates), made once per process: a walk then appends them instead of encoding them
# again (about a tenth of a verify's digest time). Each is a pure function of its value.
# Bounded: a file of many distinct numbers starts them again.
_CHUNKS_MAX = 50_000
_KEY_CHUNKS: dict[str, bytes] = {}
_NAME_CHUNKS: dict[str, bytes] = {}
_INT_CHUNKS: dict[int, bytes] = {}
_DECIMAL_CHUNKS: dict[tuple[bool, Decimal], bytes] = {}


def _kept(table: dict[Any, bytes], value: Any, chunk: bytes) -> bytes:
    if len(table) >= _CHUNKS_MAX:
        table.clear()
    table[value] = chunk
    return chunk


def _key_chunk(key: str) -> bytes:
    chunk = _KEY_CHUNKS.get(key)
    return chunk if chunk is not None else _kept(
        _KEY_CHUNKS, key, _chunk(b"K", key.encode("utf-8", "surrogateescape")))


def _name_chunk(name: str) -> bytes:
    chunk = _NAME_CHUNKS.get(name)
    return chunk if chunk is not None else _kept(
        _NAME_CHUNKS, name, _chunk(b"/", name.encode("utf-8", "surrogateescape")))


def _int_chunk(value: int) -> bytes:
    chunk = _INT_CHUNKS.get(value)
    return chunk if chunk is not None else _kept(_INT_CHUNKS, value, _chunk(b"N", str(value).encode()))


def _decimal_chunk(value: Decimal) -> bytes:
    # Decimals equal in value (1.0, 1.00) have the same normalised form, except for zero:
    # -0 equals 0 but keeps its sign, so the sign is part of the key. NaN and infinity
    # (no equality to rely on) are not remembered.
    if not value.is_finite():
        return _chunk(b"N", _number(value))
    key = (value.is_signed(), value)
    chunk = _DECIMAL_CHUNKS.get(key)
    return chunk if chunk is not None else _kept(_DECIMAL_CHUNKS, key, _chunk(b"N", _number(value)))


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


def page_digest(page: pikepdf.Page | pikepdf.Object, cache: DigestCache | None = None) -> str:
    """Hex SHA-256 of one page, see the module docstring. `cache`: shared by the pages of
    one file (never across files: object numbers are per file)."""
    obj = page.obj if isinstance(page, pikepdf.Page) else page
    walker = _Walker(cache if cache is not None else DigestCache())
    walker.number(obj.objgen)
    keys = (set(obj.keys()) | {k for k in _INHERITABLE if inherited(obj, k) is not None}) - {"/Parent"}
    walker.emit(b"{", str(len(keys)).encode())
    for key in sorted(keys):
        walker.emit(b"K", key.encode("utf-8", "surrogateescape"))
        walker.walk(obj[key] if key in obj else inherited(obj, key))
    return walker.digest()


def object_digest(obj: object) -> str:
    """Hex SHA-256 of any object and what it refers to, by the same walk (a document-level
    setting a page's rendering depends on, such as the catalog's /OCProperties)."""
    walker = _Walker(DigestCache())
    walker.walk(obj)
    return walker.digest()


def page_digests(pdf: pikepdf.Pdf) -> list[str]:
    """Digests of all pages, sharing stream hashes and subtree walks between pages."""
    cache = DigestCache()
    return [page_digest(page, cache) for page in pdf.pages]


@dataclass(frozen=True)
class FileKeys:
    """What a file's pages are, for remembering what was read on them before: each page's
    digest, and the digest of the document-level setting that changes what a page shows
    (the catalog's /OCProperties: which optional content is visible)."""

    pages: list[str]
    optional_content: str

    def memo_names(self, memo: Memo, kind: str, *parts: str, following: bool = False) -> list[str]:
        """One memo name per page (0-based) for what was read on it: `kind`, the program's
        code, `parts` (everything else the reading depends on: engines and their versions,
        settings), the document's optional-content settings and the page's digest. One
        place, so that no page answer is ever remembered without the code and the
        document-level setting. `following`: what was read covers the page's break to the
        next page too, so the name holds that page's digest ("" after the last)."""
        from dossier_app.store.memo import code_fingerprint

        shared = [kind, code_fingerprint(), *parts, self.optional_content]
        if not following:
            return [memo.name([*shared, page]) for page in self.pages]
        nexts = [*self.pages[1:], ""]
        return [memo.name([*shared, page, then]) for page, then in zip(self.pages, nexts, strict=True)]


def file_keys(path: Path) -> FileKeys | None:
    """The FileKeys of the PDF at `path`; None when pikepdf cannot open it (the caller then
    reads every page, as without a memo)."""
    try:
        with pikepdf.open(path) as pdf:
            return FileKeys(page_digests(pdf), object_digest(pdf.Root.get("/OCProperties")))
    except (pikepdf.PdfError, ValueError, OSError):
        return None
