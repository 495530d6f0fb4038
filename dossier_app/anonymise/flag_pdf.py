"""The flagger over the pages of one PDF, for the user's review.

It looks at the document as it goes into redaction (after intake, and for Word files
after anonymisation at the source and conversion): it only reads that file, so on a long
document it runs in a worker process while this process redacts and gates, and the two
cores of a school laptop both work. Known identifiers are left out of the findings and
shown by their pseudonym in a finding's context. Findings on pages that end up as an
image are dropped by the caller (`without_pages`): the bundle has no text there.

The worker is a spawned process (not forked: PDFium and Qt threads), started only for
documents of `PARALLEL_FROM_PAGES` pages or more; it gets the file's path and the case's
compiled identifiers through a pipe, never through a file. If it cannot start or fails,
the same work is done here, so the result never depends on it.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pypdfium2 as pdfium

from dossier_app.anonymise.detect import Finding, flag_personal_data
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.privacy import confirmation_hash
from dossier_app.processes import parallel_workers, spawn_pool

log = logging.getLogger(__name__)

PARALLEL_FROM_PAGES = 16  # below this, starting a worker costs more than it saves
WORKER_TIMEOUT_S = 600


@dataclass(frozen=True)
class Bevinding:
    """Possible personal data the user did not enter, for review (shown on screen only)."""

    pagina: int
    categorie: str
    context: str
    review: bool  # a professional's name: review, not remove
    tekst: str = ""  # what was found (screen only: may be personal data)


def page_texts(pdf_path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        texts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def findings(pdf_path: Path, ids: IdentifierSet | None, confirmed: frozenset[str] = frozenset(), *,
             before_redaction: bool = False) -> list[Bevinding]:
    """Flagger findings per page; `confirmed` holds confirmation hashes of texts the user
    marked as not personal data. `before_redaction`: the file still holds the known
    identifiers (they are masked in the contexts)."""
    out = []
    for number, text in enumerate(page_texts(pdf_path), start=1):
        out += [_bevinding(number, f, text[f.start:f.end])
                for f in flag_personal_data(text, ids, mask_known=before_redaction)
                if confirmation_hash(text[f.start:f.end]) not in confirmed]
    return out


def without_pages(found: list[Bevinding], pages: set[int]) -> list[Bevinding]:
    return [b for b in found if b.pagina not in pages]


def _bevinding(page: int, f: Finding, found: str) -> Bevinding:
    return Bevinding(pagina=page, categorie=f.categorie, context=f.context, review=f.review,
                     tekst=" ".join(found.split()))


class FlaggingBeforeRedaction:
    """`findings(..., before_redaction=True)` of one PDF, started on entering and collected
    with `result()`; a context manager so the worker never outlives the caller."""

    def __init__(self, pdf_path: Path, ids: IdentifierSet, confirmed: frozenset[str]) -> None:
        self._args = (pdf_path, ids, confirmed)
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[list[Bevinding]] | None = None

    def __enter__(self) -> FlaggingBeforeRedaction:
        if _worth_a_worker(self._args[0]):
            self._pool = spawn_pool(1)
            if self._pool is not None:
                self._future = self._pool.submit(findings, *self._args, before_redaction=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def result(self) -> list[Bevinding]:
        if self._future is not None:
            try:
                return self._future.result(timeout=WORKER_TIMEOUT_S)
            except Exception as exc:  # the worker is an optimisation: redo the work here
                log.warning("flagger: werkproces mislukt (%s); hier opnieuw", type(exc).__name__)
            finally:
                self._stop()
        return findings(*self._args, before_redaction=True)

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._future = None, None


def _worth_a_worker(pdf_path: Path) -> bool:
    if parallel_workers(2) < 2:
        return False
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError:
        return False  # the redactor reports the unreadable file
    try:
        return len(doc) >= PARALLEL_FROM_PAGES
    finally:
        doc.close()
