"""Intake on files the tests generate: sniffing, refusals, DOCX repairs, photos."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from PIL import Image

from dossier_app.documents.intake import IntakeResult, intake, saslprep
from dossier_app.documents.limits import Limits, describe_pixels
from dossier_app.documents.sniff import FileKind, sniff
from dossier_app.errors import DocumentError, PasswordRequiredError

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(),
                                  reason="torture corpus not available")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# --- helpers --------------------------------------------------------------------

def _run(path: Path, tmp_path: Path, **kwargs) -> IntakeResult:
    return intake(path, bestand=path.name, workdir=tmp_path / "work", **kwargs)


def _refusal(path: Path, tmp_path: Path, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        _run(path, tmp_path, **kwargs)
    error = info.value
    assert path.name in error.message and error.bestand == path.name
    return error


def _content_types(main: str = "/word/document.xml", extra: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="png" ContentType="image/png"/>'
            f'<Override PartName="{main}" ContentType="{CT_MAIN}"/>{extra}</Types>')


def _rels(*rels: str) -> str:
    body = "".join(rels)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">{body}</Relationships>'


def _rel(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"{mode}/>'


def _document(body: str = "<w:p><w:r><w:t>Hallo</w:t></w:r></w:p>", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W}" '
            f'xmlns:r="{R}"><w:body>{body}</w:body></w:document>')


def _write_docx(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _minimal_parts(**overrides: str | bytes) -> dict[str, str | bytes]:
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _rels(_rel("rId1", "officeDocument", "word/document.xml")),
        "word/document.xml": _document(),
    }
    parts.update(overrides)
    return parts


def _codes(result: IntakeResult) -> set[str]:
    return {m.code for m in result.meldingen}


def _jpeg_with_exif(path: Path, artist: str) -> Path:
    # Stored 200x100: left half red, right half blue. Orientation 6 means "rotate
    # 90 degrees clockwise to display", so the red half must end up on top.
    img = Image.new("RGB", (200, 100), "blue")
    img.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x013B] = artist  # Artist
    exif[0x010F] = "Geheimfoon"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 54.0, 0.0)}  # GPSInfo
    img.save(path, "JPEG", exif=exif, comment=f"commentaar {artist}".encode(), quality=95)
    return path


# --- sniffing -------------------------------------------------------------------

def test_sniff_ignores_extension_and_finds_pdf_after_junk(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    junk = tmp_path / "brief.docx"
    junk.write_bytes(b"X-Mailer junk\r\n" * 20 + buffer.getvalue())
    assert sniff(junk) is FileKind.PDF
    result = _run(junk, tmp_path)
    assert result.pages == 1 and result.output.name == "doc-1.pdf"


@pytest.mark.parametrize(("data", "kind"), [
    (b"", FileKind.EMPTY),
    (b"{\\rtf1\\ansi hallo}", FileKind.RTF),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", FileKind.HEIC),
    (b"II*\x00\x08\x00\x00\x00", FileKind.TIFF),
    (b"Gewone tekst, geen document.", FileKind.UNKNOWN),
    (b"PK\x03\x04" + b"\x00" * 100, FileKind.ZIP_DAMAGED),
])
def test_sniff_simple_kinds(tmp_path: Path, data: bytes, kind: FileKind) -> None:
    path = tmp_path / "bestand.pdf"
    path.write_bytes(data)
    assert sniff(path) is kind


def test_sniff_docx_docm_xlsx(tmp_path: Path) -> None:
    assert sniff(_write_docx(tmp_path / "a.pdf", _minimal_parts())) is FileKind.DOCX
    docm = _minimal_parts(**{"word/vbaProject.bin": b"\x00" * 10})
    assert sniff(_write_docx(tmp_path / "b.docx", docm)) is FileKind.DOCM
    xlsx = _minimal_parts(**{"[Content_Types].xml": _content_types().replace(
        "wordprocessingml.document.main", "spreadsheetml.sheet.main")})
    assert sniff(_write_docx(tmp_path / "c.docx", xlsx)) is FileKind.XLSX
    odt = {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a/>"}
    assert sniff(_write_docx(tmp_path / "d.docx", odt)) is FileKind.ODT


# --- refusals -------------------------------------------------------------------

def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leeg.pdf"
    path.write_bytes(b"")
    assert _refusal(path, tmp_path).code == "BESTAND_LEEG"


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "weg.pdf", tmp_path).code == "BESTAND_ONLEESBAAR"


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "groot.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 5000)
    error = _refusal(path, tmp_path, limits=Limits(max_file_bytes=1000))
    assert error.code == "BESTAND_TE_GROOT"


def test_heic_is_refused_with_conversion_advice(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    error = _refusal(path, tmp_path)
    assert error.code == "FOTO_HEIC" and "zet de foto om naar JPG" in error.message


@needs_corpus
def test_renamed_doc_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "verslag.docx"
    shutil.copy(CORPUS / "docx-is-legacy-doc-renamed.docx", path)
    error = _refusal(path, tmp_path)
    assert error.code == "WORD_OUD" and "sla het op als .docx of PDF" in error.message


def test_docm_is_refused(tmp_path: Path) -> None:
    parts = _minimal_parts(**{"word/vbaProject.bin": b"\x00" * 10})
    error = _refusal(_write_docx(tmp_path / "macro.docx", parts), tmp_path)
    assert error.code == "WORD_MACRO" and "zonder macro's" in error.message


def test_odt_is_refused(tmp_path: Path) -> None:
    odt = {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a/>"}
    error = _refusal(_write_docx(tmp_path / "verslag.odt", odt), tmp_path)
    assert error.code == "ODF" and "sla het op als .docx of PDF" in error.message


# --- DOCX safety ----------------------------------------------------------------

def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    parts = _minimal_parts(**{"word/media/image1.png": b"\x00" * (40 * 1024 * 1024)})
    error = _refusal(_write_docx(tmp_path / "bom.docx", parts), tmp_path)
    assert error.code == "DOCX_ONVEILIG" and "ZIP-bom" in error.message


def test_total_uncompressed_limit(tmp_path: Path) -> None:
    path = _write_docx(tmp_path / "groot.docx", _minimal_parts())
    error = _refusal(path, tmp_path, limits=Limits(max_zip_uncompressed=100))
    assert error.code == "DOCX_ONVEILIG"


def test_entry_count_limit(tmp_path: Path) -> None:
    parts = _minimal_parts(**{f"word/media/x{i}.png": b"x" for i in range(20)})
    error = _refusal(_write_docx(tmp_path / "veel.docx", parts), tmp_path,
                     limits=Limits(max_zip_entries=10))
    assert error.code == "DOCX_ONVEILIG"


def test_path_traversal_name_is_refused(tmp_path: Path) -> None:
    parts = _minimal_parts(**{"word/../../evil.xml": "<a/>"})
    error = _refusal(_write_docx(tmp_path / "pad.docx", parts), tmp_path)
    assert error.code == "DOCX_ONVEILIG"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_docx_with_doctype_is_refused(tmp_path: Path, encoding: str) -> None:
    prolog = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "http://example.invalid/">]>'
    xml = _document("<w:p><w:r><w:t>&x;</w:t></w:r></w:p>", prolog)
    data = xml.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').encode(encoding)
    parts = _minimal_parts(**{"word/document.xml": data})
    error = _refusal(_write_docx(tmp_path / "xxe.docx", parts), tmp_path)
    assert error.code == "DOCX_ONVEILIGE_XML" and "onveilige XML" in error.message


def test_doctype_in_any_part_is_refused(tmp_path: Path) -> None:
    parts = _minimal_parts(**{"docProps/custom.xml": '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'})
    assert _refusal(_write_docx(tmp_path / "x.docx", parts), tmp_path).code == \
        "DOCX_ONVEILIGE_XML"


def test_malformed_xml_is_damaged(tmp_path: Path) -> None:
    parts = _minimal_parts(**{"word/document.xml": "<w:document><w:body>"})
    assert _refusal(_write_docx(tmp_path / "x.docx", parts), tmp_path).code == "DOCX_BESCHADIGD"


# --- DOCX normalisation ---------------------------------------------------------

def test_python_docx_document_passes_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    document = docx.Document()
    document.add_paragraph("Gewone brief")
    document.save(str(path))
    result = _run(path, tmp_path)
    assert result.kind is FileKind.DOCX and result.output_format == "docx"
    assert not _codes(result)
    assert docx.Document(str(result.output)).paragraphs[0].text == "Gewone brief"


def test_main_part_renamed_and_links_cleaned(tmp_path: Path) -> None:
    main_rels = _rels(
        _rel("rId1", "image", "media/missing.png"),
        _rel("rId2", "image", "http://example.invalid/foto.png", external=True),
        _rel("rId3", "hyperlink", "https://example.invalid/", external=True),
        _rel("rId4", "oleObject", "embeddings/oleObject1.bin"),
        _rel("rId5", "image", "media/preview.png"),
    )
    body = ('<w:p><w:r><w:t>Tekst</w:t></w:r><w:r><w:object><v:shape xmlns:v="urn:schemas-'
            'microsoft-com:vml"><v:imagedata r:id="rId5"/></v:shape><o:OLEObject '
            'xmlns:o="urn:schemas-microsoft-com:office:office" r:id="rId4"/></w:object></w:r></w:p>')
    parts = {
        "[Content_Types].xml": _content_types("/content/main.xml"),
        "_rels/.rels": _rels(_rel("rId1", "officeDocument", "content/main.xml")),
        "content/main.xml": _document(body),
        "content/_rels/main.xml.rels": main_rels,
        "content/embeddings/oleObject1.bin": b"OLE",
        "content/media/preview.png": b"\x89PNG\r\n\x1a\n",
        "orphan/secret.xml": "<geheim>Jan Jansen</geheim>",
    }
    result = _run(_write_docx(tmp_path / "raar.docx", parts), tmp_path)
    assert {"DOCX_KOPPELING_ONTBREEKT", "DOCX_GEKOPPELDE_AFBEELDING",
            "DOCX_OLE_VERWIJDERD"} <= _codes(result)
    with zipfile.ZipFile(result.output) as zf:
        names = set(zf.namelist())
        rels = zf.read("word/_rels/document.xml.rels").decode()
        main = zf.read("word/document.xml").decode()
        types = zf.read("[Content_Types].xml").decode()
    assert "word/document.xml" in names and "content/main.xml" not in names
    assert "content/media/preview.png" in names, "the OLE preview image stays"
    assert "content/embeddings/oleObject1.bin" not in names
    assert "orphan/secret.xml" not in names, "unreachable parts are dropped"
    assert 'Target="../content/media/preview.png"' in rels
    assert "example.invalid/foto.png" not in rels and "https://example.invalid/" in rels
    assert "OLEObject" not in main and "imagedata" in main
    assert 'PartName="/word/document.xml"' in types
    assert docx.Document(str(result.output)).paragraphs[0].text == "Tekst"


def test_external_template_is_unlinked(tmp_path: Path) -> None:
    settings = f'<w:settings xmlns:w="{W}" xmlns:r="{R}"><w:attachedTemplate r:id="rId1"/></w:settings>'
    parts = _minimal_parts(**{
        "word/_rels/document.xml.rels": _rels(_rel("rId9", "settings", "settings.xml")),
        "word/settings.xml": settings,
        "word/_rels/settings.xml.rels": _rels(
            _rel("rId1", "attachedTemplate", "http://example.invalid/t.dotm", external=True)),
    })
    result = _run(_write_docx(tmp_path / "sjabloon.docx", parts), tmp_path)
    assert "DOCX_SJABLOON_ONTKOPPELD" in _codes(result)
    with zipfile.ZipFile(result.output) as zf:
        assert "attachedTemplate" not in zf.read("word/settings.xml").decode()
        assert "example.invalid" not in zf.read("word/_rels/settings.xml.rels").decode()


@needs_corpus
def test_strict_docx_becomes_transitional(tmp_path: Path) -> None:
    result = _run(CORPUS / "docx-strict-ooxml.docx", tmp_path)
    assert "DOCX_STRIKT_OMGEZET" in _codes(result)
    with zipfile.ZipFile(result.output) as zf:
        assert all(b"purl.oclc.org" not in zf.read(n) for n in zf.namelist())
    assert docx.Document(str(result.output)).paragraphs


# --- passwords ------------------------------------------------------------------

def test_saslprep_maps_soft_hyphen_and_ordinal() -> None:
    assert saslprep("SªSL\u00adprep") == "SaSLprep"
    assert saslprep("a\u00a0b") == "a b"


@needs_corpus
def test_pdf_password_flow(tmp_path: Path) -> None:
    path = CORPUS / "pdf-enc-aes256-user-password.pdf"
    with pytest.raises(PasswordRequiredError) as info:
        _run(path, tmp_path)
    assert info.value.code == "WACHTWOORD_NODIG"
    assert "Vraag de afzender om een versie zonder wachtwoord" in info.value.message
    with pytest.raises(PasswordRequiredError) as info:
        _run(path, tmp_path, password="fout")
    assert info.value.code == "WACHTWOORD_ONJUIST"
    result = _run(path, tmp_path, password="view")
    with pikepdf.open(result.output) as pdf:
        assert not pdf.is_encrypted and len(pdf.pages) == result.pages


@needs_corpus
def test_pdf_saslprep_password_typed_raw(tmp_path: Path) -> None:
    result = _run(CORPUS / "pdf-enc-saslprep-password.pdf", tmp_path,
                  password="SªSL\u00adprep")
    assert result.pages and result.pages >= 1


@needs_corpus
def test_encrypted_docx_with_password(tmp_path: Path) -> None:
    path = CORPUS / "docx-encrypted-password.docx"
    with pytest.raises(PasswordRequiredError):
        _run(path, tmp_path)
    with pytest.raises(PasswordRequiredError) as info:
        _run(path, tmp_path, password="fout")
    assert info.value.code == "WACHTWOORD_ONJUIST"
    result = _run(path, tmp_path, password="Password1234_")
    assert result.kind is FileKind.ENCRYPTED_OFFICE and result.output_format == "docx"
    docx.Document(str(result.output))
    leftovers = [p.name for p in (tmp_path / "work").iterdir() if not p.name.startswith("doc-")]
    assert not leftovers, "the decrypted temporary file is removed"


# --- PDF limits -----------------------------------------------------------------

def _pdf_with_image(path: Path, width: int, height: int) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pikepdf.Stream(pdf, b"\x00")
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 1
    image.ColorSpace = pikepdf.Name.DeviceGray
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.save(path)
    return path


def test_pdf_pixel_bomb_is_refused(tmp_path: Path) -> None:
    path = _pdf_with_image(tmp_path / "scan.pdf", 40000, 40000)
    error = _refusal(path, tmp_path)
    assert error.code == "PDF_AFBEELDING_TE_GROOT" and "1,6 gigapixel" in error.message


def test_pdf_flate_bomb_is_refused(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b" " * (3 * 1024 * 1024))
    path = tmp_path / "bom.pdf"
    pdf.save(path, compress_streams=True)
    error = _refusal(path, tmp_path, limits=Limits(max_stream_bytes=1024 * 1024))
    assert error.code == "PDF_INHOUD_TE_GROOT"


def test_encrypted_pdf_flate_bomb_is_refused(tmp_path: Path) -> None:
    # Stream data of an encrypted PDF is measured after decryption, not skipped.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b" " * (3 * 1024 * 1024))
    path = tmp_path / "bom.pdf"
    pdf.save(path, encryption=pikepdf.Encryption(user="", owner="eigenaar", R=6))
    error = _refusal(path, tmp_path, limits=Limits(max_stream_bytes=1024 * 1024))
    assert error.code == "PDF_INHOUD_TE_GROOT"


def test_pdf_page_limit(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    for _ in range(5):
        pdf.add_blank_page()
    path = tmp_path / "lang.pdf"
    pdf.save(path)
    assert _refusal(path, tmp_path, limits=Limits(max_pdf_pages=4)).code == "PDF_TE_VEEL_PAGINAS"


def test_outputs_get_neutral_distinct_names(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    path = tmp_path / "Verslag Jan Jansen.pdf"
    pdf.save(path)
    first, second = _run(path, tmp_path), _run(path, tmp_path)
    assert (first.output.name, second.output.name) == ("doc-1.pdf", "doc-2.pdf")


def test_describe_pixels() -> None:
    assert describe_pixels(35000 * 35000) == "1,2 gigapixel"
    assert describe_pixels(250_000_000) == "250 megapixel"


# --- images ---------------------------------------------------------------------

def test_jpeg_is_rotated_and_stripped(tmp_path: Path) -> None:
    artist = "Artiest-Pietje-Puk"
    path = _jpeg_with_exif(tmp_path / "foto.jpg", artist)
    assert artist.encode() in path.read_bytes()
    result = _run(path, tmp_path)
    assert result.kind is FileKind.JPEG and result.pages == 1
    assert "GEEN_TEKSTLAAG" in _codes(result)
    assert "geen tekstlaag: handmatig controleren" in result.meldingen[0].tekst
    raw = result.output.read_bytes()
    for secret in (artist.encode(), b"Geheimfoon", b"Exif", b"commentaar"):
        assert secret not in raw
    with pikepdf.open(result.output) as pdf:
        page = pdf.pages[0]
        width, height = (float(v) for v in page.mediabox[2:])
        assert height > width, "portrait page for a portrait photo"
        (image,) = page.Resources.XObject.values()
        assert artist.encode() not in image.read_raw_bytes()
        pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert pil.size[1] > pil.size[0]
    top, bottom = pil.getpixel((pil.width // 2, 5)), pil.getpixel((pil.width // 2, pil.height - 5))
    assert top[0] > 200 and top[2] < 60, f"red on top after rotation, got {top}"
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_renamed_pdf_becomes_pdf_page(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGBA", (60, 40), (0, 128, 0, 128)).save(path, "PNG")
    result = _run(path, tmp_path)
    assert result.kind is FileKind.PNG and result.output.suffix == ".pdf"
    with pikepdf.open(result.output) as pdf:
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        assert width > height, "landscape page for a landscape image"


def test_multipage_tiff(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    frames = [Image.new("1", (80, 100), 1), Image.new("L", (100, 80), 128)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    result = _run(path, tmp_path)
    assert result.kind is FileKind.TIFF and result.pages == 2


def test_image_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "foto.png"
    Image.new("RGB", (100, 100)).save(path)
    error = _refusal(path, tmp_path, limits=Limits(max_image_pixels=5000))
    assert error.code == "AFBEELDING_TE_GROOT"


def test_truncated_jpeg_is_document_error(tmp_path: Path) -> None:
    path = tmp_path / "kapot.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue()[:200])
    assert _refusal(path, tmp_path).code == "AFBEELDING_BESCHADIGD"


@pytest.mark.skipif(__import__("sys").platform != "linux",
                    reason="a folder name that is not UTF-8 exists only on Linux file systems")
def test_pdf_in_a_folder_whose_name_is_not_utf8(tmp_path):
    """pikepdf 10.18 fails on such a path with a TypeError (it passes the name on as text):
    every PDF of a case in that folder was called damaged."""
    import os

    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/map-\xff"))
    folder.mkdir()
    src = folder / "verslag.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].contents_add(b"BT /F1 12 Tf 72 700 Td (Verslag) Tj ET")
        pdf.save(src)
    with pytest.raises(TypeError):
        pikepdf.open(src).close()  # the dependency's behaviour this works around
    result = _run(src, tmp_path)
    assert result.output.is_file() and result.pages == 1
