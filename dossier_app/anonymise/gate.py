"""The leak gate: check a finished PDF again, with tools the redaction step did not use.

The redactor checks its own work with PDFium's text page. The gate re-extracts the
text of the final file with PDFium through a different call (bounded text) and with
at least two text engines the redactor does not use at all: poppler's `pdftotext` and
MuPDF's `mutool` when they are installed (programs on PATH, not bundled), and the engines
that ship as wheels, pypdf and pdfminer.six (pure Python, always there), for each of the
two that is missing: with no program on PATH (a plain Windows laptop) the gate still
reads every page with two independent engines plus PDFium. It runs the Finder
over every page text, and walks every string object and every decoded stream with
pikepdf looking for the literal variants of the identifiers in the encodings PDFs use.
It also refuses attachments, JavaScript and annotations. Any finding raises LeakError;
its message names the category and the place (page, "metadata", "bladwijzer",
"bijlage"), never the value; an engine that fails means the file was not checked
(LeakError too: fail closed).

Pages that are images (scans, pages the redactor rendered) are read with Tesseract, when
installed, at 300 dpi with the black boxes blanked (`ocr_check`); a known identifier
readable there blocks too. Without Tesseract they stay "not checked" for the user.

Speed: the external engines run as separate processes while the engines in this
process run, so the gate uses both cores. pypdf is ten times slower than the C
engines and pdfminer twice as slow as pypdf; on long documents each runs in two worker
processes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from dossier_app.anonymise.hits import Finder, seam_text, text_views
from dossier_app.anonymise.matcher import trie_pattern
from dossier_app.anonymise.ocr_check import CLEAN, readable_categories
from dossier_app.anonymise.pdf_objects import Key, PdfObjects, plain_value, ref, strings
from dossier_app.anonymise.pdfium_chars import page_texts, pdfium_identity
from dossier_app.anonymise.text_engines import TextJob, pdfminer_texts, spawned_jobs
from dossier_app.bundle.hashing import FileKeys, file_keys
from dossier_app.errors import LeakError
from dossier_app.meldingen import Melding
from dossier_app.processes import NO_WINDOW, parallel_workers, program_path
from dossier_app.store.memo import Memo
from dossier_app.store.memory import ContentMemory
from dossier_app.taal import aantal

log = logging.getLogger(__name__)

PDFTOTEXT_TIMEOUT = 120  # seconds for the whole document, for each external engine
PARALLEL_FROM_PAGES = 24  # below this starting workers costs more than it saves
_FLATE_CHUNK = 1 << 20
_MAX_INFLATED = 512 << 20  # a stream that inflates beyond this is refused, not searched
_MAX_CONTENT = 64 << 20  # content streams are searched whole (kerning joined)
_MIN_LITERAL_IN_BINARY = 6  # shorter literals occur by chance in font programs
_SCRIPT_OR_OUTSIDE = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData",
                      "/GoToR", "/GoToE", "/Rendition", "/Movie", "/Sound"}


@dataclass(frozen=True)
class GateReport:
    """A passed check: what was looked at. A failed check raises LeakError instead."""

    paginas: int
    engines: tuple[str, ...]  # e.g. ("pypdf", "pdftotext", "pdfium", "objecten")
    seconden: float
    meldingen: tuple[Melding, ...] = ()


@dataclass(frozen=True)
class _Finding:
    categorie: str
    plaats: str  # "pagina 3", "metadata", "bladwijzer", "bijlage", "document"
    bron: str  # engine or check that saw it

    def regel(self) -> str:
        return f"{self.categorie} ({self.plaats}, {self.bron})"


@dataclass
class _Literals:
    """The identifier variants, compiled once for text and for bytes."""

    text: list[tuple[re.Pattern[str], str]]
    raw: list[tuple[bytes, int, str, int]] = field(default_factory=list)  # needle, unit, cat, len
    # All text patterns in one: it matches a text exactly when at least one of `text`
    # does (same flags, same boundaries, the alternation is tried at every position).
    any_text: re.Pattern[str] | None = None
    # All byte needles as one prefix-factored regex: it matches a haystack exactly when
    # at least one needle occurs in it (boundaries are checked per needle afterwards).
    any_raw: re.Pattern[bytes] | None = None
    overlap: int = 0  # bytes kept between chunks: the longest needle plus a margin
    # What a stream's search depends on besides the stream: every needle with its unit,
    # category and literal length, and the overlap (`_clean_stream_key`).
    fingerprint: bytes = b""

    @classmethod
    def build(cls, literals: Sequence[tuple[str, str]]) -> _Literals:
        text = []
        bodies: dict[str, str] = {}  # body -> its first character
        raw: dict[bytes, tuple[int, str, int]] = {}
        for literal, categorie in literals:
            value = literal.strip()
            if not value:
                continue
            body = r"\s*".join(re.escape(part) for part in value.split())
            text.append((re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE), categorie))
            bodies.setdefault(body, value[0])
            for needle, unit in _byte_needles(value):
                raw.setdefault(needle, (unit, categorie, len(value)))
        needles = list(raw)
        any_raw = re.compile(trie_pattern([n.decode("latin-1") for n in needles], leaf_end="")
                             .encode("latin-1")) if needles else None
        entries = [(n, u, c, length) for n, (u, c, length) in raw.items()]
        overlap = max((len(n) for n in needles), default=0) + 4
        fingerprint = hashlib.sha256(repr((sorted(entries), overlap)).encode()).digest()
        return cls(text, entries, _any_of(bodies), any_raw, overlap, fingerprint)


def _any_of(bodies: dict[str, str]) -> re.Pattern[str] | None:
    """One regex for all literal bodies, for a single pass over a page.

    It opens with a lookahead on the possible first characters (compiled with the same
    IGNORECASE, so it accepts every case variant the literal itself accepts): most
    positions then fail on one test. Each alternative keeps its own end boundary, and
    the regex engine backtracks into the alternation, so a literal that matches at a
    position makes the combined regex match there too."""
    if not bodies:
        return None
    guard = "(?=[" + "".join(re.escape(c) for c in sorted(set(bodies.values()))) + "])"
    alternatives = "|".join(rf"{body}(?!\w)" for body in bodies)
    return re.compile(rf"{guard}(?<!\w)(?:{alternatives})", re.IGNORECASE)


def _byte_needles(value: str) -> Iterator[tuple[bytes, int]]:
    """The literal as bytes in every encoding a PDF uses, ASCII-lowercased.

    Haystacks are lowercased the same way (bytes.lower only touches A-Z), so the search
    is case-insensitive for ASCII; case variants cover the accented letters.
    """
    for variant in {value, value.lower(), value.upper(), value.title()}:
        for codec, unit in (("latin-1", 1), ("utf-8", 1), ("pdfdoc", 1),
                            ("utf-16-be", 2), ("utf-16-le", 2)):
            try:
                encoded = variant.encode(codec)
            except (UnicodeEncodeError, LookupError):
                continue
            yield encoded.lower(), unit
            if unit == 1:
                yield encoded.hex().encode("ascii"), 0  # <4a616e...> hex strings


# --------------------------------------------------------------------------- public API


# The text engines the redactor does not use, as programs: name -> (arguments before the
# file, arguments after it); both write UTF-8 text to standard output.
_EXTERNAL_ENGINES = {
    "pdftotext": (["-q", "-enc", "UTF-8"], ["-"]),  # poppler
    "mutool": (["draw", "-q", "-F", "txt", "-o", "-"], []),  # MuPDF
}
MIN_INDEPENDENT_ENGINES = 2
# The engines in wheels, in the order they stand in for missing external engines.
BUILTIN_ENGINES = ("pypdf", "pdfminer")


def external_engines() -> dict[str, str]:
    """The installed external text engines: name -> executable."""
    found = {name: shutil.which(name) for name in _EXTERNAL_ENGINES}
    return {name: exe for name, exe in found.items() if exe}


def engines() -> list[str]:
    """The checks `verify_pdf` runs on this machine, in the manifest's words."""
    return _engine_names(list(external_engines()))


def _engine_names(external: list[str]) -> list[str]:
    return ["objecten", "pdfium", *_builtin_engines(external), *external]


def _builtin_engines(external: list[str]) -> list[str]:
    """The engines in wheels that make up for missing external engines."""
    return list(BUILTIN_ENGINES[:max(0, MIN_INDEPENDENT_ENGINES - len(external))])


def verify_pdf(path: Path, identifiers_finder: Finder,
               literals: Sequence[tuple[str, str]], *,
               allowed_attachments: frozenset[str] = frozenset(),
               memo: Memo | None = None, identifiers_key: str = "",
               stamped: bool = False, by_digest: bool = True,
               keys: FileKeys | None = None) -> GateReport:
    """Check `path` for identifiers in every channel. Raise LeakError on any finding.

    `allowed_attachments` names embedded files the product itself added (the bundle's
    manifest); their content is still searched like every other stream. `memo`: what OCR
    read in identical page images before (`ocr_check.readable_categories`); with
    `identifiers_key` (`IdentifierSet.fingerprint()` of the identifiers searched for) also
    which pages every text engine read clean before (`_TextMemo`): the engines then read
    only the stretch of pages not known. The object walk and the image pages always run
    over the whole file. `stamped`: a bundle, whose image pages are read beneath the
    footer stamp (`ocr_check.lift_stamp`; the stamp's text is read by the text engines).
    `by_digest=False`: no page of this file can be in `memo` (one made for this run): its
    pages' digests are not made to look them up. `keys`: the digests of the file's pages
    when the caller made them itself (the build, as it assembled the file); the caller then
    has them confirmed from the file before it keeps the file or anything written to `memo`
    (build._final_checks)."""
    started = time.monotonic()
    lits = _Literals.build(literals)
    findings: list[_Finding] = []
    engine_paths = external_engines()
    builtin = _builtin_engines(list(engine_paths))
    keys = (keys or file_keys(path)) if memo and by_digest else None
    known = (_TextMemo(memo, identifiers_key, keys, [*engine_paths.items(), *((b, "") for b in builtin)])
             if memo and keys and identifiers_key else None)
    first, stop, clean_to = known.to_read() if known else (0, None, None)
    external: dict[str, _Program] = {}
    workers: dict[str, list[TextJob]] = {}
    read_texts = stop is None or first < stop  # else every page's text is known to be clean
    try:
        if read_texts:
            external = {name: _start_engine(name, exe, path, first, stop)
                        for name, exe in engine_paths.items()}
            for name in builtin:
                workers[name] = _start_builtin_workers(name, path, first, stop)
        pages = _check_objects(path, identifiers_finder, lits, findings, allowed_attachments)
        count = (stop if stop is not None else pages) - first
        if read_texts:
            findings += _check_texts("pdfium", page_texts(path, bounded=True, first=first, stop=stop),
                                     identifiers_finder, lits, first, count)
        # The image pages now, while the engines started above still read: on a laptop with
        # no programs the engines in wheels take seconds, and so does reading the scans.
        findings += _check_image_pages(path, identifiers_finder, memo, keys, stamped, identifiers_key)
        if read_texts:
            for name in builtin:
                texts = (_finish_pypdf_workers(workers[name]) if workers[name]
                         else _BUILTIN_TEXTS[name](path, first, stop))
                findings += _check_texts(name, texts, identifiers_finder, lits, first, count)
            for name, engine in external.items():
                findings += _check_texts(name, _engine_pages(engine), identifiers_finder, lits,
                                         first, count)
    except LeakError:
        raise
    except Exception as exc:  # any engine failing means the file was not checked
        log.warning("controle kon niet worden uitgevoerd (%s)", type(exc).__name__)
        raise LeakError("Het resultaat kon niet volledig worden gecontroleerd op "
                        "persoonsgegevens en is daarom niet geschreven. Meld dit probleem "
                        "met het logbestand.") from exc
    finally:
        for program in [*external.values(), *(p for ps in workers.values() for p in ps)]:
            program.stop()
    if findings:
        raise _leak(findings)
    if known:
        known.remember_clean(first, clean_to if clean_to is not None else pages)
    used = _engine_names(list(external))
    meldingen = [Melding("TEKSTMOTOR_ONTBREEKT", f"{name} is niet geïnstalleerd; de controle gebruikte "
                         "de andere methoden.", "info") for name in _EXTERNAL_ENGINES if name not in external]
    return GateReport(pages, tuple(used), time.monotonic() - started, tuple(meldingen))


def _leak(findings: list[_Finding]) -> LeakError:
    # Specific places first: an object stream holding the Info dictionary is found
    # as "document" too, but "metadata" tells the user where to look.
    unique = sorted(dict.fromkeys(findings), key=lambda f: f.plaats == "document")
    first = unique[0]
    more = f" en op {aantal(len(unique) - 1, 'andere plaats', 'andere plaatsen')}" if len(unique) > 1 else ""
    message = (f"Mogelijk lek: {first.categorie} gevonden ({first.plaats}){more}. Het "
               "bestand is niet geschreven. Controleer de lakvlakken en de gegevens van de "
               "leerling, of neem deze pagina's op als afbeelding.")
    return LeakError(message, details=[f.regel() for f in unique])


# --------------------------------------------------------------------------- text engines


def _check_texts(engine: str, texts: list[str], finder: Finder, lits: _Literals,
                 first: int = 0, count: int | None = None) -> list[_Finding]:
    """The texts of pages first+1, first+2, ... (1-based); `count`: how many pages the
    engine was asked for: fewer texts means pages went unread (more can be a form feed
    inside a page's text: all of it is still searched)."""
    if count is not None and len(texts) < count:
        raise RuntimeError(f"{engine}: {len(texts)} pagina's gelezen, {count} gevraagd")
    findings = []
    for number, text in enumerate(texts, start=first + 1):
        for categorie in _text_hits(text, finder, lits):
            findings.append(_Finding(categorie, f"pagina {number}", engine))
    # An identifier split by a page break ("el Am-" / "rani", "17-11-" / "2015") is in
    # neither page's text alone: the lines on either side of each break are read together.
    for number, (before, after) in enumerate(itertools.pairwise(texts), start=first + 1):
        for categorie in _text_hits(seam_text(before, after)[0], finder, lits):
            findings.append(_Finding(categorie, f"pagina {number}-{number + 1}", engine))
    return findings


class _TextMemo:
    """Which pages every text engine read without a finding before, by the page's digest
    (content, resources, boxes, annotations), under a name that also holds the
    identifiers searched for, the engines (each program by its path, size and time, the
    libraries by their versions), the document's optional-content settings and the
    program's code. A rebuild after a voorblad edit then reads only the new pages' text."""

    def __init__(self, memo: Memo, identifiers_key: str, keys: FileKeys,
                 engines: Sequence[tuple[str, str]]) -> None:
        """`engines`: (name, program) of the engines besides PDFium ("" for one in a wheel).
        A page's entry is the page and its break to the next page, so its name holds the
        next page's digest too ("" after the last page)."""
        self._memo = memo
        self.pages = len(keys.pages)
        self._names = keys.memo_names(memo, "gate-tekst-pagina-en-overgang", identifiers_key,
                                      pdfium_identity(),
                                      *(_engine_identity(name, exe) for name, exe in engines),
                                      following=True)

    def to_read(self) -> tuple[int, int, int]:
        """(first, stop, clean_to) 0-based: read pages [first, stop), and once they read
        clean, remember [first, clean_to). The stretch of pages not known clean, and the
        page after it: its text, with the stretch's last page, is what reads over that page
        break (`_check_texts`). The page before the stretch is known clean together with its
        break to the stretch's first page. first == stop when all are known."""
        first, clean_to = self.unknown_stretch()
        return first, (min(clean_to + 1, self.pages) if first < clean_to else clean_to), clean_to

    def unknown_stretch(self) -> tuple[int, int]:
        """[first, stop) 0-based: the shortest stretch holding every page not known clean;
        first == stop when all are known."""
        unknown = [i for i, name in enumerate(self._names) if self._memo.get(name) != CLEAN]
        return (unknown[0], unknown[-1] + 1) if unknown else (0, 0)

    def remember_clean(self, first: int, stop: int) -> None:
        for name in self._names[first:stop]:
            self._memo.put(name, CLEAN)


def _engine_identity(name: str, exe: str) -> str:
    """What reads the text: a program by its path, size and time (an upgrade reads
    differently), the engines in wheels by their versions."""
    if exe:
        try:
            info = os.stat(exe)
        except OSError:
            return f"{name}:{exe}"
        return f"{name}:{exe}:{info.st_size}:{info.st_mtime_ns}"
    from importlib.metadata import PackageNotFoundError, version

    package = {"pdfminer": "pdfminer.six"}.get(name, name)
    try:
        return f"{name}:{version(package)}"
    except PackageNotFoundError:
        return f"{name}:?"


def _text_hits(text: str, finder: Finder, lits: _Literals) -> set[str]:
    found: set[str] = set()
    for view in _views(text):
        found |= {hit.categorie for hit in finder(view)}
        # One pass with the combined regex; only on a hit are the single patterns run
        # (to name the categories). No hit there means no hit for any single pattern.
        if lits.any_text is not None and lits.any_text.search(view):
            found |= {categorie for pattern, categorie in lits.text if pattern.search(view)}
    return found


def _views(text: str) -> list[str]:
    """The text and, where lines end on a hyphen or another separator, both readings of
    it as the redactor has them (`hits.text_views`): "Jan-\\nsen" as "Jansen", and
    "09-09-\\n2011" as "09-09-2011"."""
    return [view for view, _ in text_views(text)]


def pypdf_texts(path: Path, first: int = 0, stop: int | None = None) -> list[str]:
    """Page texts by pypdf, pages [first, stop)."""
    import pypdf  # only where fewer than two external engines are installed

    # Its warnings (fonts, repaired structure) are noise here, in English on the user's
    # terminal: pypdf logs them under its modules' names, so the level is set on the
    # parent logger ("disabled" there did not reach "pypdf._cmap").
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = pypdf.PdfReader(path, strict=False)
    return [page.extract_text() or "" for page in reader.pages[first:stop]]


_BUILTIN_TEXTS = {"pypdf": pypdf_texts, "pdfminer": pdfminer_texts}


def _start_builtin_workers(name: str, path: Path, first: int = 0,
                           stop: int | None = None) -> list[TextJob]:
    """The engines in wheels are pure Python and slow: on long stretches of pages [first,
    stop) each runs in two worker processes, each on half of them, beside the engines in
    this process."""
    if stop is None:
        with pikepdf.open(path) as pdf:
            stop = len(pdf.pages)
    if stop - first < PARALLEL_FROM_PAGES or parallel_workers(2) < 2:
        return []
    middle = (first + stop) // 2
    halves = [(first, middle), (middle, stop)]
    if not _can_start_python():
        return spawned_jobs(name, path, halves)
    start = (["-c", _PYPDF_WORKER] if name == "pypdf"
             else ["-m", "dossier_app.anonymise.text_engines", name])
    return [_Program([sys.executable, *start, str(path), str(a), str(b)]) for a, b in halves]


def _can_start_python() -> bool:
    """A frozen app has no interpreter to start (`sys.executable` is the app itself)."""
    return not getattr(sys, "frozen", False)


def _start_pypdf_workers(path: Path) -> list[TextJob]:
    return _start_builtin_workers("pypdf", path)


# The worker imports pypdf only, not this module (pikepdf, PDFium and the app): that
# halves its start-up. It must extract exactly as `pypdf_texts` does.
_PYPDF_WORKER = """\
import json, logging, sys
import pypdf
logging.getLogger("pypdf").setLevel(logging.ERROR)
reader = pypdf.PdfReader(sys.argv[1], strict=False)
pages = reader.pages[int(sys.argv[2]):int(sys.argv[3])]
sys.stdout.write(json.dumps([page.extract_text() or "" for page in pages]))
"""


def _finish_pypdf_workers(workers: list[TextJob]) -> list[str]:
    """The page texts the workers of an engine in a wheel wrote (JSON), in page order."""
    texts: list[str] = []
    for program in workers:
        texts += json.loads(program.output(PDFTOTEXT_TIMEOUT * 5))
    return texts


def _start_engine(name: str, exe: str, path: Path, first: int = 0,
                  stop: int | None = None) -> _Program:
    """An external engine on pages [first, stop) (0-based; all pages when stop is None)."""
    before, after = _EXTERNAL_ENGINES[name]
    if stop is not None and name == "pdftotext":
        before = [*before, "-f", str(first + 1), "-l", str(stop)]
    elif stop is not None:  # mutool: the pages after the file
        after = [*after, f"{first + 1}-{stop}"]
    return _Program([exe, *before, program_path(path), *after])


def _engine_pages(engine: _Program) -> list[str]:
    """Page texts (both engines end every page with a form feed)."""
    pages = engine.output(PDFTOTEXT_TIMEOUT).decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages  # after the last page


class _Program:
    """A program started now whose standard output a thread reads as it comes: a program
    writing more than a pipe holds (64 KiB) would otherwise stop until `output` is
    called, and the engines would not run beside the checks in this process."""

    def __init__(self, cmd: list[str]) -> None:
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      creationflags=NO_WINDOW)
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self._proc.stdout
        assert stream is not None
        try:
            while chunk := stream.read(1 << 16):
                self._chunks.append(chunk)
        except (OSError, ValueError):
            pass  # killed or closed: `output` reports the failure

    def output(self, timeout: float) -> bytes:
        """All it wrote; RuntimeError if it fails or takes longer than `timeout` seconds."""
        self._reader.join(timeout)
        if self._reader.is_alive():
            raise RuntimeError("text engine timed out")
        if self._proc.wait(timeout=5) != 0:
            raise RuntimeError("text engine failed")
        return b"".join(self._chunks)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()


# --------------------------------------------------------------------------- image pages


def _check_image_pages(path: Path, finder: Finder, memo: Memo | None = None,
                       keys: FileKeys | None = None, stamped: bool = False,
                       identifiers_key: str = "") -> list[_Finding]:
    """Pages that are images (scans, pages the redactor rendered), read with Tesseract at
    300 dpi with the black boxes blanked (`ocr_check`; in a bundle beneath its stamp): a
    known identifier still readable blocks like one in the text. Without Tesseract nothing
    is read here; those pages stay "not checked" for the user to look at."""
    from dossier_app.store.workdir import private_workdir

    with private_workdir() as folder:
        found = readable_categories(path, finder, folder, memo, keys, beneath_stamp=stamped,
                                    identifiers_key=identifiers_key)
    return [_Finding(categorie, f"pagina {page}", "tekstherkenning")
            for page, categories in sorted(found.items()) for categorie in sorted(categories)]


# --------------------------------------------------------------------------- object walk


def _check_objects(path: Path, finder: Finder, lits: _Literals,
                   findings: list[_Finding], allowed: frozenset[str] = frozenset()) -> int:
    with pikepdf.open(path) as pdf:
        objects = PdfObjects(pdf)
        places = _places(pdf, objects)
        findings += _structure(pdf, objects, allowed)
        texts: dict[str, list[str]] = {}
        kinds = _stream_kinds(objects)
        for key, value in objects.values.items():
            place = places.get(key, "document")
            stream = objects.streams.get(key)
            if stream is not None:
                image = objects.get(value, "/Subtype") == "/Image"
                findings += _check_stream(stream, place, lits, kinds.get(key, ""), image, value)
            texts.setdefault(place, []).extend(strings(value, objects))
        info = pdf.trailer.get("/Info")
        if isinstance(info, Dictionary) and not info.is_indirect:
            texts.setdefault("metadata", []).extend(strings(plain_value(info), objects))
        for place, parts in texts.items():
            for categorie in _text_hits("\n".join(parts), finder, lits):
                findings.append(_Finding(categorie, place, "objecten"))
        return len(objects.pages)


def _places(pdf: pikepdf.Pdf, objects: PdfObjects) -> dict[Key, str]:
    """Where an object is, in words the user understands."""
    places: dict[Key, str] = {}
    for number, key in enumerate(objects.pages, start=1):
        _mark_page(objects, key, None, f"pagina {number}", places, 0)
    info = pdf.trailer.get("/Info")
    if isinstance(info, Dictionary) and info.is_indirect:
        places[info.objgen] = "metadata"
    for key, value in objects.values.items():
        if not isinstance(value, dict):
            continue
        kind = _kind(objects, value)
        if kind:
            places[key] = kind
            meta = _stream_key(objects, value.get("/Metadata"))
            if meta is not None:
                places[meta] = "metadata"
    return places


def _kind(objects: PdfObjects, obj: dict[str, Any]) -> str | None:
    if objects.get(obj, "/Type") == "/Metadata" or objects.get(obj, "/Subtype") == "/XML":
        return "metadata"
    if objects.get(obj, "/Type") in ("/EmbeddedFile", "/Filespec") or "/EF" in obj:
        return "bijlage"
    if "/Title" in obj and any(k in obj for k in ("/Parent", "/Next", "/Prev", "/Dest")):
        return "bladwijzer"
    return None


def _mark_page(objects: PdfObjects, key: Key | None, value: Any, place: str,
               places: dict[Key, str], depth: int) -> None:
    """Label a page, its content streams and the forms and images it draws. `key`: an
    indirect object (`value` is then looked up), or None for a direct `value`."""
    if depth > 8:
        return
    if key is not None:
        if key in places or not objects.is_container(key):
            return
        places[key] = place
        value = objects.values[key]
    if isinstance(value, list):
        children = list(value)
    elif isinstance(value, dict):
        children = [value[k] for k in ("/Contents", "/Resources", "/XObject", "/Annots") if k in value]
        if depth > 0 and "/Resources" not in value and key not in objects.streams:
            children += list(value.values())  # an XObject dictionary: name -> object
    else:
        return
    for child in children:
        _mark_page(objects, ref(child), child, place, places, depth + 1)


def _attachment_names(tree: object) -> list[str] | None:
    """Names in a flat /EmbeddedFiles name tree; None when it is nested or odd."""
    if not isinstance(tree, Dictionary) or "/Kids" in tree:
        return None
    entries = tree.get("/Names")
    if not isinstance(entries, Array):
        return None
    return [str(entries[i]) for i in range(0, len(entries), 2)]


def _structure(pdf: pikepdf.Pdf, objects: PdfObjects,
               allowed: frozenset[str] = frozenset()) -> list[_Finding]:
    findings = []
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary):
        if "/EmbeddedFiles" in names:
            attached = _attachment_names(names["/EmbeddedFiles"])
            if attached is None or not set(attached) <= allowed:
                findings.append(_Finding("ingesloten bestand", "bijlage", "structuur"))
        if "/JavaScript" in names:
            findings.append(_Finding("JavaScript", "document", "structuur"))
    for number, key in enumerate(objects.pages, start=1):
        annots = objects.get(objects.values[key], "/Annots")
        if isinstance(annots, list) and len(annots) > 0:
            findings.append(_Finding("opmerkingen of koppelingen", f"pagina {number}",
                                     "structuur"))
    if any(isinstance(value, dict) and _is_script(objects, value) for value in objects.values.values()):
        findings.append(_Finding("JavaScript of actie", "document", "structuur"))
    return findings


def _is_script(objects: PdfObjects, obj: dict[str, Any]) -> bool:
    if "/JS" in obj or "/AA" in obj or "/OpenAction" in obj:
        return True
    if objects.get(obj, "/S") in _SCRIPT_OR_OUTSIDE:
        return True
    action = objects.get(obj, "/A")
    return isinstance(action, dict) and objects.get(action, "/S") in _SCRIPT_OR_OUTSIDE


def _stream_kinds(objects: PdfObjects) -> dict[Key, str]:
    """Which streams are font programs ("font") and which draw a page ("content")."""
    kinds: dict[Key, str] = {}
    for key, value in objects.values.items():
        if key in objects.streams:
            if objects.get(value, "/Subtype") == "/Form":
                kinds[key] = "content"
        elif isinstance(value, dict) and objects.get(value, "/Type") == "/FontDescriptor":
            for name in ("/FontFile", "/FontFile2", "/FontFile3"):
                font = _stream_key(objects, value.get(name))
                if font is not None:
                    kinds[font] = "font"
    for key in objects.pages:
        contents = objects.values[key].get("/Contents") if isinstance(objects.values[key], dict) else None
        target = objects.resolve(contents)
        for item in target if isinstance(target, list) else [contents]:
            stream = _stream_key(objects, item)
            if stream is not None:
                kinds[stream] = "content"
    return kinds


def _stream_key(objects: PdfObjects, value: Any) -> Key | None:
    """The stream a value refers to (through references to references too), or None."""
    for _ in range(32):
        key = ref(value)
        if key is None:
            return None
        if key in objects.streams:
            return key
        value = objects.values.get(key)
    return None


# Streams this process searched and found clean, by `_clean_stream_key`: a rebuild in the
# wizard's checking worker searches only the streams that changed (the voorblad's).
_CLEAN_STREAMS: ContentMemory[bool] = ContentMemory()


def _check_stream(stream: pikepdf.Stream, place: str, lits: _Literals,
                  kind: str, image: bool, value: Any = None) -> list[_Finding]:
    key = _clean_stream_key(stream, value, lits, kind, image)
    if key is not None and _CLEAN_STREAMS.get(key):
        return []
    minimum = _MIN_LITERAL_IN_BINARY if kind == "font" else 0
    if image:
        chunks: Iterator[bytes] = iter([_jpeg_text_segments(stream)])
    elif kind == "content":
        chunks = iter([_join_kerned(b"".join(_decoded_chunks(stream, _MAX_CONTENT)))])
    else:
        chunks = _decoded_chunks(stream)
    found = _search_chunks(chunks, lits, minimum)
    if not found and key is not None:
        _CLEAN_STREAMS.put(key, True)
    return [_Finding(categorie, place, "objecten") for categorie in found]


def _clean_stream_key(stream: pikepdf.Stream, value: Any, lits: _Literals, kind: str,
                      image: bool) -> bytes | None:
    """Everything the search of one stream depends on, hashed: the needles (`lits`), how
    the stream is read (kind, image) and what it decodes to (its filters and their
    parameters, and its raw bytes). None when that cannot be told from the stream alone:
    a filter or parameter given by reference, or no plain value of its dictionary."""
    if not isinstance(value, dict) or not lits.fingerprint:
        return None
    decoding = [value.get("/Filter"), value.get("/DecodeParms"), "/DecodeParms" in value]
    if _refers(decoding):
        return None
    digest = hashlib.sha256(lits.fingerprint)
    digest.update(json.dumps([kind, image, decoding], sort_keys=True).encode())
    digest.update(stream.read_raw_bytes())
    return digest.digest()


def _refers(value: Any) -> bool:
    if isinstance(value, list):
        return any(_refers(v) for v in value)
    if isinstance(value, dict):
        return any(_refers(v) for v in value.values())
    return ref(value) is not None


def _jpeg_text_segments(stream: pikepdf.Stream) -> bytes:
    """The APPn and COM segments of a JPEG: the only place an image carries text."""
    filt = stream.get("/Filter")
    filters = list(filt) if isinstance(filt, Array) else [filt]
    if filters != [Name.DCTDecode]:
        return b""
    data = stream.read_raw_bytes()
    out = []
    pos = 2 if data[:2] == b"\xff\xd8" else len(data)
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xDA, 0xD9):
            break
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            out.append(data[pos + 4:pos + 2 + length])
        pos += 2 + max(length, 2)
    return b"\n".join(out)


# A number whose value is at most 200 in size, in the form `-?\d*\.?\d+` (a PDF number with
# no trailing point): leading zeros; an integer part below 200 with any fraction; 200 with
# a fraction of zeros only.
_SMALL_NUMBER = rb"-?0*(?:(?:[1-9]?\d|1\d\d)?\.\d+|200\.0+|[1-9]?\d|1\d\d|200)"
_KERNED = re.compile(rb"\)\s*" + _SMALL_NUMBER + rb"\s*\(|>\s*" + _SMALL_NUMBER + rb"\s*<")


def _join_kerned(data: bytes) -> bytes:
    """Join TJ fragments split only by kerning: "(Komp)1(ak)-1(the)1(it)" is one word.

    Without this a name would be missed when kerned, and a word like "Kompaktheit"
    would match a literal "the". Gaps as wide as a space (> 200/1000 em) stay apart. The
    pattern itself tells a gap of at most 200 from a wider one, so the join is one pass in
    C (a word processor's export kerns nearly every pair: 160,000 gaps in a 190-page
    bundle took 0.3 s through a Python callback)."""
    return _KERNED.sub(b"", data)


def _decoded_chunks(stream: pikepdf.Stream, limit: int = 0) -> Iterator[bytes]:
    """The decoded stream in pieces, so a zip bomb cannot exhaust memory."""
    filt = stream.get("/Filter")
    filters = list(filt) if isinstance(filt, Array) else ([] if filt is None else [filt])
    if not filters:
        yield stream.read_raw_bytes()
    elif filters == [Name.FlateDecode] and "/DecodeParms" not in stream:
        yield from _inflate(stream.read_raw_bytes(), limit or _MAX_INFLATED)
    elif any(f in (Name.DCTDecode, Name.JPXDecode, Name.CCITTFaxDecode, Name.JBIG2Decode)
             for f in filters):
        return  # image codecs on a non-image stream: nothing textual to search
    else:
        yield stream.read_bytes()  # raises on corrupt data: the gate then fails closed


def _inflate(raw: bytes, limit: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    total = 0
    for start in range(0, len(raw), _FLATE_CHUNK):
        data = inflater.decompress(raw[start:start + _FLATE_CHUNK], _FLATE_CHUNK * 8)
        while True:
            total += len(data)
            if total > limit:
                raise ValueError("stream inflates beyond the limit")
            yield data
            if not inflater.unconsumed_tail:
                break
            data = inflater.decompress(inflater.unconsumed_tail, _FLATE_CHUNK * 8)
    yield inflater.flush()


def _search_chunks(chunks: Iterator[bytes], lits: _Literals, minimum: int) -> set[str]:
    found: set[str] = set()
    overlap = lits.overlap
    tail = b""
    for chunk in chunks:
        data = tail + chunk.lower()
        # One pass of the combined needle regex; only where some needle occurs are the
        # needles looked up one by one (with their boundaries and minimum length).
        if lits.any_raw is not None and lits.any_raw.search(data):
            for needle, unit, categorie, length in lits.raw:
                if (length >= minimum and categorie not in found
                        and _contains(data, needle, unit)):
                    found.add(categorie)
        tail = data[-overlap:] if overlap else b""
    return found


def _contains(data: bytes, needle: bytes, unit: int) -> bool:
    """Whether `needle` occurs as a whole word (not inside a longer word or number)."""
    start = data.find(needle)
    while start >= 0:
        if _bounded(data, start, start + len(needle), unit):
            return True
        start = data.find(needle, start + 1)
    return False


def _bounded(data: bytes, start: int, end: int, unit: int) -> bool:
    if unit == 0:  # hex digits: decode the neighbouring byte
        before = bytes.fromhex(data[start - 2:start].decode("ascii", "replace")) \
            if start >= 2 and _is_hex(data[start - 2:start]) else b""
        after = bytes.fromhex(data[end:end + 2].decode("ascii", "replace")) \
            if _is_hex(data[end:end + 2]) else b""
        return not (_word_byte(before) or _word_byte(after))
    return not (_word_byte(data[max(start - unit, 0):start])
                or _word_byte(data[end:end + unit]))


def _is_hex(pair: bytes) -> bool:
    return len(pair) == 2 and all(c in b"0123456789abcdef" for c in pair)


def _word_byte(unit: bytes) -> bool:
    """Whether a neighbouring char (1 or 2 bytes) is a letter or digit."""
    if not unit:
        return False
    if len(unit) == 2:
        if unit[0] == 0:
            return chr(unit[1]).isalnum()
        if unit[1] == 0:
            return chr(unit[0]).isalnum()
        return False
    return chr(unit[0]).isalnum() if unit[0] < 128 else unit[0] >= 0xC0


def _worker_main(argv: list[str]) -> int:
    """`python -m dossier_app.anonymise.gate --pypdf FILE FIRST STOP`: page texts as JSON."""
    if len(argv) != 4 or argv[0] != "--pypdf":
        return 2
    texts = pypdf_texts(Path(argv[1]), int(argv[2]), int(argv[3]))
    sys.stdout.write(json.dumps(texts))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
