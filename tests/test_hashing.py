"""Page digests with shared subtrees replayed give exactly the digests of a plain walk
(`tests/hashing_reference.py`, the method as first written): on real-world PDFs, on a
bundle, and on graphs made to trip a replay (shared objects that point back at a page,
at each other, or that one page meets twice)."""

from __future__ import annotations

from pathlib import Path

import hashing_reference as reference
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from dossier_app.bundle import hashing
from dossier_app.store.memory import ContentMemory

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _both(pdf: pikepdf.Pdf) -> tuple[list[str], list[str]]:
    return hashing.page_digests(pdf), reference.page_digests(pdf)


def _corpus_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not _corpus_pdfs(), reason="corpus not present")
def test_corpus_pdfs_digest_as_the_plain_walk() -> None:
    compared = 0
    for path in _corpus_pdfs():
        try:
            pdf = pikepdf.open(path)
        except (pikepdf.PdfError, pikepdf.PasswordError):
            continue  # broken beyond qpdf's repair, or locked: not a digest question
        with pdf:
            try:
                new, old = _both(pdf)
            except (pikepdf.PdfError, RecursionError):
                continue
            assert new == old, path.name
            compared += len(new)
    assert compared >= 20


def test_the_example_bundle_digests_as_the_plain_walk(tmp_path: Path, run_cli) -> None:
    from conftest import REPO

    out = tmp_path / "bundel.pdf"
    result = run_cli("build", str(REPO / "examples" / "adviestafel-den-haag" / "casus.toml"),
                     "-o", str(out), "--converter", "builtin")
    assert result.code in (0, 1), result.err
    with pikepdf.open(out) as pdf:
        new, old = _both(pdf)
    assert new == old and len(set(new)) == len(new)


def _font(pdf: pikepdf.Pdf, name: str) -> pikepdf.Object:
    widths = pdf.make_indirect(Array(list(range(250, 450))))
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + name),
                                        FirstChar=32, LastChar=231, Widths=widths))


def _page(pdf: pikepdf.Pdf, text: bytes, fonts: dict[str, pikepdf.Object]) -> pikepdf.Page:
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET")
    page.obj.Resources = Dictionary(Font=Dictionary(fonts))
    return page


def test_tricky_graphs_digest_as_the_plain_walk() -> None:
    pdf = pikepdf.new()
    helv, times = _font(pdf, "Helvetica"), _font(pdf, "Times-Roman")
    # a shared descriptor reached from both fonts: the second meets it as a back-reference
    descriptor = pdf.make_indirect(Dictionary(Type=Name.FontDescriptor, Flags=32))
    helv.FontDescriptor = descriptor
    times.FontDescriptor = descriptor
    p1 = _page(pdf, b"een", {"/F1": helv, "/F2": times})
    p2 = _page(pdf, b"twee", {"/F1": times, "/F2": helv})  # the other order
    p3 = _page(pdf, b"drie", {"/F1": helv})
    # an annotation that points at its own page, shared with another page
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[0, 0, 10, 10],
                                         P=p1.obj, Contents=pikepdf.String("noot")))
    p1.obj.Annots = Array([annot])
    p2.obj.Annots = Array([annot])
    # a cycle between two shared objects, and the same object twice on one page
    a = pdf.make_indirect(Dictionary(Naam=pikepdf.String("a")))
    b = pdf.make_indirect(Dictionary(Naam=pikepdf.String("b"), Terug=a))
    a.Verder = b
    p2.obj.Extra = Array([a, b, a])
    p3.obj.Extra = Array([b])
    # reals written in several ways and a negative number
    p3.obj.Schaal = Array([pikepdf.objects.Object.parse(b"1.0"), pikepdf.objects.Object.parse(b"1.50"), -3])
    new, old = _both(pdf)
    assert new == old
    assert len(set(new)) == 3
    # a change deep in a shared subtree changes every page that shows it
    before = new
    descriptor.Flags = 4
    after, plain = _both(pdf)
    assert after == plain
    assert all(x != y for x, y in zip(before, after, strict=True))


_ODD = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Rotate 90 /CropBox null
  /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 +.5 -00.50] >> endobj
3 0 obj << /Type 6 0 R /Parent 2 0 R /Contents 7 0 R /Zahl 8 0 R /Nul 9 0 R /Weg 99 0 R
  /Tekst <FEFF004E006F006F0072> /Hex <4E6F6F72> /Doc (caf\\351) /Utf <EFBBBF4E6F6F72>
  /N#6Fam#20x 1 /X#ffY (a) /Echt 10 0 R >> endobj
4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Rotate 11 0 R /Contents [7 0 R 7 0 R] >> endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Widths [1 2.0 3.50 -0.0 .5] >> endobj
6 0 obj /Page endobj
7 0 obj << /Length 8 >> stream
BT ET q
endstream endobj
8 0 obj 42 endobj
9 0 obj null endobj
10 0 obj 1.250 endobj
11 0 obj 180 endobj
trailer << /Root 1 0 R /Size 12 >>
%%EOF
"""


def test_odd_objects_digest_as_the_plain_walk() -> None:
    """Numbers JSON refuses, text strings in UTF-16, PDFDocEncoding and UTF-8 (their bytes
    differ, their text does not), hex strings, escaped keys, indirect numbers, null, a
    dangling reference, an indirect /Type and attributes inherited past a null."""
    import io

    with pikepdf.open(io.BytesIO(_ODD)) as pdf:
        new, old = _both(pdf)
        assert new == old and len(set(new)) == 2
        with_bom = new[0]
        pdf.pages[0].obj.Tekst = pikepdf.String(b"Noor")  # the same text, other bytes
        assert hashing.page_digests(pdf)[0] != with_bom


# --- decoded data remembered by raw bytes and filters ----------------------------------

def _page_with(pdf: pikepdf.Pdf, stream: pikepdf.Stream) -> None:
    page = pdf.add_blank_page()
    page.obj.Contents = stream


def test_decoded_data_is_remembered_only_where_bytes_and_filters_say_all(monkeypatch) -> None:
    """Two files with the same raw bytes: equal digests where the data decode alike; where
    decode parameters (here a PNG predictor) or the filter differ, the digests differ too,
    each the plain walk's."""
    import zlib

    monkeypatch.setattr(hashing, "_DECODED", ContentMemory())
    data = zlib.compress(b"\x02" + b"BT (abc) Tj ET  " * 4)
    files = []
    for setup in ("flate", "flate", "predictor", "none", "by-reference"):
        pdf = pikepdf.new()
        stream = pikepdf.Stream(pdf, data)
        if setup in ("flate", "predictor"):
            stream.Filter = Name.FlateDecode
        if setup == "predictor":
            stream.DecodeParms = Dictionary(Predictor=12, Columns=4)
        if setup == "by-reference":
            stream.Filter = pdf.make_indirect(Name.FlateDecode)
        _page_with(pdf, stream)
        files.append(pdf)
    digests = []
    for pdf in files:
        new, old = _both(pdf)
        assert new == old
        digests.append(new[0])
    assert digests[0] == digests[1] == digests[4]  # the same data (a filter by reference too)
    assert len(set(digests[1:4])) == 3  # another decoding is another digest
    assert len(hashing._DECODED) == 2  # remembered: flate and none; not with decode parameters


def test_a_remembered_decoding_is_not_taken_for_other_bytes(monkeypatch) -> None:
    import zlib

    monkeypatch.setattr(hashing, "_DECODED", ContentMemory())
    seen = []
    for text in (b"BT (Noor) Tj ET", b"BT (Anna) Tj ET", b"BT (Noor) Tj ET"):
        pdf = pikepdf.new()
        stream = pikepdf.Stream(pdf, zlib.compress(text))
        stream.Filter = Name.FlateDecode
        _page_with(pdf, stream)
        new, old = _both(pdf)
        assert new == old
        seen.append(new[0])
    assert seen[0] != seen[1] and seen[0] == seen[2]


# --- chunks remembered by value -----------------------------------------------------------

def test_remembered_chunks_keep_values_that_compare_equal_apart(monkeypatch) -> None:
    """-0 equals 0 (and 1.0 equals 1.00), but the walk writes -0 and 0 apart: whichever a
    process meets first, every page still digests as the plain walk does."""
    values = [b"0.0", b"-0.0", b"1.0", b"1.00", b"-1.50", b"0", b"-0", b"7", b"true"]
    for order in (values, values[::-1]):
        for table in ("_KEY_CHUNKS", "_NAME_CHUNKS", "_INT_CHUNKS", "_DECIMAL_CHUNKS"):
            monkeypatch.setattr(hashing, table, {})
        pdf = pikepdf.new()
        for value in order:
            page = pdf.add_blank_page()
            page.obj.Waarde = pikepdf.Object.parse(b"[ " + value + b" ]")  # as written in a file
            page.obj.Soort = Name("/Noor")
        new, old = _both(pdf)
        assert new == old
        by_value = dict(zip(order, new, strict=True))
        assert by_value[b"0.0"] != by_value[b"-0.0"] and by_value[b"1.0"] == by_value[b"1.00"]
