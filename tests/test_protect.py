"""Bundle password: AES-256 (R=6), a random owner password, only via env or prompt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO

from dossier_app.bundle.protect import check_password, protect_pdf
from dossier_app.errors import UsageError


def _pdf(path: Path) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = "geheim"
    pdf.save(path)
    return path


def test_protect_pdf_is_aes256_and_needs_the_password(tmp_path):
    out = tmp_path / "uit.pdf"
    protect_pdf(_pdf(tmp_path / "in.pdf"), out, "correct paard", tmp_path)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pikepdf.open(out, password="correct paard") as pdf:
        assert pdf.encryption.R == 6 and pdf.encryption.bits == 256
        assert pdf.encryption.stream_method.name == "aesv3"
        assert str(pdf.docinfo["/Title"]) == "geheim"
    assert b"geheim" not in out.read_bytes()
    with pytest.raises(pikepdf.PasswordError):  # the owner password is not empty
        pikepdf.open(out, password="")


def test_short_password_is_refused():
    with pytest.raises(UsageError) as err:
        check_password("kort")
    assert "minstens 8 tekens" in err.value.message


def test_cli_build_with_password_from_environment(run_cli, tmp_path, monkeypatch):
    folder = tmp_path / "casus"
    shutil.copytree(REPO / "examples" / "adviestafel-den-haag", folder)
    out = tmp_path / "bundel.pdf"
    monkeypatch.setenv("TAFELDOSSIER_WACHTWOORD", "veilig wachtwoord")
    res = run_cli("build", folder / "casus.toml", "-o", out, "--stil", "--wachtwoord",
                  "--converter", "builtin")
    assert res.code == 0, res.err
    assert "beveiligd met uw wachtwoord (AES-256)" in res.err and str(out) in res.err
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pikepdf.open(out, password="veilig wachtwoord") as pdf:
        assert pdf.encryption.R == 6 and len(pdf.pages) > 1


def test_cli_password_needs_env_or_terminal(run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("TAFELDOSSIER_WACHTWOORD", raising=False)
    folder = tmp_path / "casus"
    shutil.copytree(REPO / "examples" / "adviestafel-den-haag", folder)
    res = run_cli("build", folder / "casus.toml", "-o", tmp_path / "b.pdf", "--wachtwoord")
    assert res.code == 2
    assert "TAFELDOSSIER_WACHTWOORD" in res.err and "nooit op de opdrachtregel" in res.err
    assert not (tmp_path / "b.pdf").exists()


def test_password_is_not_an_argument(run_cli, tmp_path):
    res = run_cli("build", tmp_path / "x.toml", "-o", tmp_path / "b.pdf", "--wachtwoord", "geheim123")
    assert res.code == 2  # no value accepted on the command line
