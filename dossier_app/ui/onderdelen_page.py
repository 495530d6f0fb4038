"""Step 4, Onderdelen: the checklist of the chosen tafel. Each component has a drop
zone (drag files from Explorer, or browse), its files (reorder, remove, open) and its
status. Every file is first read by the core's intake, in the worker thread; a file the
core refuses shows the core's Dutch message right at its component. A component for which
the routeboek has a blank form (toestemming, oplegger, ...) offers to save that form as a
Word file, to fill in, have signed and drop back on the component."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dossier_app.documents.intake import intake
from dossier_app.errors import DossierError, PasswordRequiredError
from dossier_app.forms import write_form
from dossier_app.logs import log_internal_error
from dossier_app.rules.check import OnderdeelStatus
from dossier_app.store.workdir import private_workdir
from dossier_app.ui import settings
from dossier_app.ui.jobs import ALGEMENE_FOUT, JobContext, JobRunner
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import (
    Page,
    StatusChip,
    discard,
    hint,
    message_label,
    open_in_system,
    show_message,
)

VOORWAARDE_LABELS = {
    "smw_betrokken": "Schoolmaatschappelijk werk (SMW) is bij de leerling betrokken",
    "herplaatsing_vanuit_onderbouw": "De leerling wordt herplaatst vanuit de onderbouw",
}
GEGENEREERD = {
    "voorblad": "Tafeldossier maakt dit voorblad van de tekst die u invult bij de stap "
                "'Voorblad en offerte'. U mag ook een eigen voorblad toevoegen.",
    "offerte": "Tafeldossier maakt deze offerte van de regels die u invult bij de stap "
               "'Voorblad en offerte'. De offerte van een aanbieder mag ook.",
}
# No *.doc: the old Word format is refused at intake (save it as .docx in Word first).
BESTANDSFILTER = "Documenten (*.pdf *.docx *.jpg *.jpeg *.png *.tif *.tiff);;Alle bestanden (*)"
WACHTWOORD_FOUT = "Dit wachtwoord klopt niet. Probeer het opnieuw (let op hoofdletters)."
FORMULIER_UITLEG = "Sla het lege formulier uit het routeboek op om in te vullen"
WORDFILTER = "Word-document (*.docx)"


def paths_from_mime(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class DropZone(QLabel):
    """A dashed area that accepts files dragged from Explorer; a click is 'Bladeren'."""

    dropped = Signal(list)

    def __init__(self, naam: str) -> None:
        super().__init__("Sleep bestanden hierheen")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(36)
        self.setAccessibleName(f"Sleepvak voor {naam}")
        self._style(False)

    def _style(self, active: bool) -> None:
        colour = "#1565c0" if active else "#9e9e9e"
        self.setStyleSheet(f"border: 2px dashed {colour}; border-radius: 6px; color: #444; padding: 6px;")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event):
            event.acceptProposedAction()
            self._style(True)

    def dragLeaveEvent(self, event) -> None:
        self._style(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._style(False)
        paths = paths_from_mime(event)
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)


class OnderdeelCard(QFrame):
    """One component of the checklist."""

    def __init__(self, status: OnderdeelStatus, page: OnderdelenPage) -> None:
        super().__init__()
        self.page = page
        self.onderdeel = status.onderdeel
        o = status.onderdeel
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.naam = QLabel(f"<b>{o.naam}</b>")
        self.naam.setWordWrap(True)
        top.addWidget(self.naam, 1)
        self.regel = QLabel()
        top.addWidget(self.regel)
        self.chip = StatusChip(status.status)
        top.addWidget(self.chip)
        lay.addLayout(top)
        if o.omschrijving:
            lay.addWidget(hint(o.omschrijving))
        if o.genereerbaar in GEGENEREERD:
            lay.addWidget(hint(GEGENEREERD[o.genereerbaar]))
        self.files = QListWidget()
        self.files.setAccessibleName(f"Bestanden bij {o.naam}")
        self.files.setMaximumHeight(90)
        lay.addWidget(self.files)
        lay.addLayout(self._buttons())
        self.zone = DropZone(o.naam)
        self.zone.dropped.connect(self.add_paths)
        lay.addWidget(self.zone)
        self.busy = QLabel("Bestand wordt gecontroleerd…")
        self.busy.setVisible(False)
        lay.addWidget(self.busy)
        self.error = message_label()
        self.error.setAccessibleName(f"Melding bij {o.naam}")
        lay.addWidget(self.error)
        self.form_saved = message_label("ok")
        self.form_saved.setAccessibleName(f"Formulier opgeslagen bij {o.naam}")
        lay.addWidget(self.form_saved)
        self.saved_form: Path | None = None
        self.open_form = QPushButton("Formulier openen")
        self.open_form.setAccessibleName(f"Opgeslagen formulier openen bij {o.naam}")
        self.open_form.setToolTip("Open het opgeslagen formulier in Word om het in te vullen")
        self.open_form.clicked.connect(self._open_form)
        self.open_form.setVisible(False)
        form_row = QHBoxLayout()
        form_row.addWidget(self.open_form)
        form_row.addStretch(1)
        lay.addLayout(form_row)
        self.update_from(status)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        naam = self.onderdeel.naam
        self.browse = QPushButton("&Bladeren…")
        self.browse.setAccessibleName(f"Bestand kiezen voor {naam}")
        self.browse.clicked.connect(self._browse)
        self.up = QPushButton("Omhoog")
        self.up.setAccessibleName(f"Bestand omhoog bij {naam}")
        self.up.clicked.connect(lambda: self._move(-1))
        self.down = QPushButton("Omlaag")
        self.down.setAccessibleName(f"Bestand omlaag bij {naam}")
        self.down.clicked.connect(lambda: self._move(1))
        self.remove = QPushButton("Verwijderen")
        self.remove.setAccessibleName(f"Bestand verwijderen bij {naam}")
        self.remove.clicked.connect(self._remove)
        self.open = QPushButton("Bekijken")
        self.open.setAccessibleName(f"Bestand openen bij {naam}")
        self.open.clicked.connect(self._open)
        self.blank: QPushButton | None = None
        if self.onderdeel.formulier:
            self.blank = QPushButton("Leeg formulier…")
            self.blank.setAccessibleName(FORMULIER_UITLEG)
            self.blank.setAccessibleDescription(f"Leeg formulier bij {naam}")
            self.blank.setToolTip(FORMULIER_UITLEG)
            self.blank.clicked.connect(self.save_blank_form)
        for b in (self.browse, self.up, self.down, self.remove, self.open, self.blank):
            if b is not None:
                row.addWidget(b)
        row.addStretch(1)
        return row

    def update_from(self, status: OnderdeelStatus) -> None:
        o = status.onderdeel
        regel = {"verplicht": "verplicht", "optioneel": "optioneel",
                 "voorwaardelijk": "verplicht" if status.nodig else "niet nodig"}[o.regel]
        if o.meerdere:
            regel += ", één of meer bestanden"
        self.regel.setText(regel)
        self.chip.set_status(status.status)
        current = self.files.currentRow()
        self.files.clear()
        for d in status.documenten:
            item = QListWidgetItem(Path(d.bestand).name + ("" if d.pad.is_file() else "  (niet gevonden)"))
            item.setToolTip(d.bestand)
            item.setData(Qt.ItemDataRole.UserRole, d.index)
            self.files.addItem(item)
        if status.gegenereerd:
            self.files.addItem(QListWidgetItem("(wordt door Tafeldossier gemaakt)"))
        self.files.setCurrentRow(min(current, self.files.count() - 1))
        self.files.setVisible(self.files.count() > 0)
        has_files = bool(status.documenten)
        for b in (self.up, self.down, self.remove, self.open):
            b.setEnabled(has_files)
        self.setAccessibleName(f"{o.naam}: {self.chip.text()}")

    # --- actions -------------------------------------------------------------------------

    def add_paths(self, paths: list[Path]) -> None:
        show_message(self.error, "")
        for path in paths:
            self.page.check_and_add(self, path)

    def _browse(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, f"Bestand kiezen voor {self.onderdeel.naam}",
                                                str(settings.last_folder()), BESTANDSFILTER)
        if files:
            settings.remember_folder(Path(files[0]).parent, self.page.state.case)
            self.add_paths([Path(f) for f in files])

    def _selected_index(self) -> int | None:
        item = self.files.currentItem() or (self.files.item(0) if self.files.count() else None)
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        return value if isinstance(value, int) else None

    def _move(self, step: int) -> None:
        index = self._selected_index()
        if index is not None:
            self.page.move_document(index, step)
            self.files.setCurrentRow(max(0, min(self.files.count() - 1, self.files.currentRow() + step)))

    def _remove(self) -> None:
        index = self._selected_index()
        if index is not None:
            self.page.remove_document(index)

    def _open(self) -> None:
        index = self._selected_index()
        if index is not None:
            doc = self.page.state.case.documenten[index]
            show_message(self.error, open_in_system(doc.pad))

    def save_blank_form(self) -> Path | None:
        """Ask where to save the blank form and write it with the core's generator (fast, so
        not in the worker: it would wait behind a running build). Returns the file written."""
        naam = self.onderdeel.formulier
        if not naam:
            return None
        show_message(self.error, "")
        # Only the form's name: never a name with the pupil's data in it.
        default = settings.last_folder() / f"{naam}.docx"
        chosen = self.page.ask_save_path(f"Leeg formulier opslaan voor {self.onderdeel.naam}", default)
        if chosen is None:
            return None
        out = Path(chosen)
        show_message(self.form_saved, "")
        self.open_form.setVisible(False)
        fout = write_blank_form(naam, out)
        if fout:
            show_message(self.error, fout)
            return None
        settings.remember_folder(out.parent, self.page.state.case)
        self.saved_form = out
        show_message(self.form_saved, f"Formulier opgeslagen: {out}. Vul het in, laat het "
                                      "ondertekenen en sleep het daarna op dit onderdeel.")
        self.open_form.setVisible(True)
        return out

    def _open_form(self) -> None:
        if self.saved_form is not None:
            show_message(self.error, open_in_system(self.saved_form))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.zone.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.zone.dropEvent(event)


def write_blank_form(naam: str, out: Path) -> str:
    """Write the blank form `naam` to `out`; returns a Dutch message if that failed, else ""."""
    if out.suffix.lower() != ".docx":
        return f"Het formulier wordt een Word-bestand: geef een naam die eindigt op .docx (nu: {out.name})."
    try:
        # The save dialog has already asked whether to replace an existing file.
        write_form(naam, out, force=True)
    except DossierError as exc:
        return exc.message
    except OSError:
        return (f"Het formulier kon niet worden opgeslagen als {out}. Is het bestand nog geopend in "
                "Word, of mag u niet schrijven in deze map? Sluit het bestand of kies een andere map "
                "en probeer het opnieuw.")
    except Exception as exc:  # a bug: log where, never the message
        log_internal_error(exc)
        return ALGEMENE_FOUT
    return ""


def intake_job(path: Path, password: str | None) -> Callable[[JobContext], object]:
    """Read the file as the build will; a refusal raises the core's DocumentError."""
    def job(ctx: JobContext) -> object:
        ctx.progress("Bestand controleren", 0, 1)
        try:
            with private_workdir() as workdir:
                result = intake(path, bestand=path.name, workdir=workdir, password=password)
        except PasswordRequiredError as exc:
            return ("wachtwoord", exc.message)
        return ("ok", list(result.meldingen))
    return job


class OnderdelenPage(Page):
    title = "Onderdelen"
    intro = ("De stukken die bij deze tafel horen. Sleep bestanden uit de Verkenner op een "
             "onderdeel, of kies Bladeren. Tafeldossier leest elk bestand meteen na en zegt het als "
             "er iets mis mee is. De bestanden zelf blijven waar ze staan.")

    def __init__(self, state: CaseState, runner: JobRunner) -> None:
        super().__init__()
        self.state = state
        self.runner = runner
        self.ask_password: Callable[[str, str], str | None] = self._ask_password
        self.ask_save_path: Callable[[str, Path], Path | None] = self._ask_save_path
        self.pending = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Stand van de onderdelen")
        self.body.addWidget(self.summary)
        self.conditions = QVBoxLayout()
        self.body.addLayout(self.conditions)
        self.condition_boxes: dict[str, QCheckBox] = {}
        self.cards_box = QVBoxLayout()
        self.body.addLayout(self.cards_box)
        self.cards: dict[str, OnderdeelCard] = {}
        self._layout_key: tuple | None = None
        self.finish()
        self.refresh_on(state.changed, self.refresh)
        self.refresh()

    # --- showing -------------------------------------------------------------------------

    def _visible(self, s: OnderdeelStatus) -> bool:
        o = s.onderdeel
        return o.regel != "voorwaardelijk" or s.nodig or bool(s.documenten)

    def refresh(self) -> None:
        result = self.state.check
        if result is None or not result.beschikbaar:
            reden = self.state.check_error or "\n".join(m.tekst for m in (result.fouten if result else []))
            self.summary.setText(f"Kies eerst een tafel die hier beschikbaar is (stap Casus). {reden}")
            self._set_cards([])
            self._set_conditions([])
            return
        statuses = result.onderdelen
        self._set_conditions(sorted({s.onderdeel.voorwaarde for s in statuses
                                     if s.onderdeel.regel == "voorwaardelijk" and s.onderdeel.voorwaarde}))
        shown = [s for s in statuses if self._visible(s)]
        self._set_cards(shown)
        ontbreekt = [s.onderdeel.naam for s in statuses if s.status == "ontbreekt"]
        if ontbreekt:
            self.summary.setText(f"Nog nodig: {', '.join(ontbreekt)}.")
        else:
            self.summary.setText("Alle verplichte onderdelen zijn er.")

    def _set_conditions(self, fields: list[str]) -> None:
        for name in list(self.condition_boxes):
            if name not in fields:
                discard(self.condition_boxes.pop(name))
        for name in fields:
            box = self.condition_boxes.get(name)
            if box is None:
                box = QCheckBox(VOORWAARDE_LABELS.get(name, name))
                box.setAccessibleName(VOORWAARDE_LABELS.get(name, name))
                box.toggled.connect(lambda on, n=name: self.state.update_casus(**{n: on}))
                self.condition_boxes[name] = box
                self.conditions.addWidget(box)
            box.blockSignals(True)
            box.setChecked(bool(getattr(self.state.case.casus, name)))
            box.blockSignals(False)

    def _set_cards(self, statuses: list[OnderdeelStatus]) -> None:
        key = tuple(s.onderdeel.id for s in statuses)
        if key != self._layout_key:
            self._layout_key = key
            for card in self.cards.values():
                discard(card)
            self.cards = {}
            for s in statuses:
                card = OnderdeelCard(s, self)
                self.cards[s.onderdeel.id] = card
                self.cards_box.addWidget(card)
            self._fix_tab_order()
            return
        for s in statuses:
            self.cards[s.onderdeel.id].update_from(s)

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = list(self.condition_boxes.values())
        for card in self.cards.values():
            chain += [card.files, card.browse, card.up, card.down, card.remove, card.open]
            if card.blank is not None:
                chain += [card.blank, card.open_form]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    # --- changing ------------------------------------------------------------------------

    def check_and_add(self, card: OnderdeelCard, path: Path, password: str | None = None) -> None:
        onderdeel = card.onderdeel.id
        self.pending += 1
        card.busy.setVisible(True)

        def done(result: object) -> None:
            self._finish_job(card)
            kind, detail = cast(tuple[str, object], result)
            if kind == "wachtwoord":
                self._password_needed(card, path, str(detail), tried=password is not None)
                return
            if password:
                self.state.passwords[str(path.resolve())] = password
            with contextlib.suppress(RuntimeError):  # the card was rebuilt meanwhile
                show_message(self.cards.get(onderdeel, card).error, "")  # an old refusal is past
            self.state.add_document(onderdeel, path)

        def failed(message: str, _cancelled: bool) -> None:
            self._finish_job(card)
            current = self.cards.get(onderdeel, card)
            show_message(current.error, message)

        self.runner.start(intake_job(path, password), on_done=done, on_error=failed)

    def _finish_job(self, card: OnderdeelCard) -> None:
        self.pending -= 1
        with contextlib.suppress(RuntimeError):  # the card was rebuilt meanwhile
            card.busy.setVisible(False)

    def _password_needed(self, card: OnderdeelCard, path: Path, message: str, *, tried: bool) -> None:
        password = self.ask_password(path.name, WACHTWOORD_FOUT if tried else "")
        if password:
            self.check_and_add(card, path, password)
        else:
            show_message(card.error, message)

    def _ask_password(self, name: str, fout: str = "") -> str | None:
        vraag = (f"{fout}\n\n" if fout else "") + (f"'{name}' is beveiligd met een wachtwoord.\nTyp het "
                                                   "wachtwoord; Tafeldossier bewaart het niet.")
        text, ok = QInputDialog.getText(self, "Wachtwoord nodig", vraag, QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def _ask_save_path(self, title: str, default: Path) -> Path | None:
        dialog = QFileDialog(self, title, str(default.parent), WORDFILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("docx")  # also when the name is typed without .docx
        dialog.selectFile(default.name)
        if not dialog.exec():
            return None
        files = dialog.selectedFiles()
        return Path(files[0]) if files else None

    def move_document(self, index: int, step: int) -> None:
        docs = list(self.state.case.documenten)
        doc = docs[index]
        same = [i for i, d in enumerate(docs) if d.onderdeel == doc.onderdeel]
        pos = same.index(index)
        target = pos + step
        if 0 <= target < len(same):
            j = same[target]
            docs[index], docs[j] = docs[j], docs[index]
            self.state.set_documents(docs)

    def remove_document(self, index: int) -> None:
        docs = list(self.state.case.documenten)
        del docs[index]
        self.state.set_documents(docs)
