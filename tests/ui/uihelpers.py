"""Shared helpers of the GUI tests: the example case copied to a temp folder, drops."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "adviestafel-den-haag"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "voorbeeld"
    shutil.copytree(EXAMPLE, target)
    return target / "casus.toml"


def ready_example(w, qtbot) -> None:
    """Prepare every document of the example case and confirm every review item."""
    w.review.prepare_all.click()
    qtbot.waitUntil(lambda: len(w.state.reviews) == 6, timeout=120000)
    for row in range(w.review.docs.count()):
        w.review.docs.setCurrentRow(row)
        w.review.confirm_all_visible()


def drop_files(widget, paths: list[Path]) -> None:
    """What Explorer does when files are dropped on the widget."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


@pytest.fixture(name="window")
def window_fixture(qtbot, qapp):
    """A main window factory; import this fixture into a test module to use it."""
    from dossier_app.ui.app import MainWindow, install_dutch_translations

    install_dutch_translations(qapp)
    MainWindow.ask_before_close = False

    def make(case_path: Path | None = None) -> MainWindow:
        w = MainWindow(case_path)
        qtbot.addWidget(w)
        w.show()
        return w

    return make
