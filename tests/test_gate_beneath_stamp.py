"""The bundle's gate reads each image page beneath its footer stamp: the pixels are then
the document's own (so what its own gate had Tesseract read is found in the memo), a
known identifier in them is still refused, and only a last form of nothing but text is
ever taken off."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from test_ocr_check import IDS, _consent_form, _scan_pdf, needs_tesseract

from dossier_app.anonymise import ocr_check
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.bundle import stamp
from dossier_app.errors import LeakError

FOOTER = "OT-2026-0001 · Toestemming ouders · pagina 1 van 1"


def _stamped(src: Path, out: Path, *, concept: bool = True) -> Path:
    """`src` with the bundle's stamp on every page, as the assembly draws it."""
    with pikepdf.open(src) as pdf:
        stamp.apply_stamps(pdf, [FOOTER] * len(pdf.pages), concept=concept)
        pdf.save(out)
    return out


def _with_last(src: Path, out: Path, drawn: bytes) -> Path:
    """`src` with the first page of the PDF `drawn` placed on top of it as a form."""
    with pikepdf.open(src) as pdf, pikepdf.open(io.BytesIO(drawn)) as top:
        page = pdf.pages[0]
        name = page.add_resource(pdf.copy_foreign(top.pages[0].as_form_xobject()), pikepdf.Name.XObject)
        page.contents_add(f"q {name} Do Q".encode("ascii"))
        pdf.save(out)
    return out


def _drawing(draw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _digest(path: Path, beneath_stamp: bool) -> str:
    [(_, image, _)] = list(ocr_check._rendered(path, [1], beneath_stamp=beneath_stamp))
    return ocr_check.image_digest(image)


def _lifted(path: Path) -> tuple[bool, int, bool]:
    """Whether lift_stamp took something off page 1, its object count, and whether every
    object is still on the page afterwards."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        left, bottom, right, top = page.get_bbox()
        lifted = ocr_check.lift_stamp(page)
        objects = list(page.get_objects(max_depth=1))
        bounds = [o.get_bounds() for o in objects]  # left, bottom, right, top
        on_page = all(b[0] < right and b[2] > left and b[1] < top and b[3] > bottom for b in bounds)
        page.close()
        return lifted, len(objects), on_page
    finally:
        doc.close()


def test_beneath_the_stamp_the_pixels_are_the_documents_own(tmp_path: Path) -> None:
    scan = _scan_pdf(tmp_path / "scan.pdf", _consent_form())
    for concept in (True, False):
        stamped = _stamped(scan, tmp_path / f"gestempeld-{concept}.pdf", concept=concept)
        assert _digest(stamped, beneath_stamp=True) == _digest(scan, beneath_stamp=False)
        assert _digest(stamped, beneath_stamp=False) != _digest(scan, beneath_stamp=False)


def test_only_a_last_form_of_nothing_but_text_is_taken_off(tmp_path: Path) -> None:
    scan = _scan_pdf(tmp_path / "scan.pdf", _consent_form())
    assert _lifted(scan) == (False, 1, True)  # the scan's last object is its image
    assert _lifted(_stamped(scan, tmp_path / "gestempeld.pdf")) == (True, 2, False)  # moved off
    # a form that draws an image, or text beside a path, stays on the page
    image_form = _with_last(scan, tmp_path / "beeld.pdf", scan.read_bytes())
    assert _lifted(image_form) == (False, 2, True)
    text_and_box = _with_last(scan, tmp_path / "tekst-en-vak.pdf", _drawing(
        lambda c: (c.drawString(72, 40, "Pagina 1"), c.rect(300, 300, 200, 100, fill=1))))
    assert _lifted(text_and_box) == (False, 2, True)
    empty = _with_last(scan, tmp_path / "leeg.pdf", _drawing(lambda c: None))
    assert _lifted(empty)[0] is False


@needs_tesseract
def test_a_known_identifier_beneath_the_stamp_is_still_refused(tmp_path: Path) -> None:
    leaking = _stamped(_scan_pdf(tmp_path / "lek.pdf", _consent_form()), tmp_path / "gestempeld.pdf")
    with pytest.raises(LeakError) as info:
        verify_pdf(leaking, IDS.finder, IDS.literal_variants(), stamped=True)
    assert "naam (pagina 1, tekstherkenning)" in info.value.details


@needs_tesseract
def test_a_scan_drawn_last_in_a_form_is_read_whole(tmp_path: Path) -> None:
    # A blank page whose last object is a form drawing the leaking scan: not a stamp, so
    # the gate reads the page as it is and finds the name.
    covered = _consent_form()
    ImageDraw.Draw(covered).rectangle((0, 0, covered.width, covered.height), fill=245)
    blank = _scan_pdf(tmp_path / "blanco.pdf", covered)
    leaking = _scan_pdf(tmp_path / "lek.pdf", _consent_form())
    on_top = _with_last(blank, tmp_path / "erbovenop.pdf", leaking.read_bytes())
    with pytest.raises(LeakError) as info:
        verify_pdf(on_top, IDS.finder, IDS.literal_variants(), stamped=True)
    assert "naam (pagina 1, tekstherkenning)" in info.value.details
