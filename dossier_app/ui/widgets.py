"""Small building blocks shared by the pages: headings, hints, status chips, page frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from dossier_app.ui import settings

STATUS_TEKST = {"aanwezig": "Aanwezig", "ontbreekt": "Ontbreekt", "optioneel": "Optioneel",
                "niet-nodig": "Niet nodig"}
STATUS_KLEUR = {"aanwezig": "#1b6e20", "ontbreekt": "#b00020", "optioneel": "#555555",
                "niet-nodig": "#555555"}


def discard(widget: QWidget) -> None:
    """Remove a widget now: deleteLater alone leaves it on screen until the event loop
    gets round to it, and a rebuilt list would show old and new entries together."""
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.15))
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(dark);")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


# The colours of messages, readable on white: red for an error, green for success, dark
# amber for "let op" (done, but look again), dark grey for plain information.
KLEUREN = {"fout": "#b00020", "ok": "#1b6e20", "let-op": "#8a5a00", "info": "#333333"}


def message_label(kind: str = "fout") -> QLabel:
    """A label for a message at its place, in the colour of its `kind` (KLEUREN)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {KLEUREN[kind]};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str, kind: str | None = None) -> None:
    """`kind`: another colour than the label's own from now on (KLEUREN)."""
    if kind is not None:
        label.setStyleSheet(f"color: {KLEUREN[kind]};")
    label.setText(text)
    label.setAccessibleDescription(text)
    label.setVisible(bool(text))


class StatusChip(QLabel):
    def __init__(self, status: str = "optioneel") -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_status(status)

    def set_status(self, status: str) -> None:
        self.status = status
        self.setText(STATUS_TEKST.get(status, status))
        self.setAccessibleName(f"Status: {STATUS_TEKST.get(status, status)}")
        colour = STATUS_KLEUR.get(status, "#555555")
        self.setStyleSheet(f"color: white; background: {colour}; border-radius: 4px; "
                           "padding: 2px 8px; font-weight: bold;")


class Page(QWidget):
    """A wizard step: a heading, an introduction and a scrollable body."""

    title = ""
    intro = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A page never scrolls sideways: its text wraps to the width there is.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.addWidget(heading(self.title))
        if self.intro:
            self.body.addWidget(hint(self.intro))
        scroll.setWidget(inner)
        outer.addWidget(scroll)
        self.scroll_area = scroll
        self._deferred: list[Callable[[], None]] = []

    def finish(self) -> None:
        self.body.addStretch(1)

    def refresh_on(self, signal: Any, slot: Callable[[], None]) -> None:
        """Run `slot` on `signal` while this page is on screen; a page out of sight runs it
        once when it is shown again, so a change on one page does not redraw them all."""
        def run(*_args: object) -> None:
            if self._in_sight():
                slot()
            elif slot not in self._deferred:
                self._deferred.append(slot)

        signal.connect(run)

    def _in_sight(self) -> bool:
        # A page whose window is not shown (a test building it alone) refreshes at once.
        return self.isVisible() or not self.window().isVisible()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        deferred, self._deferred = self._deferred, []
        for slot in deferred:
            slot()


# Below this the window starts maximised: a school laptop of 1366x768 leaves about 728
# pixels under the task bar, less than the wizard wants.
PREFERRED_SIZE = (1180, 780)


def place_window(window: QWidget, key: str) -> None:
    """The window's remembered size and place when it still fits the screen; otherwise
    sized to the screen it opens on: maximised on a small screen, else centred."""
    screen = window.screen()
    available = screen.availableGeometry() if screen is not None else None
    geometry = settings.load_geometry(key)
    if geometry is not None and window.restoreGeometry(geometry) and (
            available is None or available.contains(window.frameGeometry()) or window.isMaximized()):
        return
    width, height = PREFERRED_SIZE
    if available is None:
        window.resize(width, height)
        return
    if available.width() < width + 40 or available.height() < height + 40:
        window.resize(min(width, available.width()), min(height, available.height()))
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    window.resize(width, height)
    window.move(available.center().x() - width // 2, available.center().y() - height // 2)


def open_in_system(path: Path) -> str:
    """Open a file or folder with the program Windows (or the desktop) uses for it.
    Returns "" when that worked, else a Dutch message that says what to do instead."""
    if not path.exists():
        return f"{path.name} bestaat niet meer op deze plek ({path.parent}). Is het verplaatst of verwijderd?"
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return ""
    if path.is_dir():
        return (f"De map kon niet worden geopend: er is geen programma voor ingesteld. Open hem zelf "
                f"in de Verkenner: {path}")
    return (f"Er is geen programma gevonden dat {path.name} kan openen. Open het bestand zelf vanuit de "
            f"Verkenner (map {path.parent}), of installeer een PDF-lezer of Word.")
