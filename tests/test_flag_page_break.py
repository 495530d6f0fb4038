"""The flagger reads a word hyphenated over a page break as a person does: a name nobody
entered in the case ("Yasmi-" at the foot of a page, "na Bakkali" at the top of the next)
is in neither page's text whole. It is found in the two lines read together and reported
on both pages, each with its own part boxed; in the pipeline (in this process and in the
flagger's worker) and in the loket's check. The next page's header is not read as the
rest of the word, and a word that only happens to be hyphenated there finds nothing.

Real PDFs (reportlab), read by PDFium as the product reads them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise import flag_pdf
from dossier_app.anonymise.detect import DeduceNames
from dossier_app.anonymise.flag_pdf import PageFlagger, findings_in_texts
from dossier_app.anonymise.hits import hyphenated_seams
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.pdfium_chars import page_texts
from dossier_app.bundle.verify import _across_the_break
from dossier_app.case_model import Leerling

IDS = build_identifiers(Leerling(voornamen="Noor", achternaam="el Amrani",
                                 geboortedatum=date(2015, 11, 17)), [])
FOOT, HEAD = "Het gesprek met de tante, mevrouw Yasmi-", "na Bakkali, verliep goed."
FILLER = "De school heeft meerdere gesprekken gevoerd met ouders en zorgpartners."
HEADER = "Verslag MDO - vertrouwelijk"
needs_deduce = pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")


def _pdf(path: Path, pages: int, split_after: int, last: str, first: str) -> Path:
    """`pages` pages of filler with a header; `last` ends page `split_after` (1-based) and
    `first` begins the next."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(60, 810, f"{HEADER}, pagina {n}")
        c.setFont("Helvetica", 11)
        lines = [FILLER] * 8
        if n == split_after + 1:
            lines = [first, *lines]
        if n == split_after:
            lines = [*lines, last]
        for i, line in enumerate(lines):
            c.drawString(60, 780 - i * 16, line)
        c.showPage()
    c.save()
    return path


def test_only_a_hyphenated_foot_with_a_lower_case_head_is_read_together() -> None:
    before = f"{FILLER}\r\nHet gesprek met mevrouw Yasmi-\r\n"
    (seam,) = hyphenated_seams(before, f"{HEADER}\r\nna Bakkali verliep goed.\r\n{FILLER}")
    assert seam.text == "Het gesprek met mevrouw Yasmi-\nna Bakkali verliep goed."
    assert seam.crosses(seam.text.index("Yasmi"), seam.text.index(" verliep"))
    assert not seam.crosses(0, seam.split)
    assert hyphenated_seams(f"{FILLER}\r\nHet gesprek met mevrouw Yasmina\r\n", "na de zomer") == []
    assert hyphenated_seams(before, f"{HEADER}\r\nNa de zomer\r\n") == []  # no word goes on
    pdfium_mark = hyphenated_seams("mevrouw Yasmi\ufffe", "na Bakkali")
    assert [s.text for s in pdfium_mark] == ["mevrouw Yasmi\ufffe\nna Bakkali"]


@needs_deduce
@pytest.mark.parametrize(("pages", "split_after"), [(2, 1), (20, 17)])  # in this process; in the worker
def test_a_name_hyphenated_over_a_page_break_is_found_on_both_pages(
        tmp_path: Path, pages: int, split_after: int) -> None:
    path = _pdf(tmp_path / "a.pdf", pages, split_after, FOOT, HEAD)
    texts = page_texts(path)
    with PageFlagger(IDS, frozenset(), len(texts)) as flagger:
        for index, text in enumerate(texts):
            flagger.feed(index, text)
        assert flagger.in_worker == (pages >= flag_pdf.PARALLEL_FROM_PAGES)
        found = flag_pdf.with_boxes(flagger.result(), path)
    whole = [b for b in found if b.tekst == "Yasmina Bakkali"]
    assert [b.pagina for b in whole] == [split_after, split_after + 1]
    foot, head = whole
    assert texts[split_after - 1][foot.start:foot.end].rstrip().rstrip("-\ufffe\x02") == "Yasmi"
    assert texts[split_after][head.start:head.end] == "na Bakkali"
    assert foot.vakken and head.vakken and head.vakken[0].y < foot.vakken[0].y  # top of the next page


@needs_deduce
def test_a_word_hyphenated_over_the_break_and_the_header_find_nothing(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "a.pdf", 2, 1, "Het gesprek ging over het onder-", "zoek naar de thuissituatie.")
    assert findings_in_texts(enumerate(page_texts(path)), IDS, before_redaction=True) == []
    header_only = _pdf(tmp_path / "b.pdf", 2, 1, "Het gesprek ging over Bak-", "Verder is besproken.")
    assert not [b for b in findings_in_texts(enumerate(page_texts(header_only)), IDS) if "Verslag" in b.tekst]


@needs_deduce
def test_a_confirmed_name_over_the_break_stays_confirmed(tmp_path: Path) -> None:
    from dossier_app.privacy import confirmation_hash

    path = _pdf(tmp_path / "a.pdf", 2, 1, FOOT, HEAD)
    confirmed = frozenset({confirmation_hash("Yasmina Bakkali")})
    found = findings_in_texts(enumerate(page_texts(path)), IDS, confirmed)
    assert not [b for b in found if b.tekst == "Yasmina Bakkali"]


@needs_deduce
def test_the_loket_reads_over_the_break_too() -> None:
    from dossier_app.anonymise.detect import RemembersProfessionals, flag_personal_data

    flag = RemembersProfessionals(flag_personal_data)  # as the loket's check flags
    before = f"{FILLER}\r\n{FOOT}\r\n"
    after = f"{HEADER}\r\n{HEAD}\r\n{FILLER}"
    found = _across_the_break((4, before), 5, after, flag)
    assert [(n, value) for n, _f, value in found] == [(4, "Yasmina Bakkali")]
    assert _across_the_break((3, before), 5, after, flag) == []  # not the page before
    assert _across_the_break(None, 5, after, flag) == []


@needs_deduce
def test_once_removed_neither_part_of_the_name_is_left_to_review(tmp_path: Path) -> None:
    """After 'Lakken' the name is a term of the case: the redactor removes both parts, and
    the review lists no part of it (nor the whole) on either page."""
    path = _pdf(tmp_path / "a.pdf", 2, 1, FOOT, HEAD)
    texts = page_texts(path)
    before = findings_in_texts(enumerate(texts), IDS, before_redaction=True)
    assert {b.tekst for b in before} >= {"Yasmi", "Yasmina Bakkali"}  # the part and the whole
    removed = build_identifiers(Leerling(voornamen="Noor", achternaam="el Amrani",
                                         geboortedatum=date(2015, 11, 17)), [], ["Yasmina Bakkali"])
    after = findings_in_texts(enumerate(texts), removed, before_redaction=True)
    assert not [b for b in after if {"Yasmi", "Bakkali"} & set(b.tekst.split())], after


@needs_deduce
def test_no_part_of_the_pupils_name_split_by_the_break_is_left_to_review(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "a.pdf", 20, 17, "Het ging over de aanwezigheid van Noor el Am-",
                "rani in de klas.")
    texts = page_texts(path)
    with PageFlagger(IDS, frozenset(), len(texts)) as flagger:  # in the worker
        for index, text in enumerate(texts):
            flagger.feed(index, text)
        assert flagger.in_worker
        found = flagger.result()
    assert not [b for b in found if b.pagina in (17, 18)], [(b.pagina, b.tekst) for b in found]
    here = findings_in_texts(enumerate(texts), IDS, before_redaction=True)  # in this process
    assert not [b for b in here if b.pagina in (17, 18)]
