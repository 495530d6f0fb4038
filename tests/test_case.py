"""Reading case files: schema 1 as in CONTRACT.md, errors that name the key and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, SHARED, case_dict, write_case

from dossier_app.case import parse_case, read_case
from dossier_app.errors import CaseFileError, ExitCode

EXAMPLE = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"


def test_the_example_case_reads_completely():
    case = read_case(EXAMPLE)
    assert case.casus.tafel == "adviestafel"
    assert case.casus.eerste_verzuimdatum == date(2026, 9, 7)
    assert case.casus.mdo[0].deelnemers == ("ouders", "leerplicht", "smw", "adviseur", "school")
    assert case.leerling.achternaam == "el Amrani"
    assert case.personen[0].rol == "moeder"
    assert case.documenten[0].lakken[0].breedte == 320.0
    assert case.documenten[0].pad == EXAMPLE.parent / "stukken" / "toestemming-ouders.pdf"
    assert case.voorblad is not None and case.voorblad.hoofdvraag.startswith("Welk passend")
    assert case.meldingen == ()


def test_the_contract_example_parses(tmp_path):
    contract = SHARED / "CONTRACT.md"
    if not contract.is_file():
        pytest.skip("../shared/CONTRACT.md is not beside this checkout")
    text = contract.read_text(encoding="utf-8")
    toml = text.split("```toml", 1)[1].split("```", 1)[0]
    case = parse_case(toml, path=tmp_path / "c.toml")
    assert case.casus.spoor == 1
    assert case.casus.benaderde_scholen == 5
    assert case.offerte[0].bedrag == 14400.0
    assert case.documenten[1].lakken[0].x == 60.8


def _errors(text: str) -> str:
    with pytest.raises(CaseFileError) as err:
        parse_case(text, bestand="c.toml")
    assert err.value.exit_code == ExitCode.input_error
    return str(err.value)


def test_toml_syntax_error_names_line_in_dutch():
    msg = _errors('schema = 1\n[casus]\nonderwijs = "po\n')
    assert "geen geldig TOML op regel 3" in msg
    assert "c.toml" in msg


def test_wrong_values_name_the_key_and_line():
    msg = _errors("""schema = 1
[casus]
onderwijs = "po"
gemeente = "Den Haag"
tafel = "adviestafel"
ot_nummer = "OT-1"
eerste_verzuimdatum = "gisteren"
spoor = 3
""")
    assert 'casus.gemeente (regel 4): "Den Haag" is geen geldige waarde; kies uit "den-haag"' in msg
    assert "casus.eerste_verzuimdatum (regel 7): is geen geldige datum" in msg
    assert "casus.spoor (regel 8): moet 1 of 2 zijn" in msg


def test_missing_section_and_keys():
    msg = _errors("schema = 1\n[leerling]\nachternaam = \"X\"\n")
    assert "de sectie [casus] ontbreekt" in msg
    msg = _errors("schema = 1\n[casus]\nonderwijs = \"po\"\n")
    for key in ("gemeente", "tafel", "ot_nummer", "eerste_verzuimdatum"):
        assert f"casus.{key} (regel 2): ontbreekt" in msg


def test_unsupported_schema_is_an_error_and_missing_schema_a_warning(tmp_path):
    assert "alleen schema = 1" in _errors("schema = 2\n[casus]\n")
    data = case_dict()
    data.pop("schema")
    case = read_case(write_case(tmp_path, data))
    assert [m.code for m in case.meldingen] == ["SCHEMA_ONTBREEKT"]


def test_private_values_are_never_repeated_in_errors():
    msg = _errors("""schema = 1
[casus]
onderwijs = "po"
gemeente = "den-haag"
tafel = "adviestafel"
ot_nummer = "OT-1"
eerste_verzuimdatum = 2026-09-07
[leerling]
achternaam = "Jansen"
geboortedatum = "17 nov 2015 Jansen"
""")
    assert "leerling.geboortedatum (regel 10): is geen geldige datum;" in msg
    assert "Jansen" not in msg and "17 nov" not in msg


def test_dutch_and_iso_date_strings_are_accepted():
    case = parse_case("""schema = 1
[casus]
onderwijs = "vo"
gemeente = "rijswijk"
tafel = "mwta"
ot_nummer = "OT-1"
eerste_verzuimdatum = "07-09-2026"
aanmelddatum = "2026-10-01"
""")
    assert case.casus.eerste_verzuimdatum == date(2026, 9, 7)
    assert case.casus.aanmelddatum == date(2026, 10, 1)


def test_offerte_line_without_soort_or_with_negative_amount_is_refused():
    msg = _errors("""schema = 1
[casus]
onderwijs = "po"
gemeente = "rijswijk"
tafel = "doorbraaktafel"
ot_nummer = "OT-1"
eerste_verzuimdatum = 2026-09-07
[[offerte.regels]]
omschrijving = "Begeleiding"
bedrag = 100
[[offerte.regels]]
soort = "zorg"
omschrijving = "x"
bedrag = -5
""")
    assert "offerte.regels[1].soort (regel 8): ontbreekt" in msg
    assert 'offerte.regels[2].soort (regel 12): "zorg" is geen soort' in msg
    assert "offerte.regels[2].bedrag (regel 14): mag niet negatief zijn" in msg


def test_bad_redaction_region_is_refused(tmp_path):
    data = case_dict(documenten=[{"onderdeel": "opp", "bestand": "a.pdf",
                                  "lakken": [{"pagina": 0, "x": 1, "y": 1, "breedte": -2,
                                              "hoogte": 3}]}])
    with pytest.raises(CaseFileError) as err:
        read_case(write_case(tmp_path, data))
    assert "documenten[1].pagina" in str(err.value)


def test_unknown_keys_and_roles_are_warnings_not_errors(tmp_path):
    data = case_dict(casus={"tafle": "x", "mdo": [{"datum": date(2026, 9, 1),
                                                   "deelnemers": ["ouders", "buurvrouw"]}]})
    case = read_case(write_case(tmp_path, data))
    codes = sorted(m.code for m in case.meldingen)
    assert codes == ["ONBEKENDE_ROL", "ONBEKENDE_SLEUTEL"]
    assert any("casus.tafle" in m.tekst for m in case.meldingen)


def test_end_date_before_start_is_refused():
    msg = _errors("""[casus]
onderwijs = "po"
gemeente = "den-haag"
tafel = "adviestafel"
ot_nummer = "OT-1"
eerste_verzuimdatum = 2026-10-07
aanmelddatum = 2026-09-01
""")
    assert "ligt na de aanmelddatum" in msg


def test_missing_or_non_utf8_case_file(tmp_path):
    with pytest.raises(CaseFileError, match="bestaat niet"):
        read_case(tmp_path / "nope.toml")
    bad = tmp_path / "latin.toml"
    bad.write_bytes("[casus]\nnaam = \"Jos\xe9\"\n".encode("latin-1"))
    with pytest.raises(CaseFileError, match="geen UTF-8"):
        read_case(bad)


def test_aanmelddatum_defaults_to_today():
    case = parse_case("""[casus]
onderwijs = "po"
gemeente = "den-haag"
tafel = "adviestafel"
ot_nummer = "OT-1"
eerste_verzuimdatum = 2026-09-07
""", today=date(2026, 11, 2))
    assert case.casus.aanmelddatum == date(2026, 11, 2)
    assert not case.casus.aanmelddatum_gegeven


def test_integer_bsn_keeps_leading_zeros_and_bad_bsn_warns(tmp_path):
    data = case_dict(leerling={"bsn": 12345678})
    case = read_case(write_case(tmp_path, data))
    assert case.leerling.bsn == "012345678"
    assert [m.code for m in case.meldingen] == ["BSN_ONGELDIG"]
    assert "012345678" not in case.meldingen[0].tekst


def test_paths_are_relative_to_the_case_file(tmp_path):
    data = case_dict(documenten=[{"onderdeel": "opp", "bestand": "sub/opp.pdf"}])
    path = write_case(tmp_path / "map", data)
    case = read_case(path)
    assert case.documenten[0].pad == Path(tmp_path / "map" / "sub" / "opp.pdf").resolve()
