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


@pytest.mark.slow
@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_a_prebuilt_lookup_stamped_by_an_installer_is_not_rebuilt(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An installer writes the prebuilt copy's files and folders with the time of
    installation, later than the time saved in deduce's cache (and in another time zone):
    the user's copy is still taken as valid, not built again."""
    import os
    import shutil
    import time

    from dossier_app.anonymise import detect

    built = detect.prebuild_lookup(tmp_path / "bouw")
    assert built is not None
    installed = tmp_path / "installatie" / built.name
    shutil.copytree(built, installed, copy_function=shutil.copyfile)  # new times, as installed
    later = time.time() + 2 * 3600
    for path in [installed, *installed.rglob("*")]:
        os.utime(path, (later, later))
    monkeypatch.setattr(detect, "prebuilt_lookup_dir", lambda: tmp_path / "installatie")
    names = DeduceNames(cache_dir=tmp_path / "gebruiker")
    assert names.find_names("Gisteren belde mevrouw Jansen.")
    copied = tmp_path / "gebruiker" / built.name / "cache" / "lookup_structs.pickle"
    assert copied.read_bytes() == (built / "cache" / "lookup_structs.pickle").read_bytes()


def _slim_copy(args):
    from dossier_app.anonymise.detect import _slim_lookup

    source, target, prebuilt = args
    return str(_slim_lookup(Path(source), Path(target), Path(prebuilt) if prebuilt else None))


def test_slim_lookup_copied_by_several_processes_at_once(tmp_path):
    """Workers starting together on a new data folder (the loket's inbox): each copies into
    a folder of its own, the first rename wins, none fails (a shared '.partial' folder made
    the name detector skip with FileExistsError)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    deduce = pytest.importorskip("deduce")
    from dossier_app.anonymise.detect import prebuilt_lookup_dir

    source = Path(deduce.__file__).parent / "data" / "lookup"
    prebuilt = prebuilt_lookup_dir() / f"deduce-{deduce.__version__}"
    target = tmp_path / "lookup"  # a new data folder
    jobs = [(str(source), str(target), str(prebuilt) if prebuilt.is_dir() else "")] * 4
    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_slim_copy, jobs))
    assert results == [str(target)] * 4
    assert (target / "src").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["lookup"]  # no partial copies left


@pytest.mark.slow
def test_without_a_prebuilt_copy_the_cache_is_built_before_the_folder_is_shared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers starting together on a new data folder with no prebuilt copy: each builds
    deduce's cache in its own folder before the rename, so none ever sees a cache another
    is still writing; the folder that won holds a whole, shared cache that loads as is."""
    import hashlib
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    deduce = pytest.importorskip("deduce")
    from dossier_app.anonymise import detect

    source = Path(deduce.__file__).parent / "data" / "lookup"
    target = tmp_path / f"deduce-{deduce.__version__}"
    with ProcessPoolExecutor(3, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_slim_copy, [(str(source), str(target), "")] * 3))
    assert results == [str(target)] * 3
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no partial copies left
    cache = target / "cache" / "lookup_structs.pickle"
    data = cache.read_bytes()
    assert (target / "cache" / "lookup_structs.pickle.gedeeld").read_text() == \
        hashlib.sha256(data).hexdigest()
    monkeypatch.setattr(detect, "prebuilt_lookup_dir", lambda: tmp_path / "geen")
    assert DeduceNames(cache_dir=tmp_path).find_names("Gisteren belde mevrouw Jansen.")
    assert cache.read_bytes() == data  # deduce found it valid: not built or shared again


@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_the_loaded_model_is_kept_out_of_later_collections() -> None:
    """The name lists live as long as the process: after loading, the collector no longer
    walks them (in a fresh process, where the model is loaded once)."""
    import subprocess
    import sys

    code = ("import gc; from dossier_app.anonymise import detect; "
            "detect.DeduceNames().find_names('mevrouw Jansen belde'); "
            "print(gc.get_freeze_count() > 20_000, len(gc.get_objects()) < 5_000)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def _trie_entries(node: object, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {prefix} if node.is_terminal else set()  # type: ignore[attr-defined]
    for word, child in node.children.items():  # type: ignore[attr-defined]
        found |= _trie_entries(child, (*prefix, word))
    return found


def _trie_nodes(node: object, seen: set[int]) -> None:
    if id(node) not in seen:
        seen.add(id(node))
        for child in node.children.values():  # type: ignore[attr-defined]
            _trie_nodes(child, seen)


@pytest.mark.slow
@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_shared_tries_match_as_before(tmp_path: Path) -> None:
    """deduce's cache rewritten with equal subtrees shared holds the same entries in every
    trie and finds the same names, with far fewer node objects to unpickle."""
    import pickle

    import deduce
    from docdeid.ds.lookup import LookupTrie

    from dossier_app.anonymise import detect

    source = Path(deduce.__file__).parent / "data" / "lookup"
    folders = {}
    for label in ("eigen", "gedeeld"):
        folders[label] = tmp_path / label
        detect._copy_slim_lists(source, folders[label])
        deduce.Deduce(lookup_data_path=folders[label], cache_path=folders[label])  # builds
    cache = folders["gedeeld"] / "cache" / "lookup_structs.pickle"
    detect._share_cached_tries(cache)

    own = pickle.loads((folders["eigen"] / "cache" / "lookup_structs.pickle").read_bytes())
    shared = pickle.loads(cache.read_bytes())
    before, after = set(), set()
    tries = [name for name, struct in own["lookup_structs"].items() if isinstance(struct, LookupTrie)]
    assert {"first_name", "surname", "placename", "eponymous_disease"} <= set(tries)
    for name in tries:
        old, new = own["lookup_structs"][name], shared["lookup_structs"][name]
        assert _trie_entries(new) == _trie_entries(old), name
        assert repr(new.matching_pipeline) == repr(old.matching_pipeline)
        _trie_nodes(old, before)
        _trie_nodes(new, after)
    assert len(after) * 10 < len(before)

    text = ("Gisteren belde mevrouw Jansen met Pieter de Groot uit Bergen op Zoom. Bij Yusuf "
            "is het syndroom van Down vastgesteld, zijn oom heeft de ziekte van Parkinson en "
            "ligt in het Haga Ziekenhuis in Den Haag. Juf Annelies van der Berg-de Vries en "
            "dhr. J.P. van 't Hoff (leerplicht) waren er ook; Noor el Amrani niet.")
    found = {label: sorted((a.start_char, a.end_char, a.tag) for a in
                           deduce.Deduce(lookup_data_path=folder, cache_path=folder)
                           .deidentify(text, disabled=set(detect._DEDUCE_SKIPPED)).annotations)
             for label, folder in folders.items()}
    assert found["gedeeld"] == found["eigen"]
    persons = [text[s:e] for s, e, tag in found["gedeeld"] if tag.startswith("persoon")]
    assert "Pieter de Groot" in persons and any("Jansen" in p for p in persons)


@pytest.mark.skipif(not DeduceNames.available(), reason="deduce is not installed")
def test_deduce_cache_is_shared_once_and_again_after_a_rebuild(tmp_path: Path) -> None:
    import hashlib
    import pickle

    from dossier_app.anonymise import detect

    folder = tmp_path / "cache"
    folder.mkdir()
    cache = folder / "lookup_structs.pickle"
    detect._share_cached_tries(cache)  # no cache: nothing happens, no error
    assert list(folder.iterdir()) == []

    user = DeduceNames()  # the user's copy, shared when loaded
    user.find_names("mevrouw Jansen belde")
    import deduce
    loaded = detect.default_cache_dir() / f"deduce-{deduce.__version__}" / "cache"
    # as deduce writes it (protocol 4, every node its own object)
    cache.write_bytes(pickle.dumps(pickle.loads((loaded / "lookup_structs.pickle").read_bytes()),
                                   protocol=4))
    cache.chmod(0o644)  # a prebuilt copy in an installation: every user reads it
    detect._share_cached_tries(cache)
    assert [oct(p.stat().st_mode & 0o777) for p in sorted(folder.iterdir())] == ["0o644"] * 2
    first = (cache.read_bytes(), cache.stat().st_mtime_ns)
    mark = folder / "lookup_structs.pickle.gedeeld"
    assert mark.read_text() == hashlib.sha256(first[0]).hexdigest()
    detect._share_cached_tries(cache)  # the mark says it is done: not written again
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == first
    rebuilt = pickle.dumps(pickle.loads(first[0]), protocol=4)  # deduce wrote a new one
    cache.write_bytes(rebuilt)
    detect._share_cached_tries(cache)
    again = cache.read_bytes()  # shared again
    assert again != rebuilt and mark.read_text() == hashlib.sha256(again).hexdigest()
    cache.write_bytes(b"kapot")  # what cannot be read is left alone
    detect._share_cached_tries(cache)
    assert cache.read_bytes() == b"kapot"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_numpy_starts_no_blas_threads_in_the_products_processes() -> None:
    """The name detector's numpy loads OpenBLAS; its thread per core (each with its own
    buffer, spinning at load) is left out in every process of the product, unless the user
    set OPENBLAS_NUM_THREADS."""
    import os
    import subprocess
    import sys

    pytest.importorskip("numpy")
    code = ("import os, dossier_app, numpy; "
            "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.stdout.split() == ["1", "1"], done.stderr
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "OPENBLAS_NUM_THREADS": "2"}, timeout=60)
    assert done.stdout.split()[0] == "2"
    if (os.cpu_count() or 1) >= 2:
        assert done.stdout.split()[1] == "2"  # the user's choice: OpenBLAS's second thread
