"""Shared helpers of the GUI tests: the example case copied to a temp folder, drops."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "adviestafel-den-haag"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "voorbeeld"
    shutil.copytree(EXAMPLE, target)
    return target / "casus.toml"


def type_text(widget, text: str, *, replace: bool = True) -> None:
    """Type as a person does: focus, select what is there, then key by key."""
    widget.setFocus()
    if replace:
        QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        if not text:
            QTest.keyClick(widget, Qt.Key.Key_Delete)
    for run in re.findall(r"[ -~]+|\n|[^ -~\n]", text):
        if run == "\n":
            QTest.keyClick(widget, Qt.Key.Key_Return)
        elif run.isascii():
            QTest.keyClicks(widget, run)
        else:  # QTest maps ASCII only; a key event carrying the character, as a Dutch keyboard sends
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, run))


def type_date(field, text: str) -> None:
    """Type a date into a DateField and leave it with Enter."""
    type_text(field.edit, text)
    QTest.keyClick(field.edit, Qt.Key.Key_Return)


def ready_example(w, qtbot) -> None:
    """Prepare every document of the example case, show each page and confirm every
    page without text, on the Controleren step as a person does."""
    w.go_to(w.pages.index(w.review))
    w.review.prepare_all.click()
    qtbot.waitUntil(lambda: len(w.state.reviews) == 6, timeout=120000)
    qtbot.waitUntil(w.review.prepare_all.isEnabled, timeout=120000)
    for row in range(w.review.docs.count()):
        w.review.docs.setCurrentRow(row)
        for page in range(1, w.review.page_spin.maximum() + 1):
            w.review.page_spin.setValue(page)
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
