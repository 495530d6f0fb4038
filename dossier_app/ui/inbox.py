"""The loket's inbox window: every bundle in a folder in one table, checked in the
background, sortable and filterable, exported for the loket's own registration.

Rows arrive from the worker through a queue that a timer drains in small batches, so the
window stays responsive while a folder of hundreds of bundles is checked. The folder is
watched while the window is open: a bundle saved into it is checked and appears.
"""

from __future__ import annotations

import queue
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QFileSystemWatcher,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QCloseEvent, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dossier_app.bundle.inbox import HEADERS, InboxCache, InboxRow, check_folder, write_csv, write_xlsx
from dossier_app.taal import aantal
from dossier_app.ui import settings
from dossier_app.ui.jobs import JobContext, JobHandle, JobRunner
from dossier_app.ui.widgets import heading, hint, message_label, place_window, show_message

ROWS_PER_TICK = 20  # rows added to the table per timer tick: well under 100 ms
GROEN, ROOD, GRIJS = QColor("#1b6e20"), QColor("#b00020"), QColor("#555555")
FILTERS = ("Alle bundels", "Niet in orde", "In orde")


class _Filter(QSortFilterProxyModel):
    """Text in any column, and the status choice."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 0
        self.text = ""

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        first = model.index(row, 0, parent)
        ok = bool(model.data(first, Qt.ItemDataRole.UserRole + 1))
        if (self.status == 1 and ok) or (self.status == 2 and not ok):
            return False
        if not self.text:
            return True
        needle = self.text.lower()
        return any(needle in str(model.data(model.index(row, c, parent)) or "").lower()
                   for c in range(model.columnCount()))


class InboxWindow(QMainWindow):
    def __init__(self, runner: JobRunner, folder: Path | None = None, open_bundle=None) -> None:
        super().__init__()
        self.setWindowTitle("Tafeldossier – ontvangen bundels")
        self.runner = runner
        self.open_bundle = open_bundle  # path -> shows that bundle's full report
        self.folder: Path | None = None
        self.rows: dict[str, InboxRow] = {}
        self.job: JobHandle | None = None
        self.incoming: queue.SimpleQueue[InboxRow] = queue.SimpleQueue()
        self.checks = 0  # bundles checked (not answered by the cache) since the window opened
        self._run_done = 0
        self._again = False
        self._build()
        self.drain = QTimer(self)
        self.drain.setInterval(50)
        self.drain.timeout.connect(self._drain)
        self.settle = QTimer(self)  # a file being saved changes the folder several times
        self.settle.setSingleShot(True)
        self.settle.setInterval(1500)
        self.settle.timeout.connect(self.check)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self.settle.start())
        place_window(self, "inbox")
        if folder is not None:
            self.open_folder(folder)

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addWidget(heading("Ontvangen bundels"))
        lay.addWidget(hint("Elke PDF in de map wordt gecontroleerd zoals bij één bundel. Dubbelklik "
                           "op een regel voor het volledige rapport. Nieuwe bundels in de map verschijnen "
                           "vanzelf; een gewijzigd bestand wordt opnieuw gecontroleerd."))
        row = QHBoxLayout()
        self.folder_label = QLabel("Nog geen map gekozen.")
        self.folder_label.setWordWrap(True)
        choose = QPushButton("&Map kiezen…")
        choose.clicked.connect(self.choose)
        self.recursive = QCheckBox("Ook sub&mappen")
        self.recursive.toggled.connect(lambda _on: self.check())
        self.again = QPushButton("&Opnieuw controleren")
        self.again.clicked.connect(self.check)
        self.export_button = QPushButton("&Exporteren…")
        self.export_button.clicked.connect(self.choose_export)
        for w in (choose, self.recursive, self.again, self.export_button):
            row.addWidget(w)
        row.addWidget(self.folder_label, 1)
        lay.addLayout(row)
        lay.addLayout(self._filter_row())
        progress = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Stoppen")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.summary = QLabel("")
        self.summary.setAccessibleName("Samenvatting")
        progress.addWidget(self.summary, 1)
        progress.addWidget(self.progress)
        progress.addWidget(self.cancel_button)
        lay.addLayout(progress)
        self.error = message_label()
        lay.addWidget(self.error)
        lay.addWidget(self._table(), 1)
        self.setCentralWidget(body)

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Zoeken, bijvoorbeeld een OT-nummer of een tafel")
        self.search.setAccessibleName("Zoeken in de tabel")
        self.search.textChanged.connect(self._filter_changed)
        self.status_filter = QComboBox()
        self.status_filter.addItems(FILTERS)
        self.status_filter.setAccessibleName("Welke bundels tonen")
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        row.addWidget(self.search, 1)
        row.addWidget(self.status_filter)
        return row

    def _table(self) -> QTableView:
        self.model = QStandardItemModel(0, len(HEADERS))
        self.model.setHorizontalHeaderLabels(list(HEADERS.values()))
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAccessibleName("Ontvangen bundels")
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self._open_row)
        # the whole reason is the verdict's tooltip on screen, a column of its own in the export
        self.view.setColumnHidden(list(HEADERS).index("reden"), True)
        return self.view

    # --- checking ------------------------------------------------------------------------

    def choose(self) -> None:
        start = str(self.folder or settings.last_folder())
        chosen = QFileDialog.getExistingDirectory(self, "Map met ontvangen bundels", start)
        if chosen:
            self.open_folder(Path(chosen))

    def open_folder(self, folder: Path) -> None:
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        self.folder = folder
        self.folder_label.setText(str(folder))
        self.rows.clear()
        self.model.removeRows(0, self.model.rowCount())
        self.watcher.addPath(str(folder))
        self.check()

    def check(self) -> None:
        """Check the folder: the cache answers for files seen before, the rest is checked."""
        if self.folder is None:
            return
        if self.job is not None and self.job.running:
            self._again = True  # once this run ends
            return
        folder, recursive, out = self.folder, self.recursive.isChecked(), self.incoming
        show_message(self.error, "")
        self._run_done = 0

        def job(ctx: JobContext) -> list[InboxRow]:
            return check_folder(folder, recursive=recursive, cache=InboxCache(), progress=ctx.progress,
                                cancelled=ctx.cancelled, on_row=out.put)

        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.drain.start()
        self.job = self.runner.start(job, on_done=self._done, on_error=self._failed,
                                     on_progress=self._progress)

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.summary.setText("Stoppen… (de bundels die al bezig zijn worden afgemaakt)")

    def _progress(self, label: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.checks += done - self._run_done
        self._run_done = done
        self.summary.setText(label)

    def _done(self, rows: list[InboxRow]) -> None:
        self._drain(everything=True)
        present = {r.bestand for r in rows}
        for name in [n for n in self.rows if n not in present]:  # removed from the folder
            self._remove(name)
        self._finish()
        if self._again:
            self._again = False
            self.check()

    def _failed(self, message: str, cancelled: bool) -> None:
        self._drain(everything=True)
        self._finish()
        if not cancelled:
            show_message(self.error, message)

    def _finish(self) -> None:
        self.drain.stop()
        self._fit_columns()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._summarise()

    def _summarise(self) -> None:
        rows = list(self.rows.values())
        bad = sum(1 for r in rows if not r.ok)
        self.summary.setText(f"{aantal(len(rows), 'bestand', 'bestanden')}: "
                             f"{len(rows) - bad} in orde, {bad} niet in orde." if rows else
                             "Geen PDF-bestanden in deze map.")

    # --- the table -----------------------------------------------------------------------

    def _drain(self, everything: bool = False) -> None:
        for _ in range(10**9 if everything else ROWS_PER_TICK):
            try:
                row = self.incoming.get_nowait()
            except queue.Empty:
                return
            self._put(row)

    def _put(self, row: InboxRow) -> None:
        earlier = self.rows.get(row.bestand)
        if earlier is not None:
            if earlier.opnieuw and earlier.sha256 == row.sha256:
                row = replace(row, opnieuw=True)  # stays marked while the window is open
            self._remove(row.bestand)
        self.rows[row.bestand] = row
        values = [getattr(row, key) for key in HEADERS]
        if not row.bundel:
            values[list(HEADERS).index("paginas")] = ""
        kleur = GROEN if row.ok else ROOD if row.bundel else GRIJS
        items = []
        for key, value in zip(HEADERS, values, strict=True):
            text = str(value)
            if key == "bestand" and row.opnieuw:
                text += " (gewijzigd, opnieuw gecontroleerd)"
            item = QStandardItem(text)
            item.setData(_sort_key(key, value), Qt.ItemDataRole.UserRole)
            item.setToolTip(row.reden if key == "uitslag" and row.reden else str(value))
            if key == "uitslag":
                item.setForeground(kleur)
            items.append(item)
        items[0].setData(row.ok, Qt.ItemDataRole.UserRole + 1)
        items[0].setData(row.bestand, Qt.ItemDataRole.UserRole + 2)
        self.model.appendRow(items)

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        for c in range(self.model.columnCount() - 2):  # the verdict takes the rest (full text as tip)
            self.view.resizeColumnToContents(c)
            header.resizeSection(c, min(header.sectionSize(c), 260))

    def _remove(self, name: str) -> None:
        self.rows.pop(name, None)
        for r in range(self.model.rowCount()):
            if self.model.item(r, 0).data(Qt.ItemDataRole.UserRole + 2) == name:
                self.model.removeRow(r)
                return

    def _filter_changed(self) -> None:
        self.proxy.beginFilterChange()
        self.proxy.text = self.search.text().strip()
        self.proxy.status = self.status_filter.currentIndex()
        self.proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def shown_rows(self) -> list[list[str]]:
        """The table as shown (filtered and sorted), for tests and the export."""
        return [[str(self.proxy.index(r, c).data() or "") for c in range(self.proxy.columnCount())]
                for r in range(self.proxy.rowCount())]

    def _open_row(self, index: QModelIndex) -> None:
        name = self.proxy.index(index.row(), 0).data(Qt.ItemDataRole.UserRole + 2)
        if self.folder is not None and name and self.open_bundle is not None:
            self.open_bundle(self.folder / str(name))

    # --- export --------------------------------------------------------------------------

    def choose_export(self) -> None:
        if not self.rows:
            show_message(self.error, "Er is nog niets om te exporteren: kies eerst een map met bundels.")
            return
        start = str((self.folder or settings.last_folder()) / "bundels.xlsx")
        name, _chosen = QFileDialog.getSaveFileName(self, "Tabel exporteren", start,
                                                   "Excel-bestand (*.xlsx);;CSV voor Excel (*.csv)")
        if name:
            self.export(Path(name))

    def export(self, out: Path) -> None:
        """The whole table (not only the filtered rows), as XLSX or CSV by the name's ending."""
        rows = [self.rows[k] for k in sorted(self.rows)]
        try:
            if out.suffix.lower() == ".csv":
                write_csv(rows, out)
            else:
                write_xlsx(rows, out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx"))
        except OSError as exc:
            show_message(self.error, f"Exporteren lukt niet ({exc.strerror}). Kies een andere map of "
                                     "sluit het bestand als het in Excel openstaat.")
            return
        show_message(self.error, "")
        self.summary.setText(f"Geëxporteerd naar {out.name}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        settings.save_geometry("inbox", self.saveGeometry())
        if self.job is not None and self.job.running:
            self.job.cancel()
        self.drain.stop()
        super().closeEvent(event)


def _sort_key(key: str, value: object) -> object:
    """Dates sort by date, page counts by number."""
    if key in ("aanmelddatum", "ontvangen") and isinstance(value, str) and value.count("-") == 2:
        d, m, y = value.split("-")
        return f"{y}{m}{d}"
    return value
