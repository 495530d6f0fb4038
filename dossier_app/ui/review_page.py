"""Step 6, Controleren: every document as it will be in the bundle.

Each document goes through the core's pipeline (`process_document`) in the worker; the
result is kept in memory only and shown with QtPdf, black boxes included. The user
handles the findings of the flagger (redact everywhere, or leave as is), draws boxes on
pages without text, and confirms every such page. The build waits for that.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.case_model import Case, Document, Lakvlak
from dossier_app.documents.pipeline import PipelineOptions, process_document
from dossier_app.errors import DossierError
from dossier_app.store.workdir import private_workdir
from dossier_app.ui.jobs import JobContext, JobRunner
from dossier_app.ui.signals import emit
from dossier_app.ui.state import CaseState, Review
from dossier_app.ui.widgets import Page, heading, hint, message_label, show_message

CATEGORIE = {"bsn": "BSN", "iban": "rekeningnummer", "telefoon": "telefoonnummer", "email": "e-mailadres",
             "postcode": "postcode", "datum": "datum", "adres": "adres", "naam": "naam"}


@dataclass
class Prepared:
    document: Document
    review: Review | None
    message: str = ""


def prepare_job(case: Case, docs: list[Document], passwords: dict[str, str]):
    """Run the core's pipeline over the documents; one failure does not stop the others."""
    def job(ctx: JobContext) -> list[Prepared]:
        ids = identifiers_for_case(case)
        out = []
        for n, doc in enumerate(docs, start=1):
            if ctx.cancelled():
                break
            ctx.progress(f"Document {n} van {len(docs)} voorbereiden", n - 1, len(docs))
            options = PipelineOptions(password=passwords.get(str(doc.pad)))
            try:
                with private_workdir() as workdir:
                    p = process_document(doc, ids, workdir, options)
                    review = Review(pdf=p.pdf.read_bytes(), paginas=p.paginas,
                                    niet_gecontroleerd=list(p.niet_gecontroleerd),
                                    bevindingen=list(p.bevindingen),
                                    vlakken={k: len(v) for k, v in p.vlakken.items()},
                                    meldingen=list(p.meldingen))
                out.append(Prepared(doc, review))
            except DossierError as exc:
                out.append(Prepared(doc, None, exc.message))
        return out
    return job


class PageCanvas(QWidget):
    """One rendered page; in drawing mode a drag makes a rectangle, reported in PDF points
    from the top left of the page as shown (the unit of [[documenten.lakken]])."""

    rectangle_drawn = Signal(QRectF)

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.points = QSize(595, 842)
        self.marks: list[QRectF] = []  # in points
        self.drawing = False
        self._start: QPointF | None = None
        self._current: QPointF | None = None
        self.setMinimumSize(320, 420)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Voorbeeld van de pagina zoals in de bundel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_page(self, image: QImage | None, points: QSize, marks: list[QRectF]) -> None:
        self.image, self.points, self.marks = image, points, marks
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
            painter.drawImage(target, self.image)
        else:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nog geen voorbeeld")
        painter.setPen(QPen(QColor("#d50000"), 2))
        for r in self.marks:
            painter.drawRect(self._to_widget(r))
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
            emit(self.rectangle_drawn, rect)


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
        state.changed.connect(self.refresh)
        state.review_changed.connect(self.refresh)
        self.refresh()

    def _splitter(self) -> QSplitter:
        split = QSplitter()
        self.docs = QListWidget()
        self.docs.setAccessibleName("Documenten in de bundel")
        self.docs.currentRowChanged.connect(self._doc_selected)
        split.addWidget(self.docs)
        middle = QWidget()
        mid = QVBoxLayout(middle)
        nav = QHBoxLayout()
        self.page_spin = QSpinBox()
        self.page_spin.setAccessibleName("Paginanummer")
        self.page_spin.setPrefix("Pagina ")
        self.page_spin.setMinimum(1)
        self.page_spin.valueChanged.connect(lambda _v: self._show_page())
        self.page_count = QLabel("")
        self.draw = QCheckBox("&Vak tekenen om te lakken")
        self.draw.setAccessibleName("Tekenmodus: sleep met de muis over wat weg moet")
        self.draw.toggled.connect(lambda on: setattr(self.canvas, "drawing", on))
        nav.addWidget(self.page_spin)
        nav.addWidget(self.page_count)
        nav.addStretch(1)
        nav.addWidget(self.draw)
        mid.addLayout(nav)
        self.canvas = PageCanvas()
        self.canvas.rectangle_drawn.connect(self.add_rectangle)
        mid.addWidget(self.canvas, 1)
        split.addWidget(middle)
        split.addWidget(self._side())
        split.setSizes([220, 520, 320])
        split.setMinimumHeight(520)
        return split

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
        self.findings.currentItemChanged.connect(lambda item, _old: self._jump_to_page(item))
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
        show_message(self.error, "")
        self.prepare_all.setEnabled(False)
        self.prepare_one.setEnabled(False)
        self.progress.setText("Bezig met voorbereiden…")
        self.runner.start(prepare_job(self.state.case, docs, dict(self.state.passwords)),
                          on_done=self._prepared, on_error=self._failed,
                          on_progress=lambda label, _d, _t: self.progress.setText(label))

    def _prepared(self, results: list[Prepared]) -> None:
        self._enable()
        problems = []
        for r in results:
            if r.review is not None:
                self.state.set_review(r.document, r.review)
            else:
                problems.append(f"{r.document.bestand}: {r.message}")
        self.progress.setText("Klaar." if not problems else "")
        show_message(self.error, "\n".join(problems))
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
            self.docs.addItem(QListWidgetItem(f"{doc.bestand}\n{self._doc_status(doc)}"))
        row = next((i for i, d in enumerate(docs) if d.pad == keep), 0 if docs else -1)
        self.docs.setCurrentRow(row)
        self.docs.blockSignals(False)
        self._doc_selected(row)
        pending = self.state.review_pending()
        self.pending.setText("Nog te doen: " + "; ".join(pending) if pending else
                             "Alles is bekeken. U kunt naar Bouwen." if docs else "")

    def _doc_status(self, doc: Document) -> str:
        review = self.state.review_for(doc)
        if review is None:
            return "nog niet voorbereid"
        open_pages = self.state.open_pages(doc)
        if open_pages:
            return f"{len(open_pages)} pagina('s) nog bekijken"
        return f"bekeken ({review.paginas} pagina's)"

    def _doc_selected(self, row: int) -> None:
        docs = self.state.documents_in_bundle()
        self.current = docs[row] if 0 <= row < len(docs) else None
        review = self.state.review_for(self.current) if self.current else None
        self._load_pdf(review)
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
                extra = " (professional?)" if f.review else ""
                item = QListWidgetItem(f"Pagina {f.pagina} – {soort}{extra}: “{f.context}”")
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
        if self.current is None or self.pdf.pageCount() <= 0:
            self.canvas.set_page(None, QSize(595, 842), [])
            return
        index = self.page_spin.value() - 1
        size = self.pdf.pagePointSize(index)
        points = QSize(round(size.width()), round(size.height()))
        ratio = self.devicePixelRatioF() or 1.0
        scale = max(1.0, 1000 * ratio / max(points.height(), 1))
        image = self.pdf.render(index, QSize(round(points.width() * scale), round(points.height() * scale)))
        marks = [QRectF(v.x, v.y, v.breedte, v.hoogte) for v in self.current.lakken
                 if v.pagina == index + 1]
        self.canvas.set_page(image, points, marks)

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
            emit(self.state.review_changed)

    def confirm_all_visible(self) -> None:
        """For tests and the keyboard: confirm every page without text of this document."""
        review = self.state.review_for(self.current) if self.current else None
        if review is not None:
            review.bekeken.update(review.niet_gecontroleerd)
            emit(self.state.review_changed)

    def add_rectangle(self, rect: QRectF) -> None:
        if self.current is None:
            return
        vlak = Lakvlak(pagina=self.page_spin.value(), x=round(rect.x(), 1), y=round(rect.y(), 1),
                       breedte=round(rect.width(), 1), hoogte=round(rect.height(), 1))
        self.state.add_lakvlak(self.current, vlak)
        self.progress.setText("Vak toegevoegd. Het wordt zwart in de bundel; kies 'Dit document "
                              "opnieuw voorbereiden' om het resultaat te zien.")

    def _finding(self) -> tuple[Review, int, object] | None:
        review = self.state.review_for(self.current) if self.current else None
        item = self.findings.currentItem() or self.findings.item(0)
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
        emit(self.state.review_changed)

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
        emit(self.state.review_changed)

    def _ask_term(self, context: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Lakken", "Welke woorden moeten uit alle stukken weg? "
                                        "Laat alleen die woorden staan:", text=context)
        return text.strip() if ok and text.strip() else None
