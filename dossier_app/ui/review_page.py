"""Step 6, Controleren: every document as it will be in the bundle.

Each document goes through the core's pipeline (`process_document`) in the worker; the
result is kept in memory only and shown with QtPdf, black boxes included. The user
handles the findings of the flagger (redact everywhere, or leave as is), draws boxes on
pages without text, and confirms every such page. The build waits for that.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import as_completed
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QModelIndex,
    QObject,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtPdf import QPdfDocument, QPdfLink, QPdfSearchModel
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.bundle.cache import DocumentCache
from dossier_app.case_model import Case, Document, Lakvlak
from dossier_app.documents import workers as doc_workers
from dossier_app.documents.pipeline import PipelineOptions, ProcessedDocument, process_document
from dossier_app.errors import DossierError
from dossier_app.processes import parallel_workers, spawn_pool
from dossier_app.store.keys import get_or_create_key
from dossier_app.store.memo import CHECKS_MEMO, Memo
from dossier_app.store.workdir import private_workdir
from dossier_app.ui.jobs import JobContext, JobHandle, JobRunner
from dossier_app.ui.state import CaseState, Review, prepare_options
from dossier_app.ui.widgets import Page, heading, hint, message_label, show_message

AUTO_PREPARE_MS = 1000
ZOOM_STEP, ZOOM_MIN, ZOOM_MAX = 1.25, 0.4, 4.0
CATEGORIE = {"bsn": "BSN", "iban": "rekeningnummer", "telefoon": "telefoonnummer", "email": "e-mailadres",
             "postcode": "postcode", "datum": "datum", "adres": "adres", "naam": "naam"}


@dataclass
class Prepared:
    document: Document
    review: Review | None
    message: str = ""


def prepare_job(case: Case, docs: list[Document], passwords: dict[str, str],
                keys: dict[str, str] | None = None):
    """Run the core's pipeline over the documents; one failure does not stop the others.
    `keys`: each document's preparation key, taken when the job was started (the case may
    change meanwhile; then the result is stale at once and is prepared again).

    Several documents go to spawned worker processes (one per core, as the build does):
    the work then holds no lock the window needs, and two cores do it in about half the
    time. One document, or no workers to be had: here, one after the other.

    Each prepared document also goes into the encrypted document cache (when the keyring
    allows one) under the key a build looks it up by: Bouwen after Alles voorbereiden then
    converts and redacts nothing again (the cached PDF is the same whether or not the
    flagger and the gate looked at it; the build's own checks run over the whole bundle).
    What each document's gate had Tesseract read in its scans goes into the checks' memo:
    the build's gate reads the same pixels beneath the footer stamp and finds the answer
    there instead of reading the scans again."""
    keys = keys or {}

    def remember(cache: DocumentCache | None, ids: IdentifierSet, doc: Document,
                 p: ProcessedDocument) -> None:
        if cache is not None:
            with contextlib.suppress(OSError):  # only a later build's head start
                cache.put(cache.key_for(doc, ids, options_for(doc)), p)

    def review_of(doc: Document, p: ProcessedDocument) -> Review:
        return Review(pdf=p.pdf.read_bytes(), paginas=p.paginas,
                      niet_gecontroleerd=list(p.niet_gecontroleerd), bevindingen=list(p.bevindingen),
                      vlakken={k: len(v) for k, v in p.vlakken.items()},
                      meldingen=list(p.meldingen), key=keys.get(str(doc.pad), ""))

    def options_for(doc: Document, memo: Memo | None = None) -> PipelineOptions:
        return replace(prepare_options(case, passwords.get(str(doc.pad))), memo=memo)

    def serial(ctx: JobContext, cache: DocumentCache | None, ids: IdentifierSet,
               memo: Memo | None) -> list[Prepared]:
        out = []
        for n, doc in enumerate(docs, start=1):
            if ctx.cancelled():
                break
            ctx.progress(f"Document {n} van {len(docs)} voorbereiden", n - 1, len(docs))
            try:
                with private_workdir() as workdir:
                    processed = process_document(doc, ids, workdir, options_for(doc, memo))
                    remember(cache, ids, doc, processed)
                    out.append(Prepared(doc, review_of(doc, processed)))
            except DossierError as exc:
                out.append(Prepared(doc, None, exc.message))
        return out

    def job(ctx: JobContext) -> list[Prepared]:
        # Here, in the job's thread: asking the keyring and compiling the identifiers would
        # otherwise keep the window waiting when the job is started.
        key = get_or_create_key("document-cache")  # asked once for both
        cache = DocumentCache.open_default(key) if key else None
        memo = Memo.open_default(CHECKS_MEMO, key) if key else None  # what Tesseract read, for Bouwen
        ids = identifiers_for_case(case)
        workers = parallel_workers(len(docs))
        pool = (spawn_pool(workers, initializer=doc_workers.init, initargs=(case, False))
                if workers > 1 else None)
        if pool is None:
            return serial(ctx, cache, ids, memo)
        done: dict[int, Prepared] = {}
        with private_workdir() as workdir, pool:
            futures = {pool.submit(doc_workers.process, doc, str(workdir), options_for(doc, memo)): i
                       for i, doc in enumerate(docs)}
            ctx.progress(f"0 van {len(docs)} documenten voorbereid", 0, len(docs))
            for future in as_completed(futures):
                i = futures[future]
                try:
                    processed = future.result()
                    remember(cache, ids, docs[i], processed)
                    done[i] = Prepared(docs[i], review_of(docs[i], processed))
                except DossierError as exc:
                    done[i] = Prepared(docs[i], None, exc.message)
                ctx.progress(f"{len(done)} van {len(docs)} documenten voorbereid", len(done), len(docs))
                if ctx.cancelled():
                    pool.shutdown(wait=True, cancel_futures=True)
                    break
        return [done[i] for i in sorted(done)]
    return job


def _carry_over(old: Review | None, new: Review) -> None:
    """A document prepared again (a region, a term, a name changed) keeps what the user
    already looked at when its pages are the same pages: redaction only adds black."""
    if old is not None and old.paginas == new.paginas:
        new.bekeken |= old.bekeken & set(new.niet_gecontroleerd)
        new.getoond |= old.getoond


def documenten(n: int) -> str:
    return f"{n} document" if n == 1 else f"{n} documenten"


def paginas(n: int) -> str:
    return f"{n} pagina" if n == 1 else f"{n} pagina's"


class PageCanvas(QWidget):
    """One rendered page; in drawing mode a drag makes a rectangle, reported in PDF points
    from the top left of the page as shown (the unit of [[documenten.lakken]])."""

    rectangle_drawn = Signal(QRectF)

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.points = QSize(595, 842)
        self.marks: list[QRectF] = []  # in points
        self.highlights: list[QRectF] = []  # the selected finding, in points
        self.drawing = False
        self._start: QPointF | None = None
        self._current: QPointF | None = None
        self.setMinimumSize(320, 420)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Voorbeeld van de pagina zoals in de bundel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_page(self, image: QImage | None, points: QSize, marks: list[QRectF]) -> None:
        self.image, self.points, self.marks = image, points, marks
        self.highlights = []
        self.update()

    def set_highlights(self, rects: list[QRectF]) -> None:
        self.highlights = rects
        self.update()

    def _target(self) -> QRectF:
        if self.points.width() <= 0 or self.points.height() <= 0:
            return QRectF(self.rect())
        scale = min(self.width() / self.points.width(), self.height() / self.points.height())
        w, h = self.points.width() * scale, self.points.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def _to_points(self, p: QPointF) -> QPointF:
        t = self._target()
        x = (p.x() - t.left()) / t.width() * self.points.width()
        y = (p.y() - t.top()) / t.height() * self.points.height()
        return QPointF(min(max(x, 0), self.points.width()), min(max(y, 0), self.points.height()))

    def _to_widget(self, r: QRectF) -> QRectF:
        t = self._target()
        sx, sy = t.width() / self.points.width(), t.height() / self.points.height()
        return QRectF(t.left() + r.x() * sx, t.top() + r.y() * sy, r.width() * sx, r.height() * sy)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#d0d0d0"))
        target = self._target()
        if self.image is not None:
            painter.fillRect(target, Qt.GlobalColor.white)  # a page without a fill of its own is paper
            painter.drawImage(target, self.image)
        else:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nog geen voorbeeld")
        painter.setPen(QPen(QColor("#d50000"), 2))
        for r in self.marks:
            painter.drawRect(self._to_widget(r))
        painter.setPen(QPen(QColor("#e65100"), 3))
        for r in self.highlights:  # the finding selected in the list
            box = self._to_widget(r).adjusted(-3, -3, 3, 3)
            painter.fillRect(box, QColor(255, 213, 0, 90))
            painter.drawRect(box)
        if self._start is not None and self._current is not None:
            painter.setPen(QPen(QColor("#1565c0"), 2, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(self._start, self._current).normalized())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.drawing and self.image is not None:
            self._start = self._current = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._current = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        a, b = self._to_points(self._start), self._to_points(event.position())
        self._start = self._current = None
        rect = QRectF(a, b).normalized()
        self.update()
        if rect.width() >= 3 and rect.height() >= 3:
            self.rectangle_drawn.emit(rect)


class ReviewPage(Page):
    canvas: PageCanvas  # made in _splitter, after the checkbox whose slot uses it
    title = "Anonimiseren controleren"
    intro = ("Zo komen de stukken in de bundel: zwarte vlakken zijn verwijderde gegevens. Kies "
             "'Alles voorbereiden', bekijk daarna elk document. Pagina's zonder tekst (scans) kan "
             "Tafeldossier niet doorzoeken: bekijk ze zelf en teken een vak over wat weg moet.")

    def __init__(self, state: CaseState, runner: JobRunner) -> None:
        super().__init__()
        self.state = state
        self.runner = runner
        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.current: Document | None = None
        self.ask_term = self._ask_term
        top = QHBoxLayout()
        self.prepare_all = QPushButton("&Alles voorbereiden")
        self.prepare_all.clicked.connect(lambda: self.prepare(self.state.documents_in_bundle()))
        self.prepare_one = QPushButton("Dit document &opnieuw voorbereiden")
        self.prepare_one.clicked.connect(lambda: self.prepare([self.current] if self.current else []))
        self.progress = QLabel("")
        top.addWidget(self.prepare_all)
        top.addWidget(self.prepare_one)
        top.addWidget(self.progress, 1)
        self.body.addLayout(top)
        self.pending = QLabel()
        self.pending.setWordWrap(True)
        self.pending.setAccessibleName("Nog te bekijken")
        self.body.addWidget(self.pending)
        self.error = message_label()
        self.body.addWidget(self.error)
        self.body.addWidget(self._splitter(), 1)
        self.refresh_on(state.changed, self.refresh)
        self.refresh_on(state.review_changed, self.refresh)
        self.job: JobHandle | None = None
        self._highlights: dict[int, list[QRectF]] = {}  # page -> where the selected finding is
        self._shown_review: Review | None = None
        # A stale preparation is made again by itself, in the background, after a pause.
        self.auto = QTimer(self)
        self.auto.setSingleShot(True)
        self.auto.setInterval(AUTO_PREPARE_MS)
        self.auto.timeout.connect(self.prepare_stale)
        state.changed.connect(self._maybe_prepare_stale)
        state.review_changed.connect(self._maybe_prepare_stale)
        self.refresh()

    def _splitter(self) -> QSplitter:
        split = QSplitter()
        self.docs = QListWidget()
        self.docs.setWordWrap(True)
        self.docs.setAccessibleName("Documenten in de bundel")
        self.docs.currentRowChanged.connect(self._doc_selected)
        split.addWidget(self.docs)
        middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addLayout(self._page_bar())
        self.draw = QCheckBox("&Vak tekenen om te lakken (sleep met de muis over wat weg moet)")
        self.draw.setAccessibleName("Tekenmodus: sleep met de muis over wat weg moet")
        self.draw.toggled.connect(self._drawing)
        mid.addWidget(self.draw)
        self.canvas = PageCanvas()
        self.canvas.rectangle_drawn.connect(self.add_rectangle)
        self.view = QScrollArea()
        self.view.setWidget(self.canvas)
        self.view.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.view.setAccessibleName("Voorbeeld van de pagina")
        self.view.viewport().installEventFilter(self)
        mid.addWidget(self.view, 1)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(60)
        self._resize_timer.timeout.connect(self._show_page)
        split.addWidget(middle)
        split.addWidget(self._side())
        split.setSizes([220, 520, 320])
        split.setMinimumHeight(520)
        return split

    def _page_bar(self) -> QHBoxLayout:
        """Previous and next, the page number, and zoom (fit to width is the default)."""
        nav = QHBoxLayout()
        self.zoom = 1.0  # times the width that fits
        self.page_spin = QSpinBox()
        self.prev_page = QPushButton("< Vorige")
        self.prev_page.setAccessibleName("Vorige pagina")
        self.prev_page.clicked.connect(lambda: self.page_spin.setValue(self.page_spin.value() - 1))
        self.page_spin.setAccessibleName("Paginanummer")
        self.page_spin.setPrefix("Pagina ")
        self.page_spin.setMinimum(1)
        self.page_spin.valueChanged.connect(lambda _v: self._show_page())
        self.page_count = QLabel("")
        self.next_page = QPushButton("Volgende >")
        self.next_page.setAccessibleName("Volgende pagina")
        self.next_page.clicked.connect(lambda: self.page_spin.setValue(self.page_spin.value() + 1))
        self.zoom_out = QPushButton("−")
        self.zoom_out.setAccessibleName("Uitzoomen")
        self.zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / ZOOM_STEP))
        self.zoom_label = QLabel("")
        self.zoom_in = QPushButton("+")
        self.zoom_in.setAccessibleName("Inzoomen")
        self.zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * ZOOM_STEP))
        self.fit_width = QPushButton("Paginabreedte")
        self.fit_width.setAccessibleName("Pagina passend op de breedte")
        self.fit_width.clicked.connect(lambda: self.set_zoom(1.0))
        for button in (self.zoom_out, self.zoom_in):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("MM") + 16)
        widgets: list[QWidget] = [self.prev_page, self.page_spin, self.page_count, self.next_page]
        for w in widgets:
            nav.addWidget(w)
        nav.addStretch(1)
        widgets = [self.zoom_out, self.zoom_label, self.zoom_in, self.fit_width]
        for w in widgets:
            nav.addWidget(w)
        return nav

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, ZOOM_MIN), ZOOM_MAX)
        self._show_page()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._resize_timer.start()  # fit to the new width, once the resizing stops
        return super().eventFilter(watched, event)

    def _drawing(self, on: bool) -> None:
        self.canvas.drawing = on

    def _side(self) -> QWidget:
        side = QWidget()
        lay = QVBoxLayout(side)
        lay.addWidget(heading("Pagina's zonder tekst", 2))
        self.pages = QListWidget()
        self.pages.setAccessibleName("Pagina's zonder tekst")
        lay.addWidget(hint("Tekstherkenning lakt gedrukte gegevens die u invulde, maar leest geen "
                           "handschrift en geen slecht leesbare scans: bekijk deze pagina's altijd "
                           "zelf."))
        self.pages.itemActivated.connect(self._jump_to_page)
        self.pages.currentItemChanged.connect(lambda item, _old: self._jump_to_page(item))
        lay.addWidget(self.pages)
        self.seen = QPushButton("&Bekeken: geen persoonsgegevens")
        self.seen.setAccessibleName("Deze pagina is bekeken en bevat geen persoonsgegevens")
        self.seen.clicked.connect(self.confirm_page)
        lay.addWidget(self.seen)
        lay.addWidget(heading("Mogelijke persoonsgegevens", 2))
        lay.addWidget(hint("Gevonden, maar niet ingevuld bij Leerling en personen. 'Lakken' "
                           "verwijdert de tekst uit alle stukken; 'Laten staan' als het klopt "
                           "(bijv. de naam van een leerkracht)."))
        self.findings = QListWidget()
        self.findings.setAccessibleName("Mogelijke persoonsgegevens")
        self.findings.setWordWrap(True)
        self.findings.currentItemChanged.connect(lambda item, _old: self._show_finding(item))
        lay.addWidget(self.findings)
        row = QHBoxLayout()
        self.redact = QPushButton("&Lakken…")
        self.redact.clicked.connect(self.redact_finding)
        self.dismiss = QPushButton("Laten &staan")
        self.dismiss.clicked.connect(self.dismiss_finding)
        row.addWidget(self.redact)
        row.addWidget(self.dismiss)
        lay.addLayout(row)
        return side

    # --- preparing -----------------------------------------------------------------------

    def prepare(self, docs: list[Document]) -> None:
        if not docs:
            show_message(self.error, "Er zijn nog geen bestanden om voor te bereiden. Voeg ze toe bij "
                                     "Onderdelen.")
            return
        if self.job is not None and self.job.running:
            self.auto.start()  # again after this one
            return
        show_message(self.error, "")
        self.prepare_all.setEnabled(False)
        self.prepare_one.setEnabled(False)
        self.progress.setText("Bezig met voorbereiden…")
        keys = {str(d.pad): self.state.preparation_key(d) for d in docs}
        self.job = self.runner.start(prepare_job(self.state.case, docs, dict(self.state.passwords), keys),
                                     on_done=self._prepared, on_error=self._failed,
                                     on_progress=lambda label, _d, _t: self.progress.setText(label))

    def _maybe_prepare_stale(self) -> None:
        if any(self.state.review_for(d) is not None for d in self.state.documents_in_bundle()):
            self.auto.start()

    def prepare_stale(self) -> None:
        """Prepare again what was prepared with data the case no longer holds."""
        stale = self.state.stale_documents()
        if stale:
            self.prepare(stale)

    def _prepared(self, results: list[Prepared]) -> None:
        self._enable()
        problems = []
        for r in results:
            if r.review is not None:
                _carry_over(self.state.review_for(r.document), r.review)
                self.state.set_review(r.document, r.review)
            else:
                problems.append(f"{r.document.bestand}: {r.message}")
        self.progress.setText("Klaar." if not problems else "")
        show_message(self.error, "\n".join(problems))
        if self._in_sight():
            self.refresh()

    def _failed(self, message: str, _cancelled: bool) -> None:
        self._enable()
        self.progress.setText("")
        show_message(self.error, message)

    def _enable(self) -> None:
        self.prepare_all.setEnabled(True)
        self.prepare_one.setEnabled(True)

    # --- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        docs = self.state.documents_in_bundle()
        keep = self.current.pad if self.current else None
        self.docs.blockSignals(True)
        self.docs.clear()
        for doc in docs:
            self.docs.addItem(QListWidgetItem(f"{self._doc_label(doc)}\n{self._doc_status(doc)}"))
        row = next((i for i, d in enumerate(docs) if d.pad == keep), 0 if docs else -1)
        self.docs.setCurrentRow(row)
        self.docs.blockSignals(False)
        self._doc_selected(row)
        self.pending.setText(self._pending_summary(docs))

    def _pending_summary(self, docs: list[Document]) -> str:
        """One short line on what is left: counts per kind, the list itself is on the left."""
        if not docs:
            return ""
        nieuw = sum(1 for d in docs if self.state.review_for(d) is None)
        oud = sum(1 for d in docs if self.state.is_stale(d))
        open_pages = sum(len(self.state.open_pages(d)) for d in docs if not self.state.is_stale(d))
        parts = []
        if nieuw:
            parts.append(f"{documenten(nieuw)} nog niet voorbereid (kies 'Alles voorbereiden')")
        if oud:
            parts.append(f"{documenten(oud)} verouderd doordat gegevens zijn gewijzigd: "
                         f"{'wordt' if oud == 1 else 'worden'} opnieuw voorbereid, bekijk daarna opnieuw")
        if open_pages:
            parts.append(f"{paginas(open_pages)} zonder tekst nog bekijken")
        if parts:
            return "Nog te doen: " + "; ".join(parts) + "."
        unseen = [d for d in docs if (r := self.state.review_for(d)) is not None and r.niet_getoond]
        if unseen:
            return (f"Alles is voorbereid. {documenten(len(unseen))} nog niet helemaal bekeken: kijk "
                    "elke pagina na voordat u naar Bouwen gaat.")
        return "Alles is bekeken. U kunt naar Bouwen."

    def _doc_label(self, doc: Document) -> str:
        """The file's name and its onderdeel, not the path stored in the case file."""
        result = self.state.check
        naam = next((s.onderdeel.naam for s in (result.onderdelen if result else ())
                     if s.onderdeel.id == doc.onderdeel), doc.onderdeel)
        return f"{doc.pad.name} – {naam}"

    def _doc_status(self, doc: Document) -> str:
        review = self.state.review_for(doc)
        if review is None:
            return "nog niet voorbereid"
        if self.state.is_stale(doc):
            return "verouderd, wordt opnieuw voorbereid"
        open_pages = self.state.open_pages(doc)
        if open_pages:
            return f"{paginas(len(open_pages))} zonder tekst nog bekijken"
        if review.niet_getoond == review.paginas:
            return "nog niet bekeken"
        if review.niet_getoond:
            return f"{review.niet_getoond} van {paginas(review.paginas)} nog niet bekeken"
        return f"bekeken ({paginas(review.paginas)})"

    def _doc_selected(self, row: int) -> None:
        docs = self.state.documents_in_bundle()
        self.current = docs[row] if 0 <= row < len(docs) else None
        review = self.state.review_for(self.current) if self.current else None
        if review is not self._shown_review:
            self._load_pdf(review)
            self._shown_review = review
            self._highlights = {}
        self._fill_side(review)
        self._show_page()

    def _load_pdf(self, review: Review | None) -> None:
        self.pdf.close()
        if review is None:
            self.page_spin.setMaximum(1)
            self.page_count.setText("")
            return
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(review.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, self.pdf.pageCount()))
        self.page_spin.blockSignals(False)
        self.page_count.setText(f"van {self.pdf.pageCount()}")

    def _fill_side(self, review: Review | None) -> None:
        self.pages.blockSignals(True)
        self.findings.blockSignals(True)
        self.pages.clear()
        self.findings.clear()
        doc = self.current
        if review is not None and doc is not None:
            marked = {v.pagina for v in doc.lakken}
            for p in review.niet_gecontroleerd:
                staat = ("vak getekend" if p in marked else "bekeken" if p in review.bekeken
                         else "nog bekijken")
                item = QListWidgetItem(f"Pagina {p}: {staat}")
                item.setData(Qt.ItemDataRole.UserRole, p)
                self.pages.addItem(item)
            for i, f in enumerate(review.bevindingen):
                if i in review.afgehandeld:
                    continue
                soort = CATEGORIE.get(f.categorie, f.categorie)
                extra = ", professional?" if f.review else ""
                waarde = " ".join(str(getattr(f, "tekst", "") or f.context).split())
                item = QListWidgetItem(f"“{waarde}” – pagina {f.pagina} ({soort}{extra})")
                item.setToolTip(f"In de tekst: “{' '.join(str(f.context).split())}”")
                item.setData(Qt.ItemDataRole.UserRole, f.pagina)
                item.setData(Qt.ItemDataRole.UserRole + 1, i)
                self.findings.addItem(item)
        if self.pages.count() == 0:
            self.pages.addItem(QListWidgetItem("Geen: elke pagina is doorzocht." if review else
                                               "Eerst voorbereiden."))
        if self.findings.count() == 0:
            self.findings.addItem(QListWidgetItem("Niets gevonden." if review else "Eerst voorbereiden."))
        self.pages.blockSignals(False)
        self.findings.blockSignals(False)
        has_review = review is not None
        self.seen.setEnabled(has_review and bool(review and review.niet_gecontroleerd))
        self.redact.setEnabled(has_review and bool(review and review.bevindingen))
        self.dismiss.setEnabled(self.redact.isEnabled())
        self.draw.setEnabled(has_review)

    def _show_page(self) -> None:
        count = self.pdf.pageCount() if self.current is not None else 0
        self.prev_page.setEnabled(count > 0 and self.page_spin.value() > 1)
        self.next_page.setEnabled(count > 0 and self.page_spin.value() < count)
        if count <= 0:
            self.canvas.set_page(None, QSize(595, 842), [])
            self.canvas.setFixedSize(self.view.viewport().size())
            self.zoom_label.setText("")
            return
        index = self.page_spin.value() - 1
        size = self.pdf.pagePointSize(index)
        points = QSize(round(size.width()), round(size.height()))
        fit = max(self.view.viewport().width() - 2, 200) / max(points.width(), 1)  # pixels per point
        scale = fit * self.zoom
        shown = QSize(round(points.width() * scale), round(points.height() * scale))
        ratio = self.devicePixelRatioF() or 1.0
        image = self.pdf.render(index, QSize(round(shown.width() * ratio), round(shown.height() * ratio)))
        image.setDevicePixelRatio(ratio)
        assert self.current is not None
        marks = [QRectF(v.x, v.y, v.breedte, v.hoogte) for v in self.current.lakken
                 if v.pagina == index + 1]
        self.canvas.setFixedSize(shown)
        self.canvas.set_page(image, points, marks)
        marked = self._highlights.get(index + 1, [])
        self.canvas.set_highlights(marked)
        if marked:
            spot = self.canvas._to_widget(marked[0]).center()
            self.view.ensureVisible(round(spot.x()), round(spot.y()), 60, 120)
        self.zoom_label.setText(f"{round(scale * 72 / 96 * 100)}%")
        self._mark_shown(index + 1)

    def _mark_shown(self, page: int) -> None:
        """'bekeken' means every page was on screen: count this one, update its status line
        and, once the document is seen, the line above the list."""
        doc = self.current
        review = self.state.review_for(doc) if doc else None
        if doc is None or review is None or page in review.getoond or not self.isVisible():
            return
        review.getoond.add(page)
        item = self.docs.currentItem()
        if item is not None:
            item.setText(f"{self._doc_label(doc)}\n{self._doc_status(doc)}")
        if not review.niet_getoond:  # this document is now seen: the line above the list counts it
            self.pending.setText(self._pending_summary(self.state.documents_in_bundle()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.current is not None:
            self._mark_shown(self.page_spin.value())

    def _show_finding(self, item: QListWidgetItem | None) -> None:
        """Go to the finding's page and mark where it stands on it."""
        found = self._finding_at(item)
        self._highlights = {}
        if found is None:
            self._show_page()
            return
        _review, _index, finding = found
        page = int(getattr(finding, "pagina", 1))
        # the flagger's own boxes (one per line: a name hyphenated over a line end is marked
        # on both lines); QtPdf's search where they are not known
        boxes = [QRectF(v.x, v.y, v.breedte, v.hoogte) for v in getattr(finding, "vakken", ())
                 if v.pagina == page]
        self._highlights[page] = boxes or self._find_on_page(str(getattr(finding, "tekst", "")), page,
                                                             str(getattr(finding, "context", "")))
        if self.page_spin.value() != page:
            self.page_spin.setValue(page)  # shows that page, with the mark
        else:
            self._show_page()

    def _find_on_page(self, text: str, page: int, context: str) -> list[QRectF]:
        """Where `text` stands on `page` (points, top left), by QtPdf's own search; where it
        stands more than once, the place whose surroundings match the finding's context."""
        text = " ".join(text.split())
        if not text or self.pdf.pageCount() <= 0:
            return []
        model = QPdfSearchModel(self)
        model.setDocument(self.pdf)
        model.setSearchString(text)
        model.rowCount(QModelIndex())  # runs the search
        links = list(model.resultsOnPage(page - 1))
        model.deleteLater()
        if not links:
            return []
        wanted = " ".join(context.split())

        def fits(link: QPdfLink) -> int:
            around = " ".join((link.contextBefore() + text + link.contextAfter()).split())
            return sum(1 for w in wanted.split() if w in around)

        best = max(links, key=fits)
        return [QRectF(r) for r in best.rectangles()]

    def _jump_to_page(self, item: QListWidgetItem | None) -> None:
        page = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(page, int):
            self.page_spin.setValue(page)

    # --- decisions -----------------------------------------------------------------------

    def confirm_page(self) -> None:
        review = self.state.review_for(self.current) if self.current else None
        if review is None:
            return
        item = self.pages.currentItem()
        page = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not isinstance(page, int):
            page = self.page_spin.value()
        if page in review.niet_gecontroleerd:
            review.bekeken.add(page)
            self.state.review_changed.emit()

    def confirm_all_visible(self) -> None:
        """For tests and the keyboard: confirm every page without text of this document."""
        review = self.state.review_for(self.current) if self.current else None
        if review is not None:
            review.bekeken.update(review.niet_gecontroleerd)
            self.state.review_changed.emit()

    def add_rectangle(self, rect: QRectF) -> None:
        if self.current is None:
            return
        vlak = Lakvlak(pagina=self.page_spin.value(), x=round(rect.x(), 1), y=round(rect.y(), 1),
                       breedte=round(rect.width(), 1), hoogte=round(rect.height(), 1))
        self.state.add_lakvlak(self.current, vlak)
        self.progress.setText("Vak toegevoegd. Het wordt zwart in de bundel; kies 'Dit document "
                              "opnieuw voorbereiden' om het resultaat te zien.")

    def _finding(self) -> tuple[Review, int, object] | None:
        return self._finding_at(self.findings.currentItem() or self.findings.item(0))

    def _finding_at(self, item: QListWidgetItem | None) -> tuple[Review, int, object] | None:
        review = self.state.review_for(self.current) if self.current else None
        index = item.data(Qt.ItemDataRole.UserRole + 1) if item else None
        if review is None or not isinstance(index, int):
            return None
        return review, index, review.bevindingen[index]

    def dismiss_finding(self) -> None:
        """Laten staan: recorded in the case file, so the build and the loket respect it."""
        found = self._finding()
        if not found:
            return
        review, index, finding = found
        review.afgehandeld.add(index)
        tekst = str(getattr(finding, "tekst", "")).strip()
        if tekst and tekst not in self.state.case.geen_persoonsgegeven:
            self.state.update(geen_persoonsgegeven=(*self.state.case.geen_persoonsgegeven, tekst))
        self.state.review_changed.emit()

    def redact_finding(self) -> None:
        found = self._finding()
        if not found:
            return
        review, index, finding = found
        term = self.ask_term(str(getattr(finding, "tekst", "") or getattr(finding, "context", "")))
        if not term:
            return
        review.afgehandeld.add(index)
        term = " ".join(term.split())
        if term not in self.state.case.extra_termen:
            self.state.update(extra_termen=(*self.state.case.extra_termen, term))
        self.progress.setText("Toegevoegd aan de te verwijderen gegevens: het wordt uit alle stukken "
                              "gelakt. Kies 'Alles voorbereiden' om het resultaat te zien.")
        self.state.review_changed.emit()

    def _ask_term(self, context: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Lakken", "Welke woorden moeten uit alle stukken weg? "
                                        "Laat alleen die woorden staan:", text=context)
        return text.strip() if ok and text.strip() else None
