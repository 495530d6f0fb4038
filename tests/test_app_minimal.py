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


def test_what_stands_when_the_window_opens_is_kept_out_of_the_collectors_walks(tmp_path):
    # A full collection walked every object of the imported modules while holding the
    # interpreter's lock: 80-105 ms without a repaint during Bouwen. main() moves what exists
    # when the window stands out of the collector's sight (gc.freeze), in a fresh process.
    import subprocess
    import sys

    code = ("import gc, sys\n"
            "from PySide6.QtCore import QTimer\n"
            "from PySide6.QtWidgets import QApplication\n"
            "from dossier_app.ui import app\n"
            "QApplication([]); QTimer.singleShot(0, QApplication.quit)\n"
            "before = len(gc.get_objects(generation=2))\n"
            "app.main([])\n"
            "print(before, gc.get_freeze_count(), len(gc.get_objects(generation=2)))\n")
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "TAFELDOSSIER_DATA": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    before, frozen, after = map(int, done.stdout.split()[-3:])
    assert frozen >= before  # everything the collector walked before is out of its sight
    assert after < before // 10
