"""The desktop window opens offscreen, in Dutch, and shows a case's checklist state."""

from __future__ import annotations

import pytest
from conftest import REPO

pytestmark = pytest.mark.gui


def test_window_shows_case_state(qtbot):
    from dossier_app.ui.app import MainWindow

    window = MainWindow(REPO / "examples" / "adviestafel-den-haag" / "casus.toml")
    qtbot.addWidget(window)
    assert window.windowTitle() == "Tafeldossier"
    assert "compleet" in window.status.text()


def test_dutch_qt_translations_load(qapp):
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from dossier_app.ui.app import install_dutch_translations

    assert install_dutch_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuleren"
    assert QApplication.instance() is qapp
