"""The gate's object walk over qpdf's JSON (`pdf_objects`) against the walk as first
written over pikepdf's proxies (`tests/object_walk_reference.py`): on real-world PDFs and
on crafted objects it labels the same places, finds the same font and content streams,
scripts and annotations, and reads every string the reference read (and a few the
reference could not: names that are not UTF-8, indirect names)."""

from __future__ import annotations

import io
from pathlib import Path

import object_walk_reference as reference
import pdfmaker
import pikepdf
import pytest
from conftest import CORPUS

from dossier_app.anonymise import gate
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.pdf_objects import PdfObjects, plain_value, strings
from dossier_app.errors import LeakError


def _corpus_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


def _assert_walks_agree(pdf: pikepdf.Pdf, name: str) -> int:
    objects = PdfObjects(pdf)
    assert gate._places(pdf, objects) == reference.places(pdf), name
    assert gate._stream_kinds(objects) == reference.stream_kinds(pdf), name
    findings = gate._structure(pdf, objects)
    annotated = [int(f.plaats.split()[1]) for f in findings if f.categorie == "opmerkingen of koppelingen"]
    assert annotated == reference.page_annotations(pdf), name
    assert any(f.categorie == "JavaScript of actie" for f in findings) == reference.has_script(pdf), name
    images = {key for key, value in objects.values.items()
              if key in objects.streams and objects.get(value, "/Subtype") == "/Image"}
    assert images == reference.image_streams(pdf), name
    compared = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Object):
            continue  # an indirect number: no text in either walk
        try:
            old = set(reference.object_strings(obj))
        except UnicodeDecodeError:
            old = set()  # the reference failed on a name that is not UTF-8: the gate refused
        new = set(strings(objects.values[obj.objgen], objects))
        assert old <= new, (name, obj.objgen, sorted(old - new)[:5])
        compared += len(old)
    return compared


@pytest.mark.skipif(not _corpus_pdfs(), reason="corpus not present")
def test_corpus_pdfs_walk_as_the_reference() -> None:
    files = strings_read = 0
    for path in _corpus_pdfs():
        try:
            pdf = pikepdf.open(path)
        except (pikepdf.PdfError, pikepdf.PasswordError):
            continue
        with pdf:
            strings_read += _assert_walks_agree(pdf, path.name)
            files += 1
    assert files >= 15 and strings_read > 1000


def test_generated_pdfs_walk_as_the_reference(tmp_path: Path) -> None:
    made = [pdfmaker.add_hidden_channels(pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf")),
            pdfmaker.make_identity_h_pdf(tmp_path / "identity.pdf", ["Noor Jansen"]),
            pdfmaker.make_scan_pdf(tmp_path / "scan.pdf"),
            pdfmaker.make_kerned_pdf(tmp_path / "kerned.pdf")]
    for path in made:
        with pikepdf.open(path) as pdf:
            assert _assert_walks_agree(pdf, path.name) > 0


_CRAFTED = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R /Names << /JavaScript 9 0 R >> >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R
  /Resources << /XObject << /Fm1 5 0 R >> >> /Annots [6 0 R] /PieceInfo << /T 7 0 R >> >> endobj
4 0 obj << /Length 0 >> stream
endstream endobj
5 0 obj << /Type /XObject /Subtype /Form /BBox [+.5 -00.50 10 10] /Length 0
  /Label (Noor Jansen) >> stream
endstream endobj
6 0 obj << /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S 8 0 R /URI (x) >> >> endobj
7 0 obj (Jansen in een los object) endobj
8 0 obj /URI endobj
9 0 obj << /Names [(a) 10 0 R] >> endobj
10 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj
11 0 obj << /Title <FEFF004E006F006F0072> /Parent 12 0 R /N#6Fam#20Jansen 1
  /V [/Ami#EBl /Noor#20Jansen] >> endobj
12 0 obj << /Type /Outlines /First 11 0 R /Count 1 >> endobj
13 0 obj << /Author <4E6F6F72204A616E73656E> /Weird (\\216Jansen) >> endobj
trailer << /Root 1 0 R /Size 14 /Info 13 0 R >>
%%EOF
"""


def test_crafted_objects_walk_as_the_reference() -> None:
    with pikepdf.open(io.BytesIO(_CRAFTED)) as pdf:
        _assert_walks_agree(pdf, "crafted")
        objects = PdfObjects(pdf)
        form = objects.values[(5, 0)]
        # "+.5" and "-00.50" are not JSON: this object came through pikepdf instead
        assert form["/BBox"] == [0, 0, 0, 0] and "Noor Jansen" in strings(form, objects)
        page = list(strings(objects.values[(3, 0)], objects))
        assert "Jansen in een los object" in page  # an indirect string counts where it is used
        outline = set(strings(objects.values[(11, 0)], objects))
        assert {"Noor", "Noam Jansen", "Amiël", "Noor Jansen"} <= outline
        assert gate._places(pdf, objects)[(11, 0)] == "bladwijzer"


def test_the_gate_refuses_an_identifier_in_a_name_or_an_odd_object(tmp_path: Path) -> None:
    for label, value in [("name", pikepdf.Name("/Noor#20Jansen")),
                         ("hex", pikepdf.String(b"\xfe\xff" + "Jansen".encode("utf-16-be")))]:
        path = pdfmaker.make_text_pdf(tmp_path / f"{label}.pdf", 1)
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.pages[0].obj["/PieceInfo"] = pikepdf.Dictionary(Extra=value)
            pdf.save(path)
        with pytest.raises(LeakError):
            verify_pdf(path, pdfmaker.no_finder, pdfmaker.LITERALS)


def test_an_info_dictionary_written_in_place_is_read(tmp_path: Path) -> None:
    with pikepdf.open(io.BytesIO(_CRAFTED)) as pdf:
        info = pdf.trailer["/Info"]
        direct = pikepdf.Dictionary({key: info[key] for key in info})
        assert "Noor Jansen" in strings(plain_value(direct), PdfObjects(pdf))
