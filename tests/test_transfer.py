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


# --- issue 14: what an export may bring in ------------------------------------------------

def _with_header(raw: bytes, change) -> bytes:
    import json

    size = int.from_bytes(raw[4:8], "big")
    header = json.loads(raw[8:8 + size])
    change(header)
    new = json.dumps(header).encode()
    return raw[:4] + len(new).to_bytes(4, "big") + new + raw[8 + size:]


@pytest.mark.parametrize("change", [
    lambda h: h.update(n=2 ** 20),  # 1 GiB of scrypt memory before the passphrase is checked
    lambda h: h.update(n=3000),  # not a power of two: scrypt itself refuses
    lambda h: h.update(r=64),
    lambda h: h.update(salt="%%% geen base64 %%%"),
    lambda h: h.update(n="veel"),
])
def test_tampered_scrypt_settings_are_refused_before_scrypt_runs(case, tmp_path, monkeypatch, change):
    out = tmp_path / "c.tafeldossier"
    export_case(case, out, PHRASE)
    out.write_bytes(_with_header(out.read_bytes(), change))
    monkeypatch.setattr(pp, "derive_key", lambda *_a: pytest.fail("scrypt ran on tampered settings"))
    with pytest.raises(DamagedExportError) as err:
        import_case(out, tmp_path / "ontvangen", PHRASE)
    assert "beschadigd" in err.value.message and err.value.exit_code == 3


def test_import_refuses_a_document_path_outside_the_export(case, tmp_path, monkeypatch):
    import json

    from dossier_app.store import transfer

    other = tmp_path / "ander-dossier" / "verslag.pdf"
    other.parent.mkdir()
    other.write_bytes(b"%PDF-1.4 verslag van een andere leerling")
    original = transfer._payload

    def crafted(c, entries):
        raw = original(c, entries)
        size = int.from_bytes(raw[:8], "big")
        index = json.loads(raw[8:8 + size])
        assert 'bestand = "stukken/1-opp.pdf"' in index["casus"]
        index["casus"] = index["casus"].replace('bestand = "stukken/1-opp.pdf"', f'bestand = "{other}"')
        head = json.dumps(index).encode()
        return len(head).to_bytes(8, "big") + head + raw[8 + size:]

    monkeypatch.setattr(transfer, "_payload", crafted)
    out = tmp_path / "c.tafeldossier"
    export_case(case, out, PHRASE)
    with pytest.raises(pp.InputError, match="verwijst naar een document buiten de export") as err:
        import_case(out, tmp_path / "ontvangen", PHRASE)
    assert err.value.exit_code == 3
    assert not (tmp_path / "ontvangen" / "casus.toml").exists()


def test_check_names_a_document_outside_the_case_folder(tmp_path):
    outside = tmp_path / "elders.pdf"
    outside.write_bytes(b"%PDF-1.4")
    path = write_case(tmp_path / "casus", case_dict(documenten=docs("opp")))
    text = path.read_text(encoding="utf-8").replace('bestand = "stukken/opp-0.pdf"', f'bestand = "{outside}"')
    assert str(outside) in text
    path.write_text(text, encoding="utf-8")
    codes = [m.code for m in read_case(path).meldingen]
    assert codes.count("DOCUMENT_BUITEN_MAP") == 1
    (path.parent / "stukken").mkdir(exist_ok=True)
    path.write_text(text.replace(f'bestand = "{outside}"', 'bestand = "../elders.pdf"'), encoding="utf-8")
    assert [m.code for m in read_case(path).meldingen].count("DOCUMENT_BUITEN_MAP") == 1
