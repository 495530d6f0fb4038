"""Tesseract proposes boxes for known identifiers printed on a scan."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.ocr import ocr_regions, pages_without_text, tesseract_command
from dossier_app.case_model import Leerling, Persoon
from dossier_app.paths import resources_dir

pytestmark = pytest.mark.skipif(tesseract_command() is None, reason="Tesseract (nld) not installed")


def _scan(path, lines):
    dpi = 150
    img = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 245)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(resources_dir() / "fonts" / "DejaVuSans.ttf"), 30)
    for i, line in enumerate(lines):
        draw.text((150, 200 + 80 * i), line, fill=15, font=font)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.save()


def test_known_names_on_a_scan_get_boxes_where_they_are(tmp_path):
    pdf = tmp_path / "scan.pdf"
    _scan(pdf, ["Verslag van het gesprek", "Aanwezig: Sanne Visser (moeder)", "Geen bijzonderheden."])
    ids = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser"),
                            [Persoon(rol="moeder", naam="Sanne Visser")])
    assert pages_without_text(pdf) == [1]
    boxes = ocr_regions(pdf, [1], ids.finder, tmp_path)
    assert list(boxes) == [1]
    assert 1 <= len(boxes[1]) <= 2  # "Sanne" and "Visser" (the surname is also the pupil's)
    for box in boxes[1]:
        # line 2 is drawn at y = 280 px at 150 dpi = 134 pt from the top
        assert 120 < box.y < 150 and box.hoogte < 30
        assert box.x > 150 / 150 * 72 + 40  # right of "Aanwezig:"
    right = max(b.x + b.breedte for b in boxes[1])
    assert right - min(b.x for b in boxes[1]) > 80  # both words covered
    assert not list(tmp_path.glob("ocr-*.png"))


def test_nothing_proposed_when_no_identifier_is_printed(tmp_path):
    pdf = tmp_path / "scan.pdf"
    _scan(pdf, ["Verzuimoverzicht groep 6", "Week 38: afwezig"])
    ids = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser"), [])
    assert ocr_regions(pdf, [1], ids.finder, tmp_path) == {}
