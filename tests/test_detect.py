"""The flagger: personal data the user did not enter, with true positives and negatives."""

from __future__ import annotations

import resource
import time
from datetime import date
from pathlib import Path

import pytest

from dossier_app.anonymise.detect import (
    CombinedNames,
    CueNames,
    DeduceNames,
    Finding,
    flag_personal_data,
    iban_is_valid,
    passes_11_proef,
)
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Leerling, Persoon

TODAY = date(2026, 10, 19)
CUES = CueNames()


def flags(text: str, **kwargs: object) -> list[tuple[str, str]]:
    found = flag_personal_data(text, today=TODAY, names=CUES, **kwargs)  # type: ignore[arg-type]
    return [(text[f.start:f.end], f.categorie) for f in found]


# --- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["111222333", "111 222 333", "111.222.333", "1112-22-333"])
def test_bsn_passing_11_proef(written: str) -> None:
    assert flags(f"BSN van de broer: {written}.") == [(written, "bsn")]


def test_bsn_failing_11_proef_is_ignored() -> None:
    assert not passes_11_proef("123456789")
    assert flags("Nummer 123456789 en 000000000.") == []


def test_iban_mod_97() -> None:
    assert iban_is_valid("NL91 ABNA 0417 1643 00")
    assert not iban_is_valid("NL91 ABNA 0417 1643 01")
    text = "Rekening NL91 ABNA 0417 1643 00 DOOR, fout: NL91 ABNA 0417 1643 01."
    assert flags(text) == [("NL91 ABNA 0417 1643 00", "iban")]
    assert flags("Betaal op NL91ABNA0417164300.") == [("NL91ABNA0417164300", "iban")]


@pytest.mark.parametrize("written", ["06-12345678", "06 12 34 56 78", "+31 6 12345678",
                                     "070 362 4000", "+31 (0)70 3624000"])
def test_phone_numbers(written: str) -> None:
    assert flags(f"Bel {written} na 16 uur.") == [(written, "telefoon")]


def test_dates_in_an_absence_register_are_no_phone_numbers() -> None:
    # "09-09-2026" is also a valid premium-rate number (0909...) to phonenumbers.
    register = ("ma 09-09-2026 08:30-12:00 ongeoorloofd\ndi 10/09/2026 hele dag\n"
                "wo 09.09.26 ziek gemeld")
    assert [f for f in flags(register) if f[1] == "telefoon"] == []
    assert flags("Servicenummer 0909-2026.") == [("0909-2026", "telefoon")]  # not a date


def test_email_any_tld() -> None:
    text = "Mail k.bouzid@gmail.com of info@school.amsterdam, niet naar @twitter."
    assert flags(text) == [("k.bouzid@gmail.com", "email"), ("info@school.amsterdam", "email")]


def test_postcodes() -> None:
    text = "2521 XA Den Haag, 2521XA, niet 2521 SS of 0123 AB of 2521 xa."
    assert flags(text) == [("2521 XA", "postcode"), ("2521XA", "postcode")]


def test_street_and_number() -> None:
    text = "Oom woont aan de Laakkade 14b en tante op de Prins Hendrikstraat 3-2; bus 12."
    assert flags(text) == [("Laakkade 14b", "adres"), ("Prins Hendrikstraat 3-2", "adres")]


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["03-04-2012", "3/4/2012", "2012-04-03", "3 april 2012",
                                     "3 apr. 2012", "3 APRIL 2012"])
def test_dates_that_could_be_birth_dates(written: str) -> None:
    assert flags(f"Broer is {written} ingeschreven.") == [(written, "datum")]


@pytest.mark.parametrize("written", ["21-09-2026", "7 september 2026", "19-10-2026",
                                     "01-08-2024", "30-02-2015", "17-11-2030", "12-03-1990"])
def test_meeting_dates_and_impossible_dates_are_not_birth_dates(written: str) -> None:
    assert flags(f"MDO op {written} gehouden.") == []


def test_birth_cue_widens_the_window() -> None:
    assert flags("Moeder, geboren 12-03-1990, werkt.") == [("12-03-1990", "datum")]
    assert flags("Zusje (geb. 02-02-2025) is thuis.") == [("02-02-2025", "datum")]


# --- names ------------------------------------------------------------------------------

def test_names_after_family_cues_are_removals() -> None:
    found = flag_personal_data("Haar broer Yusuf en oom Karim Haddou komen mee.",
                               today=TODAY, names=CUES)
    assert [(f.categorie, f.review) for f in found] == [("naam", False), ("naam", False)]
    assert [f.context for f in found][1].startswith("Haar broer Yusuf en oom Karim Haddou")


def test_names_of_professionals_are_review_items() -> None:
    text = ("Aanwezig: juf Sanne Visser, mevrouw De Jong (leerplicht), J. de Vries (mentor) "
            "en dhr. Pieters van het SWV.")
    found = flag_personal_data(text, today=TODAY, names=CUES)
    assert [(text[f.start:f.end], f.review) for f in found] == [
        ("Sanne Visser", True), ("De Jong", True), ("J. de Vries", True), ("Pieters", True)]


@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_school_social_work_and_other_roles_after_a_name_make_it_a_review_item() -> None:
    # deduce finds these names (no cue before them); the role after one makes it a review item
    text = ("Gesprek met Kaya (schoolmaatschappelijk werk), Tim (IB) en Anouk, "
            "jeugdverpleegkundige. Daarna kreeg zus Lina (ibuprofen) rust.")
    found = flag_personal_data(text, today=TODAY)
    assert [(text[f.start:f.end], f.review) for f in found] == [
        ("Kaya", True), ("Tim", True), ("Anouk", True), ("Lina", False)]


def test_ordinary_capitalised_words_after_cues_are_no_names() -> None:
    assert flags("De moeder Is boos. Moeder en vader. N.B. Dit is vertrouwelijk.") == []


# --- known identifiers are left out ---------------------------------------------------------

def test_known_identifiers_are_not_flagged() -> None:
    known = build_identifiers(
        Leerling(voornamen="Noor", achternaam="el Amrani", bsn="123456782",
                 geboortedatum=date(2015, 11, 17), postcode="2562 HK"),
        [Persoon(rol="moeder", naam="Fatima el Amrani-Bouzid", telefoon="06-41528376",
                 email="f.elamrani@example.nl")])
    text = ("Moeder Fatima el Amrani-Bouzid (06-41528376, f.elamrani@example.nl) en leerling "
            "Noor (17-11-2015, BSN 123456782, 2562 HK). Broer Yusuf belt 06-12345678.")
    assert flags(text, known=known) == [("Yusuf", "naam"), ("06-12345678", "telefoon")]


def test_finding_repr_holds_no_value() -> None:
    finding = Finding(0, 4, "naam", "moeder Fatima belt")
    assert "Fatima" not in repr(finding)


def test_empty_text() -> None:
    assert flag_personal_data("  \n", names=CUES) == []


# --- deduce (optional backend) ----------------------------------------------------------------

class _Broken:
    def find_names(self, text: str) -> list[tuple[int, int]]:
        raise RuntimeError("backend missing")


def test_a_broken_backend_falls_back_to_the_heuristic() -> None:
    names = CombinedNames([_Broken(), CueNames()])
    found = flag_personal_data("Haar broer Yusuf komt.", today=TODAY, names=names)
    assert [(f.start, f.end) for f in found] == [(11, 16)]


@pytest.mark.slow
@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_deduce_slim_offline_with_writable_cache(tmp_path: Path) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    names = DeduceNames(cache_dir=tmp_path)
    text = "In het gesprek vertelde mevrouw Jansen dat Pieter de Groot de oom van Yusuf is."
    started = time.perf_counter()
    spans = names.find_names(text)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ndeduce slim first start {seconds:.2f} s, max RSS +{rss_after - rss_before:.0f} MB")
    found = [text[s:e] for s, e in spans]
    assert any("Jansen" in f for f in found)
    assert any("Pieter de Groot" in f for f in found)
    assert (tmp_path / next(tmp_path.iterdir()).name / "cache").is_dir()  # cache written here
    combined = flag_personal_data(text, today=TODAY,
                                  names=CombinedNames([names, CueNames()]))
    assert {text[f.start:f.end] for f in combined} >= {"Jansen", "Pieter de Groot"}


def test_own_labels_initials_and_places_are_not_names():
    text = ("Casus\r\nOT-1234567 · N.A.A.\r\nTafel\r\nAdviestafel\r\nGemeente\r\nDen Haag\r\n"
            "Naam leerling: Geboortedatum: 17 nov\r\nVertrouwelijk · OT-1234567 · MDO-verslagen · "
            "pagina 3 van 8")
    assert [text[f.start:f.end] for f in flag_personal_data(text) if f.categorie == "naam"] == []


def test_names_are_still_found_next_to_labels():
    text = "Aanwezig: mevrouw Jansen (moeder).\nJuf Annelies de Graaf belde."
    found = {text[f.start:f.end]: f.review for f in flag_personal_data(text) if f.categorie == "naam"}
    assert found == {"Jansen": False, "Annelies de Graaf": True}


# --- prefilters and guards: only speed, never fewer findings ----------------------------

_SAMPLES = [
    "Oom woont aan de Laakkade 14b en tante op de Prins Hendrikstraat 3-2; bus 12.",
    "Adres: Burgemeester de Monchyplein, nr. 7 II", "woont Weimarstraat\n212", "Kerkstr. 3",
    "laan 4", "De Dreef 12a", "Veldweg,  3-2", "1e Van Swindenstraat 100 hs", "straat 3",
    "Moeder Fatima en juf Ans; mevr. De Jong, dhr. Pieters van het SWV.", "MOEDER: Noor",
    "zorgcoördinator Kees", "IB'er Petra", "Ouders: Jan en Els", "de heer Van Dam",
    "\u212aind Noor", "ſmw Karin", "naam: A. de Vries", "Moeder, Fatima el Amrani.",
]


def test_address_prefilter_never_hides_an_address() -> None:
    from dossier_app.anonymise import detect

    for text in _SAMPLES + [a + " " + b for a in _SAMPLES for b in _SAMPLES]:
        if detect._ADDRESS.search(text):
            assert detect._ADDRESS_PREFILTER.search(text), text


def test_cue_guard_changes_no_match() -> None:
    import re

    from dossier_app.anonymise import detect

    unguarded = re.compile(rf"(?<![^\W_])(?i:{detect._CUES})(?![^\W_])"
                           rf"[:,]?\s+(?P<name>{detect._NAME})")
    for text in _SAMPLES + [a + " " + b for a in _SAMPLES for b in _SAMPLES[9:]]:
        expected = [m.span("name") for m in unguarded.finditer(text)]
        assert [m.span("name") for m in detect._CUED_NAME.finditer(text)] == expected, text


def test_loading_deduce_leaves_logging_and_stdout_alone(capsys):
    import logging

    pytest.importorskip("deduce")
    from dossier_app.anonymise.detect import DeduceNames

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    DeduceNames().find_names("Gisteren sprak mevrouw Jansen met de leerkracht.")
    assert root.level == level and root.handlers == handlers
    assert capsys.readouterr().out == ""


@pytest.mark.slow
@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_first_load_of_deduce_prints_nothing(tmp_path: Path) -> None:
    # Building its cache, deduce logs "Please wait 1-2 minutes ..." through a handler of its
    # own. In a fresh process (pytest's own log capture would hide it here) nothing may show.
    import subprocess
    import sys

    code = ("from pathlib import Path; import sys; from dossier_app.anonymise import detect; "
            "detect.prebuilt_lookup_dir = lambda: Path(sys.argv[1]) / 'geen';"  # build, do not copy
            "print(len(detect.DeduceNames(cache_dir=Path(sys.argv[1])).find_names('mevrouw Jansen belde')),"
            " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    assert (done.stdout, done.stderr.strip()) == ("", "1")


@pytest.mark.slow
@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_a_prebuilt_lookup_is_copied_not_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier_app.anonymise import detect

    built = detect.prebuild_lookup(tmp_path / "installatie")
    assert built is not None
    monkeypatch.setattr(detect, "prebuilt_lookup_dir", lambda: tmp_path / "installatie")
    names = DeduceNames(cache_dir=tmp_path / "gebruiker")
    assert names.find_names("Gisteren belde mevrouw Jansen.")
    copied = tmp_path / "gebruiker" / built.name / "cache" / "lookup_structs.pickle"
    # deduce found the copied cache valid: it did not write a new one (a new one differs: it
    # holds the time it was saved)
    assert copied.read_bytes() == (built / "cache" / "lookup_structs.pickle").read_bytes()


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
