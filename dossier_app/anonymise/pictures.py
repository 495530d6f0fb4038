"""Pictures on pages with text: a screenshot from the pupil administration pasted into a
report, a photo of a form, a letterhead. Their words are pixels, which no text engine
reads, so the pupil's name, date of birth or BSN in a screenshot would pass every text
check. `ocr_check` reads them with Tesseract: the redactor boxes what it finds (the page
then becomes an image with the boxes burnt in), the gate refuses a file where one is left.

A picture is read from its own pixels (what a viewer that shows the image, or a program
that extracts it, finds in the file; a box drawn over it hides nothing), scaled up to
about 300 dpi as placed. The same image on many pages (a logo in every header) is read
once per file. Pages that images cover (scans) are read whole elsewhere and skipped here.
"""

from __future__ import annotations

import ctypes
import hashlib
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from dossier_app.anonymise.pdfium_chars import MAX_FORM_DEPTH  # as deep as every other reader
from dossier_app.case_model import Lakvlak

# Smaller than this as placed (points) holds no readable word: rules, bullets, icons.
MIN_WIDTH_PT = 24.0
MIN_HEIGHT_PT = 6.0
MIN_PIXELS = 12  # on either side
READ_DPI = 300.0  # a picture is read at this resolution as placed
MAX_SCALE = 4.0
MAX_PIXELS = 9_000_000  # a bigger picture is read smaller
PAD_PT = 2.0
_SHOWN_UNIT = 100  # PDFium maps to whole device units: hundredths of a point


class UnreadablePicture(ValueError):
    """PDFium cannot draw this picture, so it cannot be read either."""

    def __init__(self, page: int) -> None:
        super().__init__(f"afbeelding op pagina {page} niet te lezen")
        self.page = page


@dataclass(frozen=True)
class Picture:
    """One place where a picture is drawn on a page."""

    page: int  # 1-based
    key: str  # its data, size and reading scale: the same key reads the same
    size: tuple[int, int]  # its pixels as read: its bounds on the page, scaled
    # its bounds (0..1, y up) -> the page as shown (points, y down): a, b, c, d, e, f
    to_shown: tuple[float, float, float, float, float, float]

    def box(self, left: int, top: int, right: int, bottom: int) -> Lakvlak:
        """A box in the picture's pixels as read -> a region on the page as shown."""
        width, height = self.size
        xs, ys = [], []
        for px, py in ((left, top), (right, top), (left, bottom), (right, bottom)):
            u, v = px / width, 1.0 - py / height
            a, b, c, d, e, f = self.to_shown
            xs.append(a * u + c * v + e)
            ys.append(b * u + d * v + f)
        return Lakvlak(pagina=self.page, x=round(max(0.0, min(xs) - PAD_PT), 2),
                       y=round(max(0.0, min(ys) - PAD_PT), 2),
                       breedte=round(max(xs) - min(xs) + 2 * PAD_PT, 2),
                       hoogte=round(max(ys) - min(ys) + 2 * PAD_PT, 2))


def pictures(pdf_path: Path, skip: Container[int] = (), *,
             decoded: Container[str] = ()) -> Iterator[tuple[Picture, Image.Image | None]]:
    """Every picture drawn on the pages not in `skip` (1-based), in page order, with its
    pixels scaled for reading; None for the pixels when its key is in `decoded` (read
    already). Raises UnreadablePicture for one PDFium cannot draw: it cannot be checked."""
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for index in range(len(doc)):
            if index + 1 in skip:
                continue
            page = doc[index]
            try:
                shown = _shown_matrix(page)
                for obj, matrix in _images(page, page.get_objects(max_depth=0), (1, 0, 0, 1, 0, 0), 0):
                    try:
                        found = _picture(index + 1, obj, matrix, shown, decoded)
                    except pdfium.PdfiumError as exc:
                        raise UnreadablePicture(index + 1) from exc
                    if found is not None:
                        yield found
            finally:
                page.close()
    finally:
        doc.close()


_Matrix = tuple[float, float, float, float, float, float]


def _images(page: pdfium.PdfPage, objects: Iterator[pdfium.PdfObject], outer: _Matrix,
            depth: int) -> Iterator[tuple[pdfium.PdfImage, _Matrix]]:
    for obj in objects:
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            yield obj, _times(obj.get_matrix().get(), outer)
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            inner = _times(obj.get_matrix().get(), outer)
            yield from _images(page, page.get_objects(max_depth=0, form=obj, level=depth + 1),
                               inner, depth + 1)


def _times(m: _Matrix, n: _Matrix) -> _Matrix:
    """m, then n (PDF's row-vector convention: a point times m times n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _bounds(m: _Matrix) -> tuple[float, float, float, float]:
    """Where the unit square lands under `m`: left, bottom, right, top."""
    a, b, c, d, e, f = m
    xs = [e, a + e, c + e, a + c + e]
    ys = [f, b + f, d + f, b + d + f]
    return min(xs), min(ys), max(xs), max(ys)


def _shown_matrix(page: pdfium.PdfPage) -> _Matrix:
    """Page space -> the page as shown (points from its top-left, after the crop box and
    /Rotate), as PDFium renders it: its display matrix, sampled at three points."""
    width, height = page.get_size()
    size = (max(1, round(width * _SHOWN_UNIT)), max(1, round(height * _SHOWN_UNIT)))

    def device(x: float, y: float) -> tuple[float, float]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value / _SHOWN_UNIT, dy.value / _SHOWN_UNIT

    ox, oy = device(0.0, 0.0)
    # far points: whole-unit rounding then costs less than a thousandth of a point per point
    xx, xy = device(1000.0, 0.0)
    yx, yy = device(0.0, 1000.0)
    return ((xx - ox) / 1000, (xy - oy) / 1000, (yx - ox) / 1000, (yy - oy) / 1000, ox, oy)


def _picture(page: int, obj: pdfium.PdfImage, matrix: _Matrix, shown: _Matrix,
             decoded: Container[str]) -> tuple[Picture, Image.Image | None] | None:
    a, b, c, d, _, _ = matrix
    placed_w, placed_h = (a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5  # points
    px_w, px_h = obj.get_px_size()
    if placed_w < MIN_WIDTH_PT or placed_h < MIN_HEIGHT_PT or min(px_w, px_h) < MIN_PIXELS:
        return None
    left, bottom, right, top = _bounds(matrix)
    native = max(px_w / placed_w, px_h / placed_h)  # its own pixels per point as placed
    # 300 dpi as placed, what the page's own reading uses: a screenshot is scaled up (at
    # most MAX_SCALE times), a photo of 600 dpi read at 300, a poster-sized one smaller.
    per_point = min(READ_DPI / 72.0, MAX_SCALE * native,
                    (MAX_PIXELS / max((right - left) * (top - bottom), 1.0)) ** 0.5)
    size = (max(1, round((right - left) * per_point)), max(1, round((top - bottom) * per_point)))
    raw = obj.get_data(decode_simple=False)
    shape = f"{px_w} {px_h} {size[0]} {size[1]} " + " ".join(f"{v:.3f}" for v in matrix[:4]) + "|"
    key = hashlib.sha256(shape.encode() + bytes(raw)).hexdigest()
    # Rendered as the page draws it (its matrix: turned or mirrored as placed; its soft
    # mask: a transparent screenshot is black pixels beneath the mask), over its bounds.
    picture = Picture(page, key, size, _times((right - left, 0.0, 0.0, top - bottom, left, bottom), shown))
    if key in decoded:
        return picture, None
    # PdfiumError: the caller's UnreadablePicture. to_pil may share the bitmap's buffer, so
    # the image is copied while the bitmap is held; it is freed by its finalizer (an explicit
    # close of this "foreign" bitmap makes pypdfium2 print a warning on the user's console).
    bitmap = obj.get_bitmap(render=True)
    image = bitmap.to_pil().copy()
    del bitmap
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image)  # transparent is the white paper beneath
    image = image.convert("L")
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return picture, image
