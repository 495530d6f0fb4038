"""Known identifiers -> Finder: every variant found, ordinary words untouched, exact spans."""

from __future__ import annotations

import itertools
import re
import time
from datetime import date

import pytest

from dossier_app.anonymise.identifiers import IdentifierSet, build_identifiers
from dossier_app.anonymise.matcher import fold_text, normalise
from dossier_app.case_model import Leerling, Persoon

NOOR = Leerling(voornamen="Noor Aaliyah", roepnaam="Noor", achternaam="el Amrani",
                geboortedatum=date(2015, 11, 17), bsn="123456782", adres="Weimarstraat 212",
                postcode="2562 HK", woonplaats="Den Haag")
PERSONEN = (
    Persoon(rol="moeder", naam="Fatima el Amrani-Bouzid", telefoon="06-41528376",
            email="f.elamrani@example.nl"),
    Persoon(rol="vader", naam="Mehmet Özdemir", telefoon="070-1234567"),
    Persoon(rol="zus", naam="Roos van der Berg"),
    Persoon(rol="oma", naam="Ayşe Çelik", adres="Teststraat 41b", postcode="2511 AB"),
    Persoon(rol="opa", naam="Jan Bakker"),
)


@pytest.fixture(scope="module")
def ids() -> IdentifierSet:
    return build_identifiers(NOOR, PERSONEN, extra_terms=["De Regenboog"])


def found(ids: IdentifierSet, text: str) -> list[tuple[str, str, str]]:
    return [(text[h.start:h.end], h.categorie, h.label) for h in ids.finder(text)]


def visible(ids: IdentifierSet, text: str) -> list[str]:
    return [text[h.start:h.end] for h in ids.finder(text)]


# --- names ------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "expected"), [
    ("In het MDO is Noor besproken.", "Noor"),
    ("Aaliyah komt sinds oktober niet meer naar school.", "Aaliyah"),
    ("De leerling, Noor Aaliyah el Amrani, zit thuis.", "Noor Aaliyah el Amrani"),
    ("Mevrouw El Amrani was aanwezig.", "El Amrani"),
    ("Gesprek met de familie Amrani over de terugkeer.", "Amrani"),
    ("Leerling: N.A. el Amrani (groep 6).", "N.A. el Amrani"),
    ("Leerling: N. el Amrani (groep 6).", "N. el Amrani"),
    ("Leerling: NA el Amrani (groep 6).", "NA el Amrani"),
    ("Leerling: N.A.el Amrani (groep 6).", "N.A.el Amrani"),
    ("Deelnemerslijst: el Amrani, N.A.; leerplicht.", "el Amrani, N.A."),
    ("Noors moeder is bezorgd.", "Noors"),
    ("Noor's moeder is bezorgd.", "Noor's"),
    ("Noor’s moeder is bezorgd.", "Noor’s"),
    ("NOOR EL AMRANI - VERSLAG MDO", "NOOR EL AMRANI"),
    ("De leerling (NOOR) is niet op school.", "NOOR"),
    ("De gegevens van Noor el\nAmrani zijn bijgevoegd.", "Noor el\nAmrani"),
    ("verslag_Noor_2026.pdf", "Noor"),
    ("Ook mevrouw el Amrani-Bouzid was aanwezig.", "el Amrani-Bouzid"),
    ("Mevrouw Bouzid belde op maandag.", "Bouzid"),
    ("Fatima belde op maandag.", "Fatima"),
    ("Volgens FATIMA EL AMRANI-BOUZID gaat het slecht.", "FATIMA EL AMRANI-BOUZID"),
    ("Vader, de heer Özdemir, was er niet.", "Özdemir"),
    ("Vader, de heer Ozdemir, was er niet.", "Ozdemir"),
    ("Vader, de heer OZDEMIR, was er niet.", "OZDEMIR"),
    ("Mehmet Özdemir’s werk gaat voor.", "Mehmet Özdemir’s"),
    ("Oma Çelik haalt haar op; Ayse Celik is betrokken.", "Çelik"),
    ("Roos van der Berg is haar zus.", "Roos van der Berg"),
    ("Haar zus (R. van der Berg) helpt.", "R. van der Berg"),
    ("Haar zus Van der Berg helpt.", "Van der Berg"),
    ("Haar zus v.d. Berg helpt.", "v.d. Berg"),
    ("Haar zus VAN DER BERG helpt.", "VAN DER BERG"),
    ("Roos' fiets staat bij school.", "Roos'"),
    ("Opa Bakker komt vaak langs.", "Bakker"),
    ("Kopie aan: Bakker, J.", "Bakker, J."),
])
def test_name_variants_in_mdo_sentences(ids: IdentifierSet, sentence: str, expected: str) -> None:
    assert expected in visible(ids, sentence)


def test_labels_name_the_role(ids: IdentifierSet) -> None:
    hits = found(ids, "Noor, haar moeder Fatima el Amrani-Bouzid en haar zus Roos.")
    assert hits == [("Noor", "naam", "[leerling]"),
                    ("Fatima el Amrani-Bouzid", "naam", "[moeder]"),
                    ("Roos", "naam", "[zus]")]


def test_diacritics_and_dotless_i_fold(ids: IdentifierSet) -> None:
    text = "AYŞE ÇELİK en Ayse Celik en Ayşe Çelik’s dochter"
    assert visible(ids, text) == ["AYŞE ÇELİK", "Ayse Celik", "Ayşe Çelik’s"]
    special = build_identifiers(Leerling(voornamen="Søren", achternaam="Łukasiewicz-Dæhlie"), ())
    assert visible(special, "Soren Lukasiewicz en SØREN DAEHLIE") == [
        "Soren Lukasiewicz", "SØREN DAEHLIE"]


@pytest.mark.parametrize("text", [
    "Op de Weimarstraat 212 woont de fam. el Am-\nrani.",
    "Op de Weimarstraat 212 woont de fam. el Am\u00adrani.",
    "Op de Weimarstraat 212 woont de fam. el Am\u2010\nrani.",
    "Op de Weimarstraat 212 woont de fam. el Am\u2011 \r\nrani.",
    "Op de Weimarstraat 212 woont de fam. el Am\u0002\r\nrani.",
    "Op de Weimarstraat 212 woont de fam. el Am\ufffe\nrani.",
    "Op de Weimarstraat 212 woont de fam. el\u00a0 Amrani.",
    "Op de Weimarstraat 212 woont de fam. el \t\n  Amrani.",
])
def test_split_names_map_back_to_exact_spans(ids: IdentifierSet, text: str) -> None:
    start = text.index("el")
    end = text.index("rani") + 4
    assert text[start:end] in visible(ids, text)


def test_double_surname_split_at_its_hyphen(ids: IdentifierSet) -> None:
    text = "Moeder, mevrouw el Amrani-\nBouzid, belde."
    assert found(ids, text) == [("el Amrani-\nBouzid", "naam", "[moeder]")]


# --- ordinary words survive -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Noorwegen is een mooi land.",
    "Ze kreeg een roos van haar juf.",
    "Het was stormachtig weer.",
    "Een storm trok over de school.",
    "Ze spreekt Noorse en Amrania is geen woord.",
    "De bakker op de hoek; de berg is hoog; van der berg niets.",
    "Op 17 jan 2026 was er een gesprek.",
    "Zij wonen in Den Haag.",
    "Emir en Fatimah zijn andere namen.",
])
def test_ordinary_words_survive(ids: IdentifierSet, text: str) -> None:
    assert visible(ids, text) == []


def test_word_first_names_and_short_possessives() -> None:
    family = build_identifiers(Leerling(voornamen="Storm", achternaam="de Vries"),
                               [Persoon(rol="broer", naam="Mees de Boer"),
                                Persoon(rol="opa", naam="Jan Bakker")])
    text = ("Storm en Mees: stormachtig, een mees, de vries-kist, de boer. Jans fiets, "
            "STORM DE VRIES en De Vries; 17 jan 2015.")
    assert visible(family, text) == ["Storm", "Mees", "Jans", "STORM DE VRIES", "De Vries"]


def test_capitalised_word_name_matches_only_as_name(ids: IdentifierSet) -> None:
    assert visible(ids, "Roos en de roos, ROOS en roos.") == ["Roos", "ROOS"]


# --- what a report calls a child: diminutives --------------------------------------------

@pytest.mark.parametrize(("sentence", "expected"), [
    ("Noortje kwam vandaag niet naar school.", [("Noortje", "naam", "[leerling]")]),
    ("Noortjes moeder belde de school.", [("Noortjes", "naam", "[leerling]")]),
    ("NOORTJE - VERSLAG", [("NOORTJE", "naam", "[leerling]")]),
    ("Aaliyahtje en Aaliyahje", [("Aaliyahje", "naam", "[leerling]")]),
    ("Opa noemt haar broertje Jantje; Jannetje en Jannie zijn ook van hem.",
     [("Jantje", "naam", "[opa]"), ("Jannetje", "naam", "[opa]"), ("Jannie", "naam", "[opa]")]),
    ("Roosje (de zus) en een roosje in de vaas.", [("Roosje", "naam", "[zus]")]),
    ("Fatimaatje", [("Fatimaatje", "naam", "[moeder]")]),
])
def test_diminutives_of_first_names(ids: IdentifierSet, sentence: str, expected) -> None:
    assert found(ids, sentence) == expected


@pytest.mark.parametrize("text", [
    "Het bootje lag in Noordwijk; noortje in kleine letters is geen naam van een woordnaam.",
    "Een roosje, een jantje-van-leiden en de Noordzee.",
    "Anneke en Janneke zijn namen van anderen.",
])
def test_diminutives_leave_words_and_other_names(ids: IdentifierSet, text: str) -> None:
    assert visible(ids, text) == []


@pytest.mark.parametrize(("name", "forms"), [
    ("Noor", {"Noortje", "Noorretje", "Noorrie"}),
    ("Tim", {"Timpje", "Timmetje", "Timmie"}),
    ("Willem", {"Willempje", "Willemmetje", "Willemmie"}),
    ("Piet", {"Pietje", "Piettie"}),
    ("Fred", {"Fredje", "Freddie"}),
    ("Anne", {"Annetje", "Annie", "Annje"}),
    ("Lotte", {"Lottetje", "Lottie", "Lottje", "Lotje"}),
    ("Mila", {"Milatje", "Mila'tje", "Mila’tje", "Milaatje"}),
    ("Sophie", {"Sophietje", "Sophie'tje", "Sophie’tje"}),
    ("Bo", {"Botje", "Bo'tje", "Bo’tje", "Bootje"}),
    ("Jo-Ann", set()),
])
def test_diminutive_forms_by_the_names_ending(name: str, forms: set[str]) -> None:
    from dossier_app.anonymise.identifiers import _diminutives

    assert set(_diminutives(name)) == forms


REPORT = """Verslag MDO 21 september 2026, basisschool De Regenboog, Den Haag.
Aanwezig: moeder (Fatima el Amrani-Bouzid), leerplichtambtenaar, schoolmaatschappelijk werker,
intern begeleider en adviseur van het samenwerkingsverband. Noor zit sinds de herfstvakantie
thuis. Zij geeft aan dat zij buikpijn krijgt als zij aan school denkt en slaapt slecht. Moeder
vertelt dat Noor overdag veel op haar kamer zit en weinig contact heeft met leeftijdgenoten.
De school heeft een opbouwschema voorgesteld van twee ochtenden per week met begeleiding door
een onderwijsassistent. De jeugdarts ziet geen medische reden voor het verzuim. Afgesproken is
dat het samenwerkingsverband onderzoekt welke passende plek beschikbaar is, en dat de school
wekelijks contact houdt met het gezin. Volgende bijeenkomst over zes weken op school."""


def test_most_other_words_untouched(ids: IdentifierSet) -> None:
    identifiers = ["De Regenboog", "Fatima el Amrani-Bouzid", "Noor", "Noor"]
    hits = ids.finder(REPORT)
    assert sorted(REPORT[h.start:h.end] for h in hits) == sorted(identifiers)
    touched = {i for h in hits for i in range(h.start, h.end)}
    pattern = "|".join(re.escape(i) for i in identifiers)
    inside = {i for m in re.finditer(pattern, REPORT) for i in range(m.start(), m.end())}
    others = [w for w in re.finditer(r"\w+", REPORT) if w.start() not in inside]
    untouched = [w for w in others if not touched & set(range(w.start(), w.end()))]
    assert len(others) > 100
    assert len(untouched) / len(others) >= 0.95


# --- dates, numbers, contact --------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "17-11-2015", "17/11/2015", "17.11.2015", "2015-11-17", "17 november 2015",
    "17 nov. 2015", "17 nov 2015", "17-11-15", "17 NOVEMBER 2015", "17 November 2015",
    "17112015", "17 - 11 - 2015",
])
def test_birth_date_in_every_notation(ids: IdentifierSet, written: str) -> None:
    text = f"Noor is geboren op {written}, zegt moeder."
    assert (written, "geboortedatum", "[geboortedatum]") in found(ids, text)


def test_other_dates_survive(ids: IdentifierSet) -> None:
    assert visible(ids, "MDO op 17-11-2025 en 18-11-2015 en 17 december 2015.") == []


@pytest.mark.parametrize("written", [
    "123456782", "123 456 782", "123.456.782", "123-456-782", "1234 56 782", "1234.56.782",
    "1234-56-782", "BSN123456782",
])
def test_bsn_groupings(ids: IdentifierSet, written: str) -> None:
    hits = found(ids, f"Het BSN is {written}.")
    assert [h[1] for h in hits] == ["bsn"]
    assert hits[0][0].endswith("782")


@pytest.mark.parametrize("written", [
    "06-41528376", "06 41 52 83 76", "0641528376", "+31 6 41528376", "+31 (0)6-41528376",
    "0031 6 41528376", "+31641528376", "06 - 415 283 76", "(06) 41528376",
])
def test_mobile_phone_notations(ids: IdentifierSet, written: str) -> None:
    assert (written, "telefoon", "[telefoon]") in found(ids, f"Moeder: {written} (na 16 uur).")


@pytest.mark.parametrize("written", ["070-1234567", "070 123 45 67", "+31 70 1234567",
                                     "(070) 1234567", "0031701234567"])
def test_landline_notations(ids: IdentifierSet, written: str) -> None:
    assert (written, "telefoon", "[telefoon]") in found(ids, f"Vader: {written}.")


def test_other_numbers_survive(ids: IdentifierSet) -> None:
    assert visible(ids, "Bel 06-41528377 of 070-1234568; dossier 1234567890.") == []


def test_email_any_case_also_in_mailto(ids: IdentifierSet) -> None:
    text = "Mail F.ElAmrani@Example.NL of <a href='mailto:f.elamrani@example.nl'>."
    assert [h[:2] for h in found(ids, text)] == [("F.ElAmrani@Example.NL", "email"),
                                               ("f.elamrani@example.nl", "email")]


@pytest.mark.parametrize("written", ["2562 HK", "2562HK", "2562 hk", "2562hk"])
def test_postcode_with_and_without_space(ids: IdentifierSet, written: str) -> None:
    assert found(ids, f"Postcode {written} Den Haag.") == [(written, "postcode", "[postcode]")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Adres: Weimarstraat 212, 2562 HK", "Weimarstraat 212"),
    ("Adres: Weimarstr. 212 Den Haag", "Weimarstr. 212"),
    ("Adres: WEIMARSTRAAT 212", "WEIMARSTRAAT 212"),
    ("Adres: Weimarstraat 212b", "Weimarstraat 212b"),
    ("Adres: Weimarstraat 212-2", "Weimarstraat 212-2"),
    ("Adres: Weimarstraat 212 hs", "Weimarstraat 212 hs"),
    ("Adres: Weimarstraat nr. 212", "Weimarstraat nr. 212"),
    ("Zij speelt vaak op de Weimarstraat.", "Weimarstraat"),
    ("Oma woont Teststraat 41b.", "Teststraat 41b"),
    ("Oma woont Teststraat 41 B.", "Teststraat 41 B"),
    ("Oma woont Teststraat 41-b.", "Teststraat 41-b"),
])
def test_address_variants(ids: IdentifierSet, text: str, expected: str) -> None:
    assert (expected, "adres", "[adres]") in found(ids, text)


def test_address_number_does_not_eat_next_word(ids: IdentifierSet) -> None:
    assert visible(ids, "Weimarstraat 212 en verder") == ["Weimarstraat 212"]


def test_woonplaats_alone_is_no_hit(ids: IdentifierSet) -> None:
    assert visible(ids, "De gemeente Den Haag betaalt.") == []


def test_extra_terms_any_case(ids: IdentifierSet) -> None:
    assert found(ids, "Op basisschool de  regenboog.") == [
        ("de  regenboog", "extra", "[verwijderd]")]


# --- the set itself ---------------------------------------------------------------------

def test_hits_do_not_overlap_and_are_sorted(ids: IdentifierSet) -> None:
    text = "Noor Aaliyah el Amrani-Bouzid, N.A. el Amrani, 06-41528376 17-11-2015"
    hits = ids.finder(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


def test_summary_and_repr_hold_no_values(ids: IdentifierSet) -> None:
    assert ids.categories == {"naam": 6, "geboortedatum": 1, "bsn": 1, "adres": 2,
                              "postcode": 2, "telefoon": 2, "email": 1, "extra": 1}
    for value in ("Noor", "Amrani", "123456782", "Weimar", "2562", "06"):
        assert value not in repr(ids)


def test_literal_variants_cover_the_plain_forms(ids: IdentifierSet) -> None:
    variants = dict(ids.literal_variants())
    for form, categorie in [("Noor", "naam"), ("el Amrani", "naam"), ("NOOR", "naam"),
                            ("Amrani", "naam"), ("Özdemir", "naam"), ("123456782", "bsn"),
                            ("123 456 782", "bsn"), ("17-11-2015", "geboortedatum"),
                            ("17 november 2015", "geboortedatum"),
                            ("0641528376", "telefoon"), ("06-41528376", "telefoon"),
                            ("f.elamrani@example.nl", "email"), ("2562 HK", "postcode"),
                            ("2562HK", "postcode"), ("Weimarstraat 212", "adres"),
                            ("Roos", "naam")]:
        assert variants.get(form) == categorie, form
    assert "roos" not in variants  # a word-name: only its capitalised forms


def test_empty_case_finds_nothing() -> None:
    empty = build_identifiers(Leerling(), ())
    assert empty.finder("Noor el Amrani 123456782") == []
    assert empty.categories == {}


def test_normalise_maps_every_span_back() -> None:
    text = "A\u00a0\u00a0b-\nc\u00adde ﬁ Straße\u2011x\u0002\r\nyz"
    norm = normalise(text)
    assert norm.text == "A bcde fi Strasse-xyz"
    assert len(norm.lower) == len(norm.text)
    start = norm.text.index("bcde")
    assert norm.span(start, start + 4) == (text.index("b"), text.index("de") + 2)
    start = norm.text.index("xyz")
    assert text[slice(*norm.span(start, start + 3))] == "x\u0002\r\nyz"
    assert fold_text("Ayşe Çelik ı ø ł ß æ") == "Ayse Celik i o l ss ae"


def test_speed_of_a_3000_character_page(ids: IdentifierSet) -> None:
    page = (REPORT.replace("Noor", "Noor el Am-\nrani") * 3)[:3000]
    ids.finder(page)
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        ids.finder(page)
    per_page = (time.perf_counter() - started) / rounds * 1000
    print(f"\nfinder: {per_page:.3f} ms per 3,000-character page")


def test_set_without_cased_names_finds_numbers_and_names() -> None:
    # Only long, non-word names: no case-sensitive literals, so no case-sensitive regex.
    leerling = Leerling(voornamen="Aaliyah", roepnaam="", achternaam="Hoogendijk",
                        geboortedatum=date(2015, 11, 17), bsn="123456782",
                        adres="", postcode="2562 HK", woonplaats="")
    only = build_identifiers(leerling, [])
    text = "AALIYAH hoogendijk, geb. 17-11-2015, BSN 123 456 782, (2562hk)."
    assert visible(only, text) == ["AALIYAH hoogendijk", "17-11-2015", "123 456 782", "2562hk"]


def test_leading_guard_changes_no_hit(ids: IdentifierSet) -> None:
    """The one lookahead in front of the case-insensitive regex only skips positions
    where neither side could start: the same hits as without it."""
    pattern = ids._ci_regex.pattern
    assert pattern.startswith("(?=[")
    unguarded = re.compile(pattern[pattern.index("])") + 2:])
    text = ("Noor el Amrani (17-11-2015), +31 6 41528376, 06-41528376 (070) 1234567; "
            "Weimarstraat 212, 2562HK, teststr. 41-b; f.elamrani@example.nl, De Regenboog")
    norm = normalise(text)
    assert ([m.span() for m in ids._ci_regex.finditer(norm.lower)]
            == [m.span() for m in unguarded.finditer(norm.lower)])
    assert len(ids.finder(text)) >= 8
