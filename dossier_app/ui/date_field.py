"""A date field that reads dates the way Dutch users type them.

A QDateEdit silently keeps the old date when the text does not fit its display format
("1-6-2026" in a "d MMMM yyyy" field) and moves sections around while one types ("sep"
jumped to december). `DateField` is a plain text field read by `dates.lees_datum`:
whatever it cannot read, or a date that does not exist, is shown in red with a Dutch
message and makes the field invalid (the wizard does not go on while a field is invalid);
a date it can read is shown back in words beside it, so the user sees what was
understood. A calendar button stays for those who prefer to pick.
"""

from __future__ import annotations

import datetime as dt
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from dossier_app.dates import DatumFout, datum_kort, datum_nl, lees_datum

PLACEHOLDER = "dd-mm-jjjj"


class DateField(QWidget):
    """`date_changed(date | None)` is emitted for every new valid value, never for
    text that cannot be read: then `valid` is False and `error` says why."""

    date_changed = Signal(object)

    def __init__(self, name: str, *, required: bool = True, jaar_nodig: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.required, self.jaar_nodig = name, required, jaar_nodig
        self._value: date | None = None
        self.error = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setAccessibleName(name)
        self.edit.setAccessibleDescription("Typ de datum als dd-mm-jjjj, of bijvoorbeeld 1 juni 2026")
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("00-00-00000") + 60)
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)
        self.button = QToolButton()
        self.button.setText("Kalender")
        self.button.setAccessibleName(f"{name}: kies in een kalender")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._calendar_to_value)
        self.button.setMenu(menu)
        self.words = QLabel()
        self.words.setStyleSheet("color: palette(dark);")
        row.addWidget(self.edit)
        row.addWidget(self.button)
        row.addWidget(self.words, 1)
        outer.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(False)
        outer.addWidget(self.message)

    # --- value -----------------------------------------------------------------------------

    def date(self) -> date | None:
        """The last valid date (None when empty); check `valid` before trusting it."""
        return self._value

    @property
    def valid(self) -> bool:
        return not self.error

    def set_date(self, value: dt.date | None) -> None:
        """Show a date from the case (no signal)."""
        self._value = value
        self.edit.setText(datum_kort(value) if value else "")
        self._set_error("")
        self._show_words()

    def set_text(self, text: str) -> None:
        """As if typed (for the calendar and for tests that set text)."""
        self.edit.setText(text)
        self._typed(text)
        self._finished()

    # --- reading -----------------------------------------------------------------------------

    def _read(self, text: str) -> tuple[dt.date | None, str]:
        try:
            value = lees_datum(text, jaar_nodig=self.jaar_nodig)
        except DatumFout as exc:
            return None, str(exc)
        if value is None and self.required:
            return None, f"Vul de {self.name.lower()} in (dd-mm-jjjj)."
        return value, ""

    def _typed(self, text: str) -> None:
        value, error = self._read(text)
        if error:
            self.error = error  # shown when the user leaves the field or wants to go on
            self.words.setText("")
            return
        self._set_error("")
        if value != self._value:
            self._value = value
            self._show_words()
            self.date_changed.emit(value)
        else:
            self._show_words()

    def _finished(self) -> None:
        if self.error:
            self._set_error(self.error)
        elif self._value is not None:
            self.edit.setText(datum_kort(self._value))

    def _show_words(self) -> None:
        self.words.setText(datum_nl(self._value) if self._value else "")

    def _set_error(self, error: str) -> None:
        self.error = error
        self.message.setText(error)
        self.message.setVisible(bool(error))
        self.edit.setStyleSheet("border: 2px solid #b00020;" if error else "")
        self.edit.setAccessibleDescription(error or "Typ de datum als dd-mm-jjjj")

    def show_error(self) -> None:
        """Make a pending error visible (the wizard calls this before refusing to go on)."""
        self._set_error(self.error)

    # --- calendar ------------------------------------------------------------------------------

    def _calendar_to_value(self) -> None:
        d = self._value or date.today()
        self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))

    def _picked(self, q: QDate) -> None:
        self.set_text(datum_kort(date(q.year(), q.month(), q.day())))
        menu = self.button.menu()
        if menu is not None:
            menu.hide()


def invalid_date_fields(widget: QWidget) -> list[DateField]:
    """The date fields under `widget` whose text cannot be read (enabled and shown ones)."""
    return [f for f in widget.findChildren(DateField) if not f.valid and f.isEnabled()]
