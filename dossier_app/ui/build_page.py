"""Step 7, Bouwen: make the bundle in the worker thread, with progress and cancel, then
show the loket's own check of it and offer to open the bundle or its folder.

With "Bundel beveiligen" checked, a dialog asks for a password first; the build then
writes only the encrypted bundle (`build_protected_bundle`). The password goes into the
job and nowhere else: not on the page, not in settings, not in the log."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from dossier_app.bundle.build import BuildOptions, BuildResult, build_bundle
from dossier_app.bundle.checker import CheckWorkers
from dossier_app.bundle.protect import build_protected_bundle
from dossier_app.bundle.verdict import loket_oordeel
from dossier_app.bundle.verify import report_text
from dossier_app.case_model import Case
from dossier_app.errors import DossierError
from dossier_app.fileio import check_output
from dossier_app.ui import settings
from dossier_app.ui.jobs import JobContext, JobHandle, JobRunner
from dossier_app.ui.secrets_dialog import BUNDEL_WACHTWOORD, AskSecret, ask_secret
from dossier_app.ui.state import CaseState
from dossier_app.ui.widgets import KLEUREN, Page, heading, hint, message_label, open_in_system, show_message
from dossier_app.ui.wording import CONTROLEREN, Schermtekst, op_scherm


def ask_replace(parent: QWidget, out: Path) -> bool:
    """Replace the bundle made before? (Bouwen again after an edit, under the same name.)"""
    answer = QMessageBox.question(
        parent, "Bundel vervangen?",
        f"Er staat al een bestand {out.name} in de map {out.parent}.\n\nWilt u het vervangen "
        "door de nieuwe bundel? Kiest u Nee, dan wordt er niets gemaakt; met Kiezen… geeft u de "
        "bundel een andere naam.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def default_bundle_name(case: Case) -> str:
    """The OT-nummer stays in the bundle anyway; never a name of the pupil."""
    ot = "".join(ch for ch in case.casus.ot_nummer if ch.isalnum() or ch == "-") or "aanmelding"
    return f"bundel-{ot}.pdf"


IDLE_MS = 10 * 60 * 1000  # the checking workers are let go after ten minutes without a build


class BuildPage(Page):
    title = "Bouwen"
    intro = ("Tafeldossier maakt nu één geanonimiseerde PDF voor het loket en controleert die "
             "daarna zoals het loket dat doet. U kunt gewoon doorwerken terwijl dit loopt.")
    save_requested = Signal()
    go_to_step = Signal(int)  # "Naar stap N" in the list of what is left

    def __init__(self, state: CaseState, runner: JobRunner) -> None:
        super().__init__()
        self.state = state
        self.runner = runner
        self.handle: JobHandle | None = None
        self.result: BuildResult | None = None
        self._keep_workers()
        self.force = False
        self.protected = False  # whether the running or last build is password-protected
        self.ask_secret: AskSecret = ask_secret  # tests put a function here that answers
        self.ask_replace: Callable[[QWidget, Path], bool] = ask_replace  # and here
        self.check_label = self._check_label()
        self.check_label.setAccessibleName("Stand van de aanmelding")
        self.body.addWidget(self.check_label)
        row = QHBoxLayout()
        row.addWidget(QLabel("Bundel opslaan als:"))
        self.out = QLineEdit()
        self.out.setAccessibleName("Bestandsnaam van de bundel")
        self.out.textEdited.connect(lambda _t: setattr(self, "force", False))
        row.addWidget(self.out, 1)
        self.choose = QPushButton("&Kiezen…")
        self.choose.setAccessibleName("Map en naam van de bundel kiezen")
        self.choose.clicked.connect(self._choose)
        row.addWidget(self.choose)
        self.body.addLayout(row)
        self.body.addWidget(hint("Gebruik geen naam van de leerling in de bestandsnaam: de bundel gaat "
                                 "naar het loket. Het OT-nummer mag wel."))
        self.concept = QCheckBox("Conceptbundel maken (elke pagina krijgt 'CONCEPT'; mag nog "
                                 "onvolledig zijn)")
        self.concept.toggled.connect(self.refresh)
        self.body.addWidget(self.concept)
        self.protect = QCheckBox("Bundel beveiligen met een &wachtwoord (voor verzending buiten "
                                 "Onderwijs Transparant)")
        self.protect.setAccessibleName("Bundel beveiligen met een wachtwoord")
        self.body.addWidget(self.protect)
        self.body.addWidget(hint("Alleen nodig als de bundel niet via Onderwijs Transparant gaat, "
                                 "bijvoorbeeld per e-mail. Bij het maken vraagt Tafeldossier om een "
                                 "wachtwoord en schrijft dan alleen de beveiligde bundel weg."))
        buttons = QHBoxLayout()
        self.build_button = QPushButton("&Bundel maken")
        self.build_button.clicked.connect(self.start_build)
        self.cancel_button = QPushButton("Annuleren")
        self.cancel_button.setAccessibleName("Bundel maken afbreken")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.save_button = QPushButton("Casusbestand &opslaan…")
        self.save_button.clicked.connect(self.save_requested.emit)
        for b in (self.build_button, self.cancel_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self._progress_area()
        self.refresh_on(state.changed, self.refresh)
        state.edited.connect(self._case_edited)
        self.refresh_on(state.review_changed, self.refresh)
        state.loaded.connect(self._reset_output)
        self._reset_output()

    def _keep_workers(self) -> None:
        """The build's checking workers stay ready between builds (a rebuild after an edit
        then starts no process and loads no name detector), until IDLE_MS without a build
        or until the window closes: they hold ~200 MB while they wait."""
        self.workers = CheckWorkers()
        self.idle = QTimer(self, singleShot=True, interval=IDLE_MS)
        self.idle.timeout.connect(lambda: self.workers.close(wait=False))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._warm_workers()

    def _warm_workers(self) -> None:
        """Start the checking workers when this page is shown, while the user chooses where
        the bundle goes: they import what the checks need and load the name detector in
        their own processes, so the first build finds them ready instead of starting them.
        Started from the job runner's thread (starting a process must not keep the window
        waiting), after any preparation still running there; let go after IDLE_MS without a
        build, as after a build. They hold nothing of the case until a build hands it over.
        Only when a bundle can be made now: a page that lists what is still to do starts
        nothing (shown again once that is done, it does)."""
        if self._building() or not self.build_button.isEnabled():
            return  # the build has them, or there is nothing to build yet
        workers = self.workers
        self.runner.start(lambda _ctx: workers.start(),
                          on_done=lambda _r: None if self._building() else self.idle.start())

    def _building(self) -> bool:
        return self.handle is not None and self.handle.running

    def _progress_area(self) -> None:
        self.step = QLabel("")
        self.step.setAccessibleName("Huidige stap")
        self.body.addWidget(self.step)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Voortgang")
        self.progress.setVisible(False)
        self.body.addWidget(self.progress)
        self.error = message_label()
        self.error.setAccessibleName("Melding bij het maken")
        self.body.addWidget(self.error)
        self.done_label = message_label("ok")
        self.body.addWidget(self.done_label)
        self.verdict = message_label("fout")
        self.verdict.setAccessibleName("Oordeel van het loket over deze bundel")
        self.body.addWidget(self.verdict)
        result_row = QHBoxLayout()
        self.open_bundle = QPushButton("Open &bundel")
        self.open_bundle.clicked.connect(lambda: self._open(self.result.out if self.result else None))
        self.open_folder = QPushButton("Open &map")
        self.open_folder.clicked.connect(
            lambda: self._open(self.result.out.parent if self.result else None))
        for b in (self.open_bundle, self.open_folder):
            b.setVisible(False)
            result_row.addWidget(b)
        result_row.addStretch(1)
        self.body.addLayout(result_row)
        self.body.addWidget(heading("Controle zoals het loket die doet", 2))
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Uitslag van de controle")
        self.report.setMinimumHeight(200)
        self.report.setPlaceholderText("Hier verschijnt de uitslag na het maken van de bundel.")
        self.body.addWidget(self.report)
        self.finish()

    def _reset_output(self) -> None:
        """Another case (opened, new or deleted): its own file name, and nothing said of the
        bundle made for the case before."""
        self.out.setText(str(settings.last_folder() / default_bundle_name(self.state.case)))
        self.force = False
        if not self._building():
            self.result = None
            for label in (self.error, self.done_label, self.verdict):
                show_message(label, "")
            for b in (self.open_bundle, self.open_folder):
                b.setVisible(False)
            self.report.clear()
        self.refresh()

    # --- state ---------------------------------------------------------------------------

    def blockers(self) -> list[str]:
        return [b.tekst for b in self.blocker_steps()]

    def blocker_steps(self) -> list[Schermtekst]:
        """What stands between the case and a bundle, in the wizard's words, each with the
        step that fixes it."""
        result = self.state.check
        if result is None:
            return [Schermtekst(self.state.check_error or "De casus kan niet worden gecontroleerd.")]
        out = []
        if not result.beschikbaar or (not result.compleet and not self.concept.isChecked()):
            out += [op_scherm(m, result) for m in result.fouten]
        out += [Schermtekst(line, CONTROLEREN) for line in self.state.review_pending()]
        return out

    def _check_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.linkActivated.connect(self._link)
        return label

    def _link(self, href: str) -> None:
        """'Naar stap N' in the list of what is left."""
        if href.startswith("stap:"):
            self.go_to_step.emit(int(href.partition(":")[2]))

    def _case_edited(self) -> None:
        """A changed case: a message about an earlier build attempt no longer applies, and
        the bundle made before no longer holds everything the case says."""
        if not self._building():
            show_message(self.error, "")
            if self.result is not None:
                older = (f"Let op: de bundel {self.result.out.name} is gemaakt vóór uw laatste wijziging "
                         "in de casus en bevat die nog niet. Klik op Bundel maken om hem bij te werken.")
                if self.done_label.text() != older:  # once, not again at every keystroke
                    show_message(self.done_label, older, "let-op")

    def refresh(self) -> None:
        blockers = self.blocker_steps()
        self.build_button.setEnabled(not blockers and not self._building())
        if blockers:
            items = "".join(f"<li>{_esc(b.tekst)}{_link_to(b)}</li>" for b in blockers)
            self.check_label.setText("<b>Nog te doen voordat de bundel gemaakt kan worden:</b>"
                                     f"<ul>{items}</ul>")
        else:
            self.check_label.setText("<b>Klaar om te bouwen.</b> Alles wat nodig is, is er en elke "
                                     "pagina zonder tekst is bekeken.")

    # --- actions -------------------------------------------------------------------------

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Bundel opslaan als", self.out.text(),
                                              "PDF-bestanden (*.pdf)")
        if name:
            if not name.lower().endswith(".pdf"):
                name += ".pdf"
            self.out.setText(name)
            self.force = True  # the dialog already asked before replacing a file
            settings.remember_folder(Path(name).parent, self.state.case)

    def start_build(self) -> None:
        out = Path(self.out.text().strip())
        if not self.out.text().strip():
            show_message(self.error, "Kies eerst waar de bundel moet komen (knop Kiezen).")
            return
        if out.exists() and not self.force:
            if not self.ask_replace(self, out):
                show_message(self.error, f"De bundel is niet gemaakt: er staat al een bestand "
                                         f"{out.name}. Kies met Kiezen… een andere naam, of klik "
                                         "opnieuw op Bundel maken en kies Ja om het te vervangen.")
                return
            self.force = True  # asked for this name: not again until the name changes
        case = self.state.case
        options = BuildOptions(concept=self.concept.isChecked(), force=self.force,
                               password=self.state.password, beside_window=True)
        protected = self.protect.isChecked()
        if protected:
            try:  # before the password, so a name that is taken is told first
                check_output(out, force=self.force)
            except DossierError as exc:
                show_message(self.error, exc.message)
                return
            password = self.ask_secret(self, BUNDEL_WACHTWOORD)
            if password is None:
                show_message(self.error, "Er is geen wachtwoord gekozen, dus de bundel is niet "
                                         "gemaakt. Klik opnieuw op Bundel maken, of zet het vinkje "
                                         "bij Bundel beveiligen uit.")
                return

            def job(ctx: JobContext) -> BuildResult:
                return build_protected_bundle(case, out, options, password, progress=ctx.progress,
                                              cancelled=ctx.cancelled, workers=self.workers)
        else:
            def job(ctx: JobContext) -> BuildResult:
                return build_bundle(case, out, options, progress=ctx.progress,
                                    cancelled=ctx.cancelled, workers=self.workers)

        self.protected = protected

        show_message(self.error, "")
        show_message(self.done_label, "")
        show_message(self.verdict, "")
        self.result = None
        for b in (self.open_bundle, self.open_folder):
            b.setVisible(False)
        self.report.clear()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.step.setText("Bezig met voorbereiden…")
        self.idle.stop()
        self.handle = self.runner.start(job, on_done=self._done, on_error=self._failed,
                                        on_progress=self._progress)
        self.cancel_button.setEnabled(True)
        self.refresh()

    def cancel(self) -> None:
        if self.handle is not None and self.handle.running:  # (mypy: the handle is there)
            self.handle.cancel()
            self.step.setText("Afbreken… (de huidige stap wordt nog afgemaakt)")
            self.cancel_button.setEnabled(False)

    def _progress(self, label: str, done: int, total: int) -> None:
        self.step.setText(label)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def close_workers(self) -> None:
        """When the window closes (after the runner's jobs have ended)."""
        self.idle.stop()
        self.workers.close()

    def _finish(self) -> None:
        self.idle.start()
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.refresh()

    def _done(self, result: BuildResult) -> None:
        self.result = result
        self._finish()
        self.step.setText("")
        if self.protected:
            text = (f"De bundel is gemaakt en beveiligd met een wachtwoord (AES-256): "
                    f"{result.out.name} ({result.paginas} pagina's). Alleen de beveiligde bundel is "
                    "weggeschreven. Stuur het wachtwoord apart naar de ontvanger, bijvoorbeeld "
                    "telefonisch of per sms, en nooit in dezelfde e-mail als de bundel. "
                    "Tafeldossier heeft het wachtwoord niet bewaard.")
        else:
            text = (f"De bundel is gemaakt: {result.out.name} ({result.paginas} pagina's). Upload "
                    "hem zelf in Onderwijs Transparant.")
        show_message(self.done_label, text, "ok")
        oordeel = loket_oordeel(result.verify)
        self.verdict.setStyleSheet(f"color: {KLEUREN['ok' if oordeel.ok else 'fout']}; font-weight: bold;")
        show_message(self.verdict, "\n".join([oordeel.kop, *oordeel.regels]))
        for b in (self.open_bundle, self.open_folder):
            b.setVisible(True)
        lines = report_text(result.verify)
        if result.niet_gecontroleerd:
            lines += ["", "Pagina's zonder tekst (door u bekeken):"]
            lines += [f"  - {x}" for x in result.niet_gecontroleerd]
        self.report.setPlainText("\n".join(lines))

    def _failed(self, message: str, cancelled: bool) -> None:
        self._finish()
        self.step.setText("Afgebroken." if cancelled else "")
        show_message(self.error, message)

    def _open(self, path: Path | None) -> None:
        if path is not None:
            show_message(self.error, open_in_system(path))


def _link_to(item: Schermtekst) -> str:
    return f" <a href='stap:{item.stap}'>{item.knop}</a>" if item.knop else ""


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


