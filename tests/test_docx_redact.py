"""anonymise_docx: every channel of a Word file, checked on the package itself."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import docxmaker
import pytest
from docxmaker import FORBIDDEN
from lxml import etree
from PIL import Image

from dossier_app.anonymise.docx_redact import DocxAnonResult, anonymise_docx
from dossier_app.anonymise.hits import Hit
from dossier_app.errors import DocumentError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PATTERN = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+\.[\w.]+)"
    r"|(?P<naam>\b(?:Femke\s+Hoogendijk|Ingrid\s+Hoogendijk|Femke|Hoogendijk|Ingrid)\b)"
    r"|(?P<bsn>\b123456782\b)|(?P<geboortedatum>\b14-03-2012\b)", re.IGNORECASE)
_LABELS = {"naam": "[leerling]", "email": "[e-mail]", "bsn": "[bsn]",
           "geboortedatum": "[geboortedatum]"}


def finder(text: str) -> list[Hit]:
    """A stand-in for the product's finder: the test pupil's identifiers only."""
    return [Hit(m.start(), m.end(), m.lastgroup or "", _LABELS[m.lastgroup or ""])
            for m in _PATTERN.finditer(text)]


@pytest.fixture(scope="module")
def anon(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, DocxAnonResult]:
    folder = tmp_path_factory.mktemp("redact")
    src = docxmaker.make_identifier_docx(folder / "bron.docx")
    dst = folder / "schoon.docx"
    result = anonymise_docx(src, dst, finder, bestand="verslag.docx")
    return src, dst, result


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _xml(path: Path, name: str) -> etree._Element:
    return etree.fromstring(_parts(path)[name])


def test_source_really_contains_the_identifiers(anon) -> None:
    src, _, _ = anon
    blob = b"".join(_parts(src).values()).lower()
    for needle in FORBIDDEN:
        assert needle.encode() in blob, needle


def test_no_identifier_in_any_part(anon) -> None:
    _, dst, _ = anon
    for name, data in _parts(dst).items():
        lowered = data.lower()
        for needle in FORBIDDEN:
            assert needle.encode() not in lowered, (name, needle)
            assert needle.encode("utf-16-le") not in lowered, (name, needle)


def test_labels_replace_names_in_every_story(anon) -> None:
    _, dst, _ = anon
    parts = _parts(dst)
    text = {n: "".join(etree.fromstring(d).itertext()) for n, d in parts.items()
            if n.startswith("word/") and n.endswith(".xml")}
    assert "Gesprek met [leerling] over schoolverzuim." in text["word/document.xml"]
    assert "[bsn]" in text["word/document.xml"]
    assert "Ingevuld: [leerling]" in text["word/document.xml"]
    headers = " ".join(v for k, v in text.items() if "header" in k or "footer" in k)
    for expected in ("Dossier [leerling]", "Eerste pagina: [leerling]", "Even pagina: [leerling]",
                     "BSN [bsn]", "Geboren [geboortedatum]"):
        assert expected in headers
    assert "Moeder: [leerling], telefonisch bereikbaar." in text["word/footnotes.xml"]


def test_split_name_keeps_formatting_of_neighbouring_runs(anon) -> None:
    _, dst, _ = anon
    paragraph = next(p for p in docx.Document(str(dst)).paragraphs
                     if p.text.startswith("Gesprek met"))
    runs = [(r.text, r.bold, r.italic, r.underline) for r in paragraph.runs]
    assert runs[0] == ("Gesprek met ", None, True, None)
    assert runs[1] == ("[leerling]", True, None, None)  # the first run of the name
    assert [r[0] for r in runs[2:4]] == ["", ""]
    assert runs[2][3] is True and runs[3][1:3] == (True, True)
    assert runs[4][0] == " over schoolverzuim."
    assert str(paragraph.runs[4].font.color.rgb) == "115599"


def test_text_box_is_cleaned_in_drawingml_and_vml(anon) -> None:
    _, dst, _ = anon
    root = _xml(dst, "word/document.xml")
    boxes = ["".join(b.itertext()) for b in root.iter(f"{W}txbxContent")]
    assert len(boxes) == 2
    assert all(b == "Tekstvak: [leerling] woont bij haar moeder." for b in boxes)


def test_tracked_changes_accepted_and_authors_gone(anon) -> None:
    _, dst, result = anon
    parts = _parts(dst)
    root = etree.fromstring(parts["word/document.xml"])
    for tag in ("del", "ins", "delText", "rPrChange", "commentReference",
                "commentRangeStart"):
        assert root.find(f".//{W}{tag}") is None, tag
    assert "Contact opgenomen met [leerling] en haar vader." in "".join(root.itertext())
    for name, data in parts.items():
        if name.endswith(".xml"):
            assert b"w:author=" not in data and b"w:rsid" not in data, name
    settings = etree.fromstring(parts["word/settings.xml"])
    for tag in ("trackRevisions", "rsids", "docVars"):
        assert settings.find(f"{W}{tag}") is None
    codes = {m.code for m in result.meldingen}
    assert {"DOCX_WIJZIGINGEN", "DOCX_OPMERKINGEN"} <= codes


def test_comments_and_hidden_parts_removed(anon) -> None:
    _, dst, _ = anon
    names = set(_parts(dst))
    assert not {n for n in names if "comment" in n.lower() or "people" in n.lower()}
    assert not {n for n in names if n.startswith("customXml/")}
    assert "docProps/custom.xml" not in names and "docProps/thumbnail.jpeg" not in names
    types = _parts(dst)["[Content_Types].xml"].decode()
    assert "comments" not in types and "custom.xml" not in types


def test_hyperlinks_and_fields(anon) -> None:
    _, dst, _ = anon
    parts = _parts(dst)
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert "mailto:" not in rels and "https://www.voorbeeld.nl/verzuim" in rels
    root = etree.fromstring(parts["word/document.xml"])
    text = "".join(root.itertext())
    assert "mail de ouders" in text and "de verzuimregels" in text
    instructions = " ".join(t.text or "" for t in root.iter(f"{W}instrText"))
    assert "DOCPROPERTY" not in instructions  # frozen to its result
    assert "HYPERLINK" in instructions and "[bsn]" in instructions
    assert root.find(f".//{W}fldSimple") is None  # FILENAME frozen
    shown = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert "Veld: [leerling] en dossierlink bestandsnaam" in shown


def test_properties_cleared(anon) -> None:
    _, dst, result = anon
    core = _xml(dst, "docProps/core.xml")
    assert [etree.QName(e).localname for e in core] in (["created", "modified"],
                                                        ["modified", "created"], [])
    app = _xml(dst, "docProps/app.xml")
    assert {etree.QName(e).localname for e in app} <= {"Application", "Pages"}
    assert "DOCX_EIGENSCHAPPEN" in {m.code for m in result.meldingen}


def test_alt_text_scrubbed(anon) -> None:
    _, dst, _ = anon
    root = _xml(dst, "word/document.xml")
    doc_prs = list(root.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                             "wordprocessingDrawing}docPr"))
    assert doc_prs
    pictures = [d for d in doc_prs if d.get("descr", "").startswith("Foto")]
    assert pictures and all(d.get("descr") == "Foto van [leerling]" for d in pictures)
    assert all(d.get("name", "").startswith("Object") for d in doc_prs)


def test_image_metadata_stripped_without_damage(anon) -> None:
    src, dst, _ = anon
    before, after = _parts(src), _parts(dst)
    media = [n for n in after if n.startswith("word/media/")]
    assert len(media) == 2
    for name in media:
        with Image.open(io.BytesIO(after[name])) as img:
            img.load()
            assert not img.getexif()
            assert not any(k in img.info for k in ("exif", "xmp", "comment", "Author"))
            with Image.open(io.BytesIO(before[name])) as orig:
                assert img.size == orig.size
    jpeg = next(after[n] for n in media if n.endswith(".jpg"))
    assert b"Exif" not in jpeg and b"xmpmeta" not in jpeg


def test_result_carries_counts_and_no_values(anon) -> None:
    _, _, result = anon
    assert result.aantallen["naam"] >= 12
    assert result.aantallen["bsn"] >= 2 and result.aantallen["geboortedatum"] >= 2
    text = " ".join(m.tekst for m in result.meldingen).lower()
    assert not any(needle in text for needle in FORBIDDEN)
    assert all(m.bestand == "verslag.docx" for m in result.meldingen)


def test_converted_document_still_opens_in_python_docx(anon) -> None:
    _, dst, _ = anon
    document = docx.Document(str(dst))
    assert any("Verslag leerlingbespreking" in p.text for p in document.paragraphs)


def test_overlapping_hits_give_one_label(tmp_path: Path) -> None:
    src = tmp_path / "a.docx"
    document = docx.Document()
    document.add_paragraph("Gesprek met Femke Hoogendijk vandaag.")
    document.save(str(src))

    def overlapping(text: str) -> list[Hit]:
        start = text.find("Hoog")
        extra = [Hit(start, start + 10, "naam", "[x]")] if start >= 0 else []
        return finder(text) + extra

    anonymise_docx(src, tmp_path / "b.docx", overlapping, bestand="a.docx")
    text = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    assert text == ["Gesprek met [leerling] vandaag."]


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken", b""])
def test_broken_input_is_a_document_error(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "Femke Hoogendijk.docx"
    src.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        anonymise_docx(src, tmp_path / "uit.docx", finder, bestand="kapot.docx")
    assert info.value.bestand == "kapot.docx"
    assert "kapot.docx" in info.value.message and "femke" not in str(info.value).lower()


def test_package_without_main_part_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "leeg.docx"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/"
                    "package/2006/content-types'/>")
    with pytest.raises(DocumentError):
        anonymise_docx(src, tmp_path / "uit.docx", finder, bestand="leeg.docx")


def test_main_part_found_through_relationships(tmp_path: Path) -> None:
    corpus = Path("/work/shared/corpus/docx-main-part-renamed.docx")
    if not corpus.exists():
        pytest.skip("corpus not available")
    dst = tmp_path / "uit.docx"
    anonymise_docx(corpus, dst, finder, bestand=corpus.name)
    assert "word/blah_blah.xml" in _parts(dst)
