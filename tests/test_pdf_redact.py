"""clean_pdf: identifiers gone from every channel, everything else kept in place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfmaker
import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops, ImageDraw

from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.pdf_redact import PdfCleanResult, clean_pdf
from dossier_app.case_model import Lakvlak
from dossier_app.errors import DocumentError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
IDENTIFIER_RE = re.compile(r"noor|jansen|123456782|14-03-2011|2512\s*ab", re.IGNORECASE)


def _clean(src: Path, tmp_path: Path, lakken=()) -> tuple[Path, PdfCleanResult]:
    dst = tmp_path / f"schoon-{src.name}"
    result = clean_pdf(src, dst, pdfmaker.finder, list(lakken), bestand=src.name)
    return dst, result


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60).stdout.decode()


def all_texts(path: Path) -> dict[str, str]:
    doc = pdfium.PdfDocument(str(path))
    pdfium_text = "\n".join(page.get_textpage().get_text_range() for page in doc)
    doc.close()
    return {
        "pypdf": "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages),
        "pdftotext": pdftotext(path),
        "pdfium": pdfium_text,
    }


def assert_no_identifiers(path: Path) -> None:
    for engine, text in all_texts(path).items():
        joined = re.sub(r"[-\u00ad\x02\ufffe]\s*\n", "", text)
        assert not IDENTIFIER_RE.search(joined), f"identifier left in {engine} text"
    verify_pdf(path, pdfmaker.finder, pdfmaker.LITERALS)  # stream walk and structure


def words(path: Path) -> set[str]:
    return {w.strip(".,:;()").lower() for w in pdftotext(path).split()} - {""}


def kept_ratio(before: Path, after: Path) -> float:
    other = {w for w in words(before) if not IDENTIFIER_RE.search(w)
             and w not in pdfmaker.IDENTIFIER_WORDS}
    return len(other & words(after)) / len(other)


@pytest.fixture
def rich_pdf(tmp_path: Path) -> Path:
    src = pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf")
    return pdfmaker.add_hidden_channels(src)


def test_rich_pdf_has_no_identifier_left_anywhere(rich_pdf: Path, tmp_path: Path) -> None:
    assert IDENTIFIER_RE.search(pdftotext(rich_pdf))  # the test file does leak
    dst, result = _clean(rich_pdf, tmp_path)
    assert_no_identifiers(dst)
    assert result.paginas == 2
    assert result.gerasterd == {}  # all handled by editing text, no fallback
    assert result.treffers[1]["naam"] >= 8 and result.treffers[2]["geboortedatum"] >= 1
    codes = {m.code for m in result.meldingen}
    assert {"JAVASCRIPT_VERWIJDERD", "BIJLAGE_NIET_OPGENOMEN", "OPMERKINGEN_VERWIJDERD",
            "FORMULIERVELDEN_PLATGEMAAKT", "VERBORGEN_LAAG_VERWIJDERD",
            "BLADWIJZERS_VERWIJDERD"} <= codes


def test_rich_pdf_keeps_other_words(rich_pdf: Path, tmp_path: Path) -> None:
    dst, _ = _clean(rich_pdf, tmp_path)
    assert kept_ratio(rich_pdf, dst) >= 0.95


def test_report_never_holds_identifier_values(rich_pdf: Path, tmp_path: Path) -> None:
    _, result = _clean(rich_pdf, tmp_path)
    assert not IDENTIFIER_RE.search(repr(result))


def test_truetype_fonts(tmp_path: Path) -> None:
    src = pdfmaker.make_rich_pdf(tmp_path / "ttf.pdf", font="DejaVu")
    dst, result = _clean(src, tmp_path)
    assert_no_identifiers(dst)
    assert result.gerasterd == {}
    assert kept_ratio(src, dst) >= 0.95


def test_identity_h_font(tmp_path: Path) -> None:
    lines = [*pdfmaker.filler_lines(6),
             f"Gesprek met {pdfmaker.VOORNAAM} {pdfmaker.ACHTERNAAM} over het verzuim.",
             f"BSN {pdfmaker.BSN}, geboren {pdfmaker.GEBOORTEDATUM}, één ĳsje."]
    src = pdfmaker.make_identity_h_pdf(tmp_path / "cid.pdf", lines)
    dst, result = _clean(src, tmp_path)
    assert_no_identifiers(dst)
    assert result.gerasterd == {}
    assert kept_ratio(src, dst) >= 0.95
    assert_pixels_unchanged_outside_boxes(src, dst, result)


@pytest.mark.slow
@pytest.mark.skipif(pdfmaker.soffice() is None, reason="LibreOffice not installed")
def test_libreoffice_subset_fonts(tmp_path: Path) -> None:
    src = pdfmaker.make_libreoffice_pdf(tmp_path / "lo.pdf", tmp_path)
    dst, result = _clean(src, tmp_path)
    assert_no_identifiers(dst)
    assert result.gerasterd == {}
    assert kept_ratio(src, dst) >= 0.95
    assert_pixels_unchanged_outside_boxes(src, dst, result)


def render(path: Path, scale: float = 2.0) -> list:
    doc = pdfium.PdfDocument(str(path))
    images = [page.render(scale=scale, may_draw_forms=False).to_pil().convert("L")
              for page in doc]
    doc.close()
    return images


def assert_pixels_unchanged_outside_boxes(src: Path, dst: Path, result: PdfCleanResult,
                                          scale: float = 2.0) -> None:
    for number, (before, after) in enumerate(zip(render(src, scale), render(dst, scale),
                                                 strict=True), start=1):
        for image in (before, after):
            draw = ImageDraw.Draw(image)
            for box in result.vlakken.get(number, []):
                draw.rectangle(((box.x - 1) * scale, (box.y - 1) * scale,
                                (box.x + box.breedte + 1) * scale,
                                (box.y + box.hoogte + 1) * scale), fill=0)
        assert ImageChops.difference(before, after).getbbox() is None, f"page {number}"


def test_text_page_pixels_unchanged_outside_boxes(tmp_path: Path) -> None:
    src = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 3)
    dst, result = _clean(src, tmp_path)
    assert result.gerasterd == {}
    assert_pixels_unchanged_outside_boxes(src, dst, result)
    assert_no_identifiers(dst)


def test_manual_region_on_text_page_is_burnt_in(tmp_path: Path) -> None:
    src = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 2)
    region = Lakvlak(pagina=1, x=50, y=40, breedte=300, hoogte=60)
    dst, result = _clean(src, tmp_path, [region])
    assert result.gerasterd == {1: "handmatig lakvlak"}
    page_one = render(dst, 1.0)[0]
    box = page_one.crop((52, 42, 348, 98))
    assert box.getextrema()[1] < 20  # black
    with pikepdf.open(dst) as pdf:
        assert "/Font" not in pdf.pages[0].obj.Resources  # only the image is left
    assert not pdftotext(dst).split("\f")[0].strip()
    assert_no_identifiers(dst)


def test_scan_page_with_region_and_without(tmp_path: Path) -> None:
    src = pdfmaker.make_scan_pdf(tmp_path / "scan.pdf")
    _, plain = _clean(src, tmp_path)
    assert plain.niet_gecontroleerd == [1]
    assert any(m.code == "GEEN_TEKSTLAAG" and m.pagina == 1 for m in plain.meldingen)
    # over the name (drawn at 100, 150 px of a 100 dpi scan: 72, 108 pt); the gate reads
    # the page with Tesseract, so a region beside the name would be refused
    region = Lakvlak(pagina=1, x=60, y=95, breedte=300, hoogte=50)
    dst, result = _clean(src, tmp_path, [region])
    assert result.niet_gecontroleerd == []
    assert result.gerasterd == {1: "handmatig lakvlak"}
    box = render(dst, 1.0)[0].crop((62, 97, 358, 143))
    assert box.getextrema()[1] < 20
    verify_pdf(dst, pdfmaker.finder, pdfmaker.LITERALS)  # EXIF artist gone too


def test_rotated_page_boxes_are_where_the_text_is(tmp_path: Path) -> None:
    src = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 1)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(src)
    dst, result = _clean(src, tmp_path)
    assert_no_identifiers(dst)
    assert_pixels_unchanged_outside_boxes(src, dst, result)


def test_shared_form_xobject_edited_per_page(rich_pdf: Path, tmp_path: Path) -> None:
    dst, result = _clean(rich_pdf, tmp_path)
    assert result.treffers[2]["naam"] >= 2  # the header form is drawn on both pages
    assert_no_identifiers(dst)


def test_region_on_missing_page_is_refused(tmp_path: Path) -> None:
    src = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 1)
    with pytest.raises(DocumentError) as info:
        _clean(src, tmp_path, [Lakvlak(pagina=3, x=0, y=0, breedte=10, hoogte=10)])
    assert "pagina 3" in info.value.message


def test_broken_file_gives_document_error(tmp_path: Path) -> None:
    src = tmp_path / "kapot.pdf"
    src.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(DocumentError) as info:
        _clean(src, tmp_path)
    assert info.value.bestand == "kapot.pdf"


_RUN_ONE = """
import re, sys
from pathlib import Path
from dossier_app.anonymise.hits import Hit
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.errors import DocumentError
def finder(text):
    return [Hit(m.start(), m.end(), "naam", "[x]") for m in re.finditer(r"(?i)\\bthe\\b", text)]
try:
    clean_pdf(Path(sys.argv[1]), Path(sys.argv[2]), finder, [], bestand=Path(sys.argv[1]).name)
    print("RESULT ok")
except DocumentError as exc:
    print("RESULT DocumentError", exc.code)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.pdf")))
def test_corpus_never_crashes_or_hangs(name: str, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _RUN_ONE, str(CORPUS / name),
                           str(tmp_path / "uit.pdf")],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "RESULT " in proc.stdout


# --------------------------------------------------------------------------- PDFium's spaces
# PDFium keeps one char for a run of spaces, adds spaces of its own for wide gaps and
# line ends, and gives a ligature several chars, so its chars per text object need not
# be the glyphs of the operator. Glyphs are matched to its chars on what they show and
# where they stand; these pages used to fall back to an image.


def pdfium_chars(path: Path) -> list[list[tuple[str, float, float]]]:
    doc = pdfium.PdfDocument(str(path))
    pages = []
    for page in doc:
        textpage = page.get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            c = textpage.get_text_range(i, 1)
            if c and not c.isspace():
                x0, y0, _, _ = textpage.get_charbox(i, loose=False)
                chars.append((c, round(x0, 2), round(y0, 2)))
        pages.append(chars)
        textpage.close()
        page.close()
    doc.close()
    return pages


def assert_chars_in_place(src: Path, dst: Path) -> None:
    """Every char PDFium reads on the output was on the input, at the same place."""
    for before, after in zip(pdfium_chars(src), pdfium_chars(dst), strict=True):
        left: dict[str, list[tuple[float, float]]] = {}
        for c, x, y in before:
            left.setdefault(c, []).append((x, y))
        for c, x, y in after:
            match = next((p for p in left.get(c, []) if abs(p[0] - x) <= 0.05
                          and abs(p[1] - y) <= 0.05), None)
            assert match is not None, "a kept char moved or appeared"
            left[c].remove(match)


def assert_edited_in_place(src: Path, dst: Path, result: PdfCleanResult) -> None:
    assert result.treffers, "the test file has hits"
    assert result.gerasterd == {}  # edited as text, not an image
    assert_no_identifiers(dst)
    assert kept_ratio(src, dst) >= 0.98
    assert_chars_in_place(src, dst)
    assert_pixels_unchanged_outside_boxes(src, dst, result)


@pytest.mark.parametrize("font", ["Helvetica", "DejaVu"])
def test_runs_of_spaces_in_a_table(font: str, tmp_path: Path) -> None:
    src = pdfmaker.make_spaced_table_pdf(tmp_path / "tabel.pdf", font=font)
    dst, result = _clean(src, tmp_path)
    assert_edited_in_place(src, dst, result)
    assert "ongeoorloofd" in words(dst) and "groep" in words(dst)


@pytest.mark.parametrize("font", ["Helvetica", "DejaVu"])
def test_char_and_word_spacing_and_scaling(font: str, tmp_path: Path) -> None:
    src = pdfmaker.make_spacing_pdf(tmp_path / "afstand.pdf", font=font)
    dst, result = _clean(src, tmp_path)
    assert_edited_in_place(src, dst, result)


def test_tj_kerning_gaps_and_quote_operators(tmp_path: Path) -> None:
    src = pdfmaker.make_kerned_pdf(tmp_path / "kerning.pdf")
    dst, result = _clean(src, tmp_path)
    assert_edited_in_place(src, dst, result)
    assert {"eind", "klaar"} <= words(dst)


def test_identity_h_with_runs_of_spaces(tmp_path: Path) -> None:
    lines = [*pdfmaker.filler_lines(4),
             f"  Gesprek  met   {pdfmaker.VOORNAAM}   {pdfmaker.ACHTERNAAM}   over  verzuim.  ",
             f"BSN {pdfmaker.BSN},    geboren {pdfmaker.GEBOORTEDATUM}, één ĳsje.   "]
    src = pdfmaker.make_identity_h_pdf(tmp_path / "cid.pdf", lines)
    dst, result = _clean(src, tmp_path)
    assert_edited_in_place(src, dst, result)
    assert {"gesprek", "verzuim", "één"} <= words(dst)


@pytest.mark.slow
@pytest.mark.skipif(pdfmaker.soffice() is None, reason="LibreOffice not installed")
def test_libreoffice_header_footer_footnote_table(tmp_path: Path) -> None:
    src = pdfmaker.make_libreoffice_layout_pdf(tmp_path / "opmaak.pdf", tmp_path)
    assert "moeder" in words(src)  # the footnote is there
    dst, result = _clean(src, tmp_path)
    assert_edited_in_place(src, dst, result)
    assert {"vertrouwelijk", "moeder", "klasgenoot", "alinea", "week"} <= words(dst)


def test_glyph_alignment_refuses_to_guess() -> None:
    from dossier_app.anonymise.pdf_redact.content import TextOp
    from dossier_app.anonymise.pdf_redact.fonts import Advances, FontInfo
    from dossier_app.anonymise.pdf_redact.remove import align_glyphs

    font = FontInfo("byte", {c: 500.0 for c in range(256)}, 0.0, True,
                     names=[chr(c) if 33 <= c < 127 else None for c in range(256)])
    font.names[32] = "space"  # type: ignore[index]
    advances = Advances(font, TextOp((), 0, None, 0.0, 0.0, 10.0))
    elements: list = [list(b"ab  c"), -200.0, list(b"d")]

    def chars(text: str, xs: list[float]) -> list[tuple[str, float, float, bool]]:
        return [(c, x, 700.0, c == "c") for c, x in zip(text, xs, strict=True)]

    # PDFium: one space for the run, a space of its own for the gap; origins 5 pt apart
    good = chars("ab c d", [0, 5, 10, 20, 25, 27])
    assert align_glyphs(elements, font, advances, good) == [(0, False), (1, False),
                                                           (4, True), (5, False)]
    # other letters, letters in another order, or a char not where its glyph is: refuse
    assert align_glyphs(elements, font, advances, chars("ab x d", [0, 5, 10, 20, 25, 27])) is None
    assert align_glyphs(elements, font, advances, chars("ba c d", [0, 5, 10, 20, 25, 27])) is None
    assert align_glyphs(elements, font, advances, chars("ab c d", [0, 5, 10, 15, 25, 27])) is None
    assert align_glyphs(elements, font, advances, chars("ab c", [0, 5, 10, 20])) is None


def test_to_unicode_cmap() -> None:
    from dossier_app.anonymise.pdf_redact.fonts import ToUnicode

    pdf = pikepdf.new()
    cmap = (b"/CIDInit /ProcSet findresource begin begincmap\n"
            b"2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar\n"
            b"2 beginbfrange <0020> <0022> <0041>\n<0030> <0031> [<00E9> <D83DDE00>]\n"
            b"endbfrange endcmap end")
    font = pikepdf.Dictionary(ToUnicode=pdf.make_stream(cmap))
    table = ToUnicode.load(font)
    assert table is not None
    assert [table.lookup(c) for c in (3, 0x11, 0x20, 0x22, 0x30, 0x31, 0x23)] == \
        [" ", "fi", "A", "C", "é", "\U0001F600", None]
