"""Drafts in the wizard: autosave, recovery at start, "Casus verwijderen", retention.

Every change of the case restarts a short timer; when it fires, the case is saved as a
draft in the worker thread (DraftStore.save). Without a secure keyring the user is told
so and may choose a passphrase; without either, nothing is stored."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dossier_app.errors import DossierError
from dossier_app.logs import log_internal_error
from dossier_app.store.drafts import (
    RETENTION_DAYS,
    DraftInfo,
    DraftStore,
    NoKeyringError,
    PassphraseNeededError,
)
from dossier_app.store.workdir import remove_stale_workdirs
from dossier_app.ui import settings
from dossier_app.ui.jobs import JobRunner
from dossier_app.ui.secrets_dialog import (
    CONCEPTEN_NIEUW,
    CONCEPTEN_OPENEN,
    AskSecret,
    SecretRequest,
    ask_secret,
)
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import hint, message_label, show_message
from dossier_app.ui.wording import tafel_naam

DEBOUNCE_MS = 1500  # autosave after a pause in typing
MAX_WAIT_MS = 10_000  # and at least this often while typing goes on
def retention_days() -> int:
    try:
        return max(1, int(str(settings.app_settings().value("concepten/bewaartermijn_dagen",
                                                            RETENTION_DAYS))))
    except (TypeError, ValueError):
        return RETENTION_DAYS


class DraftsPanel(QGroupBox):
    """The start page's list of drafts, with "Verder werken" and "Casus verwijderen"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Automatisch bewaard werk (concepten)", parent)
        lay = QVBoxLayout(self)
        lay.addWidget(hint("Tafeldossier bewaart uw werk versleuteld terwijl u werkt."))
        self.list = QListWidget()
        self.list.setAccessibleName("Concepten")
        self.list.setMaximumHeight(120)
        lay.addWidget(self.list)
        row = QHBoxLayout()
        self.resume_button = QPushButton("&Verder werken")
        self.delete_button = QPushButton("Casus &verwijderen")
        row.addWidget(self.resume_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = message_label("info")
        lay.addWidget(self.message)

    def show_drafts(self, infos: list[DraftInfo], note: str = "") -> None:
        self.list.clear()
        show_message(self.message, "")
        for info in infos:
            item = QListWidgetItem(info.titel.replace(f", {info.tafel} (", f", {tafel_naam(info.tafel)} (", 1)
                                   if info.tafel else info.titel)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.list.addItem(item)
        if not infos:
            self.list.addItem(QListWidgetItem(note or "(nog geen)"))

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        return str(value) if value else None


class DraftController(QObject):
    resumed = Signal(int)  # a draft was opened: the wizard shows it at this step
    ask = True  # tests switch this off: modal questions would block them

    def __init__(self, parent: QMainWindow, state: CaseState, runner: JobRunner) -> None:
        super().__init__(parent)
        self.window, self.state, self.runner = parent, state, runner
        self.ask_secret: AskSecret = ask_secret  # tests put a function here that answers
        self.store: DraftStore | None = None
        self.draft_id: str | None = None
        self.saves = 0
        self._saving = self._pending = self._loading = False
        # Saves run on their own worker thread: a long preparation or build on the main
        # runner must not hold them up (they touch no PDFium).
        self.saver = JobRunner(self)
        self.timer = QTimer(self)  # after a pause in typing
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.autosave)
        self.max_wait = QTimer(self)  # while typing without a pause
        self.max_wait.setSingleShot(True)
        self.max_wait.setInterval(MAX_WAIT_MS)
        self.max_wait.timeout.connect(self.autosave)
        self.unsaved = False
        self.panel = DraftsPanel()
        self.panel.resume_button.clicked.connect(self._resume_selected)
        self.panel.list.itemDoubleClicked.connect(lambda _item: self._resume_selected())
        self.panel.delete_button.clicked.connect(self._delete_selected)
        state.edited.connect(self._edited)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)  # a method: gone with this object
        state.loaded.connect(self._new_case_loaded)
        self._open_store(ask=False)

    # --- the store ----------------------------------------------------------------------

    def _open_store(self, ask: bool) -> None:
        try:
            self.store = DraftStore.open_default()
        except PassphraseNeededError:
            if ask:
                self._ask_passphrase(CONCEPTEN_OPENEN)
        except NoKeyringError:
            if ask:
                self._ask_passphrase(CONCEPTEN_NIEUW)
        except DossierError as exc:
            self._warn(exc.message)
        self.refresh()

    def _ask_passphrase(self, request: SecretRequest) -> None:
        asked = request
        while self.store is None:
            phrase = self.ask_secret(self.window, asked)
            if phrase is None:
                return
            try:
                self.store = DraftStore.open_default(phrase)
            except DossierError as exc:  # a wrong passphrase: say so in the same dialog
                asked = replace(request, uitleg=f"{exc.message}\n\n{request.uitleg}")

    def start_later(self) -> None:
        QTimer.singleShot(0, self.start)

    def start(self) -> None:
        """At program start: clean up after a crash, offer recovery and retention."""
        remove_stale_workdirs()
        if self.store is None and self.ask:
            self._open_store(ask=True)
        if self.store is None:
            return
        self.store.cleanup()
        if self.ask:
            self._offer_recovery()
            self._offer_retention()
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            self.panel.show_drafts([], "(uw werk wordt niet automatisch bewaard: geen sleutelbos)")
        else:
            self.panel.show_drafts(self.store.list())

    # --- autosave -----------------------------------------------------------------------

    def _new_case_loaded(self) -> None:
        if not self._loading:
            self.draft_id = None
        self._edited()  # an opened case is in the drafts list from the start

    def _edited(self) -> None:
        self.unsaved = True
        self.timer.start()
        if not self.max_wait.isActive():
            self.max_wait.start()

    @Slot(QWidget, QWidget)
    def _focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.save_now()

    def save_now(self) -> None:
        """Leaving a field or a page: save what was typed, without waiting for a pause."""
        if self.unsaved:
            self.autosave()

    def autosave(self) -> None:
        self.timer.stop()
        self.max_wait.stop()
        if self.store is None:
            return
        if self._saving:
            self._pending = True
            return
        self.unsaved = False
        self._saving, store, case, draft_id = True, self.store, self.state.case, self.draft_id
        self.saver.start(lambda ctx: store.save(case, draft_id), on_done=self._saved,
                         on_error=self._save_failed)

    def _saved(self, draft_id: object) -> None:
        self.draft_id, self._saving = str(draft_id), False
        self.saves += 1
        if self._pending:
            self._pending = False
            self.autosave()

    def _save_failed(self, message: str, cancelled: bool) -> None:
        self._saving = False
        if not cancelled:
            self.window.statusBar().showMessage(f"Automatisch bewaren lukte niet: {message}", 10000)

    def shutdown(self) -> None:
        """The window closes normally: save the last state and mark the draft closed."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._focus_changed)
        self.timer.stop()
        self.max_wait.stop()
        self.saver.wait()
        if self.store is None or (self.draft_id is None and not self.state.dirty):
            return
        try:
            self.draft_id = self.store.save(self.state.case, self.draft_id, gesloten=True)
        except (OSError, DossierError) as exc:
            log_internal_error(exc)

    # --- recovery, deleting, retention -------------------------------------------------

    def resume(self, draft_id: str) -> bool:
        assert self.store is not None
        try:
            loaded = self.store.load(draft_id)
        except DossierError as exc:
            self._warn(exc.message)
            return False
        self._loading = True
        try:
            self.state._replace_all(loaded.case, loaded.case.path)
            self.state.dirty = True
        finally:
            self._loading = False
        self.draft_id = draft_id
        return True

    def _offer_recovery(self) -> None:
        assert self.store is not None
        for info in self.store.recoverable()[:1]:
            answer = QMessageBox.question(
                self.window, "Werk herstellen?",
                f"Tafeldossier is de vorige keer niet netjes afgesloten. Er is automatisch bewaard "
                f"werk gevonden: {info.titel}.\n\nWilt u daarmee verder werken? Kiest u Nee, dan "
                "blijft het bewaard onder 'Automatisch bewaard werk' op de startpagina.")
            if answer == QMessageBox.StandardButton.Yes and self.resume(info.id):
                self.resumed.emit(self.step_of(info.id))

    def _offer_retention(self) -> None:
        assert self.store is not None
        days = retention_days()
        old = self.store.expired(days)
        if not old:
            return
        lijst = "\n".join(f"- {i.titel}" for i in old)
        answer = QMessageBox.question(
            self.window, "Oude concepten verwijderen?",
            f"Deze concepten zijn al meer dan {days} dagen niet gewijzigd:\n{lijst}\n\nBewaar "
            "gegevens van leerlingen niet langer dan nodig. Wilt u ze nu verwijderen?")
        if answer == QMessageBox.StandardButton.Yes:
            for info in old:
                self.store.delete(info.id)

    def delete(self, draft_id: str) -> None:
        assert self.store is not None
        self.store.delete(draft_id)
        if draft_id == self.draft_id:
            self.timer.stop()
            self.draft_id = None
            self._loading = True
            try:
                self.state.start_new()
            finally:
                self._loading = False
        self.refresh()

    def _resume_selected(self) -> None:
        draft_id = self.panel.selected_id()
        if not draft_id:
            show_message(self.panel.message, "Klik eerst in de lijst op het concept waarmee u verder "
                                             "wilt werken (of dubbelklik erop).")
            return
        if self.store is not None and self.resume(draft_id):
            self.resumed.emit(self.step_of(draft_id))

    def remember_step(self, step: int) -> None:
        """Where the user is, so that recovery returns there (a number: no personal data)."""
        if self.draft_id is not None:
            settings.app_settings().setValue(f"concepten/stap/{self.draft_id}", step)

    @staticmethod
    def step_of(draft_id: str) -> int:
        try:
            return max(1, int(str(settings.app_settings().value(f"concepten/stap/{draft_id}", 1))))
        except ValueError:
            return 1

    def _delete_selected(self) -> None:
        draft_id = self.panel.selected_id()
        if not draft_id:
            show_message(self.panel.message, "Klik eerst in de lijst op de casus die u wilt verwijderen.")
            return
        if self.store is None:
            return
        if self.ask and QMessageBox.question(
                self.window, "Casus verwijderen?",
                "Het automatisch bewaarde werk van deze casus en de kopieën van de stukken worden "
                "verwijderd. Uw eigen casusbestand en stukken blijven staan. Doorgaan?") \
                != QMessageBox.StandardButton.Yes:
            return
        self.delete(draft_id)

    def _warn(self, text: str) -> None:
        if self.ask:
            QMessageBox.warning(self.window, "Concept", text)
