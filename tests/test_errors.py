"""Errors keep their message, exit code and attributes across a process boundary."""

from __future__ import annotations

import pickle

from dossier_app.errors import CaseFileError, DocumentError, ExitCode, LeakError, PasswordRequiredError


def test_errors_survive_pickling_with_their_attributes():
    for error in (DocumentError("Het bestand x.pdf is beschadigd.", bestand="stukken/x.pdf", code="PDF_X"),
                  PasswordRequiredError("beveiligd", bestand="a.pdf", code="WACHTWOORD_NODIG"),
                  CaseFileError("fout", bestand="c.toml", problems=["casus.tafel: ontbreekt"]),
                  LeakError("naam op pagina 3", details=["naam (pagina 3, pypdf)"])):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert copy.message == error.message and str(copy) == str(error)
        assert copy.__dict__ == error.__dict__
        assert copy.exit_code == error.exit_code
    assert pickle.loads(pickle.dumps(LeakError("x"))).exit_code == ExitCode.leak
