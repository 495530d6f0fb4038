"""The loket's window: open (or drop) a received bundle, see the verify report, look at the
pages it points to, and save the report as a PDF for the school."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier_app.bundle.verify import VerifyReport, needs_password, verify_bundle
from dossier_app.taal import n_paginas, paginas
from dossier_app.ui import settings
from dossier_app.ui.jobs import JobContext, JobRunner
from dossier_app.ui.onderdelen_page import paths_from_mime
from dossier_app.ui.report_pdf import STATUS, opmerkingen, verdict, write_report_pdf
from dossier_app.ui.review_page import CATEGORIE, PageCanvas
from dossier_app.ui.widgets import KLEUREN, heading, hint, message_label, place_window, show_message

ROOD, GROEN, ORANJE = QColor(KLEUREN["fout"]), QColor(KLEUREN["ok"]), QColor(KLEUREN["let-op"])


def ask_password(parent: QWidget, bestand: str) -> str | None:
    """The bundle's password (build --wachtwoord), or None when the user cancels."""
    value, ok = QInputDialog.getText(
        parent, "Wachtwoord van de bundel",
        f"{bestand} is met een wachtwoord beveiligd. Typ het wachtwoord dat u van de school hebt "
        "gekregen (via een ander kanaal dan de bundel):", QLineEdit.EchoMode.Password)
    return value if ok and value else None


class LoketWindow(QMainWindow):
    def __init__(self, runner: JobRunner | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Tafeldossier – bundel controleren")
        self.setAcceptDrops(True)
        self.runner = runner or JobRunner(self)
        self.report: VerifyReport | None = None
        self.path: Path | None = None
        self.password: str | None = None  # for a protected bundle; kept only while it is shown
        self.pdf = QPdfDocument(self)
        self.inboxes: list[QMainWindow] = []
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addWidget(heading("Bundel controleren"))
        lay.addWidget(hint("Open een ontvangen bundel of sleep hem in dit venster. Tafeldossier "
                           "controleert of hij compleet is, ongewijzigd sinds het maken, zonder "
                           "verborgen inhoud, en zoekt naar persoonsgegevens."))
        row = QHBoxLayout()
        self.open_button = QPushButton("Bundel &openen…")
        self.open_button.clicked.connect(self.choose)
        self.export_button = QPushButton("Rapport opslaan als &PDF…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export)
        self.folder_button = QPushButton("&Map met bundels openen…")
        self.folder_button.clicked.connect(lambda _checked=False: self.open_inbox())
        row.addWidget(self.open_button)
        row.addWidget(self.folder_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.verdict = QLabel("Nog geen bundel geopend.")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Uitslag")
        lay.addWidget(self.verdict)
        self.error = message_label()
        lay.addWidget(self.error)
        split = QSplitter()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Controle", "Uitslag"])
        self.tree.setColumnWidth(0, 330)
        self.tree.setAccessibleName("Controlerapport")
        self.tree.currentItemChanged.connect(self._item_selected)
        split.addWidget(self.tree)
        split.addWidget(self._preview())
        split.setSizes([620, 420])
        lay.addWidget(split, 1)
        self.setCentralWidget(body)
        place_window(self, "loket")

    def _preview(self) -> QWidget:
        preview = QWidget()
        pv = QVBoxLayout(preview)
        self.page_spin = QSpinBox()
        self.page_spin.setPrefix("Pagina ")
        self.page_spin.setMinimum(1)
        self.page_spin.setAccessibleName("Paginanummer in de bundel")
        self.page_spin.valueChanged.connect(lambda _v: self._show_page())
        pv.addWidget(self.page_spin, alignment=Qt.AlignmentFlag.AlignLeft)
        self.canvas = PageCanvas()
        pv.addWidget(self.canvas, 1)
        return preview

    # --- opening ---------------------------------------------------------------------------

    def open_inbox(self, folder: Path | None = None) -> QMainWindow:
        """Every bundle in a folder in one table; a double-click shows it here."""
        from dossier_app.ui.inbox import InboxWindow

        def show(path: Path) -> None:
            self.open_bundle(path)
            self.raise_()
            self.activateWindow()

        window = InboxWindow(self.runner, None, open_bundle=show)
        self.inboxes.append(window)
        window.show()
        if folder is not None:
            window.open_folder(folder)
        else:
            window.choose()
        return window

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Bundel openen", str(settings.last_folder()),
                                              "PDF-bestanden (*.pdf);;Alle bestanden (*)")
        if name:
            settings.remember_folder(Path(name).parent, None)
            self.open_bundle(Path(name))

    def open_bundle(self, path: Path) -> None:
        self.path = path
        self.report = None
        self.password = None
        self.export_button.setEnabled(False)
        self.tree.clear()
        show_message(self.error, "")
        if needs_password(path):
            self.password = ask_password(self, path.name)
            if self.password is None:
                self.verdict.setText("Niet gecontroleerd: de bundel is met een wachtwoord beveiligd.")
                return
        self.verdict.setText(f"{path.name} wordt gecontroleerd…")
        password = self.password

        def job(_ctx: JobContext) -> VerifyReport:
            return verify_bundle(path, bestand=path.name, password=password)

        self.runner.start(job, on_done=self._show_report, on_error=self._failed)

    def _failed(self, message: str, _cancelled: bool) -> None:
        self.verdict.setText("De controle kon niet worden uitgevoerd.")
        show_message(self.error, message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = paths_from_mime(event)
        if paths:
            event.acceptProposedAction()
            self.open_bundle(paths[0])

    # --- showing ---------------------------------------------------------------------------

    def _show_report(self, report: VerifyReport) -> None:
        self.report = report
        self.export_button.setEnabled(True)
        self.verdict.setText(f"<b>{verdict(report)}</b>")
        kleur = (ORANJE if opmerkingen(report) else GROEN) if report.ok else ROOD
        self.verdict.setStyleSheet(f"color: {kleur.name()};")
        self._fill_tree(report)
        self.pdf.close()
        self.pdf.setPassword(self.password or "")
        if self.path is not None:
            self.pdf.load(str(self.path))
        self.page_spin.setMaximum(max(1, self.pdf.pageCount()))
        self._show_page()

    def _section(self, title: str, ok: bool, summary: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title, summary])
        item.setForeground(1, GROEN if ok else ROOD)
        item.setExpanded(not ok)
        return item

    def _child(self, parent: QTreeWidgetItem, text: str, value: str = "", page: int | None = None,
               bad: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text, value])
        if bad:
            item.setForeground(1, ROOD)
        if page:
            item.setData(0, Qt.ItemDataRole.UserRole, page)
        return item

    def _fill_tree(self, r: VerifyReport) -> None:
        self.tree.clear()
        compleet = self._section("Volledigheid", r.compleet, "compleet" if r.compleet else "NIET COMPLEET")
        for o in r.onderdelen:
            shown = o.pagina_van and o.status == "aanwezig"
            pages = f", {paginas(o.pagina_van, o.pagina_tot)}" if shown else ""
            self._child(compleet, o.naam, STATUS.get(o.status, o.status) + pages, o.pagina_van or None,
                        bad=o.status == "ontbreekt")
        compleet.setExpanded(True)
        intact = self._section("Ongewijzigd sinds het maken (controle per pagina)", r.intact,
                               "ja" if r.intact else "NEE")
        for w in r.wijzigingen:
            self._child(intact, f"Pagina {w.pagina}", w.soort, w.pagina, bad=True)
        for m in r.opbouw:  # the file's layout, or footers against the manifest
            self._child(intact, m.tekst, m.niveau, m.pagina, bad=True)
        hidden = self._section("Verborgen inhoud", r.schoon, "geen" if r.schoon else "GEVONDEN")
        for m in r.verborgen:
            self._child(hidden, m.tekst, m.niveau, m.pagina, bad=m.niveau == "fout")
        echte = [p for p in r.persoonsgegevens if not p.review]
        personal = self._section("Mogelijke persoonsgegevens", not echte,
                                 f"{len(echte)} gevonden" if echte else "geen gevonden")
        for p in r.persoonsgegevens:
            soort = CATEGORIE.get(p.categorie, p.categorie)
            label = "naam ter controle" if p.review else soort
            self._child(personal, f"Pagina {p.pagina}: “{p.context}”", label, p.pagina, bad=not p.review)
        if r.niet_gecontroleerd:
            scans = self._section("Pagina's zonder tekst (zelf bekijken)", True,
                                  n_paginas(len(r.niet_gecontroleerd)))
            for n in r.niet_gecontroleerd:
                self._child(scans, f"Pagina {n}", "bekijk zelf", n)
        if r.termijn is not None and r.termijn.status != "geen":
            t = r.termijn
            staat = {"voor": "vroeg", "binnen": "binnen de termijn", "na": "termijn voorbij"}[t.status]
            self._section("Termijn", t.status == "binnen", f"week {t.week}: {staat}")
        notes = self._section("Alle meldingen", r.ok, f"{len(r.meldingen)}")
        for m in r.meldingen:
            self._child(notes, m.tekst, m.niveau, m.pagina, bad=m.niveau == "fout")

    def _item_selected(self, item: QTreeWidgetItem | None, _old: QTreeWidgetItem | None) -> None:
        page = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if isinstance(page, int) and page > 0:
            self.page_spin.setValue(page)

    def _show_page(self) -> None:
        if self.pdf.pageCount() <= 0:
            self.canvas.set_page(None, QSize(595, 842), [])
            return
        index = self.page_spin.value() - 1
        size = self.pdf.pagePointSize(index)
        points = QSize(round(size.width()), round(size.height()))
        scale = max(1.0, 1000 * (self.devicePixelRatioF() or 1.0) / max(points.height(), 1))
        image = self.pdf.render(index, QSize(round(points.width() * scale), round(points.height() * scale)))
        self.canvas.set_page(image, points, [])

    # --- export ----------------------------------------------------------------------------

    def choose_export(self) -> None:
        if self.report is None:
            return
        start = settings.last_folder() / f"controle-{self.report.manifest['casus']['ot_nummer']}.pdf"
        name, _ = QFileDialog.getSaveFileName(self, "Rapport opslaan als PDF", str(start),
                                              "PDF-bestanden (*.pdf)")
        if name:
            self.export(Path(name if name.lower().endswith(".pdf") else name + ".pdf"))

    def export(self, out: Path) -> None:
        if self.report is not None:
            write_report_pdf(self.report, out)
            self.statusBar().showMessage(f"Rapport opgeslagen: {out.name}", 5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings.save_geometry("loket", self.saveGeometry())
        for window in self.inboxes:
            window.close()
        self.pdf.close()
        event.accept()
