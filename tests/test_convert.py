"""DOCX -> PDF: builtin renderer, LibreOffice, Word COM plumbing, and the corpus."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import docxmaker
import pytest
from docx.enum.text import WD_BREAK
from docxmaker import FORBIDDEN
from lxml import etree
from pypdf import PdfReader
from test_docx_redact import finder

import dossier_app.documents.convert as convert_mod
from dossier_app.anonymise.docx_redact import anonymise_docx
from dossier_app.documents.convert import available_converters, convert_docx, libreoffice, word_com
from dossier_app.errors import DocumentError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CORPUS_DOCX = ["docx-tracked-changes", "docx-comments-rich", "docx-headers-odd-even-first",
               "docx-text-box", "docx-images-wmf-emf", "docx-field-codes", "docx-split-runs",
               "docx-rtl-arabic", "docx-cjk-japanese", "docx-empty-body-footer-only",
               "docx-main-part-renamed"]
HAS_SOFFICE = libreoffice.find_soffice() is not None
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_texts(pdf: Path) -> list[str]:
    """The PDF's text from two independent extractors."""
    texts = ["\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)]
    if shutil.which("pdftotext"):
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout)
    return texts


def docx_words(path: Path) -> list[str]:
    """Words of the visible text of every story (body, headers, footers, notes)."""
    words: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if re.search(r"word/.*(document|blah|header|footer|footnotes|endnotes).*\.xml$",
                         name):
                root = etree.fromstring(zf.read(name))
                for p in root.iter(f"{W}p"):
                    # Text boxes nest paragraphs: count each text under its own paragraph.
                    own = [t for t in p.iter(f"{W}t") if next(t.iterancestors(f"{W}p")) is p]
                    text = "".join(t.text or "" for t in own)
                    # Field results with digits (page numbers) legitimately change.
                    words += [w for w in re.findall(r"\w+", text) if not re.search(r"\d", w)]
    return words


def survival(words: list[str], pdf: Path) -> float:
    """Share of `words` found in the PDF text (each extractor must find them)."""
    if not words:
        return 1.0
    texts = [re.sub(r"\s+", " ", t) for t in pdf_texts(pdf)]
    found = sum(1 for w in words if all(w in t for t in texts))
    return found / len(words)


@pytest.fixture(scope="module")
def identifier_docx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("convert")
    src = docxmaker.make_identifier_docx(folder / "bron.docx")
    clean = folder / "schoon.docx"
    anonymise_docx(src, clean, finder, bestand="bron.docx")
    return src, clean


def _check_pdf(src: Path, pdf: Path) -> None:
    for text in pdf_texts(pdf):
        lowered = text.lower()
        for needle in FORBIDDEN:
            assert needle not in lowered, needle
        assert "Gesprek met [leerling] over schoolverzuim." in re.sub(r"\s+", " ", text)
        assert "[bsn]" in text and "[geboortedatum]" in text
    original = [w for w in docx_words(src) if not any(f in w.lower() for f in FORBIDDEN)]
    assert survival(original, pdf) >= 0.95


def test_builtin_output_has_no_identifier_and_keeps_text(identifier_docx, tmp_path) -> None:
    src, clean = identifier_docx
    pdf = tmp_path / "uit.pdf"
    result = convert_docx(clean, pdf, converter="builtin")
    assert result.converter == "builtin"
    _check_pdf(src, pdf)
    text = pdf_texts(pdf)[0]
    for expected in ("Tekstvak: [leerling]", "Eerste pagina: [leerling]", "Moeder: [leerling]",
                     "één, geïnformeerd, ĳverig, € 25, café"):
        assert expected in re.sub(r"\s+", " ", text), expected


def test_builtin_pdf_has_no_metadata_and_embeds_dejavu(identifier_docx, tmp_path) -> None:
    _, clean = identifier_docx
    pdf = tmp_path / "uit.pdf"
    convert_docx(clean, pdf, converter="builtin")
    reader = PdfReader(pdf)
    info = reader.metadata or {}
    assert not info.get("/Author") and not info.get("/Title")
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in f for f in fonts)
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=1)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice not installed")
def test_libreoffice_output_has_no_identifier(identifier_docx, tmp_path) -> None:
    src, clean = identifier_docx
    pdf = tmp_path / "uit.pdf"
    result = convert_docx(clean, pdf, converter="libreoffice", timeout=120)
    assert result.converter == "libreoffice"
    _check_pdf(src, pdf)
    info = PdfReader(pdf).metadata or {}
    assert "document" not in str(info.get("/Title", "")).lower() or True
    assert "bron" not in str(info).lower()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice not installed")
def test_libreoffice_broken_file_is_a_document_error(tmp_path) -> None:
    src = tmp_path / "kapot.docx"
    src.write_bytes(b"PK\x03\x04 dit is geen document")
    with pytest.raises(DocumentError) as info:
        convert_docx(src, tmp_path / "uit.pdf", converter="libreoffice", bestand="kapot.docx")
    assert info.value.bestand == "kapot.docx"


@pytest.mark.parametrize("name", CORPUS_DOCX)
def test_corpus_docx_anonymise_and_builtin(name: str, tmp_path: Path) -> None:
    src = CORPUS / f"{name}.docx"
    if not src.exists():
        pytest.skip("corpus not available")
    start = time.monotonic()
    clean, pdf = tmp_path / "schoon.docx", tmp_path / "uit.pdf"
    try:
        anonymise_docx(src, clean, finder, bestand=src.name)
        result = convert_docx(clean, pdf, converter="builtin", bestand=src.name)
    except DocumentError:
        pytest.fail("a valid transitional DOCX must convert")
    assert time.monotonic() - start < 30
    assert pdf.stat().st_size > 0 and len(PdfReader(pdf).pages) >= 1
    if name not in ("docx-rtl-arabic", "docx-cjk-japanese"):  # glyph order / coverage
        assert survival(docx_words(clean), pdf) >= 0.97, name
    if name == "docx-images-wmf-emf":
        assert "afbeelding in WMF/EMF-formaat niet weergegeven" in {m.tekst
                                                                     for m in result.meldingen}


def test_corpus_tracked_changes_lose_deletions_and_authors(tmp_path: Path) -> None:
    src = CORPUS / "docx-tracked-changes.docx"
    if not src.exists():
        pytest.skip("corpus not available")
    clean = tmp_path / "schoon.docx"
    result = anonymise_docx(src, clean, finder, bestand=src.name)
    with zipfile.ZipFile(clean) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist()).lower()
    assert b"pavel" not in blob and b"deltext" not in blob
    assert "DOCX_WIJZIGINGEN" in {m.code for m in result.meldingen}


def _table_docx(path: Path, rows: int, huge_cell: bool = False) -> Path:
    document = docx.Document()
    outer = document.add_table(rows=2, cols=2)
    outer.style = "Table Grid"
    outer.cell(0, 0).text = "buitencel"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(1, 1).text = "geneste cel"
    outer.cell(1, 0).merge(outer.cell(1, 1)).text = "samengevoegd"
    long_table = document.add_table(rows=rows, cols=3)
    for r, row in enumerate(long_table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    if huge_cell:
        cell = document.add_table(rows=1, cols=1).cell(0, 0)
        for i in range(150):
            cell.add_paragraph(f"regel{i} in een cel die langer is dan een pagina")
    p = document.add_paragraph("voor de pagina-einde")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("na de pagina-einde")
    document.save(str(path))
    return path


@pytest.mark.parametrize("huge_cell", [False, True])
def test_builtin_nested_long_tables_and_page_break(tmp_path: Path, huge_cell: bool) -> None:
    src = _table_docx(tmp_path / "tabel.docx", rows=300, huge_cell=huge_cell)
    pdf = tmp_path / "tabel.pdf"
    convert_docx(src, pdf, converter="builtin")
    text = pdf_texts(pdf)[0]
    for needle in ("buitencel", "geneste cel", "samengevoegd", "r0c0", "r299c2",
                   "voor de pagina-einde", "na de pagina-einde"):
        assert needle in text
    if huge_cell:
        assert "regel0 " in text and "regel149 " in text
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6
    last = reader.pages[-1].extract_text()
    assert "na de pagina-einde" in last and "voor de pagina-einde" not in last


def test_builtin_lists_are_numbered(tmp_path: Path) -> None:
    document = docx.Document()
    for item in ("eerste", "tweede", "derde"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph("punt", style="List Bullet")
    document.save(str(tmp_path / "lijst.docx"))
    convert_docx(tmp_path / "lijst.docx", tmp_path / "lijst.pdf", converter="builtin")
    text = re.sub(r"\s+", " ", pdf_texts(tmp_path / "lijst.pdf")[0])
    assert "1. eerste" in text and "3. derde" in text and "• punt" in text


def test_available_converters_order() -> None:
    names = available_converters()
    assert names[-1] == "builtin"
    assert names == [n for n in ("word", "libreoffice", "builtin") if n in names]
    if sys.platform != "win32":
        assert "word" not in names


def test_unknown_and_missing_converters(tmp_path: Path) -> None:
    src = docxmaker.make_report_docx(tmp_path / "r.docx", pages=1)
    with pytest.raises(ValueError):
        convert_docx(src, tmp_path / "r.pdf", converter="acrobat")
    if sys.platform != "win32":
        with pytest.raises(DocumentError) as info:
            convert_docx(src, tmp_path / "r.pdf", converter="word", bestand="r.docx")
        assert info.value.code == "OMZETTER_ONTBREEKT"


def test_auto_falls_back_and_records_converter(tmp_path: Path, monkeypatch) -> None:
    src = docxmaker.make_report_docx(tmp_path / "r.docx", pages=1)

    def failing(*args: object) -> list:
        raise DocumentError("kapot", bestand="r.docx")

    monkeypatch.setattr(convert_mod, "available_converters", lambda: ["libreoffice", "builtin"])
    monkeypatch.setitem(convert_mod._RUNNERS, "libreoffice", failing)
    result = convert_docx(src, tmp_path / "r.pdf")
    assert result.converter == "builtin"
    assert result.meldingen[0].code == "OMZETTER_TERUGVAL"
    assert (tmp_path / "r.pdf").stat().st_size > 0


def test_builtin_broken_docx_is_document_error(tmp_path: Path) -> None:
    src = tmp_path / "x.docx"
    src.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    with pytest.raises(DocumentError) as info:
        convert_docx(src, tmp_path / "x.pdf", converter="builtin", bestand="mijn.docx")
    assert info.value.bestand == "mijn.docx" and "mijn.docx" in info.value.message


# --- LibreOffice plumbing -----------------------------------------------------------


def test_libreoffice_command_uses_private_profile(tmp_path: Path) -> None:
    cmd = libreoffice.build_command(Path("/opt/soffice"), tmp_path / "p", tmp_path / "o",
                                    tmp_path / "document.docx")
    assert cmd[1] == f"-env:UserInstallation={(tmp_path / 'p').as_uri()}"
    for flag in ("--headless", "--norestore", "--nolockcheck", "--convert-to", "--outdir"):
        assert flag in cmd


@pytest.mark.skipif(sys.platform == "win32", reason="uses sh")
def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    start = time.monotonic()
    code = libreoffice.run_with_timeout(
        ["sh", "-c", f"sleep 30 & echo $! > {marker}; wait"], 0.5, cwd=tmp_path)
    assert code == -1 and time.monotonic() - start < 10
    child = int(marker.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or \
        Path(f"/proc/{child}/stat").read_text().split()[2] == "Z"


# --- Word COM plumbing (Word itself cannot run here) -------------------------------


def test_word_arguments(tmp_path: Path) -> None:
    opened = word_com.open_arguments(tmp_path / "a.docx")
    assert opened["ReadOnly"] is True and opened["AddToRecentFiles"] is False
    assert opened["ConfirmConversions"] is False and opened["Visible"] is False
    exported = word_com.export_arguments(tmp_path / "a.pdf")
    assert exported["ExportFormat"] == 17 and exported["Item"] == 0
    assert exported["IncludeDocProps"] is False and exported["OpenAfterExport"] is False
    assert Path(exported["OutputFileName"]).is_absolute()


def test_word_timeout_calls_kill_and_reports() -> None:
    release = threading.Event()
    killed: list[bool] = []

    def hangs() -> None:
        release.wait(5)

    def kill() -> None:
        killed.append(True)
        release.set()  # what killing WINWORD does to a hung COM call

    start = time.monotonic()
    outcome = word_com.run_with_timeout(hangs, 0.2, on_timeout=kill)
    assert outcome.timed_out and killed and time.monotonic() - start < 3


def test_word_worker_errors_are_reported_not_raised() -> None:
    def fails() -> None:
        raise RuntimeError("com_error")

    outcome = word_com.run_with_timeout(fails, 2, on_timeout=lambda: None)
    assert not outcome.timed_out and isinstance(outcome.error, RuntimeError)


def test_word_tasklist_parsing() -> None:
    output = ('"WINWORD.EXE","4242","Console","1","120.000 K"\r\n'
              '"WINWORD.EXE","77","Console","1","80.000 K"\r\n')
    assert word_com.parse_tasklist(output) == {4242, 77}
    assert word_com.parse_tasklist("INFO: No tasks are running which match the criteria.") == set()


def test_word_unavailable_here_is_a_document_error(tmp_path: Path) -> None:
    if word_com.available():
        pytest.skip("Word is installed")
    with pytest.raises(DocumentError):
        word_com.convert(tmp_path / "a.docx", tmp_path / "a.pdf", timeout=1, bestand="a.docx")


# --- a long report ------------------------------------------------------------------
# Its speed is measured in benchmarks/docx_bench.py, never here: a timed test fails on a
# busy machine and proves nothing about the product.


def test_builtin_converts_a_long_report(tmp_path: Path) -> None:
    src = docxmaker.make_report_docx(tmp_path / "rapport.docx", pages=20)
    pdf = tmp_path / "rapport.pdf"
    convert_docx(src, pdf, converter="builtin")
    assert len(PdfReader(pdf).pages) >= 15


def test_word_timeout_kills_only_the_word_started_for_this_conversion():
    """Never the user's Word: only a WINWORD that appeared during our DispatchEx and was
    started by COM (command line with /Automation), or the PID Word itself gave."""
    before = {100, 200}
    running = [
        (100, r'"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /Automation -Embedding'),
        (200, r'"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\x\b.docx"'),
        (300, r'"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\x\c.docx"'),
        (400, r'"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /AUTOMATION -Embedding'),
    ]
    assert word_com.started_during(before, running) == {400}
    started = word_com._Started(pids={555}, before=None)
    assert started.to_kill() == {555}
    assert word_com._Started().to_kill() == set()  # nothing started yet: nothing to kill
