"""Step 3, Leerling en personen: the identifying data Tafeldossier removes from the stukken."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from dossier_app.case_model import Persoon
from dossier_app.ui.date_field import DateField
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import Page, heading, hint

LEERLING_VELDEN = (("voornamen", "Voornamen"), ("roepnaam", "Roepnaam"), ("achternaam", "Achternaam"),
                   ("bsn", "BSN"), ("adres", "Adres (straat en huisnummer)"), ("postcode", "Postcode"),
                   ("woonplaats", "Woonplaats"))
PERSOON_KOLOMMEN = (("rol", "Rol (bijv. moeder)"), ("naam", "Naam"), ("telefoon", "Telefoon"),
                    ("email", "E-mail"))


class PersonenPage(Page):
    title = "Leerling en personen"
    intro = ("Tafeldossier vraagt deze gegevens alleen om ze uit alle stukken te verwijderen. Ze "
             "komen nooit in de bundel en verlaten deze computer niet.")

    def __init__(self, state: CaseState) -> None:
        super().__init__()
        self.state = state
        self.body.addWidget(heading("Leerling", 2))
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label in LEERLING_VELDEN:
            edit = QLineEdit()
            edit.setAccessibleName(f"Leerling: {label}")
            edit.textEdited.connect(lambda _t, k=key: self._leerling_changed(k))
            self.fields[key] = edit
            form.addRow(f"{label}:", edit)
        self.geboorte = DateField("Geboortedatum van de leerling", required=False, jaar_nodig=True)
        self.geboorte.date_changed.connect(lambda _d: self._leerling_changed("geboortedatum"))
        form.addRow("Geboortedatum:", self.geboorte)
        self.body.addLayout(form)
        self.body.addWidget(hint("Ten minste voornamen en achternaam zijn nodig; zonder die gegevens "
                                 "maakt Tafeldossier geen bundel. De woonplaats wordt niet los "
                                 "verwijderd: die noemt ook de regio."))
        self.body.addWidget(heading("Ouders, broers, zussen en andere familieleden", 2))
        self.table = QTableWidget(0, len(PERSOON_KOLOMMEN))
        self.table.setHorizontalHeaderLabels([label for _, label in PERSOON_KOLOMMEN])
        header = self.table.horizontalHeader()
        # Rol and Telefoon as wide as their text, Naam and E-mail share the rest
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(col, mode)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Personen om te verwijderen")
        self.table.setMinimumHeight(150)
        self.table.itemChanged.connect(self._personen_changed)
        self.body.addWidget(self.table)
        buttons = QHBoxLayout()
        add = QPushButton("Persoon &toevoegen")
        add.clicked.connect(self._add_row)
        remove = QPushButton("Geselecteerde persoon verwijderen")
        remove.clicked.connect(self._remove_row)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.body.addWidget(hint("Namen van professionals (leerkracht, leerplichtambtenaar) hoeven "
                                 "hier niet: die blijven staan en worden bij Controleren getoond."))
        self.finish()
        self._shown: tuple[Persoon, ...] = ()
        state.loaded.connect(self.fill)
        self.refresh_on(state.changed, self._maybe_refill)
        self.fill()

    def _maybe_refill(self) -> None:
        """Another page added a person (Controleren: 'Lakken'): show it here too."""
        if self.state.case.personen != self._shown:
            self.fill()

    def fill(self) -> None:
        lr = self.state.case.leerling
        for key, edit in self.fields.items():
            edit.setText(getattr(lr, key))
        self.geboorte.set_date(lr.geboortedatum)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for p in self.state.case.personen:
            self._append(p)
        self.table.blockSignals(False)
        self._shown = self.state.case.personen

    def _leerling_changed(self, _key: str) -> None:
        values = {k: " ".join(e.text().split()) for k, e in self.fields.items()}
        geboorte: date | None = self.geboorte.date()
        self.state.update(leerling=replace(self.state.case.leerling, **values, geboortedatum=geboorte),
                          typing=True)

    def _append(self, p: Persoon) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, (key, _label) in enumerate(PERSOON_KOLOMMEN):
            self.table.setItem(row, col, QTableWidgetItem(getattr(p, key)))

    def _add_row(self) -> None:
        self.table.blockSignals(True)
        self._append(Persoon(rol="", naam=""))
        self.table.blockSignals(False)
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        item = self.table.item(self.table.rowCount() - 1, 0)
        if item is not None:
            self.table.editItem(item)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._personen_changed()

    def _cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    def _personen_changed(self, *_args: object) -> None:
        old = {i: p for i, p in enumerate(self.state.case.personen)}
        personen = []
        for row in range(self.table.rowCount()):
            values = {key: " ".join(self._cell(row, col).split())
                      for col, (key, _l) in enumerate(PERSOON_KOLOMMEN)}
            if not values["naam"]:
                continue  # a row being filled in: a person needs a name
            base = old.get(row, Persoon(rol="", naam=""))
            personen.append(replace(base, rol=values["rol"].lower() or "familie", naam=values["naam"],
                                    telefoon=values["telefoon"], email=values["email"]))
        self._shown = tuple(personen)
        self.state.update(personen=self._shown)
