"""Step 1, Start: a new aanmelding, an existing case file, recent ones, or the loket's check."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dossier_app import __version__
from dossier_app.ui import settings
from dossier_app.ui.widgets import Page, hint, message_label, show_message


class StartPage(Page):
    title = "Welkom bij Tafeldossier"
    intro = ("Tafeldossier helpt u een aanmelding voor een tafel van het Routeboek verzuim en "
             "thuiszitters voor te bereiden, en maakt er één geanonimiseerde bundel van voor het "
             "loket. Alles blijft op deze computer; Tafeldossier gebruikt geen internet.")
    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(Path)
    loket_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout()
        school = QGroupBox("Aanmelding voorbereiden (school)")
        lay = QVBoxLayout(school)
        lay.addWidget(hint("Voor de intern begeleider of zorgcoördinator: stap voor stap van casus "
                           "naar bundel."))
        self.new_button = QPushButton("&Nieuwe aanmelding")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton("Casusbestand &openen…")
        self.open_button.clicked.connect(self.open_requested.emit)
        lay.addWidget(self.new_button)
        lay.addWidget(self.open_button)
        lay.addWidget(hint("Eerder geopend:"))
        self.recent = QListWidget()
        self.recent.setAccessibleName("Eerder geopende casusbestanden")
        self.recent.setMaximumHeight(120)
        self.recent.itemActivated.connect(self._recent)
        lay.addWidget(self.recent)
        row.addWidget(school, 1)
        loket = QGroupBox("Bundel controleren (loket)")
        lay2 = QVBoxLayout(loket)
        lay2.addWidget(hint("Voor medewerkers van het loket: open een ontvangen bundel en zie of hij "
                            "compleet, ongewijzigd en geanonimiseerd is."))
        self.loket_button = QPushButton("&Bundel controleren…")
        self.loket_button.clicked.connect(self.loket_requested.emit)
        lay2.addWidget(self.loket_button)
        lay2.addStretch(1)
        row.addWidget(loket, 1)
        self.body.addLayout(row)
        self.error = message_label()
        self.error.setAccessibleName("Melding")
        self.body.addWidget(self.error)
        self.body.addWidget(hint(f"Tafeldossier {__version__}"), alignment=Qt.AlignmentFlag.AlignRight)
        self.finish()
        self.refresh_recent()

    def refresh_recent(self) -> None:
        self.recent.clear()
        for path in settings.recent_cases():
            item = QListWidgetItem(f"{path.name}  ({path.parent})")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(item)
        if not self.recent.count():
            self.recent.addItem(QListWidgetItem("(nog geen)"))

    def _recent(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value:
            self.recent_requested.emit(Path(str(value)))

    def add_section(self, widget: QWidget) -> None:
        """Another box above the messages (the drafts list, see drafts_ui)."""
        self.body.insertWidget(self.body.indexOf(self.error), widget)

    def show_error(self, text: str) -> None:
        show_message(self.error, text)
