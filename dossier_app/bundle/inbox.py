"""The loket's inbox: every bundle in a folder checked with `verify_bundle`, one row each.

A row holds only what the bundle itself carries openly (OT-nummer, tafel, gemeente,
onderwijs, dates, page count) and the verdicts; never a finding's context. Rows are kept
in a cache keyed by the file's content hash, so a folder opened again checks only new and
changed files. A file that is no bundle, is damaged or needs a password gets a row with
the reason; it never stops the others.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dossier_app.errors import DossierError
from dossier_app.fileio import atomic_write_bytes, file_sha256
from dossier_app.logs import data_dir
from dossier_app.processes import parallel_workers, spawn_pool
from dossier_app.rules.terms import GEMEENTEN

CACHE_VERSION = 1
TERMIJN_TEKST = {"binnen": "binnen", "voor": "te vroeg", "na": "voorbij", "geen": "geen vaste"}


@dataclass(frozen=True)
class InboxRow:
    bestand: str  # relative to the folder
    sha256: str
    ontvangen: str = ""  # the file's date (dd-mm-jjjj): a bundle carries no creation date
    ot_nummer: str = ""
    tafel: str = ""
    gemeente: str = ""
    onderwijs: str = ""
    aanmelddatum: str = ""
    paginas: int = 0
    compleet: str = ""  # "ja" / "nee" / ""
    anonimisering: str = ""
    termijn: str = ""
    integriteit: str = ""
    uitslag: str = ""  # the verdict, short
    reden: str = ""  # for a file that could not be checked: the whole message
    problemen: int = 0
    ok: bool = False
    bundel: bool = True  # False: not a Tafeldossier bundle, damaged or locked
    opnieuw: bool = False  # checked again because the file changed since the last check

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else (1 if self.bundel else 3)


HEADERS = {"bestand": "Bestand", "ot_nummer": "OT-nummer", "tafel": "Tafel", "gemeente": "Gemeente",
           "onderwijs": "Onderwijs", "aanmelddatum": "Aanmelddatum", "ontvangen": "Bestandsdatum",
           "paginas": "Pagina's", "compleet": "Compleet", "anonimisering": "Anonimisering",
           "termijn": "Termijn", "integriteit": "Ongewijzigd", "uitslag": "Uitslag", "reden": "Toelichting"}


def find_bundles(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The PDF files in `folder` (and its subfolders), sorted by name."""
    pattern = "**/*" if recursive else "*"
    return sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix.lower() == ".pdf")


def check_bundle(path: Path, shown: str, sha: str) -> InboxRow:
    """One bundle through the loket's own check, as a row (worker processes call this)."""
    from dossier_app.bundle.verify import verify_bundle

    received = datetime.fromtimestamp(path.stat().st_mtime).date()
    base = InboxRow(bestand=shown, sha256=sha, ontvangen=_d(received))
    try:
        report = verify_bundle(path, bestand=shown)
    except DossierError as exc:
        return replace(base, bundel=False, uitslag=_kort(exc.message, shown), reden=exc.message)
    casus = report.manifest.get("casus", {})
    t = report.termijn
    echte = [p for p in report.persoonsgegevens if not p.review]
    n = len(report.problemen)
    return replace(
        base, ot_nummer=str(casus.get("ot_nummer", "")),
        tafel=report.tafel_naam or str(casus.get("tafel", "")),
        gemeente=GEMEENTEN.get(str(casus.get("gemeente", "")), str(casus.get("gemeente", ""))),
        onderwijs=str(casus.get("onderwijs", "")).upper(),
        aanmelddatum=_iso_to_d(str(casus.get("aanmelddatum", ""))), paginas=report.paginas_bestand,
        compleet="ja" if report.compleet else "nee",
        anonimisering=("niets gevonden" if not echte and report.schoon
                       else f"{len(echte)} mogelijk" if report.schoon else "verborgen inhoud"),
        termijn=f"week {t.week}, {TERMIJN_TEKST.get(t.status, t.status)}" if t else "",
        integriteit="ja" if report.intact else "nee",
        uitslag="in orde" if report.ok else (f"{n} probleem" if n == 1 else f"{n} problemen"),
        problemen=n, ok=report.ok)


def _kort(message: str, shown: str) -> str:
    """'x.pdf is geen PDF-bestand en dus geen bundel. Vraag ...' -> 'geen PDF-bestand en dus geen bundel'."""
    text = message.removeprefix(f"{shown} ").removeprefix("is ")
    for stop in (". ", ": ", " ("):
        text = text.split(stop, 1)[0]
    return text.rstrip(".")


def _d(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _iso_to_d(text: str) -> str:
    try:
        return _d(date.fromisoformat(text))
    except ValueError:
        return ""


# --- the cache --------------------------------------------------------------------------

class InboxCache:
    """Rows by content hash, in the user's data folder (no personal data: see above)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "cache" / "loket-inbox.json"
        self.rows: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, str] = {}  # bestand -> sha256 of the last check
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("versie") == CACHE_VERSION:
                self.rows, self.seen = data.get("rijen", {}), data.get("gezien", {})
        except (OSError, ValueError, AttributeError):
            pass

    def get(self, sha: str) -> InboxRow | None:
        raw = self.rows.get(sha)
        if raw is None:
            return None
        known = {f.name for f in fields(InboxRow)}
        return InboxRow(**{k: v for k, v in raw.items() if k in known})

    def put(self, row: InboxRow) -> None:
        self.rows[row.sha256] = asdict(replace(row, opnieuw=False))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"versie": CACHE_VERSION, "rijen": self.rows, "gezien": self.seen}
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


# --- a folder -----------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def check_folder(folder: Path, *, recursive: bool = False, cache: InboxCache | None = None,
                 progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False,
                 on_row: Callable[[InboxRow], None] | None = None) -> list[InboxRow]:
    """Every PDF in `folder` as a row; only files not in the cache are checked (in worker
    processes beside each other). `on_row` gets each row as soon as it is known."""
    files = find_bundles(folder, recursive=recursive)
    rows: dict[str, InboxRow] = {}
    todo: list[tuple[Path, str, str, bool]] = []
    for path in files:
        shown = path.relative_to(folder).as_posix()
        try:
            sha = file_sha256(path)
        except OSError:
            row = InboxRow(bestand=shown, sha256="", bundel=False,
                           uitslag="Dit bestand kon niet worden gelezen.")
            rows[shown] = row
            continue
        hit = cache.get(sha) if cache else None
        if hit is not None:
            rows[shown] = replace(hit, bestand=shown)
            if on_row:
                on_row(rows[shown])
        else:
            changed = bool(cache and cache.seen.get(shown) not in (None, sha))
            todo.append((path, shown, sha, changed))
    for done, row in enumerate(_run(todo, cancelled), start=1):
        rows[row.bestand] = row
        if cache:
            cache.put(row)
        if on_row:
            on_row(row)
        if progress:
            progress(f"Bundel {done} van {len(todo)} gecontroleerd", done, len(todo))
    if cache:
        cache.seen.update({r.bestand: r.sha256 for r in rows.values() if r.sha256})
        cache.save()
    return [rows[k] for k in sorted(rows)]


def _run(todo: Sequence[tuple[Path, str, str, bool]], cancelled: Callable[[], bool]) -> Iterator[InboxRow]:
    workers = parallel_workers(len(todo), limit=os.cpu_count() or 2)
    pool = spawn_pool(workers) if workers > 1 else None
    if pool is None:
        for path, shown, sha, changed in todo:
            if cancelled():
                return
            yield replace(check_bundle(path, shown, sha), opnieuw=changed)
        return
    with pool:
        futures: list[tuple[Future[InboxRow], bool]] = [
            (pool.submit(check_bundle, path, shown, sha), changed) for path, shown, sha, changed in todo]
        for future, changed in futures:
            if cancelled():
                for f, _c in futures:
                    f.cancel()
                return
            yield replace(future.result(), opnieuw=changed)


# --- export -------------------------------------------------------------------------------

def table(rows: Iterable[InboxRow]) -> list[list[str]]:
    """Header and rows, with Dutch column names, for the screen, CSV and XLSX alike."""
    out = [list(HEADERS.values())]
    for r in rows:
        values = asdict(r)
        if not r.bundel:
            values["paginas"] = ""  # not counted: no bundle
        out.append([str(values[k]) for k in HEADERS])
    return out


def write_csv(rows: Iterable[InboxRow], out: Path) -> None:
    """Semicolons and a byte-order mark: Excel with Dutch settings opens it as columns."""
    lines = table(rows)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(lines)


def write_xlsx(rows: Iterable[InboxRow], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bundels"
    lines = table(rows)
    pages = lines[0].index(HEADERS["paginas"])
    sheet.append(lines[0])
    for line in lines[1:]:
        sheet.append([int(v) if i == pages and v.isdigit() else v for i, v in enumerate(line)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    book.save(out)
