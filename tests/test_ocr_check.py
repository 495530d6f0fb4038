"""Scans read again after redaction: a word beside a box is found, boxed, and the gate
refuses an image page on which a known identifier is still readable."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dossier_app.anonymise import ocr_check
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.ocr import ocr_regions, pages_without_text
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.case_model import Document, Leerling, Persoon
from dossier_app.documents.pipeline import PipelineOptions, process_document
from dossier_app.errors import LeakError
from dossier_app.paths import resources_dir

needs_tesseract = pytest.mark.skipif(ocr_check._engine() is None,
                                     reason="Tesseract (nld) not installed")

IDS = build_identifiers(
    Leerling(voornamen="Ilse", achternaam="Kramer-Özdemir", geboortedatum=date(2011, 9, 9),
             adres="Weimarstraat 212", postcode="2514 AB"),
    [Persoon("moeder", "Mirjam Kramer")])
DPI = 150


def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resources_dir() / "fonts" / "DejaVuSans.ttf"), 26)


def _consent_form() -> Image.Image:
    """A scanned consent form: the first name stands right against a black printed field
    (the shape Tesseract skips), the other identifiers on lines of their own."""
    image = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 245)
    draw = ImageDraw.Draw(image)
    font = _font()
    draw.text((120, 200), "TOESTEMMINGSFORMULIER", fill=15, font=font)
    label = "Naam leerling: Ilse"
    draw.text((120, 300), label, fill=15, font=font)
    right = 120 + draw.textlength(label, font=font)
    draw.rectangle((right + 1, 292, right + 300, 340), fill=0)
    for i, line in enumerate(["Geboortedatum: 09-09-2011", "Adres: Weimarstraat 212",
                              "Ouder: Mirjam Kramer", "Ouders geven toestemming voor overleg."]):
        draw.text((120, 400 + 80 * i), line, fill=15, font=font)
    return image


def _scan_pdf(path: Path, image: Image.Image, footer: str | None = None) -> Path:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=80)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
    if footer:
        c.setFont("Helvetica", 8)
        c.drawString(40, 20, footer)
    c.save()
    return path


@needs_tesseract
def test_a_word_beside_a_box_is_found_when_the_box_is_blanked(tmp_path: Path) -> None:
    src = _scan_pdf(tmp_path / "toestemming.pdf", _consent_form())
    first = ocr_regions(src, [1], IDS.finder, tmp_path)
    # the first pass reads the date, address and parent, but not the name against the field
    assert all(box.y > 170 for box in first[1])
    again = ocr_check.readable_identifiers(src, [1], IDS.finder, tmp_path)
    name_line = [box for box in again[1] if 130 < box.y < 160]  # 300 px at 150 dpi = 144 pt
    assert len(name_line) == 1 and name_line[0].x < 200


@needs_tesseract
def test_scan_without_manual_regions_leaves_nothing_readable(tmp_path: Path) -> None:
    """Acceptance: 0 known identifiers readable by Tesseract at 300 dpi with boxes blanked,
    and the gate passes the result; the words that are no identifier stay readable."""
    src = _scan_pdf(tmp_path / "toestemming.pdf", _consent_form())
    work = tmp_path / "werk"
    work.mkdir()
    done = process_document(Document("toestemming-ouders", "toestemming.pdf", src), IDS, work,
                            PipelineOptions(flagger=False))
    assert ocr_check.readable_identifiers(done.pdf, [1], IDS.finder, tmp_path) == {}
    verify_pdf(done.pdf, IDS.finder, IDS.literal_variants())
    assert done.ocr_vlakken[1] >= 4  # the first pass's boxes and the one the re-read added
    assert "OCR_NOG_LEESBAAR" not in {m.code for m in done.meldingen}
    assert done.niet_gecontroleerd == [1]  # still for the user to look at
    words = " ".join(w.text for line in ocr_check._read_modes(
        ocr_check._engine() or "", _rendered(done.pdf), tmp_path / "uit.png")[0] for w in line)
    assert "TOESTEMMINGSFORMULIER" in words and "toestemming" in words


def _rendered(path: Path) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        image, _ = ocr_check._render(doc[0])
        return image
    finally:
        doc.close()


@needs_tesseract
def test_gate_refuses_an_image_page_with_a_readable_identifier(tmp_path: Path) -> None:
    """The redactor's first pass alone (its boxes burnt in, no re-read) leaves the name
    beside the field: the gate reads the page and refuses it, naming the page."""
    src = _scan_pdf(tmp_path / "toestemming.pdf", _consent_form())
    first = ocr_regions(src, [1], IDS.finder, tmp_path)
    clean = tmp_path / "schoon.pdf"
    clean_pdf(src, clean, IDS.finder, first[1], bestand="toestemming.pdf")
    with pytest.raises(LeakError) as info:
        verify_pdf(clean, IDS.finder, IDS.literal_variants())
    assert "naam (pagina 1, tekstherkenning)" in info.value.details
    assert "ilse" not in (info.value.message + " ".join(info.value.details)).lower()


@needs_tesseract
def test_gate_reads_image_pages_that_carry_a_text_footer(tmp_path: Path) -> None:
    """In a bundle every page has the footer's text: an image page is one that images
    cover, not one without text."""
    image = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 245)
    ImageDraw.Draw(image).text((120, 300), "Gesprek met Mirjam Kramer over verzuim", fill=15,
                               font=_font())
    path = _scan_pdf(tmp_path / "bundel.pdf", image, footer="Vertrouwelijk - OT-1234567 - p. 1")
    assert pages_without_text(path) == []
    assert ocr_check.image_pages(path) == [1]
    with pytest.raises(LeakError) as info:
        verify_pdf(path, IDS.finder, IDS.literal_variants())
    assert "naam (pagina 1, tekstherkenning)" in info.value.details


def test_without_tesseract_the_gate_reads_no_image(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No OCR engine: today's behaviour (the page stays "not checked" for the user)."""
    monkeypatch.setattr(ocr_check, "_engine", lambda: None)  # neither built in nor a program
    path = _scan_pdf(tmp_path / "scan.pdf", _consent_form())
    assert ocr_check.readable_categories(path, IDS.finder, tmp_path) == {}
    verify_pdf(path, IDS.finder, IDS.literal_variants())


def test_text_pages_are_not_image_pages(tmp_path: Path) -> None:
    path = tmp_path / "tekst.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 700, "Een gewone pagina met tekst.")
    c.drawImage(ImageReader(Image.new("L", (40, 40), 0)), 72, 600, width=40, height=40)
    c.save()
    assert ocr_check.image_pages(path) == []


def test_black_boxes_are_blanked_and_text_is_kept() -> None:
    image = Image.new("L", (900, 300), 250)
    draw = ImageDraw.Draw(image)
    draw.text((20, 100), "Ilse", fill=10, font=ImageFont.truetype(
        str(resources_dir() / "fonts" / "DejaVuSans-Bold.ttf"), 60))
    draw.rectangle((160, 90, 600, 170), fill=0)  # a burnt box right after the word
    word = image.crop((0, 0, 150, 300)).tobytes()
    ocr_check.blank_dark_boxes(image)
    assert image.crop((160, 90, 600, 170)).getextrema() == (255, 255)  # the box is white
    assert image.crop((0, 0, 150, 300)).tobytes() == word  # the bold word beside it is kept


def test_image_share_counts_only_the_page(tmp_path: Path) -> None:
    """An image drawn mostly outside the page does not make it an image page."""
    path = tmp_path / "rand.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(Image.new("L", (40, 40), 128)), -2000, -2000, width=2050, height=2050)
    c.save()
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
    assert ocr_check.image_pages(path) == []


@needs_tesseract
def test_still_readable_after_the_last_round_is_a_warning_naming_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no rounds left (the limit set to 0 here), what the re-read still finds is a
    LET OP naming the page; the gate then refuses the file."""
    from dossier_app.documents import pipeline

    monkeypatch.setattr(pipeline, "MAX_ROUNDS", 0)
    src = _scan_pdf(tmp_path / "toestemming.pdf", _consent_form())
    work = tmp_path / "werk"
    work.mkdir()
    doc = Document("toestemming-ouders", "toestemming.pdf", src)
    done = process_document(doc, IDS, work, PipelineOptions(flagger=False, gate=False))
    (warning,) = [m for m in done.meldingen if m.code == "OCR_NOG_LEESBAAR"]
    assert warning.niveau == "waarschuwing" and "pagina 1 " in warning.tekst
    assert "ilse" not in warning.tekst.lower()
    with pytest.raises(LeakError):
        process_document(doc, IDS, work, PipelineOptions(flagger=False))


@needs_tesseract
def test_gate_reads_an_image_page_over_its_line_ends(tmp_path: Path) -> None:
    """A date and a street split at the end of a scanned line are read as a text page is:
    over the line end. Neither line alone holds them."""
    image = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 245)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(["Verslag van het huisbezoek", "Zij is geboren op 09-09-",
                              "2011 in het ziekenhuis.", "Het gezin woont aan de Weimar-",
                              "straat 212 op de tweede etage."]):
        draw.text((120, 200 + 80 * i), line, fill=15, font=_font())
    path = _scan_pdf(tmp_path / "scan.pdf", image)
    assert ocr_check.readable_categories(path, IDS.finder, tmp_path) == {1: {"geboortedatum", "adres"}}
    with pytest.raises(LeakError) as info:
        verify_pdf(path, IDS.finder, IDS.literal_variants())
    assert "geboortedatum (pagina 1, tekstherkenning)" in info.value.details


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="a shell script stands in for the program")
@pytest.mark.parametrize("at_once", [True, False])
def test_the_programs_modes_run_together_or_one_after_the_other(tmp_path: Path, at_once: bool) -> None:
    """Beside other work (documents side by side) the two page-segmentation modes run one
    program at a time; alone, both at once. A script stands in for Tesseract here: it notes
    when it starts and ends (the mode is its sixth argument) and answers with a header."""
    log = tmp_path / "runs.log"
    program = tmp_path / "tesseract"
    program.write_text(f'#!/bin/sh\necho "begin $6" >> "{log}"\nsleep 0.5\necho "eind $6" >> "{log}"\n'
                       'printf "level\\tpage_num\\n"\n', encoding="utf-8")
    program.chmod(0o755)
    outputs = ocr_check._tsv_outputs(str(program), Image.new("L", (60, 40), 255), tmp_path / "p.png",
                                     at_once)
    assert outputs == ["level\tpage_num\n"] * len(ocr_check.PSM_MODES)
    events = log.read_text(encoding="utf-8").split()
    runs = [" ".join(events[i:i + 2]) for i in range(0, len(events), 2)]
    if at_once:
        assert set(runs[:2]) == {f"begin {m}" for m in ocr_check.PSM_MODES}, runs
    else:
        assert runs == [f"{word} {m}" for m in ocr_check.PSM_MODES for word in ("begin", "eind")], runs
    assert not (tmp_path / "p.png").exists()


@needs_tesseract
def test_the_re_read_of_a_boxed_scan_follows_the_option(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`PipelineOptions.ocr_modes_at_once` reaches the re-read of a scan with boxes."""
    seen: list[bool] = []
    real = ocr_check._tsv_outputs

    def noting(exe, image, target, at_once=True):
        seen.append(at_once)
        return real(exe, image, target, at_once)

    monkeypatch.setattr(ocr_check, "_tsv_outputs", noting)
    src = _scan_pdf(tmp_path / "toestemming.pdf", _consent_form())
    doc = Document("toestemming-ouders", "toestemming.pdf", src)
    for at_once in (False, True):
        work = tmp_path / f"werk-{at_once}"
        work.mkdir()
        seen.clear()
        process_document(doc, IDS, work, PipelineOptions(flagger=False, gate=False,
                                                         ocr_modes_at_once=at_once))
        assert seen and set(seen) == {at_once}
