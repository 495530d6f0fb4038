"""The flagger by class of false alarm and miss (issue 15): subjects, institutions, surnames
used as words, professionals in the styles reports use, signature blocks, role columns,
later mentions, form labels, "Plaats en datum", dates of events, relations in parentheses,
families, capitalised tussenvoegsels, relatives of the pupil, contact details of
professionals. Most use deduce with our cues, as the product does."""

from __future__ import annotations

from datetime import date

import pytest

from dossier_app.anonymise.detect import CueNames, DeduceNames, flag_personal_data
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Leerling

TODAY = date(2026, 10, 19)
CUES = CueNames()


def flags(text: str, **kwargs: object) -> list[tuple[str, str]]:
    found = flag_personal_data(text, today=TODAY, names=CUES, **kwargs)  # type: ignore[arg-type]
    return [(text[f.start:f.end], f.categorie) for f in found]


# --- classes of false alarms and misses (issue 15); deduce as in the product -------------------

needs_deduce = pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")


def _found(text: str, known=None) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Value -> review flag of every finding (deduce and our cues, as in the product)."""
    return {text[f.start:f.end]: f.review for f in flag_personal_data(text, known, today=TODAY)}


def _personal(text: str, known=None) -> set[str]:  # type: ignore[no-untyped-def]
    return {value for value, review in _found(text, known).items() if not review}


@needs_deduce
@pytest.mark.parametrize("text", [
    "Cijfers periode 2: Nederlands 6,1 Engels 7,2 Frans 5,4 Duits 6,0 Wiskunde 5,8.",
    "Hij doet goed mee bij de lessen Frans; de vorderingen bij Engels blijven achter.",
    "Vak\tPeriode 1\tPeriode 2\nSpaans\t6,4\t7,0\nTurks\t8,1\t7,9\nArabisch\t7,7\t8,0",
    "Voor Latijn en Grieks werkt zij op eigen niveau; de tolk Pools was aanwezig.",
])
def test_school_subjects_are_no_names(text: str) -> None:
    assert _personal(text) == set()


@needs_deduce
@pytest.mark.parametrize("text", [
    "Zij is onderzocht in het Juliana Kinderziekenhuis en later in het Sophia Kinderziekenhuis.",
    "Hij stapte over van de Johan de Witt-scholengroep naar het Edith Stein College.",
    "Aangemeld bij IKC Anne Frank, eerder OBS Willem van Oranje en de Dr. Schaepmanschool.",
    "Advies: de training Rots en Water en daarna Kanjertraining op het Pieter Zeeman College.",
])
def test_institutions_named_after_people_are_no_names(text: str) -> None:
    assert _personal(text) == set()


@needs_deduce
@pytest.mark.parametrize("text", [
    "Zijn beroepswens is Kok of Bakker.", "In het stoplicht staat hij op Groen, thuis op Oranje.",
    "Hij wil later Timmerman of Schilder worden.",
])
def test_surnames_used_as_words_are_no_names(text: str) -> None:
    assert _personal(text) == set()


@needs_deduce
def test_names_that_are_words_stay_names_with_a_cue_or_a_first_name() -> None:
    assert _personal("Haar zus Roos komt mee.") == {"Roos"}
    assert _found("Betrokken: Yvonne Bakker (RT) en oom Karel Visser.") == {
        "Yvonne Bakker": True, "Karel Visser": False}


@needs_deduce
@pytest.mark.parametrize(("text", "name"), [
    ("Aanwezig: mevrouw Bouwman (GGD Haaglanden) en de ouders.", "Bouwman"),
    ("Gemeld bij R. Hoogland, verzuimcoördinator.", "R. Hoogland"),
    ("Het formulier is ingevuld door Petra Smit, administratief medewerker.", "Petra Smit"),
    ("Voor vader vertaalde Anna Kowalczyk (tolk Pools).", "Anna Kowalczyk"),
    ("Ook Erik Mol (LPA) was aanwezig.", "Erik Mol"),
    ("Namens het CJG Mirjam de Lange sprak met moeder.", "Mirjam de Lange"),
    ("Daarna belde de wijkagent, Dennis Kuipers, met school.", "Dennis Kuipers"),
    ("Ook de teamleider onderbouw, Erik Bos, is op de hoogte.", "Erik Bos"),
    ("Het advies kwam van Marloes Verhoef (intern\nbegeleider) na overleg.", "Marloes Verhoef"),
    ("Aanwezig: Petra Mangal van Youz en de ouders.", "Petra Mangal"),
])
def test_professionals_in_the_styles_reports_use_are_names_to_check(text: str, name: str) -> None:
    assert _found(text) == {name: True}


@needs_deduce
def test_signature_blocks_and_role_columns_make_professionals() -> None:
    letter = "Met vriendelijke groet,\n\nFatima Ouali\nSchoolmaatschappelijk werker\nCBS De Regenboog"
    assert _found(letter) == {"Fatima Ouali": True}
    table = ("Naam leerling\tNoor\nSchoolmaatschappelijk werk\tPriya Mangal\n"
             "Intern begeleider\tMarloes Verhoef\nNaam Functie Telefoon\n"
             "F. Lambrechts leerplichtambtenaar 070 353 5454")
    found = _found(table)
    assert {found[n] for n in ("Priya Mangal", "Marloes Verhoef", "F. Lambrechts")} == {True}
    assert found.get("070 353 5454") is True  # an office number next to a role: to check


@needs_deduce
def test_a_professional_named_again_without_the_role_is_a_name_to_check() -> None:
    text = ("Aanwezig: mevrouw Bouwman (GGD) en Joost Kramer, mentor. Bouwman vertelt dat het "
            "beter gaat. Volgens Kramer is broer Yusuf vaak thuis. Joost belt vader.")
    assert _found(text) == {"Bouwman": True, "Joost Kramer": True, "Kramer": True, "Yusuf": False,
                            "Joost": True}


@needs_deduce
def test_a_professional_named_again_on_another_page_is_a_name_to_check() -> None:
    from dossier_app.anonymise.flag_pdf import findings_in_texts

    pages = [(0, "Aanwezig: Ingrid Lubbers (leerplichtambtenaar) en de ouders."),
             (1, "Lubbers spreekt af dat zij in december opnieuw belt. Oom Karim komt mee.")]
    found = [(b.pagina, b.tekst, b.review) for b in findings_in_texts(pages, None)]
    assert found == [(1, "Ingrid Lubbers", True), (2, "Lubbers", True), (2, "Karim", False)]


@needs_deduce
@pytest.mark.parametrize("text", [
    "Relatie Geboortedatum Bijzonderheden\nKlas\nInteresses\nHobby's",
    "Naam Relatie Geboortedatum\nGezinssamenstelling: zie bijlage",
    "Naam Functie Telefoon",
])
def test_form_labels_are_no_names(text: str) -> None:
    assert _personal(text) == set()


def test_place_and_date_is_no_address() -> None:
    assert flags("Plaats en datum Rijswijk, 2 juni 2026\nHandtekening") == []
    assert flags("Oom woont in Rijswijk, Laakkade 14b.") == [("Laakkade 14b", "adres")]


@pytest.mark.parametrize("text", [
    "Zij is ingestroomd in groep 1 op 01-09-2020.", "Intake d.d. 14-03-2019 door het CJG.",
    "Aangemeld per 1 augustus 2018.", "Sinds 12-11-2017 bekend bij het wijkteam.",
    "Noor ([geboortedatum]) ingestroomd op 03-09-2019.", "[geboortedatum] 05-06-2016 verslag",
    "Verslag van 05-06-2016 over de periode daarvoor.",
])
def test_dates_of_events_are_no_birth_dates(text: str) -> None:
    assert flags(text) == []


@pytest.mark.parametrize(("text", "date_text"), [
    ("Halfzus Mila (geb. 12-05-2012) woont bij haar vader.", "12-05-2012"),
    ("Oliwia\tzus\t03-11-2014\tnaar de opvang", "03-11-2014"),
    ("Geboortedatum: 17-02-1958 (opa)", "17-02-1958"),
    ("Zijn broer, geboren op 8 okt. 2017, gaat naar de opvang.", "8 okt. 2017"),
])
def test_birth_dates_with_a_cue_or_a_relative_are_found(text: str, date_text: str) -> None:
    assert (date_text, "datum") in flags(text)


@pytest.mark.parametrize(("text", "name"), [
    ("Ziek gemeld door Kacper (broer, 16).", "Kacper"),
    ("Wiktoria (halfzus) brengt hem naar school.", "Wiktoria"),
    ("Contact met de familie Doelwijt over vervoer.", "Doelwijt"),
    ("Het gezin Öztürk uit de straat helpt.", "Öztürk"),
    ("Mevrouw Van den Broek, de buurvrouw, past op.", "Van den Broek"),
    ("Buurvrouw De Bruijn past op.", "De Bruijn"),
])
def test_relations_families_and_capitalised_tussenvoegsels(text: str, name: str) -> None:
    assert flags(text) == [(name, "naam")]


def test_a_first_name_before_a_known_surname_is_a_relative() -> None:
    known = build_identifiers(Leerling(voornamen="Jasmijn", achternaam="Verkerk"), [])
    text = "Gezin\nOliwia Verkerk\tzus\nMevrouw Verkerk belde.\nLeerling Verkerk is ziek."
    assert flags(text, known=known) == [("Oliwia", "naam")]


def test_an_email_address_holding_a_known_name_is_still_flagged() -> None:
    known = build_identifiers(Leerling(voornamen="Jasmijn", achternaam="Smeets"), [])
    text = "Tante mailt via esmee.smeets@xs4all.nl; school via jasmijn.smeets@school.nl."
    found = flags(text, known=known)
    assert ("esmee.smeets@xs4all.nl", "email") in found
    assert not any("jasmijn.smeets" in value for value, _ in found)


@pytest.mark.parametrize("number", ["088 - 123 45 67", "0800-1234567", "0900 1234567"])
def test_numbers_of_organisations_are_review_items(number: str) -> None:
    found = flag_personal_data(f"Bereikbaar via {number}.", today=TODAY, names=CUES)
    assert [(f.categorie, f.review) for f in found] == [("telefoon", True)]


@needs_deduce
def test_letters_addressee_signature_contacts_and_role_fields_are_professional() -> None:
    letter = ("Beste Joke,\nDank voor je bericht over tante Malika.\nMet vriendelijke groet,\n\n"
              "Sanne Blom\njeugdhulpverlener\ns.blom@jeugdformaat.nl\nT 070 345 6789")
    assert _found(letter) == {"Joke": True, "Malika": False, "Sanne Blom": True,
                              "s.blom@jeugdformaat.nl": True, "070 345 6789": True}
    form = "Naam melder: A. Kasmi\nFunctie: verzuimcoördinator\nTelefoon: 070 311 22 33"
    assert _found(form) == {"A. Kasmi": True, "070 311 22 33": True}
    thread = "Groet, Romy\nIk kreeg het nummer van opa Wim: 0174-283746."
    assert _personal(thread) == {"Wim", "0174-283746"}


def test_fam_abbreviated_is_a_family_cue() -> None:
    assert flags("De grootouders (fam. Hadžić) wonen in Zagreb.") == [("Hadžić", "naam")]


def test_first_names_deduce_does_not_know_are_found_without_a_cue() -> None:
    from dossier_app.anonymise.detect import CombinedNames, ListedNames

    names = CombinedNames([CueNames(), ListedNames()])
    text = "Na school speelt Kacper met Wiktoria; Mykola (tolk Oekraïens) vertaalde voor Hüseyin."
    found = {text[f.start:f.end]: f.review
             for f in flag_personal_data(text, today=TODAY, names=names)}
    assert found == {"Kacper": False, "Wiktoria": False, "Mykola": True, "Hüseyin": False}
    assert flag_personal_data("kacper en wiktoria in kleine letters", today=TODAY, names=names) == []


@needs_deduce
def test_the_loket_remembers_professionals_from_earlier_pages() -> None:
    from dossier_app.anonymise.detect import RemembersProfessionals

    flag = RemembersProfessionals(lambda text: flag_personal_data(text, today=TODAY))
    first = "Aanwezig: Ingrid Lubbers (leerplichtambtenaar) en de ouders."
    second = "Lubbers belt in december opnieuw. Oom Karim komt mee."
    assert [(first[f.start:f.end], f.review) for f in flag(first)] == [("Ingrid Lubbers", True)]
    assert [(second[f.start:f.end], f.review) for f in flag(second)] == [
        ("Lubbers", True), ("Karim", False)]
    fresh = RemembersProfessionals(lambda text: flag_personal_data(text, today=TODAY))
    assert [(second[f.start:f.end], f.review) for f in fresh(second)] == [
        ("Lubbers", False), ("Karim", False)]
