"""Page-to-image fallback: render a page, burn black regions into the pixels, swap it in.

Used for pages the text-editing method cannot handle or verify, and for every page
with a manual region (a manual region means the area is not trusted, so nothing of
the original page content may survive). The rendered image replaces the page's whole
content, so no text, annotation or hidden object of the original page is left.
"""

from __future__ import annotations

import ctypes
import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from dossier_app.errors import DocumentError

DEFAULT_DPI = 200
MIN_DPI = 72  # below this a page is no longer readable in a meeting
MAX_PIXELS = 60_000_000  # about 240 MB of RGBA while rendering; refuse beyond this

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class PageImage:
    """An encoded page image ready to put into a PDF."""

    data: bytes
    filter: str  # "/DCTDecode" or "/FlateDecode"
    width: int
    height: int
    page_width: float  # in user space units, as shown (after /Rotate)
    page_height: float


def choose_dpi(width_pt: float, height_pt: float, *, bestand: str, pagina: int) -> int:
    """Pick the highest dpi <= DEFAULT_DPI that keeps the page under MAX_PIXELS."""
    area_in2 = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)
    dpi = DEFAULT_DPI
    if area_in2 * dpi * dpi > MAX_PIXELS:
        dpi = int((MAX_PIXELS / area_in2) ** 0.5)
    if dpi < MIN_DPI:
        raise DocumentError(
            f"Pagina {pagina} van '{bestand}' is te groot om veilig als afbeelding te "
            "anonimiseren. Verklein de pagina (bijvoorbeeld door af te drukken naar "
            "A4-formaat als PDF) en voeg het bestand opnieuw toe.",
            bestand=bestand, code="PAGINA_TE_GROOT",
        )
    return dpi


def user_rect_to_pixels(page: pdfium.PdfPage, rect: Rect, size: tuple[int, int]) -> Rect:
    """Map a rectangle in PDF user space to bitmap pixels, as pdfium renders it.

    FPDF_PageToDevice uses the same display matrix as rendering (CropBox, /Rotate),
    so a box lands exactly where the glyphs were drawn.
    """
    xs, ys = [], []
    for px, py in ((rect[0], rect[1]), (rect[2], rect[3]), (rect[0], rect[3]), (rect[2], rect[1])):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, px, py,
                                   ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value)
        ys.append(dy.value)
    return min(xs), min(ys), max(xs), max(ys)


def render_page(
    page: pdfium.PdfPage,
    user_boxes: Sequence[Rect],
    shown_regions: Sequence[Rect],
    *,
    scan: bool,
    bestand: str,
    pagina: int,
) -> PageImage:
    """Render one page in grey with every box filled black, and encode it.

    `user_boxes` are in PDF user space (hits found in the text); `shown_regions` are
    manual regions in points with the origin top-left of the page as shown.
    """
    width_pt, height_pt = page.get_size()
    dpi = choose_dpi(width_pt, height_pt, bestand=bestand, pagina=pagina)
    scale = dpi / 72.0
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False, draw_annots=False)
    image = bitmap.to_pil().convert("L")
    bitmap.close()
    _burn_boxes(page, image, user_boxes, shown_regions, scale)
    data, filt = _encode(image, scan=scan)
    return PageImage(data, filt, image.width, image.height, width_pt, height_pt)


def _burn_boxes(page: pdfium.PdfPage, image: Image.Image, user_boxes: Sequence[Rect],
                shown_regions: Sequence[Rect], scale: float) -> None:
    draw = ImageDraw.Draw(image)
    pad = 2  # pixels: antialiased glyph edges reach just outside their box
    for box in user_boxes:
        x0, y0, x1, y1 = user_rect_to_pixels(page, box, image.size)
        draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=0)
    for x, y, w, h in shown_regions:
        draw.rectangle((x * scale - pad, y * scale - pad,
                        (x + w) * scale + pad, (y + h) * scale + pad), fill=0)


def _encode(image: Image.Image, *, scan: bool) -> tuple[bytes, str]:
    # Scans are photos of paper: JPEG keeps them small. Text pages have sharp edges
    # that JPEG smears, so they go lossless (the PDF equivalent of a grey PNG).
    if scan:
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=80, optimize=True)
        return buf.getvalue(), "/DCTDecode"
    return zlib.compress(image.tobytes(), 6), "/FlateDecode"


def replace_page_content(pdf: pikepdf.Pdf, page: pikepdf.Page, img: PageImage) -> None:
    """Make the page show only the image: new boxes, no rotation, fresh resources."""
    image = pikepdf.Stream(pdf, img.data)
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width = img.width
    image.Height = img.height
    image.ColorSpace = pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    image.Filter = pikepdf.Name(img.filter)
    w, h = round(img.page_width, 4), round(img.page_height, 4)
    content = f"q {w} 0 0 {h} 0 0 cm /TdPagina Do Q".encode("ascii")
    obj = page.obj
    for key in list(obj.keys()):
        if key not in ("/Type", "/Parent", "/UserUnit"):
            del obj[key]
    # Set, not delete: /Rotate and the boxes may be inherited from the page tree.
    obj.MediaBox = pikepdf.Array([0, 0, w, h])
    obj.CropBox = pikepdf.Array([0, 0, w, h])
    obj.Rotate = 0
    obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(TdPagina=image))
    obj.Contents = pdf.make_stream(content)
