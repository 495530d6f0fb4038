"""[anonimiseren]: findings turned into extra terms to redact, or confirmed as fine."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import tomli_w
from conftest import REPO
from docx import Document as DocxDocument

from dossier_app.case import parse_case
from dossier_app.errors import CaseFileError

EXAMPLE = REPO / "examples" / "adviestafel-den-haag"
LINE = "Broertje Thijs Vermeer gaat wel naar school. Contact via meester Pieter Hoekstra."


def test_section_parses_and_validates():
    case = parse_case('[casus]\nonderwijs = "po"\ngemeente = "den-haag"\ntafel = "adviestafel"\n'
                      'ot_nummer = "OT-1"\neerste_verzuimdatum = 2026-09-07\n'
                      '[anonimiseren]\nextra_termen = ["Thijs  Vermeer"]\n'
                      'geen_persoonsgegeven = ["P. Hoekstra"]\n')
    assert case.extra_termen == ("Thijs Vermeer",)
    assert case.geen_persoonsgegeven == ("P. Hoekstra",)
    with pytest.raises(CaseFileError, match=r"anonimiseren\.extra_termen"):
        parse_case('[casus]\nonderwijs = "po"\n[anonimiseren]\nextra_termen = "Thijs"\n')


@pytest.fixture
def case_dir(tmp_path) -> Path:
    folder = tmp_path / "c"
    shutil.copytree(EXAMPLE, folder)
    doc = DocxDocument(folder / "stukken" / "smw-verslag.docx")
    doc.add_paragraph(LINE)
    doc.save(folder / "stukken" / "smw-verslag.docx")
    return folder


def _build(run_cli, folder: Path, **anonimiseren) -> tuple[int, str, Path]:
    data = tomllib.loads((folder / "casus.toml").read_text(encoding="utf-8"))
    if anonimiseren:
        data["anonimiseren"] = anonimiseren
    (folder / "casus.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    out = folder / "b.pdf"
    res = run_cli("build", folder / "casus.toml", "-o", out, "--force", "--converter", "builtin", "--stil")
    return res.code, res.err, out


def test_extra_terms_are_removed_and_confirmed_findings_pass_verify(case_dir, run_cli):
    code, err, out = _build(run_cli, case_dir)
    assert code == 1, err  # written, but the loket would refuse it: nobody judged the finding
    assert "Thijs Vermeer" in err  # the flagger asks the user to look
    code, err, out = _build(run_cli, case_dir, extra_termen=["Thijs Vermeer"],
                            geen_persoonsgegeven=["Pieter Hoekstra"])
    assert code == 0, err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "Thijs" not in text and "Vermeer" not in text
    assert "[verwijderd]" in text
    assert "Pieter Hoekstra" in text  # confirmed as fine: kept
    assert "Thijs" not in err
    verify = run_cli("verify", out)
    assert verify.code == 0, verify.err
