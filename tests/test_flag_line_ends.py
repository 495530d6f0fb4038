"""The flagger reads a page over its line ends as a person does, and knows the professionals
of the whole case.

- A name hyphenated at a line end ("Bouch-" / "taoui": PDFium gives U+FFFE, a soft hyphen
  or "-" before the line break) is one finding with the whole name, boxed on both lines;
  a number continued on the next line ("+48 601 234" / "567", a BSN, an IBAN, a postcode)
  one number. A compound whose own hyphen ends the line ("Noord-" / "Holland") keeps it,
  a dash list item on the next line is no continuation, a date at a line end does not
  run into the next line's number.
- A professional named with the role in one document of a case is a name to check in the
  others ("Bouwman belde"): in the wizard's review (CaseState) and in the loket's check.

Real PDFs (reportlab), read by PDFium as the product reads them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from dossier_app.anonymise import flag_pdf
from dossier_app.anonymise.detect import DeduceNames
from dossier_app.anonymise.flag_pdf import findings_in_texts
from dossier_app.anonymise.hits import line_reading
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.pdfium_chars import page_texts
from dossier_app.case_model import Leerling, Persoon
from dossier_app.privacy import confirmation_hash

ROOT = Path(__file__).resolve().parents[1]
IDS = build_identifiers(
    Leerling(voornamen="Noor", achternaam="el Amrani", geboortedatum=date(2015, 11, 17)),
    [Persoon(rol="moeder", naam="Fatima el Amrani-Bouzid", telefoon="06-41528376")])

needs_deduce = pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")


def _pdf(path: Path, lines: list[str]) -> Path:
    """One page, one string per line (what ends a line is what the writer put there)."""
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(ROOT / "resources" / "fonts" / "DejaVuSans.ttf")))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("DejaVu", 11)
    for n, line in enumerate(lines):
        pdf.drawString(60, 780 - 16 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def _flag(path: Path) -> tuple[list[str], list[flag_pdf.Bevinding]]:
    texts = page_texts(path)
    return texts, flag_pdf.with_boxes(findings_in_texts(enumerate(texts), IDS, before_redaction=True),
                                      path)


@needs_deduce
@pytest.mark.parametrize("surname", ["Bouchtaoui", "Zielińska", "Wiśniewski", "Mahabier"])
def test_a_surname_hyphenated_at_the_line_end_is_one_name_boxed_on_both_lines(
        tmp_path: Path, surname: str) -> None:
    cut = len(surname) // 2
    path = _pdf(tmp_path / "a.pdf", [f"Contact gezin: tante Souad {surname[:cut]}-",
                                     f"{surname[cut:]} belt vaak over de kinderen."])
    texts, found = _flag(path)
    names = [b for b in found if b.categorie == "naam"]
    assert [b.tekst for b in names] == [f"Souad {surname}"]  # once, whole, as read
    (name,) = names
    assert not name.review
    assert texts[0][name.start:name.end].startswith("Souad") and texts[0][name.end - 1] == surname[-1]
    first, second = name.vakken  # both lines boxed for the highlight
    assert second.y > first.y + 10 and second.x < first.x


@needs_deduce
def test_a_double_name_whose_own_hyphen_ends_the_line_keeps_it(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "a.pdf", ["Op woensdag haalt buurman Jan-",
                                     "Willem Peeters de kinderen op; zij komen uit Noord-",
                                     "Holland en gaan naar school."])
    _texts, found = _flag(path)
    assert [b.tekst for b in found if b.categorie == "naam"] == ["Jan-Willem Peeters"]
    assert not any("Holland" in b.tekst for b in found)


@needs_deduce
def test_a_name_wrapped_at_its_space_in_a_narrow_cell_is_one_name(tmp_path: Path) -> None:
    """A table cell too narrow for the whole name: first name on one line, surname (with
    letters such as "ś", "ı") on the next, the relation cell after it."""
    path = _pdf(tmp_path / "a.pdf", ["Naam", "Barbara", "Wiśniewska", "oma", "Hüseyin",
                                     "Yıl-", "maz", "opa", "Karolina", "Zielińska", "tante"])
    _texts, found = _flag(path)
    names = [b for b in found if b.categorie == "naam"]
    assert [b.tekst for b in names] == ["Barbara Wiśniewska", "Hüseyin Yılmaz", "Karolina Zielińska"]
    assert [len(b.vakken) for b in names] == [2, 3, 2]


@pytest.mark.parametrize(("lines", "value", "categorie"), [
    (["Haar nummer is +48 601 234", "567, zij belt na vieren."], "+48 601 234 567", "telefoon"),
    (["Bereikbaar via +31 6", "41236587 of op school."], "+31 6 41236587", "telefoon"),
    (["Zijn mobiel: 06-", "19283746, alleen overdag."], "06-19283746", "telefoon"),
    (["Het BSN van halfbroer Mehmet is 1112 22", "333 volgens moeder."], "1112 22 333", "bsn"),
    (["Het geld gaat naar rekening NL91 ABNA 0417", "1643 00 van de oom."],
     "NL91 ABNA 0417 1643 00", "iban"),
    (["Oma woont op Laakkade 14, 2521", "AB Den Haag, met de hond."], "2521 AB", "postcode"),
])
def test_a_number_continued_on_the_next_line_is_one_number(
        tmp_path: Path, lines: list[str], value: str, categorie: str) -> None:
    _texts, found = _flag(_pdf(tmp_path / "a.pdf", lines))
    numbers = [b for b in found if b.categorie == categorie]
    assert [b.tekst for b in numbers] == [value]
    assert len(numbers[0].vakken) == 2


def test_what_does_not_go_on_over_the_line_end_stays_apart() -> None:
    """A dash list item, a date before a count, a year before a year, a word before the
    Dutch elliptic hyphen ("groeps-" / "en klassenniveau"), an e-mail address's own
    hyphen: nothing joined (the other readings of `text_views` keep those)."""
    for text in ["De afspraken met de school:\r\n- elke week een gesprek",
                 "ingestroomd op 01-09-2020\r\n12 leerlingen in de klas",
                 "in 2019\r\n2020 was het beter", "groeps-\r\nen klassenniveau",
                 "mail naar ilse.kramer-\r\nozdemir@school-mail.nl", "in groep 6\r\n12 kinderen"]:
        assert line_reading(text) is None, text


def test_the_reading_maps_every_char_back() -> None:
    text = "tante Souad Bouch\ufffetaoui belt; +48 601 234\r\n567 en Noord-\r\nHolland"
    read, index, joins = line_reading(text) or ("", [], [])
    assert read == "tante Souad Bouchtaoui belt; +48 601 234 567 en Noord-Holland"
    assert len(index) == len(read) and len(joins) == 3
    assert all(read[k] == text[i] for k, i in enumerate(index) if read[k] != " ")


@needs_deduce
def test_a_confirmed_wrapped_name_is_confirmed_as_read(tmp_path: Path) -> None:
    """The school confirms what the review list showed ("Souad Bouchtaoui"): the same
    finding is not raised again, here and in the loket's check (same hash)."""
    path = _pdf(tmp_path / "a.pdf", ["Contact gezin: tante Souad Bouch-", "taoui belt vaak."])
    texts = page_texts(path)
    assert [b.tekst for b in findings_in_texts(enumerate(texts), IDS)] == ["Souad Bouchtaoui"]
    confirmed = frozenset({confirmation_hash("Souad Bouchtaoui")})
    assert findings_in_texts(enumerate(texts), IDS, confirmed) == []


# --- professionals of the whole case ------------------------------------------------------

def _case_documents(tmp_path: Path) -> tuple[Path, Path]:
    handover = _pdf(tmp_path / "overdracht.pdf", [
        "Betrokken: mevrouw Bouwman (GGD Haaglanden), Petra Hoogland, verzuimcoördinator,",
        "en de wijkagent, Dennis Kuipers, bij de overdracht op school."])
    log = _pdf(tmp_path / "logboek.pdf", [
        "02-10-2026: Bouwman belde met moeder over het verzuim.",
        "06-10-2026: overleg met Petra Hoogland; afspraak gepland.",
        "09-10-2026: Kuipers en oom Yusuf Bakkali kwamen langs."])
    return handover, log


@needs_deduce
def test_a_professional_named_with_the_role_in_one_document_is_one_in_the_others(
        tmp_path: Path) -> None:
    handover, log = _case_documents(tmp_path)
    per_document = [flag_pdf.findings(p, IDS) for p in (handover, log)]
    alone = {b.tekst: b.review for b in per_document[1] if b.categorie == "naam"}
    assert alone.get("Yusuf Bakkali") is False
    assert not all(alone.values())  # the log alone: bare names read as personal data
    shared = flag_pdf.case_wide(per_document)
    in_case = {b.tekst: b.review for b in shared[1] if b.categorie == "naam"}
    assert in_case["Yusuf Bakkali"] is False  # the uncle stays personal data
    assert {t for t, review in in_case.items() if review} >= {"Petra Hoogland"}
    assert all(review for t, review in in_case.items() if t != "Yusuf Bakkali"), in_case
    assert [len(f) for f in shared] == [len(f) for f in per_document]  # same items, same order


@needs_deduce
def test_the_wizard_shares_the_professionals_of_the_case(tmp_path: Path, qapp) -> None:
    """CaseState: each document's review keeps its own findings; what it shows has the
    professionals of every prepared document; a document taken out takes them along."""
    from dossier_app.case_model import Document
    from dossier_app.ui.state import CaseState, Review

    handover, log = _case_documents(tmp_path)
    state = CaseState()
    docs = [Document(onderdeel="verslag", bestand=p.name, pad=p, index=i)
            for i, p in enumerate((handover, log))]
    state.set_documents(docs)

    def review(path: Path) -> Review:
        return Review(pdf=b"", paginas=1, niet_gecontroleerd=[],
                      bevindingen=flag_pdf.findings(path, IDS), vlakken={}, meldingen=[])

    state.set_review(docs[1], review(log))
    bare = [b for b in state.review_for(docs[1]).bevindingen if b.tekst == "Bouwman"]
    assert bare and not bare[0].review
    state.set_review(docs[0], review(handover))
    shown = state.review_for(docs[1]).bevindingen
    assert [b.review for b in shown if b.tekst in ("Bouwman", "Kuipers")] == [True, True]
    assert [b.review for b in shown if b.tekst == "Yusuf Bakkali"] == [False]
    state.set_documents([docs[1]])  # the handover report is taken out of the case
    again = state.review_for(docs[1]).bevindingen
    assert [b.review for b in again if b.tekst == "Bouwman"] == [False]
