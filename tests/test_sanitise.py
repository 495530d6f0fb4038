"""sanitise_pdf: every hidden channel is removed, the visible page is left alone."""

from __future__ import annotations

import io
from pathlib import Path

import pdfmaker
import pikepdf
import pytest
from PIL import Image

from dossier_app.documents.sanitise import PRODUCER, sanitise_pdf, strip_jpeg_segments

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _sanitised(src: Path, tmp_path: Path) -> tuple[Path, set[str]]:
    dst = tmp_path / "schoon.pdf"
    with pikepdf.open(src) as pdf:
        codes = {m.code for m in sanitise_pdf(pdf, bestand=src.name)}
        pdf.save(dst)
    return dst, codes


def test_all_hidden_channels_removed(tmp_path: Path) -> None:
    src = pdfmaker.add_hidden_channels(pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf"))
    dst, codes = _sanitised(src, tmp_path)
    with pikepdf.open(dst) as pdf:
        root = pdf.Root
        for key in ("/Names", "/OpenAction", "/AcroForm", "/Outlines", "/Metadata",
                    "/OCProperties", "/StructTreeRoot", "/PageLabels"):
            assert key not in root, key
        assert dict(pdf.docinfo.items()) == {"/Producer": PRODUCER}
        assert all("/Annots" not in page.obj for page in pdf.pages)
        raw = dst.read_bytes()
    for value in (b"Noor", b"Jansen", b"app.alert", b"mailto"):
        assert value not in raw  # nothing left in any uncompressed object
    assert {"JAVASCRIPT_VERWIJDERD", "BIJLAGE_NIET_OPGENOMEN", "OPMERKINGEN_VERWIJDERD",
            "FORMULIERVELDEN_VERWIJDERD", "BLADWIJZERS_VERWIJDERD",
            "VERBORGEN_LAAG_VERWIJDERD", "METADATA_VERWIJDERD", "ACTIES_VERWIJDERD"} <= codes


def test_jpeg_exif_removed_pixels_identical(tmp_path: Path) -> None:
    src = pdfmaker.make_scan_pdf(tmp_path / "scan.pdf")
    with pikepdf.open(src) as pdf:
        before = pdf.pages[0].obj.Resources.XObject.Scan.read_raw_bytes()
    assert b"Jansen" in before  # EXIF Artist
    dst, codes = _sanitised(src, tmp_path)
    with pikepdf.open(dst) as pdf:
        after = pdf.pages[0].obj.Resources.XObject.Scan.read_raw_bytes()
    assert b"Jansen" not in after
    assert Image.open(io.BytesIO(before)).tobytes() == Image.open(io.BytesIO(after)).tobytes()
    assert "METADATA_VERWIJDERD" in codes


def test_strip_jpeg_segments_keeps_adobe_and_rejects_garbage() -> None:
    image = Image.new("RGB", (8, 8), (200, 10, 10))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", comment=b"Noor Jansen")
    data = buf.getvalue()
    clean = strip_jpeg_segments(data)
    assert clean is not None and b"Noor" not in clean
    assert Image.open(io.BytesIO(clean)).tobytes() == image.__class__.tobytes(
        Image.open(io.BytesIO(data)))
    assert strip_jpeg_segments(b"not a jpeg") is None
    assert strip_jpeg_segments(b"\xff\xd8\xff\xe1\xff\xff") is None  # length past end
    adobe = b"\xff\xd8" + b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01" + b"\xff\xda\x00"
    assert b"Adobe" in (strip_jpeg_segments(adobe) or b"")


@pytest.mark.parametrize("name", ["pdf-outline-loop.pdf", "pdf-signed.pdf",
                                  "pdf-js-launch-govform.pdf", "pdf-attachment-annotation.pdf",
                                  "pdf-acroform-usage-rights-f1040.pdf"])
def test_corpus_files(name: str, tmp_path: Path) -> None:
    src = CORPUS / name
    if not src.exists():
        pytest.skip("corpus not available")
    dst, codes = _sanitised(src, tmp_path)
    with pikepdf.open(dst) as pdf:
        assert "/Outlines" not in pdf.Root and "/AcroForm" not in pdf.Root
    expected = {
        "pdf-outline-loop.pdf": "BLADWIJZERS_VERWIJDERD",
        "pdf-signed.pdf": "HANDTEKENING_ONGELDIG",
        "pdf-js-launch-govform.pdf": "JAVASCRIPT_VERWIJDERD",
        "pdf-attachment-annotation.pdf": "BIJLAGE_NIET_OPGENOMEN",
        "pdf-acroform-usage-rights-f1040.pdf": "HANDTEKENING_ONGELDIG",
    }[name]
    assert expected in codes


def test_producer_keys_in_the_trailer_are_dropped():
    import pikepdf

    from dossier_app.documents.sanitise import sanitise_pdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.trailer["/DocChecksum"] = pikepdf.Name("/D41D8CD98F00B204E9800998ECF8427E")
    sanitise_pdf(pdf)
    assert "/DocChecksum" not in pdf.trailer
    assert "/Root" in pdf.trailer
