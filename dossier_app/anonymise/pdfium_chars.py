"""Per-char questions to a PDFium text page, cheaply.

The redactor asks PDFium, char by char, which text object drew a char, where its
origin is and whether PDFium generated it (a space or line break it added itself):
hundreds of thousands of calls for a long document. pypdfium2's bindings convert
every argument and wrap every returned pointer in a Python object; here the same
PDFium functions are called through prototypes that take and return plain integers
(addresses), which is about three times cheaper per call. The functions are the ones
pypdfium2 loaded (same library, same calling convention); only the Python-side
signature differs.
"""

from __future__ import annotations

import ctypes
import functools
from _ctypes import CFuncPtr
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MAX_FORM_DEPTH = 12  # nesting of form XObjects followed
_VOID_P, _INT = ctypes.c_void_p, ctypes.c_int


_CType = type[ctypes.c_void_p] | type[ctypes.c_int]
_IntFunction = Callable[..., int]  # returns an int (an address: None for NULL)


def _plain(function: CFuncPtr, restype: _CType, *argtypes: _CType) -> _IntFunction:
    """`function` (a pypdfium2 binding) with integer addresses in and out.

    pypdfium2 loads PDFium with ctypes.CDLL on every platform, so its functions use the
    C calling convention, as CFUNCTYPE does."""
    address = ctypes.cast(function, _VOID_P).value
    if address is None:  # a binding pypdfium2 did not load: fail on import, not on a call
        raise OSError("PDFium function not loaded")
    plain: _IntFunction = ctypes.CFUNCTYPE(restype, *argtypes)(address)
    return plain


_text_object = _plain(pdfium_c.FPDFText_GetTextObject, _VOID_P, _VOID_P, _INT)
_is_generated = _plain(pdfium_c.FPDFText_IsGenerated, _INT, _VOID_P, _INT)
_char_origin = _plain(pdfium_c.FPDFText_GetCharOrigin, _INT, _VOID_P, _INT, _VOID_P, _VOID_P)
_loose_char_box = _plain(pdfium_c.FPDFText_GetLooseCharBox, _INT, _VOID_P, _INT, _VOID_P)


def address(handle: Any) -> int:
    """The address behind a pypdfium2 handle (a ctypes pointer; 0 for NULL)."""
    return ctypes.cast(handle, _VOID_P).value or 0


def page_text(textpage: pdfium.PdfTextPage, count: int) -> str:
    """The page text with one str index per PDFium char index."""
    if count == 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    text = bytes(memoryview(buffer)[:max(written - 1, 0)]).decode("utf-16-le", "replace")
    if len(text) == count:
        return text
    # Surrogate pairs or excluded chars: ask char by char so indices stay aligned.
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 0xFFFD)
                   for i in range(count))


@functools.cache
def pdfium_identity() -> str:
    """Which PDFium reads and renders here: pypdfium2's version and that of the PDFium
    library it carries (a part of the name of every answer remembered from it). Asked once
    per process: reading the package's metadata costs ~3 ms."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        wrapper = version("pypdfium2")
    except PackageNotFoundError:
        wrapper = "?"
    return f"pypdfium2:{wrapper}:pdfium:{pdfium.PDFIUM_INFO.version}"


def page_texts(path: Path, *, bounded: bool = False, first: int = 0,
               stop: int | None = None) -> list[str]:
    """The text of pages [first, stop) of a PDF file (0-based; to the end when stop is
    None): PDFium's whole text range, or with `bounded` the text inside the page box
    (another call, used by the gate)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(first, len(doc) if stop is None else min(stop, len(doc))):
            page = doc[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded() if bounded else textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def text_object_order(page: pdfium.PdfPage) -> list[int]:
    """Addresses of the text objects of a page in content-stream order (depth first)."""
    return list(_text_objects(page))


def has_text_object(page: pdfium.PdfPage) -> bool:
    """Whether the page draws any text object (stops at the first)."""
    return next(_text_objects(page), None) is not None


def _text_objects(page: pdfium.PdfPage) -> Iterator[int]:
    def walk(count: int, get: Callable[[int], Any], depth: int) -> Iterator[int]:
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                yield address(obj)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                yield from walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                                functools.partial(_form_object, obj), depth + 1)

    return walk(pdfium_c.FPDFPage_CountObjects(page),
                lambda j: pdfium_c.FPDFPage_GetObject(page, j), 0)


def _form_object(form: Any, index: int) -> Any:
    return pdfium_c.FPDFFormObj_GetObject(form, index)


Rect = tuple[float, float, float, float]


class CharIndex:
    """Cached per-char lookups on one PDFium text page (valid while it is open).

    A page with many hits asks for the same chars several times (the run of an object,
    its glyph numbers, the checks of its line); each is asked of PDFium once."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.textpage = textpage
        self.count = pdfium_c.FPDFText_CountChars(textpage)
        self._handle = address(textpage.raw)
        self._generated: list[bool | None] = [None] * self.count
        self._object: list[int | None] = [None] * self.count
        self._origin: list[tuple[float, float] | None] = [None] * self.count
        self._x, self._y = ctypes.c_double(), ctypes.c_double()
        self._xy = (ctypes.addressof(self._x), ctypes.addressof(self._y))
        self._rect = pdfium_c.FS_RECTF()

    def origins(self, indices: list[int]) -> list[tuple[float, float]]:
        """The origin (x, y) of each char in `indices`."""
        cache, handle, xy = self._origin, self._handle, self._xy
        x, y = self._x, self._y
        out = []
        for i in indices:
            found = cache[i]
            if found is None:
                _char_origin(handle, i, *xy)
                found = cache[i] = (x.value, y.value)
            out.append(found)
        return out

    def generated(self, i: int) -> bool:
        found = self._generated[i]
        if found is None:
            found = self._generated[i] = _is_generated(self._handle, i) == 1
        return found

    def object(self, i: int) -> int:
        """Address of the text object that drew char `i` (0 for none)."""
        found = self._object[i]
        if found is None:
            found = self._object[i] = _text_object(self._handle, i) or 0
        return found

    def boxes(self, indices: list[int]) -> list[Rect]:
        """The loose box (font ascent to descent) of each char in `indices`, as
        (x0, y0, x1, y1); PDFium's tight box where it has no loose one."""
        rect, handle = self._rect, self._handle
        where = ctypes.addressof(rect)
        out = []
        for i in indices:
            if _loose_char_box(handle, i, where):
                left, right, bottom, top = rect.left, rect.right, rect.bottom, rect.top
                out.append((min(left, right), min(bottom, top), max(left, right), max(bottom, top)))
            else:
                out.append(self._tight_box(i))
        return out

    def _tight_box(self, i: int) -> Rect:
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetCharBox(self.textpage, i,
                                     *(ctypes.byref(v) for v in (left, right, bottom, top)))
        return (left.value, bottom.value, right.value, top.value)

    def extent(self, i: int, addr: int) -> list[int]:
        """The run of non-generated chars around `i` that belong to text object `addr`
        (generated chars inside the run are skipped, not ends of it)."""
        generated, objects, handle = self._generated, self._object, self._handle
        run = [i]
        for step, stop in ((-1, -1), (1, self.count)):
            side = []
            for j in range(i + step, stop, step):  # `generated` and `object`, inlined
                gen = generated[j]
                if gen is None:
                    gen = generated[j] = _is_generated(handle, j) == 1
                if gen:
                    continue
                obj = objects[j]
                if obj is None:
                    obj = objects[j] = _text_object(handle, j) or 0
                if obj != addr:
                    break
                side.append(j)
            run = side[::-1] + run if step < 0 else run + side
        return run
