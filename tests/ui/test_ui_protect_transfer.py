"""A password on the bundle from the Bouwen step, and export/import of a case from the
Bestand menu. Secrets are injected through `ask_secret`; no modal loop runs."""

from __future__ import annotations

import logging

import pikepdf
import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit
from uihelpers import copy_example, ready_example, window_fixture  # noqa: F401 (fixture)

from dossier_app.case import read_case
from dossier_app.ui.secrets_dialog import (
    BUNDEL_WACHTWOORD,
    EXPORT_WACHTWOORDZIN,
    IMPORT_WACHTWOORDZIN,
    SecretDialog,
)

pytestmark = [pytest.mark.gui]

WACHTWOORD = "Paars-Olifantje-42"
WACHTWOORDZIN = "vier losse woorden zijn sterk"


def _answer(secret: str | None, asked: list):
    def ask(_parent, request):
        asked.append(request)
        return secret

    return ask


# --- the dialog ----------------------------------------------------------------------------

def test_password_dialog_validates_in_dutch(qtbot):
    d = SecretDialog(BUNDEL_WACHTWOORD)
    qtbot.addWidget(d)
    assert d.first.echoMode() == QLineEdit.EchoMode.Password
    assert d.second.echoMode() == QLineEdit.EchoMode.Password
    assert "Typ eerst het wachtwoord" in d.validate()
    d.first.setText("kort")
    d.second.setText("kort")
    assert "minstens 8 tekens" in d.validate()
    d.first.setText(WACHTWOORD)
    d.second.setText("")
    assert "nog een keer in het tweede vak" in d.validate()
    d.second.setText(WACHTWOORD + "x")
    d.accept()  # refused: stays open, message shown
    assert d.result() != QDialog.DialogCode.Accepted
    assert "De twee wachtwoorden zijn niet gelijk" in d.error.text()
    assert d.error.isVisibleTo(d)
    d.second.setText(WACHTWOORD)
    assert d.validate() is None
    d.accept()
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.take_secret() == WACHTWOORD
    assert d.take_secret() == ""  # handed over once
    assert d.first.text() == "" and d.second.text() == ""  # fields cleared on close


def test_passphrase_dialogs(qtbot):
    export = SecretDialog(EXPORT_WACHTWOORDZIN)
    qtbot.addWidget(export)
    export.first.setText("negen tkn")
    export.second.setText("negen tkn")
    assert "minstens 10 tekens" in export.validate()
    export.first.setText(WACHTWOORDZIN)
    export.second.setText(WACHTWOORDZIN.upper())
    assert "De twee wachtwoordzinnen zijn niet gelijk" in export.validate()
    imp = SecretDialog(IMPORT_WACHTWOORDZIN)
    qtbot.addWidget(imp)
    assert not imp.second.isVisibleTo(imp)  # asked once
    assert "Typ eerst de wachtwoordzin" in imp.validate()
    imp.first.setText("kort")  # an import takes what the colleague chose; the core judges it
    assert imp.validate() is None


# --- protected bundle ----------------------------------------------------------------------

@pytest.mark.slow
def test_protected_build_writes_only_the_encrypted_bundle(window, qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    w = window(copy_example(tmp_path))
    ready_example(w, qtbot)
    b = w.build
    w.go_to(6)
    assert "Onderwijs Transparant" in b.protect.text()
    out_dir = tmp_path / "uit"
    out_dir.mkdir()
    out = out_dir / "bundel-OT-1234567.pdf"
    b.out.setText(str(out))
    asked: list = []

    # cancelled in the dialog: nothing is built
    b.protect.setChecked(True)
    b.ask_secret = _answer(None, asked)
    b.build_button.click()
    assert asked == [BUNDEL_WACHTWOORD]
    assert b.handle is None and not out.exists()
    assert "geen wachtwoord gekozen" in b.error.text()

    b.ask_secret = _answer(WACHTWOORD, asked)
    assert b.build_button.isEnabled(), b.check_label.text()
    b.build_button.click()
    qtbot.waitUntil(lambda: not b.handle.running, timeout=180000)
    assert b.result is not None, b.error.text()
    assert b.result.out == out
    assert list(out_dir.iterdir()) == [out]  # no unencrypted copy next to it
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pikepdf.open(out, password=WACHTWOORD) as pdf:
        assert pdf.is_encrypted and pdf.encryption.R == 6
        assert len(pdf.pages) == b.result.paginas
    text = b.done_label.text()
    assert "beveiligd met een wachtwoord" in text
    assert "apart" in text and "nooit in dezelfde e-mail" in text
    assert WACHTWOORD not in caplog.text
    assert not any(WACHTWOORD in str(v) for v in vars(b).values())

    # without the tick: a normal bundle, with the normal message
    b.protect.setChecked(False)
    plain = out_dir / "open.pdf"
    b.out.setText(str(plain))
    b.build_button.click()
    qtbot.waitUntil(lambda: not b.handle.running, timeout=180000)
    assert b.result is not None and b.result.out == plain, b.error.text()
    pikepdf.open(plain).close()
    assert "beveiligd" not in b.done_label.text()


# --- export and import ---------------------------------------------------------------------

def _menu_texts(w) -> list[str]:
    menu = w.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions()]


def test_export_then_import_round_trips_the_case(window, qtbot, tmp_path):
    case_file = copy_example(tmp_path)
    original = read_case(case_file)
    w = window(case_file)
    assert {"Casus &exporteren…", "Casus &importeren…"} <= set(_menu_texts(w))
    asked: list = []
    w.ask_secret = _answer(WACHTWOORDZIN, asked)
    export = tmp_path / "casus.tafeldossier"
    handle = w.export_case(export)
    qtbot.waitUntil(lambda: not handle.running, timeout=60000)
    assert asked == [EXPORT_WACHTWOORDZIN]
    assert export.is_file(), w.last_message
    assert "geëxporteerd" in w.last_message and "ander kanaal" in w.last_message

    # a wrong passphrase: the core's Dutch message, nothing opened
    w.ask_secret = _answer("dit is niet de goede zin", asked)
    handle = w.import_case(export, tmp_path / "fout")
    qtbot.waitUntil(lambda: not handle.running, timeout=60000)
    assert "De wachtwoordzin klopt niet" in w.last_message
    assert w.state.path == case_file.resolve()

    w.state.start_new()
    w.ask_secret = _answer(WACHTWOORDZIN, asked)
    target = tmp_path / "geimporteerd"
    handle = w.import_case(export, target)
    qtbot.waitUntil(lambda: not handle.running, timeout=60000)
    assert asked[-1] == IMPORT_WACHTWOORDZIN
    assert "geïmporteerd" in w.last_message, w.last_message
    assert w.state.path == (target / "casus.toml").resolve()
    case = w.state.case
    assert case.casus.tafel == original.casus.tafel
    assert case.casus.ot_nummer == original.casus.ot_nummer
    assert [d.onderdeel for d in case.documenten] == [d.onderdeel for d in original.documenten]
    for new, old in zip(case.documenten, original.documenten, strict=True):
        assert new.pad.is_file() and target.resolve() in new.pad.parents
        assert new.pad.read_bytes() == old.pad.read_bytes()
    assert w.stack.currentWidget() is w.casus

    # the folder is not empty any more: refused with the core's message
    handle = w.import_case(export, target)
    qtbot.waitUntil(lambda: not handle.running, timeout=60000)
    assert "niet leeg" in w.last_message


def test_export_errors_are_shown_in_dutch(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.ask_secret = _answer("te kort", [])  # the dialog would refuse it; the core does too
    handle = w.export_case(tmp_path / "x.tafeldossier")
    qtbot.waitUntil(lambda: not handle.running, timeout=60000)
    assert "minstens 10 tekens" in w.last_message
    assert not (tmp_path / "x.tafeldossier").exists()
    w.ask_secret = _answer(None, [])
    assert w.export_case(tmp_path / "x.tafeldossier") is None  # cancelled in the dialog


def test_the_secret_dialog_shows_its_texts_whole(qtbot):
    # The wrapped explanation and a message that appears later keep all their lines.
    dialog = SecretDialog(BUNDEL_WACHTWOORD)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.first.setText("kort")
    assert dialog.validate()
    qtbot.wait(50)
    for label in (dialog.error, dialog.findChildren(QLabel)[0]):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())
