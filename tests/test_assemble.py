"""Assembling a bundle: order, bookmarks, page labels, stamps, metadata, manifest, digests.

The parts are PDFs generated here with reportlab: A4 portrait, pages with /Rotate 90, 180
and 270, an A3 landscape component and a page whose MediaBox does not start at 0,0. One
source carries an outline, page labels and an author, which must not reach the bundle.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfgen import canvas

from dossier_app import __version__
from dossier_app.bundle import hashing, manifest, stamp
from dossier_app.bundle.assemble import BundleInfo, Part, assemble
from dossier_app.errors import InputError
from dossier_app.meldingen import Melding

OT = "OT-1234567"
SECRET_NAME = "geheim-verslag-Jansen"  # a source file name that must never reach the bundle

NAMES = {
    "voorblad": "Voorblad met samenvatting en hoofdvraag",
    "toestemming-ouders": "Schriftelijke toestemming van ouders",
    "mdo-verslagen": "MDO-verslagen",
    "opp": "Ontwikkelingsperspectiefplan (OPP)",
    "verzuimregistratie": "Verzuimregistratie",
}


def make_pdf(path: Path, pages: int, *, size=A4, rotate: int = 0, origin: tuple[int, int] | None = None,
             text: str | None = None, label: str | None = None, extras: bool = False) -> Path:
    """A PDF with `pages` pages of body text; optionally rotated, shifted, or with source junk."""
    c = canvas.Canvas(str(path), pagesize=size)
    for i in range(pages):
        c.setFont("Helvetica", 14)
        c.drawString(72, size[1] - 100, text or f"Inhoud {label or path.stem} blad {i + 1}")
        c.drawString(72, size[1] - 130, "Dit is een testpagina met gewone tekst.")
        c.showPage()
    c.save()
    if rotate or origin or extras:
        _post_process(path, size, rotate, origin, extras)
    return path


def _post_process(path: Path, size, rotate: int, origin, extras: bool) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            if rotate:
                page.obj.Rotate = rotate
            if origin:
                ox, oy = origin
                page.obj.MediaBox = [ox, oy, ox + size[0], oy + size[1]]
                page.obj.CropBox = [ox + 10, oy + 10, ox + size[0] - 10, oy + size[1] - 10]
                body = page.obj.Contents.read_bytes()
                page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 %d %d cm\n%s\nQ" % (ox, oy, body))
        if extras:
            with pdf.open_outline() as outline:
                outline.root.append(pikepdf.OutlineItem(f"{SECRET_NAME}.docx", 0))
            pdf.Root.PageLabels = pikepdf.Dictionary(
                Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(SECRET_NAME))])
            pdf.docinfo["/Author"] = "Jansen"
            pdf.docinfo["/Title"] = SECRET_NAME
        pdf.save(path)


def make_parts(folder: Path, *, opp_pages: int = 2, extra_text: str | None = None) -> list[Part]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        Part("voorblad", NAMES["voorblad"], (make_pdf(folder / "vb.pdf", 1),), True),
        Part("toestemming-ouders", NAMES["toestemming-ouders"],
             (make_pdf(folder / f"{SECRET_NAME}.pdf", 1, rotate=90, label="toestemming", extras=True),)),
        Part("mdo-verslagen", NAMES["mdo-verslagen"],
             (make_pdf(folder / "mdo1.pdf", 2, text=extra_text),
              make_pdf(folder / "mdo2.pdf", 1, rotate=180))),
        Part("opp", NAMES["opp"], (make_pdf(folder / "opp.pdf", opp_pages, size=landscape(A3)),)),
        Part("verzuimregistratie", NAMES["verzuimregistratie"],
             (make_pdf(folder / "verzuim.pdf", 1, rotate=270, origin=(100, -50)),)),
    ]


def make_info(**changes) -> BundleInfo:
    base = dict(ot_nummer=OT, tafel_id="adviestafel", tafel_naam="Adviestafel", spoor=None,
                gemeente="den-haag", onderwijs="po", aanmelddatum=date(2026, 10, 19),
                eerste_verzuimdatum=date(2026, 9, 7), routeboek_id="po-2025-2026",
                routeboek_versie="2025-2026.1", concept=False)
    return BundleInfo(**{**base, **changes})


EXTRA = {
    "controles": ["identificatoren", "lekcontrole"],
    "niet_gecontroleerd": [],
    "meldingen": [Melding("GEEN_TEKSTLAAG", "Geen tekstlaag", "waarschuwing", onderdeel="opp",
                          bestand="stukken/geheim.pdf", pagina=1)],
    "converter": "builtin",
    "casus_voorwaarden": {"smw_betrokken": False},
}


def build_bundle(folder: Path, *, info: BundleInfo | None = None, extra: dict | None = None, **kw):
    parts = make_parts(folder / "parts", **kw)
    out = folder / "bundel.pdf"
    result = assemble(parts, info or make_info(), out, manifest_extra=EXTRA if extra is None else extra)
    return out, result


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_bundle(tmp_path_factory.mktemp("bundle"))


def pdftotext(path: Path, page: int, *, layout: bool = False) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


# --- structure ------------------------------------------------------------------------

def test_pages_in_component_order_with_ranges(bundle):
    out, result = bundle
    assert result.paginas == 8
    assert [(r.onderdeel, r.pagina_van, r.pagina_tot) for r in result.onderdelen] == [
        ("voorblad", 1, 1), ("toestemming-ouders", 2, 2), ("mdo-verslagen", 3, 5), ("opp", 6, 7),
        ("verzuimregistratie", 8, 8)]
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 8
        assert [int(p.obj.get("/Rotate", 0)) for p in pdf.pages] == [0, 90, 0, 0, 180, 0, 0, 270]
        assert [round(float(v)) for v in pdf.pages[5].mediabox] == [0, 0, 1191, 842]  # A3 landscape
        assert [round(float(v)) for v in pdf.pages[7].mediabox] == [100, -50, 695, 792]


def test_one_bookmark_per_component_pointing_to_its_first_page(bundle):
    out, _ = bundle
    reader = pypdf.PdfReader(out)
    titles = [item.title for item in reader.outline]
    targets = [reader.get_destination_page_number(item) + 1 for item in reader.outline]
    assert titles == list(NAMES.values())
    assert targets == [1, 2, 3, 6, 8]
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_page_labels_per_component(bundle):
    out, _ = bundle
    labels = pypdf.PdfReader(out).page_labels
    assert labels == ["voorblad 1", "toestemming-ouders 1", "mdo-verslagen 1", "mdo-verslagen 2",
                      "mdo-verslagen 3", "opp 1", "opp 2", "verzuimregistratie 1"]


# --- stamps ---------------------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize("page", range(1, 9))
def test_every_page_has_its_footer(bundle, page):
    out, result = bundle
    naam = next(r.naam for r in result.onderdelen if r.pagina_van <= page <= r.pagina_tot)
    text = " ".join(pdftotext(out, page, layout=True).split())
    assert f"Vertrouwelijk · {OT} · {naam} · pagina {page} van 8" in text


@needs_poppler
@pytest.mark.parametrize("page", [2, 5, 8])  # /Rotate 90, 180, 270 (the last one also shifted)
def test_footer_reads_horizontally_at_the_bottom_of_rotated_pages(bundle, page, tmp_path):
    out, _ = bundle
    html = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(out), str(html)], check=True)
    doc = html.read_text(encoding="utf-8")
    with pikepdf.open(out) as pdf:
        height = stamp.placement(pdf.pages[page - 1]).shown_size[1]
    word = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Vertrouwelijk<', doc)
    x0, y0, x1, y1 = map(float, word.groups())
    assert x1 - x0 > 2 * (y1 - y0)  # wider than high: horizontal as the reader sees the page
    assert y0 > height - 25  # in the bottom margin of the page as shown


def test_footer_is_drawn_in_grey_inside_the_bottom_margin_of_a_rotated_page(bundle):
    out, _ = bundle
    doc = pdfium.PdfDocument(out)
    try:
        image = doc[1].render(scale=1).to_pil().convert("L")  # /Rotate 90, shown landscape
    finally:
        doc.close()
    w, h = image.size
    assert w > h
    ink = [(x, y) for y in range(h) for x in range(0, w, 2) if image.getpixel((x, y)) < 200]
    footer = [(x, y) for x, y in ink if y > h - 20]
    assert footer, "no footer ink in the bottom band"
    xs = [x for x, _ in footer]
    assert max(xs) - min(xs) > 150  # a line of text across the page, not a vertical column


def test_concept_marks_every_page(tmp_path):
    out, result = build_bundle(tmp_path, info=make_info(concept=True))
    assert result.manifest["concept"] is True
    doc = pdfium.PdfDocument(out)
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    assert all("CONCEPT" in t for t in texts)


def test_not_concept_has_no_mark(bundle):
    out, _ = bundle
    doc = pdfium.PdfDocument(out)
    try:
        assert all("CONCEPT" not in doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_dutch_characters_in_component_names_render(tmp_path):
    naam = "Überdracht en zienswijze (ë, ï, é)"
    parts = [Part("overige-verslagen", naam, (make_pdf(tmp_path / "a.pdf", 1),))]
    out = tmp_path / "b.pdf"
    assemble(parts, make_info(), out, manifest_extra={})
    doc = pdfium.PdfDocument(out)
    try:
        assert naam in doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


# --- metadata and hidden channels -----------------------------------------------------

def test_metadata_is_title_and_producer_only(bundle):
    out, _ = bundle
    with pikepdf.open(out) as pdf:
        assert dict(pdf.docinfo.items()) == {"/Title": f"Tafeldossier {OT} – Adviestafel",
                                             "/Producer": f"Tafeldossier {__version__}"}
        assert "/Metadata" not in pdf.Root
        assert "/AcroForm" not in pdf.Root
        assert set(pdf.attachments.keys()) == {manifest.BESTANDSNAAM}
        assert all("/Annots" not in p.obj for p in pdf.pages)


def test_source_outlines_labels_metadata_and_file_names_are_gone(bundle):
    out, _ = bundle
    with pikepdf.open(out) as pdf:
        everything = b"".join(
            [bytes(str(o), "utf-8", "replace") for o in pdf.objects]
            + [o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream)])
    assert SECRET_NAME.encode() not in everything
    assert b"Jansen" not in everything
    assert b"mdo1.pdf" not in everything


# --- manifest and digests -------------------------------------------------------------

def test_manifest_round_trip(bundle):
    out, result = bundle
    with pikepdf.open(out) as pdf:
        data = manifest.read(pdf)
        digests = hashing.page_digests(pdf)
    assert data == result.manifest
    assert json.loads(json.dumps(data)) == data
    assert data["schema"] == 1 and data["product_versie"] == __version__
    assert data["routeboek"] == {"id": "po-2025-2026", "versie": "2025-2026.1"}
    assert data["casus"] == {"onderwijs": "po", "gemeente": "den-haag", "tafel": "adviestafel", "spoor": None,
                             "ot_nummer": OT, "eerste_verzuimdatum": "2026-09-07",
                             "aanmelddatum": "2026-10-19", "voorwaarden": {"smw_betrokken": False}}
    ranges = [(o["id"], o["pagina_van"], o["pagina_tot"]) for o in data["onderdelen"]]
    assert ranges[2] == ("mdo-verslagen", 3, 5)
    assert [p["sha256"] for o in data["onderdelen"] for p in o["paginas"]] == digests
    assert data["paginas_totaal"] == 8 and data["concept"] is False
    assert data["converter"] == "builtin" and data["controles"] == ["identificatoren", "lekcontrole"]
    assert data["meldingen"] == [{"code": "GEEN_TEKSTLAAG", "tekst": "Geen tekstlaag",  # no "bestand"
                                  "niveau": "waarschuwing", "onderdeel": "opp", "pagina": 1}]


def test_manifest_refuses_paths_and_reserved_keys(tmp_path):
    parts = make_parts(tmp_path / "p")
    with pytest.raises(TypeError):
        assemble(parts, make_info(), tmp_path / "a.pdf", manifest_extra={"bron": tmp_path / "x.pdf"})
    with pytest.raises(ValueError, match="reserved"):
        assemble(parts, make_info(), tmp_path / "b.pdf", manifest_extra={"schema": 2})
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".tafeldossier-*"))


def test_digests_survive_a_plain_resave_but_not_an_edit(bundle, tmp_path):
    out, _ = bundle
    with pikepdf.open(out) as pdf:
        base = hashing.page_digests(pdf)
    resaved = tmp_path / "qpdf.pdf"
    subprocess.run(["qpdf", "--object-streams=disable", "--compress-streams=n", str(out), str(resaved)],
                   check=True)
    with pikepdf.open(resaved) as pdf:
        assert hashing.page_digests(pdf) == base
        pdf.pages[0].obj.Rotate = 90
        pdf.pages[1].contents_add(b"0 0 m 100 100 l S")
        changed = hashing.page_digests(pdf)
    assert [a == b for a, b in zip(base, changed, strict=True)] == [False, False] + [True] * 6


def _walked(monkeypatch) -> list[int]:
    """Counts the pages `assemble` walks for their digests."""
    walked: list[int] = []
    real = hashing.page_digest

    def counting(page, cache=None):
        walked.append(1)
        return real(page, cache)

    monkeypatch.setattr(hashing, "page_digest", counting)
    return walked


def _fresh(out: Path) -> list[str]:
    with pikepdf.open(out) as pdf:
        return hashing.page_digests(pdf)


def test_a_rebuild_walks_only_pages_that_changed_and_its_digests_are_those_of_the_file(tmp_path, monkeypatch):
    parts = make_parts(tmp_path / "p")
    first = assemble(parts, make_info(), tmp_path / "a.pdf", manifest_extra=EXTRA)
    walked = _walked(monkeypatch)
    make_pdf(parts[0].pdfs[0], 1, text="Een ander voorblad, even lang")  # the voorblad edited
    second = assemble(parts, make_info(), tmp_path / "b.pdf", manifest_extra=EXTRA)
    assert len(walked) == 1
    assert second.sleutels is not None and second.sleutels.pages == _fresh(tmp_path / "b.pdf")
    assert second.sleutels.pages[0] != first.sleutels.pages[0]
    assert second.sleutels.pages[1:] == first.sleutels.pages[1:]

    # A document whose content changed, with the same number of pages (the same footers).
    walked.clear()
    make_pdf(parts[3].pdfs[0], 2, size=landscape(A3), text="Het OPP, bijgewerkt")
    third = assemble(parts, make_info(), tmp_path / "c.pdf", manifest_extra=EXTRA)
    assert len(walked) == 2
    assert third.sleutels is not None and third.sleutels.pages == _fresh(tmp_path / "c.pdf")
    assert third.sleutels.pages[5:7] != second.sleutels.pages[5:7]


@pytest.mark.parametrize("change", ["concept", "page_count", "ot_nummer"])
def test_other_stamps_make_every_page_walked_again(tmp_path, monkeypatch, change):
    """The stamp is part of each page: other footers or CONCEPT, and no digest is kept."""
    parts = make_parts(tmp_path / "p")
    assemble(parts, make_info(), tmp_path / "a.pdf", manifest_extra=EXTRA)
    info = make_info()
    if change == "concept":
        info = make_info(concept=True)
    elif change == "ot_nummer":
        info = make_info(ot_nummer="OT-7654321")
    else:
        make_pdf(parts[0].pdfs[0], 2)  # the voorblad one page longer: every "pagina n van N" changes
    walked = _walked(monkeypatch)
    result = assemble(parts, info, tmp_path / "b.pdf", manifest_extra=EXTRA)
    assert len(walked) == result.paginas
    assert result.sleutels is not None and result.sleutels.pages == _fresh(tmp_path / "b.pdf")


def test_written_atomically_over_an_existing_file(tmp_path):
    out = tmp_path / "bundel.pdf"
    out.write_bytes(b"oud")
    assemble(make_parts(tmp_path / "p"), make_info(), out, manifest_extra={})
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["bundel.pdf"]


def test_unreadable_part_is_an_input_error_naming_the_component(tmp_path):
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.7\nniet echt")
    with pytest.raises(InputError, match="Ontwikkelingsperspectiefplan") as info:
        assemble([Part("opp", NAMES["opp"], (bad,))], make_info(), tmp_path / "b.pdf", manifest_extra={})
    assert "kapot.pdf" in info.value.message
    assert not (tmp_path / "b.pdf").exists()


def test_two_hundred_pages_timing(tmp_path):
    src = make_pdf(tmp_path / "groot.pdf", 50)
    parts = [Part(f"deel-{i}", f"Deel {i}", (src,)) for i in range(4)]
    started = time.perf_counter()
    result = assemble(parts, make_info(), tmp_path / "b.pdf", manifest_extra={})
    elapsed = time.perf_counter() - started
    print(f"\n200-page assembly: {elapsed:.2f} s ({result.paginas} pages)")
    assert result.paginas == 200


def test_streams_from_sources_are_written_in_encodings_verify_measures(tmp_path):
    """reportlab writes a JPEG as ASCII85 + DCT; the loket's check refuses encodings it cannot
    measure without trusting them, so the bundle takes such text layers off (the JPEG stays)."""
    from PIL import Image

    from dossier_app.bundle.verify import verify_bundle

    jpeg = tmp_path / "foto.jpg"
    Image.new("RGB", (200, 100), (200, 30, 30)).save(jpeg)
    scan = tmp_path / "parts" / "scan.pdf"
    scan.parent.mkdir()
    c = canvas.Canvas(str(scan), pagesize=A4)
    c.drawImage(str(jpeg), 72, 600, 200, 100)
    c.drawString(72, 560, "Toestemming voor het delen van het dossier met het loket.")
    c.showPage()
    c.save()
    with pikepdf.open(scan) as pdf:
        chains = [list(o.Filter) for o in pdf.objects
                  if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert chains == [["/ASCII85Decode", "/DCTDecode"]]  # the kind of source this is about
    parts = make_parts(tmp_path / "rest")
    parts[1] = Part(parts[1].onderdeel, parts[1].naam, (scan,))
    out = tmp_path / "bundel.pdf"
    assemble(parts, make_info(), out, manifest_extra=EXTRA)
    with pikepdf.open(out) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert [str(o.Filter) for o in images] == ["/DCTDecode"]
        assert images[0].read_raw_bytes()[:2] == b"\xff\xd8"  # still the JPEG, not re-encoded
    report = verify_bundle(out, bestand="bundel.pdf")
    assert report.intact and report.schoon, [m.tekst for m in report.problemen]
