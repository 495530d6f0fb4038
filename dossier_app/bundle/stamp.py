"""Footer stamps ("Vertrouwelijk · OT-… · component · pagina n van N") and the CONCEPT mark.

All stamps are drawn in one reportlab document, one page per bundle page, sized as the
bundle page is *shown* (after /Rotate, inside the CropBox). Each stamp page becomes a
form XObject that is placed on its bundle page with a matrix that undoes the page's
rotation and box origin, so the footer always reads horizontally at the bottom of the
page as the reader sees it.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Name

from dossier_app.bundle.hashing import inherited
from dossier_app.paths import resources_dir

if TYPE_CHECKING:
    from reportlab.pdfgen import canvas

# reportlab is imported where a stamp is drawn, not with this module: the loket's verify
# imports the assembler's names (through `assemble`) and draws nothing (40 ms at start).

FONT = "TafeldossierSans"
FOOTER_SIZE = 7.0
FOOTER_MIN_SIZE = 4.5
FOOTER_BASELINE = 9.0  # points above the bottom edge of the shown page
FOOTER_GREY = 0.4
SIDE_MARGIN = 18.0
CONCEPT_TEXT = "CONCEPT"
SEP = " · "

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Placement:
    """Where a bundle page is shown: its visible box in user space and its rotation."""

    box: Box  # x0, y0, x1, y1 with x0 < x1, y0 < y1
    rotate: int  # 0, 90, 180 or 270

    @property
    def shown_size(self) -> tuple[float, float]:
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return (h, w) if self.rotate in (90, 270) else (w, h)

    def matrix(self) -> tuple[float, ...]:
        """Maps shown coordinates (origin bottom-left of what the reader sees) to user space."""
        x0, y0, x1, y1 = self.box
        return {
            0: (1, 0, 0, 1, x0, y0),
            90: (0, 1, -1, 0, x1, y0),
            180: (-1, 0, 0, -1, x1, y1),
            270: (0, -1, 1, 0, x0, y1),
        }[self.rotate]


@cache
def font_name() -> str:
    """Register DejaVu Sans once: it has every Dutch character (ë, ï, é, the middle dot)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(resources_dir() / "fonts" / "DejaVuSans.ttf")))
    return FONT


def footer_text(ot_nummer: str, onderdeel_naam: str, n: int, total: int) -> str:
    return SEP.join(("Vertrouwelijk", ot_nummer, onderdeel_naam, f"pagina {n} van {total}"))


def _box(obj: pikepdf.Object, key: str) -> Box | None:
    value = inherited(obj, key)
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    a = [float(v) for v in value]
    return (min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3]))


def placement(page: pikepdf.Page) -> Placement:
    """The shown area: CropBox clipped to MediaBox (a CropBox may lie partly outside)."""
    media = _box(page.obj, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
    crop = _box(page.obj, "/CropBox") or media
    box = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        box = media  # a CropBox outside the MediaBox is broken; viewers fall back likewise
    rotate = int(inherited(page.obj, "/Rotate") or 0) % 360
    return Placement(box, rotate - rotate % 90)


def _fit_footer(text: str, width: float) -> tuple[str, float]:
    """Shrink the footer to fit, and only as a last resort shorten it in the middle."""
    from reportlab.pdfbase import pdfmetrics

    font = font_name()
    size = FOOTER_SIZE
    while size > FOOTER_MIN_SIZE and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    while len(text) > 20 and pdfmetrics.stringWidth(text, font, size) > width:
        mid = len(text) // 2
        text = text[: mid - 2] + "…" + text[mid + 1:]
    return text, size


def _draw_footer(c: canvas.Canvas, text: str, w: float) -> None:
    text, size = _fit_footer(text, max(w - 2 * SIDE_MARGIN, 40.0))
    c.setFont(font_name(), size)
    c.setFillGray(FOOTER_GREY)
    c.drawCentredString(w / 2, FOOTER_BASELINE, text)


def _draw_concept(c: canvas.Canvas, w: float, h: float) -> None:
    from reportlab.pdfbase import pdfmetrics

    font = font_name()
    diagonal = math.hypot(w, h)
    size = 0.6 * diagonal / (pdfmetrics.stringWidth(CONCEPT_TEXT, font, 1) or 1)
    c.saveState()
    c.setFillColorRGB(0.85, 0.2, 0.2)
    c.setFillAlpha(0.18)
    c.translate(w / 2, h / 2)
    c.rotate(math.degrees(math.atan2(h, w)))
    c.setFont(font, size)
    c.drawCentredString(0, -size * 0.35, CONCEPT_TEXT)
    c.restoreState()


def stamp_document(sizes: Sequence[tuple[float, float]], footers: Sequence[str], *, concept: bool) -> bytes:
    """One PDF page per bundle page, each as large as the bundle page is shown."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    # invariant: no creation date nor random ID, so the same stamps give the same bytes in
    # every process (`apply_stamps` returns their SHA-256; kept page digests are found by it)
    c = canvas.Canvas(buf, pageCompression=1, invariant=1)
    for (w, h), text in zip(sizes, footers, strict=True):
        c.setPageSize((w, h))
        if concept:
            _draw_concept(c, w, h)
        _draw_footer(c, text, w)
        c.showPage()
    c.save()
    return buf.getvalue()


@lru_cache(maxsize=2)
def _stamps_for(sizes: tuple[tuple[float, float], ...], footers: tuple[str, ...], concept: bool) -> bytes:
    """The stamp document, kept for the next build in this process: a rebuild after an edit
    of the voorblad alone has the same footers (the same page count) and draws none again."""
    return stamp_document(sizes, footers, concept=concept)


def apply_stamps(pdf: pikepdf.Pdf, footers: Sequence[str], *, concept: bool) -> str:
    """Draw each footer (and CONCEPT) on top of the matching page of `pdf`, in place.
    Returns the SHA-256 of the stamp document: equal stamps for equal pages give equal
    bundle pages (`assemble` reuses their digests on that)."""
    placements = [placement(p) for p in pdf.pages]
    data = _stamps_for(tuple(p.shown_size for p in placements), tuple(footers), concept)
    with pikepdf.open(io.BytesIO(data)) as stamps:
        for page, place, stamp in zip(pdf.pages, placements, stamps.pages, strict=True):
            form = pdf.copy_foreign(stamp.as_form_xobject())
            _place(page, form, place)
    return hashlib.sha256(data).hexdigest()


def _free_name(page: pikepdf.Page) -> Name:
    """"/TdStempel", or with the smallest number that the page's resources do not use yet.
    Chosen, not random (pikepdf's `prefix` adds random letters): the same documents give
    the same bundle, page for page, byte for byte."""
    resources = inherited(page.obj, "/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    taken = set(xobjects.keys()) if isinstance(xobjects, pikepdf.Dictionary) else set()
    name, n = "/TdStempel", 1
    while name in taken:
        n += 1
        name = f"/TdStempel{n}"
    return Name(name)


def _place(page: pikepdf.Page, form: pikepdf.Object, place: Placement) -> None:
    name = page.add_resource(form, Name.XObject, _free_name(page), replace_existing=False)
    cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in place.matrix())
    # Wrap the page's own content in q/Q so its graphics state cannot leak into the stamp.
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"\nQ\nq {cm} cm {name} Do Q\n".encode("ascii"))
