"""What the wizard says is in the user's words: no component ids, no case-file syntax
(`[[documenten]]`, `casus.spoor = true`), no CLI commands, no rule-set ids; and every
message about something missing says which step fixes it."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from dossier_app.case_model import Case, Casus, Leerling, Voorblad
from dossier_app.rules import default_rulesets
from dossier_app.rules.check import check_case
from dossier_app.rules.terms import GEMEENTEN
from dossier_app.ui.wording import op_scherm, zonder_syntax

UI = Path(__file__).resolve().parents[2] / "dossier_app" / "ui"
SYNTAX = re.compile(r"\[\[|\]\]|\[[a-z_]+\]|\bcasus\.[a-z_]+|\s=\s|\btrue\b|\bfalse\b"
                    r"|\bdossier (tafels|check|build)|\b[pv]o-20\d\d-20\d\d\b"
                    r"|\((?!dd-mm-jjjj\))(?:[a-z0-9]+-)+[a-z0-9]+\)")


def _cases():
    """Every tafel of every rule set in every gemeente, with the case in several stages."""
    for ruleset in default_rulesets():
        day = ruleset.geldig_vanaf + timedelta(days=60)
        for tafel in ruleset.tafels:
            for gemeente in GEMEENTEN:
                casus = Casus(onderwijs=ruleset.onderwijs, gemeente=gemeente, tafel=tafel.id,
                              ot_nummer="OT-1", eerste_verzuimdatum=day, aanmelddatum=day)
                empty = Case(casus=casus, leerling=Leerling())
                yield empty
                yield replace(empty, casus=replace(casus, smw_betrokken=True, aanmelddatum_gegeven=True),
                              leerling=Leerling(voornamen="A", achternaam="B"),
                              voorblad=Voorblad(samenvatting="s", hoofdvraag="h"))


def _shown_texts():
    for case in _cases():
        result = check_case(case)
        for m in [*result.meldingen]:
            if m.niveau in ("fout", "waarschuwing"):
                yield m, op_scherm(m, result)


def test_every_check_message_is_in_the_users_words():
    seen = raw = 0
    for m, said in _shown_texts():
        seen += 1
        raw += bool(SYNTAX.search(m.tekst))
        assert not SYNTAX.search(said.tekst), (m.code, said.tekst)
    assert seen > 100  # the sample covers the rule sets
    assert raw > 50  # and the core's own texts (for the case file) do carry the syntax


def test_what_is_missing_names_the_step_that_fixes_it():
    codes = set()
    for m, said in _shown_texts():
        if m.code in ("ONDERDEEL_ONTBREEKT", "VOORWAARDE_NIET_VOLDAAN", "SPOOR_ONTBREEKT",
                      "LEERLING_ONVOLLEDIG"):
            codes.add(m.code)
            assert said.stap is not None and f"stap {said.stap + 1}" in said.tekst, said.tekst
    assert {"ONDERDEEL_ONTBREEKT", "LEERLING_ONVOLLEDIG"} <= codes


def test_the_offerte_message_from_the_issue():
    said = zonder_syntax("Uitgesplitste offerte (uitgesplitste-offerte) ontbreekt: vul [[offerte.regels]] "
                         "in (soort onderwijs of jeugdhulp, omschrijving, bedrag).")
    assert not SYNTAX.search(said)


def _ui_strings():
    for path in sorted(UI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
                yield path.name, node.lineno, node.value


@pytest.mark.parametrize("name", sorted(p.name for p in UI.glob("*.py")))
def test_ui_strings_carry_no_case_file_syntax(name):
    # docstrings are for developers; the scan looks at the sentences shown to users
    offenders = [(line, text) for file, line, text in _ui_strings()
                 if file == name and SYNTAX.search(text) and not _is_docstring(name, line)]
    assert offenders == []


def _is_docstring(name: str, line: int) -> bool:
    tree = ast.parse((UI / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and first.lineno <= line <= (first.end_lineno or first.lineno)):
                return True
    return False


def test_the_loket_report_names_the_routeboek_not_its_id(tmp_path):
    from test_assemble import build_bundle

    from dossier_app.bundle.verify import verify_bundle
    from dossier_app.ui.report_pdf import report_html, verdict

    out, _ = build_bundle(tmp_path)
    report = verify_bundle(out, bestand=out.name)
    html = report_html(report, today="5 december 2026")
    assert "Routeboek PO" in html and "po-2025-2026" not in html and "manifest" not in html.lower()
    assert "probleem/problemen" not in verdict(report) and "('s)" not in html
