"""Attacks on a received bundle that an earlier verify accepted (issue 14).

Each test builds the attack on a real bundle (assemble, then pikepdf, qpdf or raw byte
edits, as an attacker would) and expects a refusal: exit 1 with the specific Dutch
finding, or exit 3 (NotABundleError) with its message. The harmless restructurings at
the end still pass.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from test_assemble import build_bundle
from test_verify import codes, phone_flagger, verify

from dossier_app.bundle import hashing, manifest
from dossier_app.bundle.verify import report_text
from dossier_app.errors import ExitCode, NotABundleError
from dossier_app.privacy import confirmation_hash


@pytest.fixture
def fresh(tmp_path) -> Path:
    return build_bundle(tmp_path)[0]


def refused(path: Path, code: str, fragment: str, flagger=phone_flagger):
    report = verify(path, flagger)
    assert report.exit_code == ExitCode.incomplete
    assert code in codes(report), codes(report)
    assert any(fragment in m.tekst for m in report.problemen if m.code == code), \
        [m.tekst for m in report.problemen]
    assert report_text(report)[-1].startswith("Uitslag: ") and "in orde" not in report_text(report)[-1]
    return report


def page_text_pdfium(path: Path, index: int) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[index].get_textpage().get_text_range()
    finally:
        doc.close()


def other_page(tmp_path: Path, text: str) -> bytes:
    """A content stream as a page of another pupil would have it."""
    return f"BT /F1 18 Tf 72 700 Td ({text}) Tj ET".encode()


# --- 1. parser differential -------------------------------------------------------------

def _page_update(path: Path, index: int, content: bytes) -> tuple[bytes, bytes, int, int]:
    """A new content stream and a new version of page `index`, and the page's old version."""
    with pikepdf.open(path) as pdf:
        size = int(pdf.trailer.Size)
        page = pdf.pages[index].obj
        num, gen = page.objgen
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                  BaseFont=pikepdf.Name.Helvetica)
        new = pikepdf.Dictionary({k: page[k] for k in page if k != "/Contents"})
        new_res = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        new.Resources = new_res
        body = new.unparse(resolved=False).replace(b"<<", b"<< /Contents %d 0 R" % size, 1)
        old = pikepdf.Dictionary({k: page[k] for k in page}).unparse(resolved=False)
    stream = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (size, len(content), content)
    return stream + b"%d %d obj\n%s\nendobj\n" % (num, gen, body), old, num, size


def test_parser_differential_is_refused(fresh):
    """New page objects and an xref without %%EOF, then the old page again and padding:
    qpdf rebuilds and takes the last definition, PDFium follows the xref."""
    raw = fresh.read_bytes()
    content = other_page(fresh.parent, "Verslag van een andere leerling")
    update, old, num, size = _page_update(fresh, 2, content)
    out = bytearray(raw)
    at_stream = len(out)
    out += update
    at_page = at_stream + update.index(b"%d 0 obj" % num)
    prev = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
    with pikepdf.open(fresh) as pdf:
        root = pdf.Root.objgen
    at_xref = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (num, at_page, size, at_stream)
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n" % (
        size + 1, *root, prev, at_xref)
    out += b"%d 0 obj\n%s\nendobj\n" % (num, old) + b" " * 1500 + b"\n"
    fresh.write_bytes(bytes(out))
    assert "andere leerling" in page_text_pdfium(fresh, 2)  # what Chrome and Edge show
    report = refused(fresh, "BYTES_BUITEN_PDF", "na het einde van de PDF")
    assert not report.intact
    assert "Ongewijzigd sinds het maken: NEE" in report_text(report)


def test_object_defined_twice_in_one_revision_is_refused(fresh, tmp_path):
    """The same object number twice in one body (no update): readers pick different ones."""
    plain = tmp_path / "plain.pdf"
    with pikepdf.open(fresh) as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        num = pdf.pages[2].objgen[0]
    raw = plain.read_bytes()
    m = re.search(rb"(?m)^%d 0 obj\n.*?endobj\n" % num, raw, re.S)
    assert m is not None
    start_xref = raw.rindex(b"\nxref\n") + 1
    out = raw[:start_xref] + m.group(0)
    table, tail = raw[start_xref:].split(b"trailer", 1)
    shift = len(m.group(0))
    out += table + b"trailer" + re.sub(rb"startxref\s+(\d+)",
                                       lambda x: b"startxref\n%d" % (int(x.group(1)) + shift), tail)
    plain.write_bytes(out)
    refused(plain, "OPBOUW_AFWIJKEND", "verschillende pagina's")


# --- 2. a second manifest ---------------------------------------------------------------

def test_second_attachment_under_the_manifest_name(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        extra = pikepdf.AttachedFileSpec(pdf, b"%PDF-1.4 geheim verslag", filename=manifest.BESTANDSNAAM)
        names = pdf.Root.Names.EmbeddedFiles.Names
        names.append(pikepdf.String(manifest.BESTANDSNAAM))
        names.append(extra.obj)
        pdf.save(fresh)
    with pikepdf.open(fresh) as pdf:
        assert len(pdf.attachments) == 1  # pikepdf keeps one; PDFium and pypdf list two
    with pytest.raises(NotABundleError, match="twee bijlagen met de naam van het manifest") as info:
        verify(fresh)
    assert info.value.exit_code == ExitCode.input_error


# --- 3. channels that were not read --------------------------------------------------------

def rewrite_manifest(path: Path, change, *, raw: bytes | None = None) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        spec = pdf.attachments[manifest.BESTANDSNAAM]
        data = json.loads(spec.get_file().read_bytes())
        change(data)
        stream = spec.obj.EF.F
        stream.write(raw if raw is not None else manifest.to_bytes(data))
        pdf.save(path)


def test_data_hidden_in_a_manifest_key(fresh, tmp_path):
    rewrite_manifest(fresh, lambda d: d.update(bijlage="JVBERi0xLjQK" * 200))
    refused(fresh, "MANIFEST_AANGEPAST", "onbekende sleutels")


def test_data_hidden_in_a_manifest_melding(fresh):
    rewrite_manifest(fresh, lambda d: d.update(meldingen=[{"code": "X", "tekst": "A" * 5000}]))
    refused(fresh, "MANIFEST_AANGEPAST", "te lange")


def test_personal_data_in_a_manifest_text_is_found(fresh):
    rewrite_manifest(fresh, lambda d: d.update(meldingen=[{"code": "X", "tekst": "bel moeder 06-12345678"}]))
    refused(fresh, "MOGELIJK_PERSOONSGEGEVEN", "In het manifest")


def test_manifest_in_another_layout(fresh):
    with pikepdf.open(fresh) as pdf:
        data = json.loads(pdf.attachments[manifest.BESTANDSNAAM].get_file().read_bytes())
    rewrite_manifest(fresh, lambda d: None, raw=json.dumps(data).encode() + b"\n" + b" " * 4000)
    refused(fresh, "MANIFEST_AANGEPAST", "niet zoals Tafeldossier het schrijft")


@pytest.mark.parametrize("where, change, code, fragment", [
    ("desc", lambda pdf, spec: spec.__setitem__("/Desc", pikepdf.String("Jan de Vries, 12-03-2014")),
     "BIJLAGE_TOEGEVOEGD", "bestandsbeschrijving van het manifest"),
    ("xmp", lambda pdf, spec: spec.EF.F.__setitem__("/Metadata", pdf.make_stream(b"<x:xmpmeta/>")),
     "BIJLAGE_TOEGEVOEGD", "bestandsbeschrijving van het manifest"),
    ("producer", lambda pdf, spec: pdf.docinfo.__setitem__("/Producer", pikepdf.String("Jan de Vries")),
     "METADATA_AANGEVULD", "Producer"),
    ("pages", lambda pdf, spec: pdf.Root.Pages.__setitem__("/Notitie", pikepdf.String("Jan de Vries")),
     "VERBORGEN_INHOUD", "De paginaboom"),
    ("outline", lambda pdf, spec: pdf.Root.Outlines.First.__setitem__("/Notitie", pikepdf.String("x")),
     "BLADWIJZERS_ANDERS", "De bladwijzers"),
    ("labels", lambda pdf, spec: pdf.Root.PageLabels.Nums[1].__setitem__("/Notitie", pikepdf.String("x")),
     "PAGINALABELS_ANDERS", "De paginalabels"),
    ("af", lambda pdf, spec: pdf.Root.__setitem__("/AF", pikepdf.Array([pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("x.txt")))])),
     "BIJLAGE_TOEGEVOEGD", "ander of meer bijgevoegd bestand"),
    ("catalog", lambda pdf, spec: pdf.Root.__setitem__("/PageMode", pikepdf.Name.UseAttachments),
     "VERBORGEN_INHOUD", "De catalogus"),
])
def test_document_level_channels(fresh, where, change, code, fragment):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        change(pdf, pdf.attachments[manifest.BESTANDSNAAM].obj)
        pdf.save(fresh)
    refused(fresh, code, fragment)


def test_trailer_key(fresh, tmp_path):
    plain = tmp_path / "plain.pdf"
    with pikepdf.open(fresh) as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    raw = plain.read_bytes()
    plain.write_bytes(raw.replace(b"trailer <<", b"trailer << /Leerling (Jan de Vries)", 1)
                      .replace(b"trailer\n<<", b"trailer\n<< /Leerling (Jan de Vries)", 1))
    refused(plain, "VERBORGEN_INHOUD", "trailer")


def _classic(fresh: Path, tmp_path: Path) -> tuple[Path, bytes]:
    plain = tmp_path / "plain.pdf"
    with pikepdf.open(fresh) as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return plain, plain.read_bytes()


def add_orphan(path: Path, body: bytes) -> None:
    """Insert an object nothing refers to, with a correct xref entry (one revision)."""
    raw = path.read_bytes()
    at = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
    size = int(re.search(rb"/Size (\d+)", raw[at:]).group(1))
    obj = b"%d 0 obj\n%s\nendobj\n" % (size, body)
    head, table = raw[:at], raw[at:]
    entries = re.search(rb"xref\n0 (\d+)\n(.*?)trailer", table, re.S)
    assert entries is not None and int(entries.group(1)) == size
    new_table = b"xref\n0 %d\n%s%010d 00000 n \ntrailer" % (size + 1, entries.group(2), len(head))
    rest = table[entries.end():].replace(b"/Size %d" % size, b"/Size %d" % (size + 1), 1)
    rest = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (len(head) + len(obj)), rest)
    path.write_bytes(head + obj + new_table + rest)


def test_orphan_object(fresh, tmp_path):
    plain, _ = _classic(fresh, tmp_path)
    add_orphan(plain, b"(Jan de Vries, BSN 123456782)")
    with pikepdf.open(plain) as pdf:
        assert not pdf.get_warnings()  # a valid file, not a repaired one
    refused(plain, "VERBORGEN_OBJECTEN", "1 object waar niets in de bundel naar verwijst")


def test_orphan_object_inside_an_object_stream(fresh):
    """Referenced from the trailer when saved (so qpdf packs it into an object stream), then
    the reference blanked out in the plain-text xref stream dictionary: same length, valid."""
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.trailer.Zz = pdf.make_indirect(pikepdf.Dictionary(Notitie=pikepdf.String("Jan de Vries")))
        pdf.save(fresh, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    raw = fresh.read_bytes()
    assert b"Jan de Vries" not in raw  # compressed inside an object stream
    ref = re.search(rb"/Zz \d+ 0 R", raw)
    assert ref is not None
    fresh.write_bytes(raw.replace(ref.group(0), b" " * len(ref.group(0))))
    with pikepdf.open(fresh) as pdf:
        assert "/Zz" not in pdf.trailer and not pdf.get_warnings()
    refused(fresh, "VERBORGEN_OBJECTEN", "waar niets in de bundel naar verwijst")


def test_bytes_before_the_header(fresh):
    fresh.write_bytes(b"Jan de Vries 12-03-2014\n" + fresh.read_bytes())
    refused(fresh, "BYTES_BUITEN_PDF", "vóór het begin van de PDF")


def test_bytes_after_the_end(fresh):
    fresh.write_bytes(fresh.read_bytes() + b"Jan de Vries 12-03-2014\n")
    refused(fresh, "BYTES_BUITEN_PDF", "na het einde van de PDF")


@pytest.mark.parametrize("hidden", [b"% Jan de Vries, 12-03-2014", b"99 0 obj (Jan de Vries) endobj"])
def test_bytes_between_objects(fresh, tmp_path, hidden):
    """After a plain object's endobj, with a correct xref for everything else."""
    plain, _ = _classic(fresh, tmp_path)
    assert verify(plain).ok
    with pikepdf.open(plain) as pdf:
        info = pdf.trailer.Info.objgen[0]

    def hide(bodies):
        bodies[info] += b"\nendobj\n" + hidden
    rewrite_objects(plain, hide)
    with pikepdf.open(plain) as pdf:
        assert not pdf.get_warnings() and str(pdf.docinfo.Title).startswith("Tafeldossier")
    refused(plain, "OPBOUW_AFWIJKEND", "verschillende pagina's")


def test_qdf_comments_between_objects(fresh, tmp_path):
    qdf = tmp_path / "qdf.pdf"
    with pikepdf.open(fresh) as pdf:
        pdf.save(qdf, qdf=True)  # QDF: comments between objects
    refused(qdf, "OPBOUW_AFWIJKEND", "verschillende pagina's")


def test_update_that_changes_info_and_overwrites_the_old_eof(fresh, tmp_path):
    plain, raw = _classic(fresh, tmp_path)
    with pikepdf.open(plain) as pdf:
        size, root = int(pdf.trailer.Size), pdf.Root.objgen
    prev = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
    out = bytearray(raw.replace(b"%%EOF", b"     "))
    at_info = len(out)
    out += b"%d 0 obj\n<< /Title (Jan de Vries) /Producer (x) >>\nendobj\n" % size
    at_xref = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d %d R /Info %d 0 R /Prev %d >>\n" % (
        size, at_info, size + 1, *root, size, prev)
    out += b"startxref\n%d\n%%%%EOF\n" % at_xref
    plain.write_bytes(bytes(out))
    refused(plain, "BEWERKT_NA_MAKEN", "incrementele update")
    # and with the old startxref gone too: one startxref, but the xref points back (/Prev)
    plain.write_bytes(bytes(out).replace(b"startxref\n%d\n" % prev, b" " * len(b"startxref\n%d\n" % prev)))
    refused(plain, "OPBOUW_AFWIJKEND", "verschillende pagina's")


# --- 4. manifest edits without hashing ----------------------------------------------------

def test_page_dropped_with_its_manifest_entry(fresh):
    def drop(d):
        for o in d["onderdelen"]:
            o["paginas"] = [p for p in o["paginas"] if p["nummer"] != 4]
        n = 0
        for o in d["onderdelen"]:
            for p in o["paginas"]:
                n += 1
                p["nummer"] = n
            if o["paginas"]:
                o["pagina_van"], o["pagina_tot"] = o["paginas"][0]["nummer"], o["paginas"][-1]["nummer"]
        d["paginas_totaal"] = n
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        del pdf.pages[3]
        pdf.save(fresh)
    rewrite_manifest(fresh, drop)
    report = refused(fresh, "VOETTEKST_ANDERS", "past niet bij het manifest")
    assert report.wijzigingen == []  # every remaining digest still matches: only the footer tells


def test_pages_relabelled_to_another_component(fresh):
    def relabel(d):
        mdo = next(o for o in d["onderdelen"] if o["id"] == "mdo-verslagen")
        mdo["id"], mdo["naam"] = "zienswijze-ouders", "Zienswijze van ouders"
    rewrite_manifest(fresh, relabel)
    refused(fresh, "VOETTEKST_ANDERS", "past niet bij het manifest")


def test_component_name_not_from_the_routeboek(fresh):
    def rename(d):
        d["onderdelen"][2]["naam"] = "Verslag Jan de Vries"
    rewrite_manifest(fresh, rename)
    refused(fresh, "MANIFEST_AANGEPAST", "wijkt af van het routeboek")


def test_confirmations_added_to_silence_findings_stay_visible(tmp_path):
    out, _ = build_bundle(tmp_path, extra_text="Bel moeder op 06-12345678.")
    assert verify(out).exit_code == ExitCode.incomplete
    rewrite_manifest(out, lambda d: d.update(bevestigd=[confirmation_hash("06-12345678")]))
    # the voorblad of this bundle says nothing about confirmations: the hash was added
    # (built bundles with a voorblad line: test_verify_confirmations)
    report = refused(out, "BEVESTIGINGEN_ANDERS", "maar het voorblad noemt ze niet")
    shown = [m for m in report.meldingen if m.code == "PERSOONSGEGEVEN_BEVESTIGD"]
    assert shown and "06-12345678" in shown[0].tekst and shown[0].niveau == "waarschuwing"


def test_confirmations_that_are_not_digests(fresh):
    rewrite_manifest(fresh, lambda d: d.update(bevestigd=["Jan de Vries"]))
    refused(fresh, "MANIFEST_AANGEPAST", "bevestigde meldingen die geen controlegetal zijn")


# --- 5. an image on a page that keeps its text ------------------------------------------

def _name_image_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 28)
    c.drawString(72, 400, "Jan de Vries 06-12345678")
    c.showPage()
    c.save()
    return buf.getvalue()


def add_name_image_with_recomputed_digests(path: Path) -> None:
    """Draw an image (a rendered line with a name) on page 3 and make the manifest agree."""
    doc = pdfium.PdfDocument(_name_image_pdf())
    bitmap = doc[0].render(scale=1.5).to_pil().convert("L")
    doc.close()
    buf = io.BytesIO()
    bitmap.save(buf, format="JPEG")
    w, h = bitmap.size
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        img = pdf.make_stream(buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                              Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                              Filter=pikepdf.Name.DCTDecode)
        page = pdf.pages[2]
        name = page.add_resource(img, pikepdf.Name.XObject, prefix="Im")
        page.contents_add(f"q 595 0 0 842 0 0 cm {name} Do Q".encode())
        digests = hashing.page_digests(pdf)
        spec = pdf.attachments[manifest.BESTANDSNAAM]
        data = json.loads(spec.get_file().read_bytes())
        for o in data["onderdelen"]:
            for p in o["paginas"]:
                p["sha256"] = digests[p["nummer"] - 1]
        spec.obj.EF.F.write(manifest.to_bytes(data))
        pdf.save(path)


def test_image_with_personal_data_on_a_text_page(fresh):
    add_name_image_with_recomputed_digests(fresh)
    report = verify(fresh)
    assert report.wijzigingen == []  # the digests were recomputed: a consistent rewrite
    assert report.exit_code == ExitCode.incomplete
    hits = [m for m in report.problemen if m.code == "MOGELIJK_PERSOONSGEGEVEN"]
    assert [(m.pagina, "in een afbeelding" in m.tekst) for m in hits] == [(3, True)], \
        [m.tekst for m in report.meldingen]


def test_image_page_without_ocr_is_named(fresh, monkeypatch):
    from dossier_app.anonymise import ocr

    add_name_image_with_recomputed_digests(fresh)
    monkeypatch.setattr(ocr, "_words_reader", lambda: None)  # an installation without any Tesseract
    report = verify(fresh)
    notes = [m.tekst for m in report.meldingen if m.code == "AFBEELDING_NIET_GELEZEN"]
    assert notes and notes[0].startswith("Pagina 3 bevat naast tekst ook afbeeldingen")


# --- limits and refusals that were exit 70 -------------------------------------------------

def test_count_too_low_is_a_dutch_refusal(fresh, tmp_path):
    fresh, raw = _classic(fresh, tmp_path)
    assert raw.count(b"/Count 8 /Kids") == 1
    fresh.write_bytes(raw.replace(b"/Count 8 /Kids", b"/Count 2 /Kids"))
    with pytest.raises(NotABundleError, match="paginaboom die niet klopt") as info:
        verify(fresh)
    assert info.value.exit_code == ExitCode.input_error


def test_page_named_many_times_is_refused_before_qpdf_copies_it(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        first = pdf.Root.Pages.Kids[0]
        pdf.Root.Pages.Kids = pikepdf.Array([first] * 5000)
        pdf.Root.Pages.Count = 5000
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match=r"meer dan 2000 pagina's|ongeldige paginaboom"):
        verify(fresh)


def test_manifest_bomb_is_refused(fresh):
    bomb = b'{"schema": 1, "x": "' + b" " * (20 * 1024 * 1024) + b'"}'
    rewrite_manifest(fresh, lambda d: None, raw=bomb)
    with pytest.raises(NotABundleError, match="manifest erin is uitgepakt groter dan 8 MB"):
        verify(fresh)


def test_references_and_large_objects_are_bounded_before_qpdf_reads_them(fresh, tmp_path):
    from dossier_app.documents.limits import Limits

    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        first = pdf.Root.Pages.Kids[0]
        pdf.Root.Pages.Kids[0].Notitie = pikepdf.Array(
            [pdf.make_indirect(pikepdf.Array([first] * 100)) for _ in range(50)])
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match="meer dan 1000 verwijzingen tussen PDF-objecten"):
        verify_limited(fresh, Limits(max_pdf_references=1000))
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.Root.Pages.Kids[0].Notitie = pikepdf.Array([pdf.Root.Pages.Kids[0]] * 100_000)  # ~700 KB
        pdf.save(fresh, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pytest.raises(NotABundleError, match=r"PDF-object \(geen afbeelding of tekst\) van meer dan 0,5 MB"):
        verify_limited(fresh, Limits(max_pdf_object_bytes=512 * 1024))


def test_content_bomb_is_refused(fresh):
    from dossier_app.documents.limits import Limits

    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.pages[1].contents_add(b"\n%" + b" " * (3 * 1024 * 1024) + b"\n")
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match="uitgepakt meer dan 1 MB"):
        verify_limited(fresh, Limits(max_stream_bytes=1024 * 1024))


def verify_limited(path: Path, limits):
    from dossier_app.bundle.verify import verify_bundle

    return verify_bundle(path, bestand=path.name, flagger=phone_flagger, limits=limits)


def test_too_large_and_not_regular_files(tmp_path):
    from dossier_app.documents.limits import Limits

    big = tmp_path / "groot.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(3 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(NotABundleError, match="groter dan 2 MB"):
        verify_limited(big, Limits(max_file_bytes=2 * 1024 * 1024))
    with pytest.raises(NotABundleError, match="geen gewoon bestand"):
        verify_limited(Path("/dev/zero"), Limits())
    with pytest.raises(NotABundleError, match="kan niet worden gelezen"):
        verify_limited(tmp_path / "na\0am.pdf", Limits())


# --- harmless restructurings still pass ---------------------------------------------------

def test_pages_nested_in_intermediate_nodes_pass(fresh, tmp_path):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        root = pdf.Root.Pages
        kids = list(root.Kids)
        nodes = []
        for i in range(0, len(kids), 3):
            node = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Parent=root,
                                                        Kids=pikepdf.Array(kids[i:i + 3]),
                                                        Count=len(kids[i:i + 3])))
            for kid in kids[i:i + 3]:
                kid.Parent = node
            nodes.append(node)
        root.Kids = pikepdf.Array(nodes)
        pdf.save(fresh, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pikepdf.open(fresh) as pdf:
        assert len(pdf.Root.Pages.Kids) == 3
    report = verify(fresh)
    assert report.ok, [m.tekst for m in report.problemen]


def rewrite_objects(path: Path, change) -> None:
    """Write a classic-xref file again from its objects after `change(bodies)`, with a new xref:
    what another PDF writer would produce (qpdf itself always pushes inherited attributes down)."""
    from dossier_app.bundle.structure import check_layout

    raw = path.read_bytes()
    table = check_layout(raw, 100_000)
    starts = sorted((off, key) for key, off in table.offsets.items())
    ends = [off for off, _ in starts[1:]] + [table.xref_at]
    bodies = {}
    for (off, key), end in zip(starts, ends, strict=True):
        text = raw[off:end]
        bodies[key[0]] = text[text.index(b"obj") + 3:text.rindex(b"endobj")].strip()
    change(bodies)
    out = bytearray(b"%PDF-1.5\n%\xbf\xf7\xa2\xfe\n")
    offsets = {}
    for num in sorted(bodies):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, bodies[num])
    size = max(bodies) + 1
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", raw[table.xref_at:], re.S).group(1)
    at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 00000 f \n"
                    for n in range(1, size))
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, at)
    path.write_bytes(bytes(out))


def _dict_value(body: bytes, key: bytes) -> bytes:
    """`/Key << ... >>` with nested dictionaries, as qpdf writes them."""
    start = body.index(key + b" <<")
    depth, i = 0, start + len(key) + 1
    while True:
        if body.startswith(b"<<", i):
            depth, i = depth + 1, i + 2
        elif body.startswith(b">>", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return body[start:i]
        else:
            i += 1


def test_inherited_resources_pass(fresh, tmp_path):
    """The first page's resources moved up to the page-tree root, as other writers do it."""
    plain, _ = _classic(fresh, tmp_path)
    with pikepdf.open(plain) as pdf:
        page_num, root_num = pdf.pages[0].objgen[0], pdf.Root.Pages.objgen[0]

    def inherit(bodies):
        resources = _dict_value(bodies[page_num], b"/Resources")
        bodies[page_num] = bodies[page_num].replace(resources, b"")
        bodies[root_num] = bodies[root_num].replace(b"<<", b"<< " + resources, 1)
    rewrite_objects(plain, inherit)
    raw = plain.read_bytes()  # (qpdf pushes inherited attributes down as it reads, so look at the bytes)
    page = re.search(rb"\n%d 0 obj\n(.*?)endobj" % page_num, raw, re.S)
    assert page is not None and b"/Resources" not in page.group(1)
    assert re.search(rb"\n%d 0 obj\n<< /Resources" % root_num, raw)
    report = verify(plain)
    assert report.ok, [m.tekst for m in report.problemen]


def test_a_resave_with_a_classic_xref_passes(fresh, tmp_path):
    plain, _ = _classic(fresh, tmp_path)
    assert verify(plain).ok


# --- a bundle with a password, and the command line ---------------------------------------

def test_protected_bundle_is_verified_with_its_password(fresh, tmp_path):
    from dossier_app.bundle.protect import protect_pdf
    from dossier_app.bundle.verify import needs_password, verify_bundle

    protected = tmp_path / "beveiligd.pdf"
    protect_pdf(fresh, protected, "geheim-wachtwoord", tmp_path)
    assert needs_password(protected) and not needs_password(fresh)
    with pytest.raises(NotABundleError, match="Geef het wachtwoord op") as info:
        verify(protected)
    assert info.value.exit_code == ExitCode.input_error
    with pytest.raises(NotABundleError, match="wachtwoord is onjuist"):
        verify_bundle(protected, bestand=protected.name, flagger=phone_flagger, password="iets-anders")
    report = verify_bundle(protected, bestand=protected.name, flagger=phone_flagger,
                           password="geheim-wachtwoord")
    assert report.ok, [m.tekst for m in report.problemen]


def test_cli_verify_with_password_and_a_closed_pipe(fresh, tmp_path, monkeypatch, capsys):
    import os
    import subprocess
    import sys

    from dossier_app.bundle.protect import protect_pdf
    from dossier_app.cli import main

    protected = tmp_path / "beveiligd.pdf"
    protect_pdf(fresh, protected, "geheim-wachtwoord", tmp_path)
    monkeypatch.setenv("TAFELDOSSIER_WACHTWOORD", "geheim-wachtwoord")
    assert main(["verify", str(protected), "--wachtwoord"]) == 0
    assert "Uitslag: in orde" in capsys.readouterr().err
    env = {**os.environ, "TAFELDOSSIER_WACHTWOORD": ""}
    proc = subprocess.run(f'"{sys.executable}" -m dossier_app verify --json "{fresh}" | head -c 20; '
                          'exit ${PIPESTATUS[0]}', shell=True, executable="/bin/bash", env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("{")
    assert "interne fout" not in proc.stderr and "Traceback" not in proc.stderr


def test_build_into_a_folder_is_a_dutch_refusal(tmp_path, run_cli):
    """`build -o MAP --force` used to fail with exit 70 after the whole build."""
    from conftest import case_dict, write_case

    case = write_case(tmp_path / "casus", case_dict())
    result = run_cli("build", str(case), "-o", str(tmp_path), "--force", "--stil")
    assert result.code == 3 and "is een map, geen bestand" in result.err


def test_needs_password_does_not_open_a_hostile_file(fresh):
    from dossier_app.bundle.verify import needs_password

    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        first = pdf.Root.Pages.Kids[0]
        pdf.Root.Pages.Kids = pikepdf.Array([first] * 300_000)  # 2 MB of references: qpdf needs ~650 MB
        pdf.save(fresh, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert needs_password(fresh) is False  # refused on the raw bytes, before qpdf parses the array
    with pytest.raises(NotABundleError, match="PDF-object"):
        verify(fresh)


def test_comment_inside_a_page_dictionary(fresh, tmp_path):
    plain, _ = _classic(fresh, tmp_path)
    with pikepdf.open(plain) as pdf:
        page = pdf.pages[1].objgen[0]

    def hide(bodies):
        bodies[page] = bodies[page].replace(b"/Type /Page", b"/Type /Page % Jan de Vries, 12-03-2014\n", 1)
    rewrite_objects(plain, hide)
    report = refused(plain, "OPBOUW_AFWIJKEND", "commentaar binnen de PDF-objecten")
    assert report.wijzigingen == []  # readers skip the comment: the page digest is unchanged


def test_strings_with_percent_signs_are_not_comments():
    from dossier_app.bundle.structure import has_comment

    assert not has_comment(b"<< /Title (100% af \\) nog (genest %)) /ID <4a25> /F (a%) >>")
    assert has_comment(b"<< /Title (af) % Jan\n>>")
    assert has_comment(b"[ <4a> % x\n ]")


def test_a_second_value_after_an_object_is_refused(fresh, tmp_path):
    """Readers take the first object after `N 0 obj` and skip the rest up to endobj."""
    plain, _ = _classic(fresh, tmp_path)
    with pikepdf.open(plain) as pdf:
        page = pdf.pages[1].objgen[0]

    def hide(bodies):
        bodies[page] += b" (Jan de Vries, 12-03-2014)"
    rewrite_objects(plain, hide)
    refused(plain, "OPBOUW_AFWIJKEND", "verschillende pagina's")


def test_one_object_tokenizer():
    from dossier_app.bundle.structure import one_object

    assert one_object(b"<< /Kids [ 3 0 R 4 0 R ] /T (a \\) b) /H <4a> /D << /X 1 >> >>\n")
    assert one_object(b"12 0 R") and one_object(b"(tekst)") and one_object(b"[ 1 2 ]")
    assert not one_object(b"<< /A 1 >> (Jan de Vries)")
    assert not one_object(b"[ 1 ] [ 2 ]") and not one_object(b"1 2") and not one_object(b"")
