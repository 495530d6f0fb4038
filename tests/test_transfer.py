"""Export/import of a case as one passphrase-sealed .tafeldossier file."""

from __future__ import annotations

import pytest
from conftest import case_dict, docs, write_case

from dossier_app.case import read_case
from dossier_app.store import passphrase as pp
from dossier_app.store.transfer import DamagedExportError, export_case, import_case

PHRASE = "vier losse woorden hier"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch):
    monkeypatch.setattr(pp, "DEFAULT_PARAMS", pp.KdfParams(n=2 ** 12))


@pytest.fixture
def case(tmp_path):
    path = write_case(tmp_path / "bron", case_dict(documenten=docs("opp", "verzuimregistratie")))
    (path.parent / "stukken" / "opp-0.pdf").write_bytes(b"%PDF-1.4 inhoud van Daan van der Berg")
    return read_case(path)


def test_export_then_import(case, tmp_path):
    out = tmp_path / "casus.tafeldossier"
    export_case(case, out, PHRASE)
    raw = out.read_bytes()
    for secret in (b"Daan", b"111222333", b"2016-03-04", b"inhoud van"):
        assert secret not in raw
    case_file = import_case(out, tmp_path / "ontvangen", PHRASE)
    got = read_case(case_file)
    assert got.leerling == case.leerling and got.voorblad == case.voorblad
    assert [d.onderdeel for d in got.documenten] == ["opp", "verzuimregistratie"]
    assert got.documenten[0].pad.read_bytes() == b"%PDF-1.4 inhoud van Daan van der Berg"
    assert all("Daan" not in d.bestand for d in got.documenten)


def test_wrong_passphrase_is_told_apart(case, tmp_path):
    out = tmp_path / "c.tafeldossier"
    export_case(case, out, PHRASE)
    with pytest.raises(pp.WrongPassphraseError) as err:
        import_case(out, tmp_path / "ontvangen", "een andere zin!")
    assert "klopt niet" in err.value.message
    assert not (tmp_path / "ontvangen" / "casus.toml").exists()


@pytest.mark.parametrize("cut", [10, -20])
def test_damaged_export(case, tmp_path, cut):
    out = tmp_path / "c.tafeldossier"
    export_case(case, out, PHRASE)
    raw = out.read_bytes()
    out.write_bytes(raw[:cut] if cut > 0 else raw[:cut] + bytes(20))
    with pytest.raises(DamagedExportError) as err:
        import_case(out, tmp_path / "ontvangen", PHRASE)
    assert "beschadigd" in err.value.message


def test_import_needs_an_empty_folder(case, tmp_path):
    out = tmp_path / "c.tafeldossier"
    export_case(case, out, PHRASE)
    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "x").write_text("x")
    with pytest.raises(pp.UsageError):
        import_case(out, tmp_path / "vol", PHRASE)


def test_cli_export_import(run_cli, case, tmp_path, monkeypatch):
    monkeypatch.setenv("TAFELDOSSIER_WACHTWOORD", PHRASE)
    out = tmp_path / "c.tafeldossier"
    res = run_cli("export", case.path, "-o", out)
    assert res.code == 0, res.err
    assert run_cli("export", case.path, "-o", out).code == 2  # exists, no --force
    res = run_cli("import", out, "-o", tmp_path / "ontvangen")
    assert res.code == 0, res.err
    assert (tmp_path / "ontvangen" / "casus.toml").is_file()
    monkeypatch.setenv("TAFELDOSSIER_WACHTWOORD", "verkeerde zin!")
    res = run_cli("import", out, "-o", tmp_path / "nog-een")
    assert res.code == 3 and "klopt niet" in res.err
