"""Shared fixtures: case files written from dicts, and the CLI run in-process."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]

# --- the "plain" profile: PATH holds only the virtual environment ----------------------------
# `pytest --plain` (or TAFELDOSSIER_TEST_PLAIN=1) runs the tests as on a plain Windows laptop:
# PATH is emptied of external programs before any test is collected, so the product finds
# no pdftotext, mutool, Tesseract or LibreOffice and must protect with what it ships.
# Tests that use such a program as an oracle (to check the product's output from outside)
# call it by the absolute path found here, before PATH was emptied: `oracle("pdftotext")`.
_ORACLES = {name: shutil.which(name) for name in
            ("pdftotext", "pdftoppm", "tesseract", "mutool", "qpdf", "soffice", "localedef", "gzip")}
VENV_BIN = str(Path(sys.executable).parent)


def oracle(name: str) -> str:
    """The absolute path of an installed program, for checking results (never the product)."""
    found = _ORACLES.get(name) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def installed(name: str) -> str | None:
    """Like `oracle`, None instead of a skip when the program is not installed."""
    return _ORACLES.get(name) or shutil.which(name)


def plain_profile() -> bool:
    return os.environ.get("TAFELDOSSIER_TEST_PLAIN") == "1"


def pytest_addoption(parser):
    parser.addoption("--plain", action="store_true",
                     help="run with PATH holding only the virtual environment (no external programs)")


def pytest_configure(config):
    if config.getoption("--plain") or plain_profile():
        os.environ["TAFELDOSSIER_TEST_PLAIN"] = "1"
        os.environ["PATH"] = VENV_BIN
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

BASE_CASE: dict[str, Any] = {
    "schema": 1,
    "casus": {
        "onderwijs": "po",
        "gemeente": "den-haag",
        "tafel": "adviestafel",
        "ot_nummer": "OT-7654321",
        "eerste_verzuimdatum": date(2026, 9, 7),
        "aanmelddatum": date(2026, 10, 19),
        "smw_betrokken": False,
        "mdo": [{"datum": date(2026, 9, 21),
                 "deelnemers": ["ouders", "leerplicht", "smw", "adviseur", "school"]}],
    },
    "leerling": {"voornamen": "Daan Pieter", "roepnaam": "Daan", "achternaam": "van der Berg",
                 "geboortedatum": date(2016, 3, 4), "bsn": "111222333",
                 "adres": "Laan van Meerdervoort 100", "postcode": "2517 AK",
                 "woonplaats": "Den Haag"},
    "personen": [{"rol": "moeder", "naam": "Sanne van der Berg", "telefoon": "06-12345678"}],
    "voorblad": {"samenvatting": "Twee MDO's, plan werkte niet.", "hoofdvraag": "Wat is nodig?",
                 "aanbod": "a", "aanbod_voorhanden": "b", "waarom_niet": "c", "wat_nodig": "d"},
}


def case_dict(**sections: Any) -> dict[str, Any]:
    """BASE_CASE with sections updated: case_dict(casus={"tafel": "x"}) merges into [casus]."""
    data = copy.deepcopy(BASE_CASE)
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write_case(folder: Path, data: dict[str, Any], *, files: dict[str, str] | None = None,
               name: str = "casus.toml") -> Path:
    """Write the case and, for every [[documenten]] entry, a small file unless listed as
    missing in `files` (onderdeel -> "missing")."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in data.get("documenten", []):
        path = folder / doc["bestand"]
        if (files or {}).get(doc["onderdeel"]) == "missing":
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n% test placeholder\n")
    path = folder / name
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def docs(*onderdelen: str) -> list[dict[str, str]]:
    return [{"onderdeel": o, "bestand": f"stukken/{o}-{i}.pdf"} for i, o in enumerate(onderdelen)]


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli():
    from dossier_app.cli import main

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Keep logs and drafts of tests out of the real home folder."""
    monkeypatch.setenv("TAFELDOSSIER_DATA", str(tmp_path_factory.mktemp("data")))
