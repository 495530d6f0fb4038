"""The `dossier` command: options, exit codes, Dutch messages, JSON without identifiers."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import case_dict, docs, write_case
from test_rules import PO_NOW, VO_NOW

ADVIES = docs("toestemming-ouders", "mdo-verslagen", "opp", "verzuimregistratie")


def test_tafels_json_lists_every_tafel_with_availability(run_cli):
    res = run_cli("tafels", "--json")
    assert res.code == 0 and res.err == ""
    data = res.json()
    by_key = {(t["onderwijs"], t["id"]): t for t in data["tafels"]}
    assert {k[1] for k in by_key if k[0] == "po"} == set(PO_NOW)
    assert {k[1] for k in by_key if k[0] == "vo"} == set(VO_NOW)
    po_door = by_key[("po", "doorbraaktafel")]
    assert po_door["beschikbaar"] == ["rijswijk"]
    assert po_door["gemeenten"]["den-haag"]["beschikbaar"] is False
    assert "geen doorbraaktafel" in po_door["gemeenten"]["den-haag"]["reden"]
    assert by_key[("vo", "av-team-vo")]["beschikbaar"] == []  # ended January 2026
    assert {o["id"] for o in by_key[("po", "adviestafel")]["onderdelen"]} >= {"opp", "voorblad"}


def test_tafels_filters_and_dates(run_cli):
    data = run_cli("tafels", "--onderwijs", "po", "--gemeente", "den-haag", "--datum",
                   "2024-10-01", "--json").json()
    assert {t["onderwijs"] for t in data["tafels"]} == {"po"}
    assert data["routeboeken"][0]["id"] == "po-2020-2021"
    door = next(t for t in data["tafels"] if t["id"] == "doorbraaktafel")
    assert door["beschikbaar"] == ["den-haag"]
    assert list(door["gemeenten"]) == ["den-haag"]


def test_tafels_text_is_dutch(run_cli):
    res = run_cli("tafels", "--gemeente", "leidschendam-voorburg")
    assert res.code == 0 and res.out == ""
    assert "Niet in Leidschendam-Voorburg: Leidschendam-Voorburg kent geen doorbraaktafel" in res.err
    assert "Onderdelen:" in res.err


def test_check_complete_case(run_cli, tmp_path):
    path = write_case(tmp_path, case_dict(documenten=ADVIES))
    res = run_cli("check", path)
    assert res.code == 0, res.err
    assert "Resultaat: COMPLEET" in res.err


def test_check_incomplete_case_json(run_cli, tmp_path):
    path = write_case(tmp_path, case_dict(documenten=docs("opp")))
    res = run_cli("check", path, "--json")
    assert res.code == 1
    data = res.json()
    assert data["status"] == "incompleet" and data["exit_code"] == 1
    assert data["ontbrekend"] == ["toestemming-ouders", "mdo-verslagen", "verzuimregistratie"]
    assert data["routeboek"]["id"] == "po-2025-2026"
    assert data["termijn"]["week"] == 7


def test_check_not_available(run_cli, tmp_path):
    path = write_case(tmp_path, case_dict(casus={"tafel": "doorbraaktafel", "spoor": 1}))
    res = run_cli("check", path)
    assert res.code == 1
    assert "NIET BESCHIKBAAR" in res.err and "Den Haag kent vanaf schooljaar 2025-2026" in res.err


def test_check_input_errors_exit_3(run_cli, tmp_path):
    res = run_cli("check", tmp_path / "bestaat-niet.toml")
    assert res.code == 3 and "bestaat niet" in res.err
    bad = tmp_path / "kapot.toml"
    bad.write_text("[casus\n", encoding="utf-8")
    res = run_cli("check", bad)
    assert res.code == 3 and "geen geldig TOML op regel 1" in res.err
    assert "Traceback" not in res.err


def test_usage_errors_exit_2_in_dutch(run_cli):
    res = run_cli("check")
    assert res.code == 2
    assert "gebruik: dossier check" in res.err and "deze argumenten ontbreken: CASUS" in res.err
    res = run_cli("tafels", "--gemeente", "delft")
    assert res.code == 2 and "ongeldige keuze" in res.err
    res = run_cli("toveren")
    assert res.code == 2


def test_json_report_holds_no_identifier_even_in_file_names(run_cli, tmp_path):
    named = [{"onderdeel": "opp", "bestand": "stukken/OPP Daan van der Berg 04-03-2016.pdf"},
             {"onderdeel": "mdo-verslagen", "bestand": "stukken/mdo_vanderberg_111222333.pdf"}]
    path = write_case(tmp_path, case_dict(documenten=named))
    res = run_cli("check", path, "--json")
    text = res.out.lower()
    for value in ("daan", "berg", "04-03-2016", "111222333", "vanderberg"):
        assert not re.search(rf"\b{value}", text), value
    assert "stukken/opp" in text  # the rest of the name is kept
    # on screen the user sees the names as written
    res = run_cli("check", path)
    assert res.code == 1


def test_help_is_dutch(run_cli):
    res = run_cli("--help")
    assert res.code == 0
    assert "gebruik: dossier" in res.out and "opties:" in res.out


@pytest.mark.slow
def test_installed_command_runs_as_a_user_would(tmp_path):
    path = write_case(tmp_path, case_dict(documenten=ADVIES))
    proc = subprocess.run([sys.executable, "-m", "dossier_app", "check", str(path), "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "compleet"


def test_anonimiseer_says_a_repeated_finding_once_with_how_often(run_cli, tmp_path):
    from pathlib import Path

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    example = Path(__file__).resolve().parents[1] / "examples" / "adviestafel-den-haag" / "casus.toml"
    src = tmp_path / "verslag.pdf"
    c = canvas.Canvas(str(src), pagesize=A4)
    y = 780
    for _ in range(4):  # the same table row on every part of the page, as in a printed form
        c.drawString(60, y, "Aanwezig: mevrouw Jansen (intern begeleider), meneer De Vries (leerkracht).")
        y -= 18
    c.drawString(60, y, "Ook aanwezig was mevrouw Kaya (schoolmaatschappelijk werk).")
    c.save()
    result = run_cli("anonimiseer", "--case", example, src, "-o", tmp_path / "uit.pdf")
    assert result.code == 0, result.err
    lines = [line for line in (result.out + result.err).splitlines() if line.startswith("CONTROLEER")]
    # One line per name, whatever text stands around each of its four places.
    assert len([line for line in lines if "Jansen" in line.split("meneer")[0]]) == 1, lines
    assert len([line for line in lines if "De Vries" in line]) == 1, lines
    assert sum(line.endswith(" (4x op deze pagina)") for line in lines) == 2, lines
    assert any("Kaya" in line and not line.endswith("pagina)") for line in lines), lines
