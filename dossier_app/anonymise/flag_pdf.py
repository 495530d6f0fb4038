"""The flagger over the pages of one PDF, for the user's review.

For one document it reads the page texts the redactor's find step reads (after intake,
for Word files after anonymisation at the source and conversion, before redaction):
`PageFlagger.feed` gets each page as the redactor reaches it, so no page is extracted
twice. On a long document the texts go to a worker process that flags them while this
process redacts and gates, so the two cores of a school laptop both work. Known
identifiers are left out of the findings and shown by their pseudonym in a finding's
context. Findings on pages that end up as an image are dropped by the caller
(`without_pages`): the bundle has no text there. `findings` reads a finished PDF itself
(the bundle cache).

The worker is a spawned process (not forked: PDFium and Qt threads), started only for
documents of `PARALLEL_FROM_PAGES` pages or more; it gets the case's compiled
identifiers and the texts through queues, never through a file. If it cannot start or
fails, the same work is done here from the texts kept here, so the result never
depends on it.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import pypdfium2 as pdfium

from dossier_app.anonymise.detect import NAAM, Finding, flag_personal_data, name_detector_failures, warm_up
from dossier_app.anonymise.detect_context import ProfessionalNames
from dossier_app.anonymise.hits import hyphenated_seams, seam_hits
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.anonymise.pdfium_chars import page_texts
from dossier_app.case_model import Lakvlak
from dossier_app.privacy import confirmation_hash
from dossier_app.processes import parallel_workers, spawn_context

log = logging.getLogger(__name__)

PARALLEL_FROM_PAGES = 16  # below this, starting a worker costs more than it saves
WORKER_TIMEOUT_S = 600
PARENT_CHECK_S = 1.0  # how often a waiting worker checks that its caller still runs


@dataclass(frozen=True)
class Bevinding:
    """Possible personal data the user did not enter, for review (shown on screen only)."""

    pagina: int
    categorie: str
    context: str
    review: bool  # a professional's name: review, not remove
    tekst: str = ""  # the whole value found, white space folded (screen only: personal data)
    # Where on the page: PDFium char indices [start, end) of the page text as the redactor
    # read it (before redaction, which moves no glyph), e.g. for FPDFText_GetCharBox.
    start: int = 0
    end: int = 0
    # The value's boxes on the page as shown (points, origin top-left, one per line it
    # covers), for highlighting it in the preview; () when not known.
    vakken: tuple[Lakvlak, ...] = ()


def findings(pdf_path: Path, ids: IdentifierSet | None,
             confirmed: frozenset[str] = frozenset()) -> list[Bevinding]:
    """Flagger findings per page of a finished (redacted) PDF; `confirmed` holds
    confirmation hashes of texts the user marked as not personal data."""
    return with_boxes(findings_in_texts(enumerate(page_texts(pdf_path)), ids, confirmed), pdf_path)


def with_boxes(found: list[Bevinding], pdf_path: Path) -> list[Bevinding]:
    """The findings with the boxes of their values (`vakken`), read from `pdf_path`: the
    PDF whose page texts were flagged (redaction moves no glyph, so the boxes hold for the
    redacted PDF too). Findings keep () where PDFium cannot tell."""
    if not found:
        return found
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError:
        return found
    try:
        out = []
        for page_number in sorted({b.pagina for b in found}):
            out += _boxes_on_page(doc, page_number, [b for b in found if b.pagina == page_number])
        return sorted(out, key=lambda b: (b.pagina, b.start, b.end))
    finally:
        doc.close()


def _boxes_on_page(doc: Any, page_number: int, found: list[Bevinding]) -> list[Bevinding]:
    from dossier_app.anonymise.pdf_redact.boxes import to_shown  # the redactor's own conversion
    from dossier_app.anonymise.pdfium_chars import CharIndex

    try:
        page = doc[page_number - 1]
        textpage = page.get_textpage()
    except (pdfium.PdfiumError, IndexError):
        return found
    try:
        chars = CharIndex(textpage)
        crop, rotate = tuple(page.get_cropbox()), page.get_rotation()
        out = []
        for b in found:
            indices = [i for i in range(b.start, min(b.end, chars.count))
                       if not chr(pdfium.raw.FPDFText_GetUnicode(textpage, i) or 32).isspace()]
            lines = _lines(chars.boxes(indices)) if indices else []
            out.append(replace(b, vakken=tuple(to_shown(r, crop, rotate, page_number - 1)
                                               for r in lines)))
        return out
    finally:
        textpage.close()
        page.close()


def _lines(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Char boxes joined per line (a new line where a char's middle leaves the current box)."""
    lines: list[list[float]] = []
    for x0, y0, x1, y1 in boxes:
        middle = (y0 + y1) / 2
        if lines and lines[-1][1] <= middle <= lines[-1][3]:
            line = lines[-1]
            line[:] = [min(line[0], x0), min(line[1], y0), max(line[2], x1), max(line[3], y1)]
        else:
            lines.append([x0, y0, x1, y1])
    return [(a, b, c, d) for a, b, c, d in lines]


def findings_in_texts(texts: Iterable[tuple[int, str]], ids: IdentifierSet | None,
                      confirmed: frozenset[str] = frozenset(), *,
                      before_redaction: bool = False) -> list[Bevinding]:
    """Findings in (0-based page index, page text) pairs, and over the break between two
    pages that follow each other (`seam_findings`). `before_redaction`: the texts still
    hold the known identifiers (they are masked in the contexts)."""
    out = []
    previous: tuple[int, str] | None = None
    for index, text in texts:
        out += [_bevinding(index + 1, f, f.tekst or text[f.start:f.end])
                for f in flag_personal_data(text, ids, mask_known=before_redaction)
                if confirmation_hash(f.tekst or text[f.start:f.end]) not in confirmed]
        out = _over_the_break(out, previous, (index, text), ids, confirmed, before_redaction)
        previous = (index, text)
    return professionals_again(out)


def _over_the_break(found: list[Bevinding], previous: tuple[int, str] | None, page: tuple[int, str],
                    ids: IdentifierSet | None, confirmed: frozenset[str],
                    before_redaction: bool) -> list[Bevinding]:
    """`found` as the break between `previous` and `page` ((0-based index, text) each)
    changes it, when they follow each other: without the parts of a known identifier split
    there, with what is hyphenated over it."""
    if previous is None or previous[0] + 1 != page[0]:
        return found
    (index, before), after = previous, page[1]
    return (_without_known_parts(found, index, before, after, ids)
            + seam_findings(index, before, after, ids, confirmed, before_redaction=before_redaction))


def _without_known_parts(found: list[Bevinding], index: int, before: str, after: str,
                         ids: IdentifierSet | None) -> list[Bevinding]:
    """`found` without what lies on a part of a known identifier split by the break after
    page `index` (0-based): "el Am-" / "rani", or a name the user chose to remove ("Yasmi-"
    / "na Bakkali"). The redactor removes those parts (`hits.seam_hits`); they are nothing
    to review."""
    if ids is None:
        return found
    in_before, in_after = seam_hits(ids.finder, before, after)
    if not in_before and not in_after:
        return found
    spans = {index + 1: list(in_before), index + 2: list(in_after)}
    return [b for b in found
            if not any(b.start < end and start < b.end for start, end in spans.get(b.pagina, []))]


def seam_findings(index: int, before: str, after: str, ids: IdentifierSet | None,
                  confirmed: frozenset[str] = frozenset(), *,
                  before_redaction: bool = False) -> list[Bevinding]:
    """A name (or number) hyphenated over a page break, "Yasmi-" at the foot of page
    `index` (0-based) and "na Bakkali" at the top of the next, is in neither page's text
    whole: it is looked for in the two lines read together (`hits.hyphenated_seams`), and
    reported on both pages, each with its own part (so both parts get a box)."""
    out: dict[tuple[int, int, int], Bevinding] = {}
    for seam in hyphenated_seams(before, after):
        for f in flag_personal_data(seam.text, ids, mask_known=before_redaction):
            value = f.tekst or seam.text[f.start:f.end]
            if not seam.crosses(f.start, f.end) or confirmation_hash(value) in confirmed:
                continue
            parts = [(index + 1, seam.before + f.start, seam.before + seam.split),
                     (index + 2, seam.after, seam.after + f.end - seam.split - 1)]
            for page, start, end in parts:
                out.setdefault((page, start, end), replace(_bevinding(page, f, value), start=start, end=end))
    return list(out.values())


def professionals_again(found: list[Bevinding]) -> list[Bevinding]:
    """A professional named with the role on one page and without it on another
    ("Bouwman belde") is a review item on every page of the document."""
    return with_professionals(found, professional_names([found]))


def professional_names(documents: Iterable[Iterable[Bevinding]]) -> ProfessionalNames:
    """The names of the professionals identified (with their role, organisation, signature
    or role column) in any of `documents`: the findings of the documents of one case."""
    names = ProfessionalNames()
    for found in documents:
        for b in found:
            if b.categorie == NAAM and b.review:
                names.add(b.tekst)
    return names


def with_professionals(found: list[Bevinding], names: ProfessionalNames) -> list[Bevinding]:
    """`found` with every name made only of words of `names` ("Bouwman belde", when another
    document of the case has "mevrouw Bouwman (GGD)") as a professional's name to check."""
    if not names.words:
        return found
    return [replace(b, review=True) if b.categorie == NAAM and not b.review and names.known(b.tekst)
            else b for b in found]


def case_wide(documents: list[list[Bevinding]]) -> list[list[Bevinding]]:
    """Each document's findings with the professionals of the whole case applied: the
    review list is built per document (and cached per document), the professionals are
    the case's. Pure: the same findings give the same result, in any order."""
    names = professional_names(documents)
    return [with_professionals(found, names) for found in documents]


def without_pages(found: list[Bevinding], pages: set[int]) -> list[Bevinding]:
    return [b for b in found if b.pagina not in pages]


def _bevinding(page: int, f: Finding, found: str) -> Bevinding:
    return Bevinding(pagina=page, categorie=f.categorie, context=f.context, review=f.review,
                     tekst=" ".join(found.split()), start=f.start, end=f.end)


class PageFlagger:
    """`findings_in_texts(..., before_redaction=True)` of the page texts given to `feed`
    (the redactor's `on_page_text`), collected with `result()`. A context manager, so the
    worker never outlives the caller."""

    def __init__(self, ids: IdentifierSet, confirmed: frozenset[str], pages: int) -> None:
        self._ids, self._confirmed, self._pages = ids, confirmed, pages
        self._texts: dict[int, str] = {}
        self._worker: _Worker | None = None
        # After `result()`: the name detector failed on a page, so names the case does
        # not hold may be missing from the findings (Tafeldossier's own rules still ran).
        self.names_incomplete = False

    def __enter__(self) -> PageFlagger:
        if self._pages >= PARALLEL_FROM_PAGES and parallel_workers(2) >= 2:
            self._worker = _Worker.start(self._ids, self._confirmed)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    @property
    def in_worker(self) -> bool:
        return self._worker is not None

    def feed(self, index: int, text: str) -> None:
        """One page's text; never raises (a broken worker means: do it here later)."""
        self._texts[index] = text
        if self._worker is not None and not self._worker.send((index, text)):
            self._stop()
        if self._worker is not None and len(self._texts) >= self._pages:
            self._worker.end_of_input()  # the last page: it can finish and exit now

    def result(self) -> list[Bevinding]:
        if self._worker is not None:
            try:
                found = self._worker.finish()
            finally:
                self._stop()
            if found is not None:
                findings, self.names_incomplete = found
                return professionals_again(findings)
        failures = name_detector_failures()
        findings = findings_in_texts(sorted(self._texts.items()), self._ids, self._confirmed,
                                     before_redaction=True)
        self.names_incomplete = name_detector_failures() > failures
        return findings

    def _stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
        self._worker = None


class _Worker:
    """A spawned process running `_worker_main`: texts in through one queue, the findings
    (or the name of the error) out through another."""

    def __init__(self, process: Any, texts: Any, results: Any) -> None:
        self._process, self._texts, self._results = process, texts, results
        self._ended = False

    @classmethod
    def start(cls, ids: IdentifierSet, confirmed: frozenset[str]) -> _Worker | None:
        try:
            context = spawn_context()
            texts, results = context.Queue(), context.Queue()
            process = context.Process(target=_worker_main, args=(texts, results), daemon=True)
            process.start()
            texts.put((ids, confirmed))
            return cls(process, texts, results)
        except Exception as exc:  # no worker: the work is done here
            log.warning("flagger: geen werkproces (%s)", type(exc).__name__)
            return None

    def send(self, item: tuple[int, str] | None) -> bool:
        try:
            self._texts.put(item)  # a feeder thread writes it: does not wait for the worker
            return True
        except Exception as exc:
            log.warning("flagger: werkproces onbereikbaar (%s); hier opnieuw", type(exc).__name__)
            return False

    def end_of_input(self) -> bool:
        if not self._ended:
            self._ended = self.send(None)
            return self._ended
        return True

    def finish(self) -> tuple[list[Bevinding], bool] | None:
        """The worker's findings and whether its name detector failed on a page, or None if
        the worker failed (then the caller does the work)."""
        if not self.end_of_input():
            return None
        deadline = time.monotonic() + WORKER_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                status, value = self._results.get(timeout=0.2)
            except queue.Empty:
                if not self._process.is_alive() and self._results.empty():
                    log.warning("flagger: werkproces gestopt (code %s); hier opnieuw",
                                self._process.exitcode)
                    return None
                continue
            if status == "ok":
                findings, incomplete = value
                return list(findings), bool(incomplete)
            log.warning("flagger: werkproces mislukt (%s); hier opnieuw", value)
            return None
        log.warning("flagger: werkproces te traag; hier opnieuw")
        return None

    def stop(self) -> None:
        for q in (self._texts, self._results):
            q.cancel_join_thread()  # never wait on a worker that no longer reads
            q.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)


def _worker_main(texts: Any, results: Any) -> None:
    """In the worker: load the name detector while the first pages are read, then flag
    every page as it arrives; send back the findings (and whether the name detector failed
    on a page) or the error's type name."""
    try:
        failures = name_detector_failures()
        warm_up()
        ids, confirmed = _next(texts)
        found: list[Bevinding] = []
        previous: tuple[int, str] | None = None
        while (item := _next(texts)) is not None:
            found += findings_in_texts([item], ids, confirmed, before_redaction=True)
            found = _over_the_break(found, previous, item, ids, confirmed, True)
            previous = item
        results.put(("ok", (found, name_detector_failures() > failures)))
    except Exception as exc:  # reported to the caller, who redoes the work
        results.put(("error", type(exc).__name__))


def _next(texts: Any) -> Any:
    """The next item; ends the worker when the caller is gone (killed or crashed), so it
    never lingers with the name detector in memory."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            return texts.get(timeout=PARENT_CHECK_S)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                raise SystemExit(0) from None


def page_count(pdf_path: Path) -> int:
    """The page count of `pdf_path` (0 if PDFium cannot read it: the redactor reports it)."""
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError:
        return 0
    try:
        return len(doc)
    finally:
        doc.close()
