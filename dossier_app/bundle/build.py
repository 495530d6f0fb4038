"""`dossier build`: a case file in, one anonymised PDF bundle out.

The order of the routeboek: check (availability, completeness, preconditions), every
document through the documents pipeline, the generated pages, assembly, the leak gate
over the whole bundle, the loket's own verify, and only then the atomic write. Any
failure leaves nothing behind."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor, as_completed
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.anonymise.gate import engines as gate_engines
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.bundle import manifest as manifest_mod
from dossier_app.bundle.assemble import (
    VOORBLAD_NAAM,
    AssembleResult,
    BundleInfo,
    Part,
    assemble,
    forget_digests,
)
from dossier_app.bundle.cache import DocumentCache
from dossier_app.bundle.checker import CheckWorkers
from dossier_app.bundle.checker import warm_up as warm_up_checker
from dossier_app.bundle.offerte import render_offerte
from dossier_app.bundle.verify import VerifyReport, verify_bundle
from dossier_app.bundle.voorblad import InhoudRegel, render_voorblad
from dossier_app.case_model import Case, Document
from dossier_app.documents import workers as workers_mod
from dossier_app.documents.pipeline import PipelineOptions, ProcessedDocument, process_document
from dossier_app.errors import CancelledError, IncompleteError, LeakError
from dossier_app.fileio import atomic_copy, check_output
from dossier_app.logs import get_logger
from dossier_app.meldingen import Melding
from dossier_app.privacy import confirmed_hashes, identifier_tokens, scrub_label
from dossier_app.processes import parallel_workers, spawn_pool
from dossier_app.rules.check import CheckResult, OnderdeelStatus, check_case
from dossier_app.store.keys import get_or_create_key
from dossier_app.store.memo import CHECKS_MEMO, Memo, PendingMemo, commit
from dossier_app.store.vault import new_key
from dossier_app.store.workdir import private_workdir, remove_stale_workdirs

Progress = Callable[[str, int, int], None]  # Dutch step label, done, total
log = get_logger("build")


@dataclass(frozen=True)
class BuildOptions:
    concept: bool = False
    force: bool = False
    converter: str = "auto"
    cache: bool = True
    ocr: bool = True
    password: str | None = None
    # Built in a thread beside a window (the wizard): the gate then runs in a worker
    # process too, so that it never holds the window's interpreter lock. Without a window
    # it runs in this process, beside verify's worker: one interpreter less to start.
    beside_window: bool = False


@dataclass
class BuildResult:
    out: Path
    check: CheckResult
    assembled: AssembleResult
    verify: VerifyReport
    documenten: list[ProcessedDocument]
    meldingen: list[Melding] = field(default_factory=list)
    niet_gecontroleerd: list[str] = field(default_factory=list)  # "OPP p. 3 (bundel p. 12)"
    seconden: float = 0.0
    uit_cache: int = 0

    @property
    def paginas(self) -> int:
        return self.assembled.paginas


def build_bundle(case: Case, out: Path, options: BuildOptions | None = None, *,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] = lambda: False,
                 workers: CheckWorkers | None = None) -> BuildResult:
    """`workers`: the checking workers (bundle/checker.py) when the caller keeps them (the
    wizard between builds) or started them early (`dossier build`); the caller closes them.
    Without, the build starts its own and closes them when it ends."""
    options = options or BuildOptions()
    started = time.monotonic()
    report = progress or (lambda label, done, total: None)
    check_output(out, force=options.force)
    report("Casus controleren", 0, 1)
    result = _checked(case, options)
    ids = identifiers_for_case(case)
    remove_stale_workdirs()
    own = workers is None
    workers = workers or CheckWorkers()
    # The loket's check at the end runs in the checker's worker process, which imports what it
    # needs while the documents are done. Without workers, the name detector loads in a
    # thread here.
    checker = workers.checker()
    if checker is None:
        threading.Thread(target=warm_up_checker, name="flagger-laden", daemon=True).start()
    with private_workdir() as workdir, workers if own else nullcontext():
        key = get_or_create_key("document-cache") if options.cache else None  # asked once
        memo = Memo.open_default(CHECKS_MEMO, key) if key else None
        scans = memo or _this_build_only(workdir)
        docs = _documents_in_order(case, result)
        processed, hits = _process_documents(case, docs, ids, workdir, options, report, cancelled, scans,
                                             key)
        _stop_if(cancelled)  # a stop asked for while the last documents were finishing
        # Not before: the document workers and the name detector (60 MB) need not be held at
        # the same time, and loading it takes less than the cover and the assembly.
        workers.load_name_detector()
        # The gate's worker starts now (unless kept from a build before), while the cover is
        # made and the bundle assembled: the document workers have ended.
        gater = workers.gater() if checker is not None and options.beside_window else None
        parts, ranges_known = _parts(case, result, ids, processed, workdir)
        report("Bundel samenstellen", 0, 1)
        tmp = workdir / "bundel.pdf"
        info = _info(case, result, options)
        extra = _manifest_extra(case, result, ids, processed, ranges_known)
        # Beside a window the gate's worker assembles too: writing the file holds the
        # interpreter's lock for 20-60 ms in one call (pikepdf's save, a big image's decoding
        # for its digest), which the window would feel. The worker keeps the last bundle's
        # page digests between builds, as this process does without one.
        assembled = (gater.submit(assemble, parts, info, tmp, manifest_extra=extra, memo=memo).result()
                     if gater is not None else assemble(parts, info, tmp, manifest_extra=extra, memo=memo))
        _stop_if(cancelled)
        report("Eindcontrole op persoonsgegevens", 0, 1)
        verified = _final_checks(tmp, ids, assembled, out.name, memo, checker, gater, scans)
        if memo is not None:
            memo.prune()
        atomic_copy(tmp, out)
    seconds = time.monotonic() - started
    log.info("build: %d pagina's, %d documenten (%d uit cache), %.1f s", assembled.paginas,
             len(processed), hits, seconds)
    return BuildResult(out=out, check=result, assembled=assembled, verify=verified,
                       documenten=processed, meldingen=_all_meldingen(result, processed),
                       niet_gecontroleerd=_not_checked_labels(processed, ranges_known),
                       seconden=seconds, uit_cache=hits)


def _final_checks(bundle: Path, ids: IdentifierSet, assembled: AssembleResult,
                  bestand: str, memo: Memo | None = None,
                  checker: ProcessPoolExecutor | None = None,
                  gater: ProcessPoolExecutor | None = None,
                  scans: Memo | None = None) -> VerifyReport:
    """The gate and the loket's verify over the finished bundle. Both only read it, so with
    two cores verify runs in `checker` (a worker process, where the name detector was
    loaded meanwhile) beside the gate: here, or in `gater` when the build runs beside a
    window. The gate's verdict comes first either way. `memo`: what OCR, the text engines
    and the flagger read in identical pages before (a rebuild); every check still runs
    over the whole bundle. `scans`: without that memo, what Tesseract read in this build
    (`_this_build_only`).

    With `memo` the gate looks the pages up by the digests the assembly made of them (it
    does not make them again), and what it writes to the memo waits: verify reads the file
    on its own, and only when it finds the same digests is the gate's work kept. Otherwise
    the bundle is not written (the gate may have taken a page that changed for one it
    knew)."""
    if checker is None:
        entries = _gate(bundle, ids, assembled, memo, scans)
        report = verify_bundle(bundle, bestand=bestand, read_images=False, memo=memo)
    else:
        checked = checker.submit(_verify, bundle, bestand, memo)
        if gater is None:
            entries = _gate(bundle, ids, assembled, memo, scans)  # raises LeakError: not written
        else:
            entries = gater.submit(_gate, bundle, ids, assembled, memo, scans).result()
        report = checked.result()
    if memo is not None:
        if assembled.sleutels is None or report.sleutels != assembled.sleutels:
            log.warning("eindcontrole: de paginasleutels van het bestand wijken af van de samengestelde")
            forget_digests()
            for name in assembled.bronsleutels:  # kept by an earlier build: a retry walks again
                memo.forget(name)
            if gater is not None:  # where it was assembled; a worker gone keeps nothing anyway
                with suppress(BrokenExecutor, RuntimeError):
                    gater.submit(forget_digests).result()
            raise LeakError("Het resultaat kon niet volledig worden gecontroleerd op persoonsgegevens en "
                            "is daarom niet geschreven: de bundel kwam bij de eindcontrole anders uit dan "
                            "hij was samengesteld. Probeer het opnieuw; gebeurt dit weer, meld het dan "
                            "met het logbestand.")
        commit(memo, entries)
        commit(memo, assembled.bronsleutels)  # confirmed: the next process walks only what changed
    return report


def _this_build_only(workdir: Path) -> Memo:
    """A memo for this build alone, where there is no keyring: in its private work folder,
    sealed with a key that only this build holds, gone with the folder. The pipeline's
    re-read of a scan with boxes leaves Tesseract's answer there, and the gate, reading the
    same pixels beneath the stamp, finds it instead of reading the scan again."""
    folder = workdir / "controles"
    folder.mkdir(mode=0o700)
    return Memo(folder, new_key())


def _verify(bundle: Path, bestand: str, memo: Memo | None) -> VerifyReport:
    return verify_bundle(bundle, bestand=bestand, read_images=False, memo=memo)


def _gate(bundle: Path, ids: IdentifierSet, assembled: AssembleResult, memo: Memo | None = None,
          scans: Memo | None = None) -> dict[str, Any]:
    """The independent check over every page and channel of the bundle; a leak names the
    component as well as the page. `scans`: what Tesseract read in this build only, when
    there is no `memo` (no page of it is known by its digest: none is looked up). With
    `memo`, the pages are looked up by the digests the assembly made (`assembled.sleutels`)
    and what the gate would write to it is returned instead, for `_final_checks` to keep
    once verify has confirmed those digests."""
    pending = PendingMemo(memo) if memo is not None else None
    try:
        verify_pdf(bundle, ids.finder, ids.literal_variants(),
                   allowed_attachments=frozenset({manifest_mod.BESTANDSNAAM}), memo=pending or scans,
                   identifiers_key=ids.fingerprint() if memo else "", stamped=True,
                   by_digest=memo is not None, keys=assembled.sleutels if memo is not None else None)
    except LeakError as exc:
        where = [f"pagina {p.pagina_van}-{p.pagina_tot}: {p.naam}" for p in assembled.onderdelen
                 if p.pagina_van]
        raise LeakError(f"{exc.message}\nDe bundel is niet geschreven. Onderdelen: "
                        + "; ".join(where), details=exc.details) from exc
    return pending.entries if pending is not None else {}


def _checked(case: Case, options: BuildOptions) -> CheckResult:
    result = check_case(case)
    if not result.beschikbaar:
        lijst = "\n".join(f"  - {m.tekst}" for m in result.fouten)
        raise IncompleteError(f"Voor deze tafel kan geen bundel worden gemaakt:\n{lijst}")
    if not options.concept:
        result.require_complete()
    return result


def _present(result: CheckResult) -> list[OnderdeelStatus]:
    return [s for s in result.onderdelen if s.status == "aanwezig"]


def _documents_in_order(case: Case, result: CheckResult) -> list[Document]:
    docs = []
    for status in _present(result):
        docs += [d for d in status.documenten if d.pad.is_file()]
    return docs


# --- documents ---------------------------------------------------------------------------

def _process_documents(case: Case, docs: Sequence[Document], ids: IdentifierSet, workdir: Path,
                       options: BuildOptions, report: Progress, cancelled: Callable[[], bool],
                       scans: Memo | None = None,
                       key: bytes | None = None) -> tuple[list[ProcessedDocument], int]:
    # The gate and the flagger run once over the whole bundle (below), not per document.
    popts = PipelineOptions(converter=options.converter, password=options.password, ocr=options.ocr,
                            bevestigd=confirmed_hashes(case), gate=False, flagger=False, memo=scans)
    cache = DocumentCache.open_default(key) if key else None  # key: None without options.cache
    keys = {d.index: cache.key_for(d, ids, popts) for d in docs} if cache else {}
    done: dict[int, ProcessedDocument] = {}
    for d in docs:
        hit = (cache.get(keys[d.index], d, ids, workdir, popts.bevestigd, flag=popts.flagger)
               if cache else None)
        if hit is not None:
            done[d.index] = hit
    todo = [d for d in docs if d.index not in done]
    for finished in _process_todo(case, todo, ids, workdir, popts, report, cancelled,
                                  here=not options.beside_window):
        done[finished.document.index] = finished
        if cache:
            cache.put(keys[finished.document.index], finished)
    if cache:
        cache.prune()
    return [done[d.index] for d in docs], len(docs) - len(todo)


def _process_todo(case: Case, todo: Sequence[Document], ids: IdentifierSet, workdir: Path,
                  popts: PipelineOptions, report: Progress, cancelled: Callable[[], bool], *,
                  here: bool = False) -> Iterator[ProcessedDocument]:
    """Every document through the pipeline; with more cores, in worker processes (spawned,
    not forked: PDFium is not thread-safe, and forking next to Qt's threads is not safe).
    `here`: this thread takes documents too, beside one worker fewer (`_shared_out`);
    only where nothing else in this process uses PDFium meanwhile (no window)."""
    total = len(todo)
    workers = parallel_workers(total)
    if workers > 1:  # documents side by side: see PipelineOptions.ocr_modes_at_once
        popts = replace(popts, ocr_modes_at_once=False)
    spawned = workers - 1 if here else workers
    pool = (spawn_pool(spawned, initializer=workers_mod.init, initargs=(case,))
            if workers > 1 else None)
    if pool is None:
        for n, doc in enumerate(todo, start=1):
            _stop_if(cancelled)
            report(f"Anonimiseren: document {n} van {total}", n - 1, total)
            yield process_document(doc, ids, workdir, popts)
        return
    report(f"Anonimiseren: 0 van {total} documenten klaar", 0, total)
    with pool:
        finished = (_shared_out(pool, spawned, todo, ids, workdir, popts, cancelled) if here
                    else _in_workers(pool, todo, workdir, popts, cancelled))
        for n, processed in enumerate(finished, start=1):
            yield processed
            report(f"Anonimiseren: {n} van {total} documenten klaar", n, total)


def _in_workers(pool: ProcessPoolExecutor, todo: Sequence[Document], workdir: Path,
                popts: PipelineOptions, cancelled: Callable[[], bool]) -> Iterator[ProcessedDocument]:
    futures = [pool.submit(workers_mod.process, doc, str(workdir), popts) for doc in todo]
    for future in as_completed(futures):
        if cancelled():
            pool.shutdown(wait=True, cancel_futures=True)
            _stop_if(cancelled)
        yield future.result()


def _shared_out(pool: ProcessPoolExecutor, spawned: int, todo: Sequence[Document],
                ids: IdentifierSet, workdir: Path, popts: PipelineOptions,
                cancelled: Callable[[], bool]) -> Iterator[ProcessedDocument]:
    """The documents handed out one at a time, in order, to whichever is free: this thread
    or one of the pool's `spawned` workers (each fed by a thread of its own here). On two
    cores that is one process less than two workers and an idle build: its start, its
    imports and its memory. The first error stops the handing out and is raised here."""
    lock = threading.Lock()
    waiting = list(reversed(todo))
    results: queue.SimpleQueue[ProcessedDocument | BaseException] = queue.SimpleQueue()
    stop = threading.Event()

    def take() -> Document | None:
        with lock:
            return waiting.pop() if waiting and not stop.is_set() else None

    def feed() -> None:
        while (doc := take()) is not None:
            try:
                results.put(pool.submit(workers_mod.process, doc, str(workdir), popts).result())
            except BaseException as exc:  # raised in the build's thread
                stop.set()
                results.put(exc)
                return

    feeders = [threading.Thread(target=feed, name="documenten", daemon=True) for _ in range(spawned)]
    for feeder in feeders:
        feeder.start()
    try:
        done = 0
        while done < len(todo):
            _stop_if(cancelled)
            doc = take()
            if doc is not None:
                results.put(process_document(doc, ids, workdir, popts))
            while done < len(todo):
                try:  # nothing left to take here: wait for a worker, a stop asked for in between
                    item = results.get(block=doc is None, timeout=0.2 if doc is None else None)
                except queue.Empty:
                    break
                if isinstance(item, BaseException):
                    raise item
                done += 1
                yield item
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        for feeder in feeders:
            feeder.join()


def _stop_if(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise CancelledError("Het maken van de bundel is afgebroken. Er is niets weggeschreven.")


# --- parts and generated pages --------------------------------------------------------------

def _parts(case: Case, result: CheckResult, ids: IdentifierSet, processed: Sequence[ProcessedDocument],
           workdir: Path) -> tuple[list[Part], list[tuple[str, int, int]]]:
    by_part: dict[str, list[ProcessedDocument]] = {}
    for p in processed:
        by_part.setdefault(p.document.onderdeel, []).append(p)
    body: list[tuple[OnderdeelStatus, list[Path], int]] = []
    for status in _present(result):
        if status.onderdeel.id == "voorblad":
            continue
        pdfs, pages = _component_pdfs(case, status, ids, by_part, workdir)
        body.append((status, pdfs, pages))
    supplied_cover = by_part.get("voorblad", [])
    cover, cover_pages = _render_cover(case, result, ids, body, supplied_cover, workdir)
    parts = [Part("voorblad", VOORBLAD_NAAM, tuple([cover, *(p.pdf for p in supplied_cover)]), True)]
    parts += [Part(s.onderdeel.id, s.onderdeel.naam, tuple(pdfs), s.gegenereerd) for s, pdfs, _ in body]
    ranges, page = [("voorblad", 1, cover_pages)], cover_pages + 1
    for s, _, n in body:
        ranges.append((s.onderdeel.id, page, page + n - 1))
        page += n
    return parts, ranges


def _component_pdfs(case: Case, status: OnderdeelStatus, ids: IdentifierSet,
                    by_part: dict[str, list[ProcessedDocument]], workdir: Path) -> tuple[list[Path], int]:
    if status.gegenereerd and status.onderdeel.genereerbaar == "offerte":
        out = workdir / "offerte.pdf"
        return [out], render_offerte(out, case, ids.finder)
    docs = by_part.get(status.onderdeel.id, [])
    return [d.pdf for d in docs], sum(d.paginas for d in docs)


def _render_cover(case: Case, result: CheckResult, ids: IdentifierSet,
                  body: Sequence[tuple[OnderdeelStatus, list[Path], int]],
                  supplied: Sequence[ProcessedDocument], workdir: Path) -> tuple[Path, int]:
    """The cover's table of contents needs its own length: render until it is stable,
    starting from the length the last cover made in this process had (the wizard's
    rebuild after an edit then renders a two-page cover once, not twice: ~20 ms)."""
    global _last_cover_pages
    out = workdir / "voorblad.pdf"
    extra = sum(p.paginas for p in supplied)
    pages = _last_cover_pages
    for _ in range(4):
        inhoud, page = [InhoudRegel("Voorblad", 1, pages + extra)], pages + extra + 1
        for s, _, n in body:
            inhoud.append(InhoudRegel(s.onderdeel.naam, page, page + n - 1))
            page += n
        rendered = render_voorblad(out, case, result, ids.finder, inhoud)
        _last_cover_pages = rendered
        if rendered == pages:
            return out, pages + extra
        pages = rendered
    return out, pages + extra


_last_cover_pages = 1  # a first guess only: the loop above renders until the length holds


def _info(case: Case, result: CheckResult, options: BuildOptions) -> BundleInfo:
    c = case.casus
    return BundleInfo(ot_nummer=c.ot_nummer, tafel_id=c.tafel,
                      tafel_naam=result.tafel.naam if result.tafel else c.tafel, spoor=c.spoor,
                      gemeente=c.gemeente, onderwijs=c.onderwijs, aanmelddatum=c.aanmelddatum,
                      eerste_verzuimdatum=c.eerste_verzuimdatum, routeboek_id=result.ruleset.id,
                      routeboek_versie=result.ruleset.versie, concept=options.concept)


# --- manifest and report ------------------------------------------------------------------

def _bundle_page(doc: ProcessedDocument, page: int, processed: Sequence[ProcessedDocument],
                 ranges: Sequence[tuple[str, int, int]]) -> int:
    start = next(r[1] for r in ranges if r[0] == doc.document.onderdeel)
    for other in processed:
        if other is doc:
            break
        if other.document.onderdeel == doc.document.onderdeel:
            start += other.paginas
    return start + page - 1


def _not_checked(processed: Sequence[ProcessedDocument],
                 ranges: Sequence[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [{"onderdeel": d.document.onderdeel, "pagina": _bundle_page(d, p, processed, ranges)}
            for d in processed for p in d.niet_gecontroleerd]


def _not_checked_labels(processed: Sequence[ProcessedDocument],
                        ranges: Sequence[tuple[str, int, int]]) -> list[str]:
    return [f"{d.document.bestand} p. {p} (bundel p. {_bundle_page(d, p, processed, ranges)})"
            for d in processed for p in d.niet_gecontroleerd]


def _manifest_melding(m: Melding, doc: ProcessedDocument | None, tokens: list[str],
                      ids: IdentifierSet) -> dict[str, Any]:
    tekst = m.tekst
    if doc is not None:
        tekst = tekst.replace(doc.document.bestand, f"document {doc.document.index + 1}")
    tekst = scrub_label(tekst, tokens)
    for hit in sorted(ids.finder(tekst), key=lambda h: h.start, reverse=True):
        tekst = tekst[:hit.start] + hit.label + tekst[hit.end:]
    return {k: v for k, v in {**m.as_dict(), "tekst": tekst}.items() if k != "bestand"}


def _manifest_extra(case: Case, result: CheckResult, ids: IdentifierSet,
                    processed: Sequence[ProcessedDocument],
                    ranges: Sequence[tuple[str, int, int]]) -> dict[str, Any]:
    tokens = identifier_tokens(case)
    meldingen = [_manifest_melding(m, d, tokens, ids) for d in processed for m in d.meldingen]
    removed: dict[str, int] = {}
    for d in processed:
        for cat, n in d.treffers.items():
            removed[cat] = removed.get(cat, 0) + n
    return {
        "casus_voorwaarden": {"smw_betrokken": case.casus.smw_betrokken,
                              "herplaatsing_vanuit_onderbouw": case.casus.herplaatsing_vanuit_onderbouw},
        "controles": {
            "compleet": result.compleet,
            "voorwaarden": [{"id": v.voorwaarde.id, "status": v.status} for v in result.voorwaarden],
            "anonimisering": {"bekende_gegevens": ids.categories, "verwijderd": removed,
                              "eindcontrole": gate_engines()},
        },
        "niet_gecontroleerd": _not_checked(processed, ranges),
        "meldingen": meldingen,
        "converter": sorted({d.converter for d in processed if d.converter}),
        "bevestigd": sorted(confirmed_hashes(case)),
    }


def _all_meldingen(result: CheckResult, processed: Sequence[ProcessedDocument]) -> list[Melding]:
    out = [m for m in result.meldingen if m.niveau != "info"]
    for d in processed:
        out += [replace(m, bestand=m.bestand or d.document.bestand) for m in d.meldingen]
    return out
