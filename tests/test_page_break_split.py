"""An identifier split by a page break: a surname hyphenated over it, a name, date, BSN,
street or postcode whose parts stand on two pages. Neither page alone holds the
identifier; a reader joins the parts. The redactor removes the part on each page, and the
gate refuses a file where they are left, naming both pages. Between the parts may stand a
document's footer, the bundle's stamp and the next page's header."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.hits import find_hits, seam_hits
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.case_model import Leerling, Persoon
from dossier_app.errors import LeakError

IDS = build_identifiers(
    Leerling(voornamen="Noor Aaliyah", roepnaam="Noor", achternaam="el Amrani",
             geboortedatum=date(2015, 11, 17), bsn="123456782", adres="Weimarstraat 212",
             postcode="2562 HK", woonplaats="Den Haag"),
    [Persoon(rol="moeder", naam="Fatima el Amrani-Bouzid")])

# (last body line of a page, first body line of the next, the parts a reader joins)
SPLITS = {
    "surname hyphenated": ("Het ging over de aanwezigheid van de leerling el Am-",
                           "rani in de klas en op het plein.", "Am", "rani"),
    "double surname": ("Het gesprek met moeder mevrouw Amrani-",
                       "Bouzid ging over het verzuim.", "Amrani", "Bouzid"),
    "date with hyphens": ("Uit het dossier blijkt dat zij is geboren op 17-11-",
                          "2015 in het ziekenhuis.", "17-11", "2015"),
    "date in words": ("Uit het dossier blijkt dat zij is geboren op 17 november",
                      "2015 in het ziekenhuis.", "17 november", "2015"),
    "bsn in groups": ("Bij de aanmelding is het burgerservicenummer 1234",
                      "56782 gecontroleerd door de administratie.", "1234", "56782"),
    "street hyphenated": ("Het gezin woont sinds twee jaar aan de Weimar-",
                          "straat 212 in een bovenwoning.", "Weimar", "straat"),
}
FOOTER = ["Verslag MDO, vertrouwelijk", "Pagina 1 van 2"]
STAMP = "Vertrouwelijk · OT-7654321 · MDO-verslagen · pagina 6 van 197"
HEADER = ["Verslag MDO · vertrouwelijk", "pagina 2 van 2"]
FILLER = "De school heeft meerdere gesprekken gevoerd met ouders en zorgpartners."


def _page(top: list[str], body: list[str], bottom: list[str]) -> str:
    return "\r\n".join([*top, *body, *bottom]) + "\r\n"


@pytest.mark.parametrize("name", sorted(SPLITS))
@pytest.mark.parametrize("furniture", [False, True])
def test_the_parts_on_either_side_of_the_break_are_found(name: str, furniture: bool) -> None:
    last, first, part_before, part_after = SPLITS[name]
    before = _page([], [FILLER, last], [*FOOTER, STAMP] if furniture else [])
    after = _page(HEADER if furniture else [], [first, FILLER], [])
    assert not any(part_after in before[s:e] for s, e in find_hits(IDS.finder, before))
    in_before, in_after = seam_hits(IDS.finder, before, after)
    assert any(part_before in before[s:e] for s, e in in_before), in_before
    assert any(after[s:e].startswith(part_after) for s, e in in_after), in_after
    # Only the identifier: the lines around it and the furniture stay.
    assert all("school" not in before[s:e] and "Pagina" not in before[s:e] for s, e in in_before)
    assert all("ziekenhuis" not in after[s:e] and "gecontroleerd" not in after[s:e]
               for s, e in in_after)


@pytest.mark.parametrize(("last", "first"), [
    ("De klas heeft een uitstap gemaakt naar Am-", "sterdam en het Rijksmuseum."),
    ("Het verzuim liep op tot 17", "lesuren in de maand november."),
    ("Zij is op 17-11-", "2016 voor het eerst besproken in het MDO."),
    (FILLER, FILLER),
])
def test_a_break_that_splits_no_identifier_finds_nothing(last: str, first: str) -> None:
    before = _page([], [FILLER, last], [*FOOTER, STAMP])
    after = _page(HEADER, [first, FILLER], [])
    assert seam_hits(IDS.finder, before, after) == ({}, {})


def _two_pages(path: Path, last: str, first: str) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(30):
        c.drawString(60, 780 - i * 18, FILLER)
    c.drawString(60, 780 - 30 * 18, last)
    c.setFont("Helvetica", 8)
    c.drawString(60, 60, FOOTER[0])
    c.drawString(60, 48, FOOTER[1])
    c.showPage()
    c.setFont("Helvetica", 8)
    c.drawString(60, 810, HEADER[0])
    c.setFont("Helvetica", 12)
    c.drawString(60, 780, first)
    for i in range(1, 20):
        c.drawString(60, 780 - i * 18, FILLER)
    c.showPage()
    c.save()
    return path


def _texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.parametrize("name", sorted(SPLITS))
def test_the_redactor_removes_both_parts_and_the_gate_refuses_them_left(tmp_path: Path,
                                                                        name: str) -> None:
    last, first, part_before, part_after = SPLITS[name]
    src = _two_pages(tmp_path / "in.pdf", last, first)
    with pytest.raises(LeakError) as info:
        verify_pdf(src, IDS.finder, IDS.literal_variants())
    assert "pagina 1-2" in info.value.message or any("pagina 1-2" in d for d in info.value.details)
    dst = tmp_path / "uit.pdf"
    result = clean_pdf(src, dst, IDS.finder, [], bestand="in.pdf")
    verify_pdf(dst, IDS.finder, IDS.literal_variants())  # raises on anything left
    page1, page2 = _texts(dst)
    assert part_before not in page1 and part_after not in page2.split("\n", 2)[1]
    assert FILLER in page1 and FILLER in page2 and FOOTER[1] in page1 and HEADER[0] in page2
    assert 1 in result.treffers  # counted on the page where it begins
