"""Pictures on pages with text: a screenshot from the pupil administration pasted into a
report holds the pupil's name, date of birth and BSN as pixels. The redactor boxes them
where they stand (the page becomes an image with the boxes burnt in, the rest of the
screenshot stays legible), the gate refuses a file where one is left, and the same image
on many pages is read once."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dossier_app.anonymise import ocr, ocr_check
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.ocr import pages_without_text
from dossier_app.case_model import Document, Leerling
from dossier_app.documents.pipeline import PipelineOptions, process_document
from dossier_app.errors import LeakError
from dossier_app.paths import resources_dir

pytestmark = pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")

IDS = build_identifiers(Leerling(voornamen="Noor", achternaam="el Amrani", geboortedatum=date(2015, 11, 17),
                                 bsn="123456782"), [])
LINES = ["Leerlingvolgsysteem - Leerlingkaart", "Naam: Noor el Amrani", "Geboortedatum: 17-11-2015",
         "BSN: 123456782", "Ongeoorloofd verzuim: 42 uur"]


def _screenshot(lines: list[str] = LINES, *, transparent: bool = False) -> bytes:
    """A screenshot as a school pastes it: screen pixels (96 dpi, 15 px type), PNG."""
    image = Image.new("RGBA" if transparent else "RGB", (620, 30 + 34 * len(lines)),
                      (0, 0, 0, 0) if transparent else (240, 244, 250))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(resources_dir() / "fonts" / "DejaVuSans.ttf"), 15)
    for i, line in enumerate(lines):
        draw.text((14, 14 + 34 * i), line, font=font, fill=(0, 0, 0, 255) if transparent else (0, 0, 0))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _report(path: Path, shot: bytes, *, pages: int = 1, rotate: int = 0) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        c.drawString(60, 800, f"Verslag intern begeleider, pagina {n + 1}")
        c.drawString(60, 780, "Hieronder een schermafdruk uit het leerlingvolgsysteem.")
        c.drawImage(ImageReader(io.BytesIO(shot)), 60, 560, width=465, height=200, mask="auto")
        c.drawString(60, 520, "De leerling komt sinds oktober niet meer op school.")
        c.showPage()
    c.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            for page in pdf.pages:
                page.Rotate = rotate
            pdf.save(path)
    return path


def _process(src: Path, tmp_path: Path):
    work = tmp_path / "werk"
    work.mkdir()
    return process_document(Document("overige-verslagen", src.name, src), IDS, work,
                            PipelineOptions(flagger=False))


def test_the_gate_refuses_a_screenshot_with_the_pupils_data_on_a_text_page(tmp_path: Path) -> None:
    src = _report(tmp_path / "verslag.pdf", _screenshot())
    assert pages_without_text(src) == [] and ocr_check.image_pages(src) == []  # a text page
    with pytest.raises(LeakError) as info:
        verify_pdf(src, IDS.finder, IDS.literal_variants())
    assert {"naam (pagina 1, tekstherkenning)", "bsn (pagina 1, tekstherkenning)",
            "geboortedatum (pagina 1, tekstherkenning)"} <= set(info.value.details)


@pytest.mark.parametrize(("rotate", "transparent"), [(0, False), (90, False), (0, True)])
def test_the_redactor_boxes_the_data_in_a_screenshot_and_keeps_the_rest(tmp_path: Path, rotate: int,
                                                                       transparent: bool) -> None:
    src = _report(tmp_path / "verslag.pdf", _screenshot(transparent=transparent), rotate=rotate)
    done = _process(src, tmp_path)
    assert any(m.code == "OCR_AFBEELDING_GELAKT" for m in done.meldingen)
    assert 1 in done.gerasterd  # the page is an image now, the boxes burnt in
    assert done.niet_gecontroleerd == [1]  # OCR is a safety net: the user looks at the page
    verify_pdf(done.pdf, IDS.finder, IDS.literal_variants())  # nothing readable is left
    # What is no identifier is still there to read.
    doc = pdfium.PdfDocument(done.pdf)
    try:
        text = ocr.page_text(doc[0], tmp_path) or ""
    finally:
        doc.close()
    for kept in ("Leerlingkaart", "verzuim", "42", "Verslag"):
        assert kept in text, text


def test_an_image_on_every_page_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _report(tmp_path / "verslag.pdf", _screenshot(["Schoollogo De Regenboog"]), pages=12)
    reads: list[int] = []
    real = ocr_check._tsv_outputs_memo
    monkeypatch.setattr(ocr_check, "_tsv_outputs_memo",
                        lambda *a, **k: reads.append(1) or real(*a, **k))
    assert ocr_check.picture_categories(src, IDS.finder, tmp_path, set()) == {}
    assert len(reads) == 1


def test_small_pictures_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "klein.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(60, 800, "Een opsommingsteken en een lijn.")
    c.drawImage(ImageReader(io.BytesIO(_screenshot(["Noor"]))), 60, 700, width=12, height=4)
    c.save()
    monkeypatch.setattr(ocr_check, "_tsv_outputs_memo", lambda *a, **k: pytest.fail("read"))
    assert ocr_check.picture_categories(path, IDS.finder, tmp_path, set()) == {}


def test_the_gate_knows_pages_whose_pictures_read_clean(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier_app.store.memo import Memo
    from dossier_app.store.vault import new_key

    (tmp_path / "memo").mkdir()
    memo = Memo(tmp_path / "memo", new_key())
    asked: list[set[int]] = []
    real = ocr_check.pictures
    monkeypatch.setattr(ocr_check, "pictures", lambda path, skip=(), **k: asked.append(set(skip))
                        or real(path, skip, **k))
    clean = _report(tmp_path / "a.pdf", _screenshot(["Verzuimoverzicht groep 5", "42 uur"]), pages=3)

    def check(path: Path) -> None:
        verify_pdf(path, IDS.finder, IDS.literal_variants(), memo=memo, identifiers_key=IDS.fingerprint())

    check(clean)
    assert asked.pop() == set()  # the first time: the pictures of every page
    check(clean)
    assert asked.pop() == {1, 2, 3}  # known clean: no page's pictures are looked at
    leaking = _report(tmp_path / "b.pdf", _screenshot(), pages=3)  # other pictures: read again
    with pytest.raises(LeakError):
        check(leaking)
    assert asked.pop() == set()


def test_a_picture_that_cannot_be_drawn_refuses_the_file_and_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, render=False, scale_to_original=True):
        raise pdfium.PdfiumError("kapot")

    monkeypatch.setattr(pdfium.PdfImage, "get_bitmap", broken)
    src = _report(tmp_path / "verslag.pdf", _screenshot())
    with pytest.raises(LeakError) as info:
        _process(src, tmp_path)
    assert "afbeelding op pagina 1 kan niet worden gelezen" in info.value.message
    assert "opnieuw af naar PDF" in info.value.message


def test_reading_pictures_prints_nothing_on_the_users_console(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    # pypdfium2 logs a warning (in English, shown on the console of `dossier`) when a bitmap
    # it calls foreign is closed explicitly.
    with caplog.at_level("WARNING"):
        _process(_report(tmp_path / "verslag.pdf", _screenshot()), tmp_path)
    assert not [r for r in caplog.records if r.name.startswith("pypdfium2")], caplog.text


def test_pages_known_clean_are_not_measured_again_and_a_scan_still_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose pictures read clean before was found no image page by the same program
    (its digest and the code are in the memo's name): a rebuild does not load it in PDFium
    to measure it again. A scan added behind those pages is measured and read."""
    from dossier_app.store.memo import Memo
    from dossier_app.store.vault import new_key

    (tmp_path / "memo").mkdir()
    memo = Memo(tmp_path / "memo", new_key())
    measured: list[int] = []
    real = ocr_check._image_share
    monkeypatch.setattr(ocr_check, "_image_share", lambda page: measured.append(1) or real(page))
    clean = _report(tmp_path / "a.pdf", _screenshot(["Verzuimoverzicht groep 5", "42 uur"]), pages=3)

    def check(path: Path) -> None:
        verify_pdf(path, IDS.finder, IDS.literal_variants(), memo=memo, identifiers_key=IDS.fingerprint())

    check(clean)
    assert len(measured) == 3
    measured.clear()
    check(clean)
    assert measured == []
    # The same three pages and a scan of the pupil's card behind them.
    scan = tmp_path / "scan.png"
    Image.open(io.BytesIO(_screenshot())).convert("RGB").resize((1240, 500)).save(scan)
    with_scan = tmp_path / "b.pdf"
    c = canvas.Canvas(str(with_scan), pagesize=A4)
    c.drawImage(str(scan), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    with pikepdf.open(clean) as pdf, pikepdf.open(with_scan) as extra:
        pdf.pages.extend(extra.pages)
        pdf.save(tmp_path / "c.pdf")
    measured.clear()
    with pytest.raises(LeakError) as info:
        check(tmp_path / "c.pdf")
    assert measured == [1] and "pagina 4" in " ".join(info.value.details)
