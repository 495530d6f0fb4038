"""`dossier-app`: the desktop application.

The main window holds the start page and the wizard for the school (a step list on the
left, one page per step); the loket's check opens in its own window.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dossier_app.errors import DossierError
from dossier_app.store import transfer
from dossier_app.store.transfer import EXTENSION
from dossier_app.taal import n_documenten
from dossier_app.ui import settings
from dossier_app.ui.build_page import BuildPage
from dossier_app.ui.casus_page import CasusPage
from dossier_app.ui.date_field import invalid_date_fields
from dossier_app.ui.drafts_ui import DraftController
from dossier_app.ui.help import HandleidingDialog, show_over
from dossier_app.ui.jobs import JobContext, JobHandle, JobRunner
from dossier_app.ui.onderdelen_page import OnderdelenPage
from dossier_app.ui.personen_page import PersonenPage
from dossier_app.ui.review_page import ReviewPage
from dossier_app.ui.secrets_dialog import (
    EXPORT_WACHTWOORDZIN,
    IMPORT_WACHTWOORDZIN,
    AskSecret,
    ask_secret,
)
from dossier_app.ui.start_page import StartPage
from dossier_app.ui.state import CaseState
from dossier_app.ui.voorblad_page import VoorbladPage
from dossier_app.ui.widgets import place_window

CASUS_FILTER = "Casusbestanden (*.toml);;Alle bestanden (*)"
EXPORT_FILTER = f"Tafeldossier-export (*{EXTENSION});;Alle bestanden (*)"
STEPS = ("Start", "Casus", "Leerling en personen", "Onderdelen", "Voorblad en offerte",
         "Controleren", "Bouwen")


def install_dutch_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own Dutch texts, so standard buttons read 'Annuleren', 'Volgende'."""
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase_nl", "qt_nl"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


def status_text(state: CaseState) -> str:
    """One line for the bottom of the window: the checklist state of the case."""
    naam = state.path.name if state.path else "nieuwe aanmelding (nog niet opgeslagen)"
    if state.check_error:
        return f"Casus {naam}: {state.check_error}"
    result = state.check
    if result is None:
        return f"Casus {naam}"
    if not result.beschikbaar:
        return f"Casus {naam}: deze tafel is hier niet beschikbaar; kies een andere bij Casus."
    if result.compleet:
        return f"Casus {naam}: compleet."
    ontbreekt = [s.onderdeel.naam for s in result.onderdelen if s.status == "ontbreekt"]
    lijst = ", ".join(ontbreekt) if ontbreekt else "zie de meldingen bij Bouwen"
    return f"Casus {naam}: nog niet compleet. Ontbreekt: {lijst}."


class MainWindow(QMainWindow):
    ask_before_close = True  # tests switch this off: a modal question would block them
    page_changed = Signal(int)

    def __init__(self, case_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Tafeldossier")
        self.setAcceptDrops(False)
        self.runner = JobRunner(self)
        self.state = CaseState(self)
        self.loket_windows: list[QWidget] = []
        self.ask_secret: AskSecret = ask_secret  # tests put a function here that answers
        self.transfer_job: JobHandle | None = None  # a running export or import
        self.last_message = ""  # the text of the last export/import message, for tests
        self._date_message = False  # the status bar tells why a step was refused
        self._build_ui()
        self._build_menu()
        self.drafts = DraftController(self, self.state, self.runner)
        self.start.add_section(self.drafts.panel)
        self.page_changed.connect(lambda _step: self.drafts.save_now())
        self.drafts.resumed.connect(self.go_to)
        self.page_changed.connect(self.drafts.remember_step)
        self.state.changed.connect(self._update_status)
        self._update_status()
        self._restore_geometry()
        if case_path is not None:
            self.open_case(case_path, step=STEPS.index("Onderdelen"))

    # --- layout ------------------------------------------------------------------------

    def _build_ui(self) -> None:
        body = QWidget()
        outer = QVBoxLayout(body)
        row = QHBoxLayout()
        self.steps = QListWidget()
        self.steps.setAccessibleName("Stappen")
        self.steps.addItems([f"{i}. {s}" for i, s in enumerate(STEPS, start=1)])
        self.steps.setFixedWidth(self.steps.sizeHintForColumn(0) + 36)
        self.steps.currentRowChanged.connect(self.go_to)
        row.addWidget(self.steps)
        self.stack = QStackedWidget()
        self.start = StartPage()
        self.casus = CasusPage(self.state)
        self.personen = PersonenPage(self.state)
        self.onderdelen = OnderdelenPage(self.state, self.runner)
        self.voorblad = VoorbladPage(self.state)
        self.review = ReviewPage(self.state, self.runner)
        self.build = BuildPage(self.state, self.runner)
        self.pages = [self.start, self.casus, self.personen, self.onderdelen, self.voorblad,
                      self.review, self.build]
        for page in self.pages:
            self.stack.addWidget(page)
        row.addWidget(self.stack, 1)
        outer.addLayout(row, 1)
        nav = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status van de casus")
        nav.addWidget(self.status, 1)
        self.back = QPushButton("< &Terug")
        self.back.clicked.connect(lambda: self.go_to(self.stack.currentIndex() - 1))
        self.next = QPushButton("&Volgende >")
        self.next.clicked.connect(lambda: self.go_to(self.stack.currentIndex() + 1))
        nav.addWidget(self.back)
        nav.addWidget(self.next)
        outer.addLayout(nav)
        self.setCentralWidget(body)
        self.start.new_requested.connect(self.new_case)
        self.start.open_requested.connect(self.choose_case)
        self.start.recent_requested.connect(lambda p: self.open_case(p, step=1))
        self.start.loket_requested.connect(self.open_loket)
        self.build.save_requested.connect(self.save_case_as)
        self.build.go_to_step.connect(self.go_to)
        self.go_to(0)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Bestand")
        actions = (
            ("&Nieuwe aanmelding", QKeySequence.StandardKey.New, self.new_case),
            ("Casusbestand &openen…", QKeySequence.StandardKey.Open, self.choose_case),
            ("Casusbestand op&slaan", QKeySequence.StandardKey.Save, self.save_case),
            ("Casusbestand opslaan &als…", QKeySequence.StandardKey.SaveAs, self.save_case_as),
            ("Casus &exporteren…", None, self.export_case),
            ("Casus &importeren…", None, self.import_case),
            ("&Bundel controleren (loket)…", None, self.open_loket),
            ("&Afsluiten", QKeySequence.StandardKey.Quit, self.close),
        )
        for text, key, slot in actions:
            action = QAction(text, self)
            if key is not None:
                action.setShortcut(key)
            action.triggered.connect(slot)
            menu.addAction(action)
        step_menu = self.menuBar().addMenu("&Stappen")
        for i, name in enumerate(STEPS):
            action = QAction(f"{i + 1}. {name}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _c=False, n=i: self.go_to(n))
            step_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        guide = QAction("&Handleiding", self)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.open_handleiding)
        help_menu.addAction(guide)
        over = QAction("&Over Tafeldossier (versie en routeboek)", self)
        over.triggered.connect(lambda: show_over(self, self.state.case))
        help_menu.addAction(over)

    def open_handleiding(self) -> QDialog:
        dialog = HandleidingDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def go_to(self, index: int) -> bool:
        """Show step `index`; refused (False) while a date on this page cannot be read."""
        index = max(0, min(len(self.pages) - 1, index))
        current = self.stack.currentWidget()
        if current is not None and index != self.stack.currentIndex() and self._dates_unreadable(current):
            return False
        self.state.flush()
        if self._date_message:
            self.statusBar().clearMessage()
            self._date_message = False
        self.stack.setCurrentIndex(index)
        if self.steps.currentRow() != index:
            self.steps.blockSignals(True)
            self.steps.setCurrentRow(index)
            self.steps.blockSignals(False)
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.pages) - 1)
        self.setWindowTitle("Tafeldossier")
        self.page_changed.emit(index)
        return True

    def _dates_unreadable(self, page: QWidget) -> bool:
        fields = invalid_date_fields(page)
        if not fields:
            return False
        for f in fields:
            f.show_error()
        fields[0].edit.setFocus()
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(self.stack.currentIndex())
        self.steps.blockSignals(False)
        self.statusBar().showMessage(f"{fields[0].name}: {fields[0].error} Verbeter dit eerst.", 10000)
        self._date_message = True
        return True

    def _update_status(self) -> None:
        self.status.setText(status_text(self.state))

    # --- case files ----------------------------------------------------------------------

    def new_case(self) -> None:
        self.state.start_new()
        self.go_to(1)

    def choose_case(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Casusbestand openen", str(settings.last_folder()),
                                              CASUS_FILTER)
        if name:
            self.open_case(Path(name), step=1)

    def open_case(self, path: Path, step: int = 1) -> bool:
        try:
            self.state.load(path)
        except DossierError as exc:
            self.start.show_error(exc.message)
            self.status.setText(exc.message)
            self.go_to(0)
            return False
        self.start.show_error("")
        settings.add_recent(self.state.path or path, self.state.case)
        settings.remember_folder((self.state.path or path).parent, self.state.case)
        self.start.refresh_recent()
        self._update_status()
        self.go_to(step)
        return True

    def save_case(self) -> None:
        if self.state.path is None:
            self.save_case_as()
        else:
            self._save_to(self.state.path)

    def save_case_as(self) -> None:
        # Beside the stukken of this case, not in the last folder used (that may hold the
        # bundles that go to the loket): the case file is not encrypted.
        docs = self.state.case.documenten
        folder = docs[0].pad.parent.parent if docs and docs[0].pad.parent.name == "stukken" else (
            docs[0].pad.parent if docs else settings.last_folder())
        start = self.state.path or folder / "casus.toml"
        name, _ = QFileDialog.getSaveFileName(
            self, "Casusbestand opslaan (niet versleuteld: bewaar het veilig en nooit bij de bundel)",
            str(start), CASUS_FILTER)
        if name:
            self._save_to(Path(name if name.lower().endswith(".toml") else name + ".toml"))

    def _save_to(self, path: Path) -> None:
        try:
            self.state.save(path)
        except OSError as exc:
            QMessageBox.warning(self, "Opslaan lukt niet", f"Het casusbestand kon niet worden "
                                f"opgeslagen ({exc.strerror}). Kies een andere map.")
            return
        settings.add_recent(path, self.state.case)
        self.start.refresh_recent()
        self.statusBar().showMessage(f"Opgeslagen als {path.name}", 5000)

    # --- export and import (to and from a colleague) --------------------------------------

    def export_case(self, out: Path | None = None) -> JobHandle | None:
        """Save dialog, passphrase twice, then `export_case` in the worker."""
        if self._transfer_busy():
            return None
        force = False
        if not isinstance(out, Path):
            ot = "".join(ch for ch in self.state.case.casus.ot_nummer if ch.isalnum() or ch == "-")
            start = settings.last_folder() / f"casus-{ot or 'export'}{EXTENSION}"
            name, _ = QFileDialog.getSaveFileName(self, "Casus exporteren", str(start), EXPORT_FILTER)
            if not name:
                return None
            out = Path(name if name.lower().endswith(EXTENSION) else name + EXTENSION)
            force = out.exists()  # the save dialog already asked before replacing it
        passphrase = self.ask_secret(self, EXPORT_WACHTWOORDZIN)
        if passphrase is None:
            return None
        case = self.state.case

        def job(ctx: JobContext) -> Path:
            ctx.progress("Casus exporteren", 0, 1)
            transfer.export_case(case, out, passphrase, force=force)
            return out

        def done(path: Path) -> None:
            self._tell("Casus geëxporteerd", f"De casus is geëxporteerd naar {path} "
                       f"({n_documenten(len(case.documenten))}). Geef het bestand aan uw collega en "
                       "geef de wachtwoordzin via een ander kanaal door, bijvoorbeeld telefonisch.")

        return self._start_transfer(job, done, "Exporteren lukt niet", "Bezig met exporteren…")

    def import_case(self, src: Path | None = None, folder: Path | None = None) -> JobHandle | None:
        """Open dialog, passphrase once, an empty folder, then `import_case` in the worker;
        the imported case opens in the wizard."""
        if self._transfer_busy():
            return None
        if not isinstance(src, Path):
            name, _ = QFileDialog.getOpenFileName(self, "Casus importeren",
                                                  str(settings.last_folder()), EXPORT_FILTER)
            if not name:
                return None
            src = Path(name)
        passphrase = self.ask_secret(self, IMPORT_WACHTWOORDZIN)
        if passphrase is None:
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                self, "Kies een lege map voor de geïmporteerde casus", str(settings.last_folder()))
            if not chosen:
                return None
            folder = Path(chosen)

        def job(ctx: JobContext) -> Path:
            ctx.progress("Casus importeren", 0, 1)
            return transfer.import_case(src, folder, passphrase)

        def done(case_file: Path) -> None:
            if self.open_case(case_file, step=STEPS.index("Casus")):
                self._tell("Casus geïmporteerd", f"De casus is geïmporteerd in de map {folder} en "
                           "staat nu open. Sla wijzigingen op met Casusbestand opslaan.")

        return self._start_transfer(job, done, "Importeren lukt niet", "Bezig met importeren…")

    def _transfer_busy(self) -> bool:
        if self.transfer_job is not None and self.transfer_job.running:
            self.statusBar().showMessage("Wacht even: een export of import is nog bezig.", 5000)
            return True
        return False

    def _start_transfer(self, job: Callable[[JobContext], Path], done: Callable[[Path], None],
                        fout_titel: str, bezig: str) -> JobHandle:
        def failed(message: str, _cancelled: bool) -> None:
            self._tell(fout_titel, message, fout=True)

        self.statusBar().showMessage(bezig)
        self.transfer_job = self.runner.start(job, on_done=done, on_error=failed)
        return self.transfer_job

    def _tell(self, title: str, text: str, *, fout: bool = False) -> None:
        """A message that does not block: the window stays usable, tests are not held up."""
        self.last_message = text
        self.statusBar().showMessage(text, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning if fout else QMessageBox.Icon.Information,
                          title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def open_loket(self, bundle: Path | None = None) -> QWidget:
        from dossier_app.ui.loket import LoketWindow

        window = LoketWindow(self.runner)
        window.show()
        self.loket_windows.append(window)
        if isinstance(bundle, Path):
            window.open_bundle(bundle)
        return window

    # --- window --------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        place_window(self, "hoofd")

    def _ask_save_on_close(self) -> QMessageBox.StandardButton:
        return QMessageBox.StandardButton(self._close_box().exec())

    def _close_box(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Wijzigingen opslaan?",
                          "De casus heeft wijzigingen die nog niet in het casusbestand staan. Wilt u "
                          "ze in het casusbestand opslaan?\n\nKiest u 'Niet in het casusbestand', dan "
                          "blijft uw werk toch automatisch bewaard bij 'Automatisch bewaard werk' op "
                          "de startpagina.", QMessageBox.StandardButton.Save
                          | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText("In het casusbestand opslaan")
        box.button(QMessageBox.StandardButton.Discard).setText("Niet in het casusbestand")
        box.button(QMessageBox.StandardButton.Cancel).setText("Annuleren (verder werken)")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        return box

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ask_before_close and self.state.dirty:
            answer = self._ask_save_on_close()
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                self.save_case()
        settings.save_geometry("hoofd", self.saveGeometry())
        self.runner.cancel_all()
        self.runner.wait()
        self.build.close_workers()
        self.drafts.shutdown()
        for window in self.loket_windows:
            window.close()
        event.accept()


def main(argv: Sequence[str] | None = None) -> int:
    from dossier_app.logs import get_logger
    from dossier_app.ui.selftest import ZelftestAction

    get_logger()  # the support log, before any module logs
    parser = argparse.ArgumentParser(prog="dossier-app", description="Tafeldossier")
    parser.add_argument("--open", metavar="CASUS", type=Path, help="open een casusbestand")
    parser.add_argument("--zelftest", action=ZelftestAction)
    args, qt_args = parser.parse_known_args(argv)
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Tafeldossier")
    app.setOrganizationName("Tafeldossier")
    install_dutch_translations(app)
    window = MainWindow(args.open)
    window.show()
    window.drafts.start_later()
    keep_out_of_garbage_collection()
    return app.exec()


def keep_out_of_garbage_collection() -> None:
    """What exists once the window stands (the imported modules, their functions, classes and
    compiled patterns: ~85,000 objects) lives as long as the program: out of the cyclic
    garbage collector's sight from now on. A full collection walked all of it while holding
    the interpreter's lock, in whichever thread it struck: 80-105 ms without a repaint,
    measured during Bouwen (benchmarks/ui_responsiveness.py); now ~10 ms. Objects made later
    are collected as before."""
    gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
