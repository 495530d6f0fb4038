"""Step 2, Casus: onderwijs, gemeente, dates, OT-nummer, the tafel, and the MDO/JES meetings."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dossier_app.case_model import Mdo
from dossier_app.dates import datum_nl
from dossier_app.errors import DossierError
from dossier_app.rules import RuleSet, Tafel, ruleset_for
from dossier_app.rules.check import termijn
from dossier_app.rules.report import gemeente_status
from dossier_app.rules.terms import GEMEENTEN, ONDERWIJS, ROLLEN
from dossier_app.ui.date_field import DateField
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import Page, discard, heading, hint, message_label, show_message

STATUS_TERMIJN = {"voor": "nog vóór de termijn", "binnen": "binnen de termijn",
                  "na": "de termijn is voorbij"}


def termijn_tekst(tafel: Tafel, eerste: date, aanmeld: date) -> str:
    if tafel.venster.leeg:
        return f"Termijn: {(tafel.frequentie or 'geen vaste termijn').rstrip('.')}."
    t = termijn(eerste, aanmeld, tafel.venster)
    venster = tafel.venster.tekst.rstrip(".")
    tekst = f"Termijn: {venster}. Nu week {t.week}: {STATUS_TERMIJN[t.status]}"
    if t.status == "voor" and t.vanaf:
        tekst += f" (vanaf {datum_nl(t.vanaf)})"
    elif t.uiterlijk:
        tekst += f" (uiterlijk {datum_nl(t.uiterlijk)})"
    return tekst + "."


class TafelPicker(QWidget):
    """One radio button per tafel, each with a line on purpose, who registers and when.
    Tafels that are not available here are greyed out, with the reason."""

    def __init__(self, state: CaseState) -> None:
        super().__init__()
        self.state = state
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonClicked.connect(self._picked)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QRadioButton] = {}
        self._key: tuple | None = None

    def rebuild(self, ruleset: RuleSet, gemeente: str, eerste: date, aanmeld: date) -> None:
        key = (ruleset.id, gemeente, eerste, aanmeld)
        if key != self._key:
            self._key = key
            self._fill(ruleset, gemeente, eerste, aanmeld)
        self.select(self.state.case.casus.tafel)

    def _fill(self, ruleset: RuleSet, gemeente: str, eerste: date, aanmeld: date) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                discard(w)
        for b in self.group.buttons():
            self.group.removeButton(b)
        self.buttons.clear()
        for tafel in ruleset.tafels:
            self.layout_.addWidget(self._entry(tafel, gemeente, eerste, aanmeld))

    def _entry(self, tafel: Tafel, gemeente: str, eerste: date, aanmeld: date) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 4, 0, 8)
        lay.setSpacing(1)
        status = gemeente_status(tafel, gemeente, aanmeld)
        radio = QRadioButton(tafel.naam)
        font = radio.font()
        font.setBold(True)
        radio.setFont(font)
        lines = [f"Doel: {tafel.doel}"]
        if status["beschikbaar"] and status["aanmelding"]:
            lines.append(f"Wie meldt aan en waar: {status['aanmelding']}")
        lines.append(termijn_tekst(tafel, eerste, aanmeld))
        reden = status["reden"] or ("" if tafel.dossier else f"Geen dossier: {tafel.geen_dossier}")
        usable = bool(status["beschikbaar"]) and tafel.dossier
        radio.setEnabled(usable)
        radio.setAccessibleName(f"Tafel {tafel.naam}" + ("" if usable else " (niet te kiezen)"))
        why_text = ("Niet te kiezen: " if not usable else "") + reden
        radio.setAccessibleDescription(" ".join(lines + ([why_text] if reden else [])))
        lay.addWidget(radio)
        detail = hint("\n".join(lines))
        detail.setContentsMargins(24, 0, 0, 0)
        lay.addWidget(detail)
        if reden:
            why = QLabel(why_text)
            why.setWordWrap(True)
            why.setContentsMargins(24, 0, 0, 0)
            why.setStyleSheet("color: #8a5a00;")
            lay.addWidget(why)
        if not usable:
            detail.setEnabled(False)
        self.group.addButton(radio)
        self.buttons[tafel.id] = radio
        radio.setProperty("tafel_id", tafel.id)
        return box

    def select(self, tafel_id: str) -> None:
        button = self.buttons.get(tafel_id)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def _picked(self, button: QRadioButton) -> None:
        self.state.update_casus(tafel=str(button.property("tafel_id")))


class MdoEditor(QGroupBox):
    """The meetings held: a list, and a row to add one with its date and participants."""

    def __init__(self, state: CaseState) -> None:
        super().__init__("MDO / JES-overleggen")
        self.state = state
        lay = QVBoxLayout(self)
        lay.addWidget(hint("Elk overleg dat is gehouden, met wie erbij waren. Voor de adviestafel "
                           "moet er minstens één overleg zijn geweest met ouders, leerplicht, SMW, "
                           "de adviseur van het samenwerkingsverband en school."))
        self.list = QListWidget()
        self.list.setAccessibleName("Gehouden overleggen")
        self.list.setMaximumHeight(110)
        lay.addWidget(self.list)
        self.remove = QPushButton("Geselecteerd overleg verwijderen")
        self.remove.clicked.connect(self._remove)
        lay.addWidget(self.remove, alignment=Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(QLabel("Nieuw overleg toevoegen:"))
        row = QHBoxLayout()
        self.datum = DateField("Datum van het overleg")
        self.datum.set_date(date.today())
        row.addWidget(QLabel("Datum:"))
        row.addWidget(self.datum)
        row.addStretch(1)
        lay.addLayout(row)
        grid = QGridLayout()
        self.rollen: dict[str, QCheckBox] = {}
        for i, (rol, naam) in enumerate(ROLLEN.items()):
            box = QCheckBox(naam)
            box.setAccessibleName(f"Deelnemer: {naam}")
            self.rollen[rol] = box
            grid.addWidget(box, i // 4, i % 4)
        lay.addLayout(grid)
        self.add = QPushButton("Overleg toevoegen")
        self.add.clicked.connect(self._add)
        lay.addWidget(self.add, alignment=Qt.AlignmentFlag.AlignLeft)

    def refresh(self) -> None:
        self.list.clear()
        for m in self.state.case.casus.mdo:
            namen = ", ".join(ROLLEN.get(r, r) for r in m.deelnemers) or "geen deelnemers"
            self.list.addItem(QListWidgetItem(f"{datum_nl(m.datum)}: {namen}"))
        self.remove.setEnabled(bool(self.state.case.casus.mdo))

    def _add(self) -> None:
        datum = self.datum.date()
        if not self.datum.valid or datum is None:
            self.datum.show_error()
            self.datum.edit.setFocus()
            return
        deelnemers = tuple(r for r, box in self.rollen.items() if box.isChecked())
        mdo = Mdo(datum=datum, deelnemers=deelnemers)
        items = sorted([*self.state.case.casus.mdo, mdo], key=lambda m: m.datum)
        self.state.update_casus(mdo=tuple(items))
        for box in self.rollen.values():
            box.setChecked(False)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            row = self.list.count() - 1
        items = list(self.state.case.casus.mdo)
        if 0 <= row < len(items):
            del items[row]
            self.state.update_casus(mdo=tuple(items))


class CasusPage(Page):
    title = "Casus"
    intro = ("Over welke aanmelding gaat het? Kies de onderwijssoort, de gemeente en de datums; "
             "daarna ziet u welke tafels er zijn en of u binnen de termijn zit.")

    def __init__(self, state: CaseState) -> None:
        super().__init__()
        self.state = state
        form = QFormLayout()
        self.onderwijs = QComboBox()
        for key, naam in ONDERWIJS.items():
            self.onderwijs.addItem(naam.capitalize(), key)
        self.onderwijs.setAccessibleName("Onderwijssoort")
        self.gemeente = QComboBox()
        for key, naam in GEMEENTEN.items():
            self.gemeente.addItem(naam, key)
        self.gemeente.setAccessibleName("Gemeente")
        self.eerste = DateField("Eerste verzuimdatum")
        self.aanmeld = DateField("Aanmelddatum")
        self.ot = QLineEdit()
        self.ot.setPlaceholderText("bijvoorbeeld OT-1234567")
        self.ot.setAccessibleName("OT-nummer")
        form.addRow("&Onderwijs:", self.onderwijs)
        form.addRow("&Gemeente:", self.gemeente)
        form.addRow("&Eerste verzuimdatum:", self.eerste)
        form.addRow("", hint("De eerste dag van het zorgwekkend verzuim. De weken tellen vanaf hier."))
        form.addRow("&Aanmelddatum:", self.aanmeld)
        form.addRow("O&T-nummer:", self.ot)
        form.addRow("", hint("Het nummer van de casus in Onderwijs Transparant. Dit nummer komt wel "
                             "in de bundel; de naam van de leerling niet."))
        self.body.addLayout(form)
        self.body.addWidget(heading("Tafel", 2))
        self.ruleset_label = hint("")
        self.body.addWidget(self.ruleset_label)
        self.picker = TafelPicker(state)
        self.body.addWidget(self.picker)
        self.picker_error = message_label()
        self.body.addWidget(self.picker_error)
        self._build_extra()
        self.mdo = MdoEditor(state)
        self.body.addWidget(self.mdo)
        self.body.addWidget(heading("Voorwaarden", 2))
        self.voorwaarden = QLabel()
        self.voorwaarden.setWordWrap(True)
        self.voorwaarden.setTextFormat(Qt.TextFormat.RichText)
        self.voorwaarden.setAccessibleName("Voorwaarden voor deze tafel")
        self.body.addWidget(self.voorwaarden)
        self.finish()
        self._connect()
        state.loaded.connect(self.fill)
        self.refresh_on(state.changed, self.refresh)
        self.fill()

    def _build_extra(self) -> None:
        self.spoor_box = QGroupBox("Spoor")
        lay = QVBoxLayout(self.spoor_box)
        self.spoor_group = QButtonGroup(self)
        self.spoor_buttons: dict[int, QRadioButton] = {}
        self.spoor_uitleg: dict[int, QLabel] = {}
        for n in (1, 2):
            b = QRadioButton(f"Spoor {n}")
            b.setAccessibleName(f"Spoor {n}")
            self.spoor_group.addButton(b, n)
            self.spoor_buttons[n] = b
            lay.addWidget(b)
            uitleg = hint("")  # the routeboek's description: long, so it wraps under the button
            uitleg.setContentsMargins(24, 0, 0, 4)
            self.spoor_uitleg[n] = uitleg
            lay.addWidget(uitleg)
        self.spoor_group.idClicked.connect(lambda n: self.state.update_casus(spoor=n))
        self.body.addWidget(self.spoor_box)
        row = QHBoxLayout()
        self.scholen_label = QLabel("Aantal &benaderde scholen:")
        self.scholen = QSpinBox()
        self.scholen.setRange(0, 99)
        self.scholen.setAccessibleName("Aantal benaderde scholen")
        self.scholen_label.setBuddy(self.scholen)
        row.addWidget(self.scholen_label)
        row.addWidget(self.scholen)
        row.addStretch(1)
        self.scholen_row = QWidget()
        self.scholen_row.setLayout(row)
        self.body.addWidget(self.scholen_row)

    def _connect(self) -> None:
        self.onderwijs.currentIndexChanged.connect(
            lambda: self.state.update_casus(onderwijs=self.onderwijs.currentData()))
        self.gemeente.currentIndexChanged.connect(
            lambda: self.state.update_casus(gemeente=self.gemeente.currentData()))
        self.eerste.date_changed.connect(
            lambda d: self.state.update_casus(eerste_verzuimdatum=d, typing=True))
        self.aanmeld.date_changed.connect(
            lambda d: self.state.update_casus(aanmelddatum=d, aanmelddatum_gegeven=True, typing=True))
        self.ot.textEdited.connect(lambda t: self.state.update_casus(ot_nummer=t.strip(), typing=True))
        self.scholen.valueChanged.connect(lambda n: self.state.update_casus(benaderde_scholen=n))

    def fill(self) -> None:
        c = self.state.case.casus
        widgets = (self.onderwijs, self.gemeente, self.eerste, self.aanmeld, self.ot, self.scholen)
        for w in widgets:
            w.blockSignals(True)
        self.onderwijs.setCurrentIndex(max(0, self.onderwijs.findData(c.onderwijs)))
        self.gemeente.setCurrentIndex(max(0, self.gemeente.findData(c.gemeente)))
        self.eerste.set_date(c.eerste_verzuimdatum)
        self.aanmeld.set_date(c.aanmelddatum)
        self.ot.setText(c.ot_nummer)
        self.scholen.setValue(c.benaderde_scholen or 0)
        for w in widgets:
            w.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        c = self.state.case.casus
        try:
            ruleset = ruleset_for(c.onderwijs, c.aanmelddatum)
        except DossierError as exc:
            show_message(self.picker_error, exc.message)
            return
        show_message(self.picker_error, "")
        self.ruleset_label.setText(f"Volgens {ruleset.naam} (versie {ruleset.versie}). Grijze "
                                   "tafels zijn er niet in deze gemeente of maken geen dossier; "
                                   "de reden staat erbij.")
        self.picker.rebuild(ruleset, c.gemeente, c.eerste_verzuimdatum, c.aanmelddatum)
        tafel = ruleset.tafel(c.tafel)
        self._refresh_extra(tafel)
        self.mdo.refresh()
        self._refresh_voorwaarden()

    def _refresh_extra(self, tafel: Tafel | None) -> None:
        sporen = tafel.sporen if tafel else {}
        self.spoor_box.setVisible(bool(sporen))
        for n, b in self.spoor_buttons.items():
            kop, _, uitleg = sporen.get(n, f"Spoor {n}").partition(":")
            b.setText(kop.strip())
            b.setAccessibleDescription(uitleg.strip())
            self.spoor_uitleg[n].setText(uitleg.strip())
            b.setChecked(self.state.case.casus.spoor == n)
        needs = tafel is not None and any(v.soort == "minimum" for v in tafel.voorwaarden)
        self.scholen_row.setVisible(needs)

    def _refresh_voorwaarden(self) -> None:
        result = self.state.check
        if result is None or not result.voorwaarden:
            self.voorwaarden.setText("Voor deze tafel zijn geen voorwaarden vastgelegd."
                                     if result else (self.state.check_error or ""))
            return
        teken = {"voldaan": "✔ voldaan", "niet-voldaan": "✘ nog niet voldaan",
                 "zelf-controleren": "? controleer zelf"}
        rows = [f"<li><b>{teken[v.status]}</b>: {html.escape(v.voorwaarde.tekst)}</li>"
                for v in result.voorwaarden]
        self.voorwaarden.setText("<ul>" + "".join(rows) + "</ul>")
