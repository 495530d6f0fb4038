"""Step 5, Voorblad en offerte: the text of the generated cover, and the quote split
into onderwijs and jeugdhulp with live subtotals."""

from __future__ import annotations

from dataclasses import astuple, replace

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from dossier_app.bundle.voorblad import bevestigd_tekst
from dossier_app.case_model import OfferteRegel, Voorblad
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import Page, heading, hint

# Guidance from the routeboek (memo "Aanmelden bij het loket"): what the aanvraag states.
VOORBLAD_VELDEN = (
    ("samenvatting", "Samenvatting (verplicht)",
     "Kort: welke acties en afspraken zijn er in het MDO gemaakt, en wat hebben ze opgeleverd?"),
    ("hoofdvraag", "Hoofdvraag (verplicht)", "De vraag aan de tafel, in één of twee zinnen."),
    ("aanbod", "Welk passend aanbod is gedaan?", "Welk onderwijs- of zorgaanbod is de leerling geboden?"),
    ("aanbod_voorhanden", "Is dat aanbod voorhanden?", "Is het aanbod er echt, en sluit het aan?"),
    ("waarom_niet", "Waarom werken eerdere oplossingen niet?",
     "Waarom helpen de oplossingen uit eerdere MDO's niet?"),
    ("wat_nodig", "Wat is volgens het MDO nodig?", "Wat denkt het MDO dat nodig is om verder te komen?"),
)
SOORTEN = (("onderwijs", "Onderwijs"), ("jeugdhulp", "Jeugdhulp"))


def euro(bedrag: float) -> str:
    return "€ " + QLocale().toString(float(bedrag), "f", 2)


def parse_bedrag(text: str) -> float | None:
    """Amounts as people type them: 1250, 1250,50, 1.250,50 or 1250.50."""
    cleaned = text.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned:
        return 0.0
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 else None


class VoorbladPage(Page):
    title = "Voorblad en offerte"
    intro = ("Tafeldossier maakt het voorblad van de bundel uit deze tekst. Noem de leerling niet "
             "bij naam: gebruik 'de leerling' (namen worden toch verwijderd).")

    def __init__(self, state: CaseState) -> None:
        super().__init__()
        self.state = state
        self.edits: dict[str, QPlainTextEdit] = {}
        self._add_fields()
        # What the voorblad says about the findings left in ("Laten staan" at step 6): the
        # loket sees the same line and its check compares it with the bundle's manifest.
        self.bevestigd = hint("")
        self.bevestigd.setAccessibleName("Regel op het voorblad over laten staan")
        self.body.addWidget(self.bevestigd)
        self.body.addWidget(heading("Uitgesplitste offerte", 2))
        self.body.addWidget(hint("Nodig voor de doorbraaktafel: de kosten gesplitst in onderwijs en "
                                 "jeugdhulp. Een offerte van de aanbieder als bestand telt ook."))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Soort", "Omschrijving", "Bedrag (€)"])
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 380)
        self.table.setColumnWidth(2, 120)
        self.table.setAccessibleName("Offerteregels")
        self.table.setMinimumHeight(140)
        self.table.itemChanged.connect(self._offerte_changed)
        self.body.addWidget(self.table)
        row = QHBoxLayout()
        add = QPushButton("Regel &toevoegen")
        add.clicked.connect(self.add_row)
        remove = QPushButton("Geselecteerde regel verwijderen")
        remove.clicked.connect(self._remove_row)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.body.addLayout(row)
        self.totals = QLabel()
        self.totals.setAccessibleName("Subtotalen van de offerte")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.body.addWidget(self.totals)
        self.bedrag_error = QLabel()
        self.bedrag_error.setStyleSheet("color: #b00020;")
        self.bedrag_error.setWordWrap(True)
        self.body.addWidget(self.bedrag_error)
        self.finish()
        state.loaded.connect(self.fill)
        self.refresh_on(state.changed, self.show_bevestigd)
        self.fill()

    def _add_fields(self) -> None:
        for key, label, guide in VOORBLAD_VELDEN:
            title = QLabel(f"<b>{label}</b>")
            self.body.addWidget(title)
            self.body.addWidget(hint(guide))
            edit = QPlainTextEdit()
            edit.setAccessibleName(label)
            edit.setAccessibleDescription(guide)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(90 if key == "samenvatting" else 60)
            edit.textChanged.connect(lambda k=key: self._voorblad_changed(k))
            title.setBuddy(edit)
            self.edits[key] = edit
            self.body.addWidget(edit)

    def show_bevestigd(self) -> None:
        self.bevestigd.setText("Op het voorblad staat ook: " + bevestigd_tekst(self.state.case))

    def fill(self) -> None:
        vb = self.state.case.voorblad or Voorblad()
        for key, edit in self.edits.items():
            edit.blockSignals(True)
            edit.setPlainText(getattr(vb, key))
            edit.blockSignals(False)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for r in self.state.case.offerte:
            self._append(r)
        self.table.blockSignals(False)
        self._show_totals(list(self.state.case.offerte))
        self.show_bevestigd()

    def _voorblad_changed(self, key: str) -> None:
        """One keystroke: this field's text into the case; the rest waits for a pause."""
        vb = replace(self.state.case.voorblad or Voorblad(), **{key: self.edits[key].toPlainText().strip()})
        self.state.update(voorblad=vb if any(astuple(vb)) else None, typing=True)

    def _append(self, r: OfferteRegel) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        for key, label in SOORTEN:
            combo.addItem(label, key)
        combo.setCurrentIndex(max(0, combo.findData(r.soort)))
        combo.setAccessibleName(f"Soort van regel {row + 1}")
        combo.currentIndexChanged.connect(self._offerte_changed)
        self.table.setCellWidget(row, 0, combo)
        self.table.setItem(row, 1, QTableWidgetItem(r.omschrijving))
        bedrag = QTableWidgetItem(QLocale().toString(float(r.bedrag), "f", 2))
        bedrag.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 2, bedrag)

    def add_row(self, soort: str = "onderwijs", omschrijving: str = "", bedrag: float = 0.0) -> None:
        self.table.blockSignals(True)
        self._append(OfferteRegel(soort or "onderwijs", omschrijving, bedrag))
        self.table.blockSignals(False)
        self._offerte_changed()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._offerte_changed()

    def _offerte_changed(self, *_args: object) -> None:
        regels, fouten = [], []
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 0)
            soort = combo.currentData() if isinstance(combo, QComboBox) else "onderwijs"
            omschrijving = self._cell(row, 1).strip()
            bedrag = parse_bedrag(self._cell(row, 2))
            if bedrag is None:
                fouten.append(row + 1)
                continue
            if omschrijving or bedrag:
                regels.append(OfferteRegel(soort, omschrijving or "(geen omschrijving)", bedrag))
        self.bedrag_error.setText(
            f"Regel {', '.join(map(str, fouten))}: het bedrag is geen getal (of is negatief). Typ "
            "bijvoorbeeld 1250,00." if fouten else "")
        self._show_totals(regels)
        self.state.update(offerte=tuple(regels))

    def _cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    def _show_totals(self, regels: list[OfferteRegel]) -> None:
        sub = {key: sum(r.bedrag for r in regels if r.soort == key) for key, _ in SOORTEN}
        parts = [f"{label}: <b>{euro(sub[key])}</b>" for key, label in SOORTEN]
        self.totals.setText("Subtotaal " + " · ".join(parts) +
                            f" · Totaal: <b>{euro(sum(sub.values()))}</b>")
        self.subtotals = sub
