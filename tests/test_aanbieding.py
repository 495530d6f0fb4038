"""The aanbiedingstekst: initials and OT-nummer only, never another identifier."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, case_dict, docs, write_case

from dossier_app.aanbieding import aanbieding_voor
from dossier_app.case import read_case
from dossier_app.errors import IncompleteError, LeakError

EXAMPLE = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"

# Everything identifying in the example case (examples/adviestafel-den-haag/casus.toml).
FORBIDDEN = ["Noor", "Aaliyah", "Amrani", "Bouzid", "Fatima", "Youssef", "123456782", "1234 56 782",
             "2015-11-17", "17-11-2015", "17 november 2015", "17-11-'15", "Weimarstraat", "2562",
             "06-41528376", "070-3456789", "f.elamrani", "stukken/"]


def _assert_clean(text: str) -> None:
    for value in FORBIDDEN:
        assert value.lower() not in text.lower(), value


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the example case, with its documents."""
    folder = tmp_path / "voorbeeld"
    shutil.copytree(EXAMPLE.parent, folder)
    return folder / "casus.toml"


def _as_mwta(casus_toml: Path) -> Path:
    """The example pupil and family, registered for the MWTA (VO)."""
    text = casus_toml.read_text(encoding="utf-8")
    text = text.replace('onderwijs = "po"', 'onderwijs = "vo"').replace('tafel = "adviestafel"',
                                                                      'tafel = "mwta"')
    text = text.replace('onderdeel = "toestemming-ouders"', 'onderdeel = "groene-formulier"')
    path = casus_toml.with_name("mwta.toml")
    path.write_text(text, encoding="utf-8")
    return path


def test_mwta_mail_has_initials_and_ot_number_only(example):
    case = read_case(_as_mwta(example))
    a = aanbieding_voor(case)
    assert a.per_mail and a.aan == "mwta@swvzhw.nl"
    full = a.als_tekst()
    assert full.startswith("Aan: mwta@swvzhw.nl\nOnderwerp: Aanmelding MWTA: N.A.A. OT-1234567\n")
    assert "Initialen leerling: N.A.A." in a.tekst and "OT-nummer: OT-1234567" in a.tekst
    assert "Maatwerktrajectadvies (MWTA)" in a.tekst and "Schooljaar: 2026-2027" in a.tekst
    assert "- Groene Formulier (ingevuld)" in a.tekst
    assert "- Ontwikkelingsperspectiefplan (OPP)" in a.tekst
    assert "Voorblad met samenvatting en hoofdvraag" in a.tekst
    _assert_clean(full)
    assert a.meldingen == ()


def test_adviestafel_goes_via_the_loket_and_names_roles(example):
    a = aanbieding_voor(read_case(example))
    assert not a.per_mail
    full = a.als_tekst()
    assert "niet per e-mail" in full and "Loket Verzuim en thuiszitters" in full
    assert "Onderwijs Transparant" in full
    for rol in ["medewerkers van het Loket", "manager team en werkgebieden", "adviseur van de school",
                "jeugdregisseur van de gemeente"]:
        assert rol in full
    for persoon in ["Angela", "Konink", "Renee", "Reints", "Irene", "Harten"]:  # memo 003 names
        assert persoon not in full
    assert "Initialen leerling: N.A.A." in a.tekst and "OT-nummer: OT-1234567" in a.tekst
    assert "- Schriftelijke toestemming van ouders" in a.tekst
    assert "- Verslag schoolmaatschappelijk werk" in a.tekst
    _assert_clean(full)


def test_incomplete_dossier_still_drafts_with_a_warning(tmp_path):
    case = read_case(write_case(tmp_path, case_dict(documenten=docs("opp"))))
    a = aanbieding_voor(case)
    assert len(a.meldingen) == 1 and "nog niet compleet" in a.meldingen[0]
    assert "MDO-verslagen" in a.meldingen[0]
    assert "D.P.B." in a.tekst
    for value in ["Daan", "Pieter", "Berg", "111222333", "Sanne", "2016"]:
        assert value not in a.als_tekst()


@pytest.mark.parametrize(("casus", "expected"), [
    ({"tafel": "ecz"}, "geen dossier"),
    ({"tafel": "doorbraaktafel", "spoor": 1}, "Den Haag kent"),
])
def test_tafels_without_a_dossier_give_exit_1(tmp_path, run_cli, casus, expected):
    path = write_case(tmp_path, case_dict(casus=casus))
    with pytest.raises(IncompleteError):
        aanbieding_voor(read_case(path))
    res = run_cli("aanbieding", path)
    assert res.code == 1 and res.out == ""
    assert expected in res.err


def test_doorbraaktafel_rijswijk_text(tmp_path):
    path = write_case(tmp_path, case_dict(
        casus={"gemeente": "rijswijk", "tafel": "doorbraaktafel", "spoor": 2},
        documenten=docs("toestemming-doorbraaktafel", "uitgesplitste-offerte")))
    a = aanbieding_voor(read_case(path))
    assert not a.per_mail
    assert "Doorbraaktafel (spoor 2)" in a.tekst
    assert any("namen van de deelnemers" in line for line in a.hoe)
    assert any("teamleider jeugdteam" in line for line in a.hoe)


def test_an_identifier_in_the_ot_number_is_refused(tmp_path):
    path = write_case(tmp_path, case_dict(casus={"ot_nummer": "OT-123 Daan"}, documenten=docs("opp")))
    with pytest.raises(LeakError) as exc:
        aanbieding_voor(read_case(path))
    assert "Daan" not in exc.value.message


def test_cli_prints_the_text_on_stdout(run_cli, example):
    res = run_cli("aanbieding", _as_mwta(example))
    assert res.code == 0, res.err
    assert res.out.startswith("Aan: mwta@swvzhw.nl\n")
    _assert_clean(res.out + res.err)


def test_cli_unreadable_case_is_exit_3(run_cli, tmp_path):
    assert run_cli("aanbieding", tmp_path / "bestaat-niet.toml").code == 3
