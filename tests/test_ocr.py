"""Tesseract proposes boxes for known identifiers printed on a scan: the built-in engine
(tesserocr wheel + shipped Dutch data) with no program on PATH, and the Tesseract program
when installed, also when the locale's code page is cp1252 (as on Windows)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from conftest import REPO, oracle
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dossier_app.anonymise import ocr
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.ocr import ocr_regions, pages_without_text, tesseract_command
from dossier_app.case_model import Leerling, Persoon
from dossier_app.paths import resources_dir

needs_program = pytest.mark.skipif(tesseract_command() is None,
                                   reason="the Tesseract program (nld) is not installed")


def _scan(path, lines):
    _scans(path, [lines])


@pytest.fixture(params=["ingebouwd", pytest.param("programma", marks=needs_program)])
def engine(request, monkeypatch):
    """Each test below runs with the built-in engine and with the Tesseract program."""
    if request.param == "programma":
        monkeypatch.setattr(ocr.ocr_builtin, "available", lambda: False)
    return request.param


def test_known_names_on_a_scan_get_boxes_where_they_are(tmp_path, engine):
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


def test_an_identifier_split_over_two_lines_gets_a_box_on_each(tmp_path, engine):
    # Read as a text page is: over its line ends ("Vis-" / "ser", "17-11-" / "2015").
    pdf = tmp_path / "scan.pdf"
    _scan(pdf, ["Verslag van het huisbezoek", "Het gesprek ging over de leerling Vis-",
                "ser en haar klas.", "Zij is geboren op 17-11-", "2015 in Den Haag.",
                "Het verzuim liep op tot 17", "lesuren in november."])
    ids = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser",
                                     geboortedatum=date(2015, 11, 17)), [])
    boxes = ocr_regions(pdf, [1], ids.finder, tmp_path)[1]

    def on_line(i: int) -> list:
        top = (200 + 80 * i) * 72 / 150  # line i is drawn at y = 200 + 80 i px at 150 dpi
        return [b for b in boxes if top - 12 < b.y < top + 12]

    assert [len(on_line(i)) for i in range(7)] == [0, 1, 1, 1, 1, 0, 0], boxes
    for i in (2, 4):  # the second part stands at the start of its line
        assert on_line(i)[0].x < 150 / 150 * 72 + 10
    for i in (1, 3):  # the first part at the end of its line, after the words before it
        assert on_line(i)[0].x > 150 / 150 * 72 + 100


def test_nothing_proposed_when_no_identifier_is_printed(tmp_path, engine):
    pdf = tmp_path / "scan.pdf"
    _scan(pdf, ["Verzuimoverzicht groep 6", "Week 38: afwezig"])
    ids = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser"), [])
    assert ocr_regions(pdf, [1], ids.finder, tmp_path) == {}


def test_builtin_engine_needs_no_program_on_path(tmp_path, monkeypatch):
    """A plain Windows laptop: PATH holds no program at all, OCR still proposes boxes."""
    monkeypatch.setenv("PATH", str(tmp_path / "leeg"))
    ocr.tesseract_command.cache_clear()
    try:
        assert ocr.tesseract_command() is None
        assert ocr.ocr_engine() == "tesseract-ingebouwd"
        pdf = tmp_path / "scan.pdf"
        _scan(pdf, ["Leerling: Elif Özdemir", "Geboren op 3 maart 2014"])
        ids = build_identifiers(Leerling(voornamen="Elif", achternaam="Özdemir",
                                         geboortedatum=date(2014, 3, 3)), [])
        boxes = ocr_regions(pdf, [1], ids.finder, tmp_path)
        assert len(boxes.get(1, [])) >= 2  # the name and the birth date
    finally:
        ocr.tesseract_command.cache_clear()


_UNDER_CP1252 = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dossier_app.anonymise import ocr, ocr_builtin
    from dossier_app.anonymise.identifiers import build_identifiers
    from dossier_app.case_model import Leerling
    if sys.argv[2] == "programma":
        ocr_builtin.available = lambda: False  # the Tesseract program, not the library
    ids = build_identifiers(Leerling(voornamen="Elif", achternaam="Özdemir"), [])
    boxes = ocr.ocr_regions(Path(sys.argv[1]), [1], ids.finder, Path(sys.argv[1]).parent)
    import locale
    print(locale.getpreferredencoding(False), ocr.ocr_engine(), len(boxes.get(1, [])))
""")


def _cp1252_locale(tmp_path) -> dict[str, str]:
    folder = tmp_path / "locale"
    folder.mkdir()
    tools = os.pathsep.join(os.path.dirname(oracle(name)) for name in ("localedef", "gzip"))
    made = subprocess.run([oracle("localedef"), "-f", "CP1252", "-i", "nl_NL", str(folder / "nl_NL.CP1252")],
                          capture_output=True, check=False, env={**os.environ, "PATH": tools})
    assert made.returncode in (0, 1), made.stderr  # 1: warnings only (scripts/system-deps.sh: locales)
    return {**os.environ, "LOCPATH": str(folder), "LC_ALL": "nl_NL.CP1252", "PYTHONUTF8": "0",
            "PYTHONIOENCODING": "utf-8"}


@pytest.mark.parametrize("engine", ["ingebouwd", pytest.param("programma", marks=needs_program)])
def test_a_name_with_diacritics_is_found_under_a_cp1252_locale(tmp_path, engine):
    """Windows decodes a program's output in the ANSI code page unless told otherwise:
    "Özdemir" came back as "Ã–zdemir" and its box was not found."""
    pdf = tmp_path / "scan.pdf"
    _scan(pdf, ["Mevrouw Özdemir belde om 9 uur.", "Geen bijzonderheden."])
    script = tmp_path / "ocr_cp1252.py"  # a source file is UTF-8; a -c argument is not
    script.write_text(_UNDER_CP1252, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(pdf), engine], cwd=REPO,
                         env=_cp1252_locale(tmp_path), capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout.split()
    expected = "tesseract" if engine == "programma" else "tesseract-ingebouwd"
    assert out[0].lower() in ("cp1252", "windows-1252") and out[1] == expected
    assert int(out[2]) == 1, "the box around Özdemir (the only identifier on the page)"


def _scans(path, pages):
    """One scanned page per list of lines, as `_scan` draws them."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        dpi = 150
        img = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 245)
        draw = ImageDraw.Draw(img)
        font = ImageFont.truetype(str(resources_dir() / "fonts" / "DejaVuSans.ttf"), 30)
        for i, line in enumerate(lines):
            draw.text((150, 200 + 80 * i), line, fill=15, font=font)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=80)
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()


SPLIT_SCAN = [["Verslag van het huisbezoek", "De school sprak met de ouders.",
               "Het gesprek ging over de leerling Vis-"],
              ["Verslag huisbezoek, pagina 2", "ser en haar klas.", "Geen bijzonderheden."]]
VISSER = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser"), [])


def test_an_identifier_split_by_the_break_between_two_scans_gets_a_box_on_each(tmp_path, engine):
    """"Vis-" on the last line of one scanned page, "ser" on the second line of the next
    (below a header): one name, boxed on both pages."""
    pdf = tmp_path / "scan.pdf"
    _scans(pdf, SPLIT_SCAN)
    assert pages_without_text(pdf) == [1, 2]
    boxes = ocr_regions(pdf, [1, 2], VISSER.finder, tmp_path)
    assert sorted(boxes) == [1, 2], boxes
    (foot,), (head,) = boxes[1], boxes[2]
    assert abs(foot.y - (200 + 80 * 2) * 72 / 150) < 12 and foot.x > 150 / 150 * 72 + 100
    assert abs(head.y - (200 + 80 * 1) * 72 / 150) < 12 and head.x < 150 / 150 * 72 + 10
    assert ocr_regions(pdf, [1], VISSER.finder, tmp_path) == {}  # neither page alone shows it


def test_the_gate_reads_over_the_break_between_two_scans(tmp_path) -> None:
    from dossier_app.anonymise import ocr_check

    if ocr_check._engine() is None:
        pytest.skip("no Tesseract")
    pdf = tmp_path / "scan.pdf"
    _scans(pdf, SPLIT_SCAN)
    assert ocr_check.readable_categories(pdf, VISSER.finder, tmp_path) == {1: {"naam"}}
    apart = tmp_path / "los.pdf"  # the same two pages, not one after the other
    _scans(apart, [SPLIT_SCAN[0], ["Tussenblad"], SPLIT_SCAN[1]])
    assert ocr_check.readable_categories(apart, VISSER.finder, tmp_path) == {}


def test_a_document_of_two_scans_with_a_name_split_between_them_comes_out_clean(tmp_path) -> None:
    from dossier_app.anonymise import ocr_check
    from dossier_app.case_model import Document
    from dossier_app.documents.pipeline import PipelineOptions, process_document

    if ocr_check._engine() is None:
        pytest.skip("no Tesseract")
    src = tmp_path / "scan.pdf"
    _scans(src, SPLIT_SCAN)
    work = tmp_path / "werk"
    work.mkdir()
    done = process_document(Document("overige-verslagen", src.name, src), VISSER, work,
                            PipelineOptions(flagger=False))  # its own gate passes
    assert done.paginas == 2
    assert sorted(done.gerasterd) == [1, 2], done.gerasterd  # a box burnt into each page
    assert ocr_check.readable_categories(done.pdf, VISSER.finder, tmp_path) == {}


_READS_AND_LETS_GO = textwrap.dedent("""
    import sys
    from PIL import Image, ImageDraw, ImageFont
    from dossier_app.anonymise import ocr_builtin
    from dossier_app.paths import resources_dir

    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024

    page = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi, forty lines of text
    font = ImageFont.truetype(str(resources_dir() / "fonts" / "DejaVuSans.ttf"), 40)
    draw = ImageDraw.Draw(page)
    for i in range(40):
        draw.text((200, 200 + 78 * i), f"Regel {i}: de leerling komt sinds oktober niet meer op school.",
                  fill=0, font=font)
    assert ocr_builtin.available()
    loaded = rss_mb()
    first = [ocr_builtin.tsv(page, psm, 300) for psm in (3, 11)]
    held = rss_mb() - loaded
    again = [ocr_builtin.tsv(page, psm, 300) for psm in (3, 11)]
    print(held, first == again, "Regel" in first[0])
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads VmRSS in /proc")
def test_builtin_engine_lets_go_of_a_page_after_reading_it():
    """A document worker reads a dense scan with the built-in engine and goes on with the
    next documents: the page's image and what was recognised on it are let go (they held
    ~57 MB of this page before), and a read after that reads the same."""
    done = subprocess.run([sys.executable, "-c", _READS_AND_LETS_GO], capture_output=True, text=True,
                          check=True, cwd=REPO)
    held, same, read = done.stdout.split()
    assert read == "True" and same == "True"
    assert int(held) < 25, f"{held} MB still held after two reads"
