"""Intake: one file from the wild -> one normalised PDF or DOCX in the work folder.

This is the parsing boundary of habit 2: whatever pikepdf, Pillow, lxml, zipfile or
msoffcrypto raise for a broken or hostile file leaves this module only as a
`DocumentError` (or `PasswordRequiredError`) with a Dutch message that names the
file and says what to do. Repairs are kept and reported as meldingen (habit 4).

The normalised copy gets a neutral name (doc-<n>.pdf / doc-<n>.docx): the
original file name often holds a pupil's name, and the work folder outlives
this step.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import stringprep
import tempfile
import unicodedata
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import msoffcrypto
import msoffcrypto.exceptions
import pikepdf

from dossier_app.documents import docx_package
from dossier_app.documents.images import image_to_pdf
from dossier_app.documents.limits import (
    DEFAULT_LIMITS,
    Limits,
    describe_bytes,
    describe_length_pt,
    describe_pixels,
)
from dossier_app.documents.sniff import FileKind, sniff
from dossier_app.errors import DocumentError, DossierError, PasswordRequiredError
from dossier_app.logs import log_internal_error
from dossier_app.meldingen import Melding, Niveau

log = logging.getLogger(__name__)

OutputFormat = Literal["pdf", "docx"]
_INFLATE_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class IntakeResult:
    kind: FileKind  # what the file is, judged by its bytes
    bestand: str  # the name as the user gave it (for display only)
    output: Path  # normalised copy in the work folder, neutrally named
    output_format: OutputFormat
    pages: int | None  # pages of the PDF output; None for DOCX
    meldingen: tuple[Melding, ...] = ()


@dataclass
class _Job:
    path: Path
    bestand: str
    workdir: Path
    password: str | None
    limits: Limits
    meldingen: list[Melding] = field(default_factory=list)

    def warn(self, code: str, tekst: str, *, niveau: Niveau = "waarschuwing",
             pagina: int | None = None) -> None:
        self.meldingen.append(Melding(code=code, tekst=tekst, niveau=niveau,
                                      bestand=self.bestand, pagina=pagina))

    def result(self, kind: FileKind, output: Path, fmt: OutputFormat,
               pages: int | None) -> IntakeResult:
        return IntakeResult(kind=kind, bestand=self.bestand, output=output,
                            output_format=fmt, pages=pages, meldingen=tuple(self.meldingen))


def intake(path: Path, *, bestand: str, workdir: Path, password: str | None = None,
           limits: Limits = DEFAULT_LIMITS) -> IntakeResult:
    """Check, repair and normalise one input file into `workdir`.

    Raises DocumentError (PasswordRequiredError for a real password) with a Dutch
    message naming `bestand`; never anything else for bad input."""
    job = _Job(Path(path), bestand, Path(workdir), password, limits)
    try:
        return _intake(job)
    except DossierError:
        raise
    except MemoryError as exc:
        raise DocumentError(
            f"'{bestand}' is te groot of te ingewikkeld om te verwerken. Maak er een kleinere "
            "PDF van (bijv. door af te drukken naar PDF) en voeg die toe.",
            bestand=bestand, code="BESTAND_TE_GROOT") from exc
    except Exception as exc:
        # A library failed in a way we did not foresee. Log for developers: the type and the
        # frames only (the message or a traceback may quote the file's name or its text, and
        # either may hold a pupil's name), and give the user a way forward.
        log_internal_error(exc)
        raise DocumentError(
            f"'{bestand}' kon niet worden verwerkt: het bestand is mogelijk beschadigd. Open "
            "het in het programma waarmee het gemaakt is, sla het opnieuw op als PDF en voeg "
            "die versie toe.",
            bestand=bestand, code="BESTAND_ONVERWERKBAAR") from exc


def _intake(job: _Job) -> IntakeResult:
    kind = _sniff_checked(job)
    refusal = _REFUSALS.get(kind)
    if refusal is not None:
        raise refusal(job.bestand)
    job.workdir.mkdir(parents=True, exist_ok=True)
    return _HANDLERS[kind](job, kind)


def _sniff_checked(job: _Job) -> FileKind:
    try:
        size = job.path.stat().st_size
        if not job.path.is_file():
            raise IsADirectoryError(os.strerror(21))
        kind = sniff(job.path)
    except OSError as exc:
        raise DocumentError(
            f"'{job.bestand}' kan niet worden geopend ({exc.strerror or exc}). Controleer of "
            "het bestand bestaat en niet in een ander programma geopend is, en probeer het "
            "opnieuw.",
            bestand=job.bestand, code="BESTAND_ONLEESBAAR") from exc
    if size > job.limits.max_file_bytes:
        raise DocumentError(
            f"'{job.bestand}' is {describe_bytes(size)} groot; het maximum is "
            f"{describe_bytes(job.limits.max_file_bytes)}. Verklein het bestand (bijv. scannen "
            "met 300 dpi of overbodige pagina's weglaten) en voeg het opnieuw toe.",
            bestand=job.bestand, code="BESTAND_TE_GROOT")
    return kind


# --- work folder ----------------------------------------------------------------

@contextlib.contextmanager
def _new_output(workdir: Path, suffix: str) -> Iterator[Path]:
    """A new, neutrally named file in the work folder, removed again on failure.

    Exclusive creation keeps two intakes running at once from sharing a name."""
    number = 1
    while True:
        candidate = workdir / f"doc-{number}{suffix}"
        try:
            candidate.open("xb").close()
            break
        except FileExistsError:
            number += 1
    try:
        yield candidate
    except BaseException:
        candidate.unlink(missing_ok=True)
        raise


# --- refusals by kind -----------------------------------------------------------

def _refuse(code: str, tekst: str) -> Callable[[str], DocumentError]:
    def make(bestand: str) -> DocumentError:
        return DocumentError(tekst.format(bestand=bestand), bestand=bestand, code=code)
    return make


_AS_PDF = "Sla het op als PDF (Bestand > Opslaan als > PDF) en voeg die versie toe."
_REFUSALS: dict[FileKind, Callable[[str], DocumentError]] = {
    FileKind.EMPTY: _refuse(
        "BESTAND_LEEG", "'{bestand}' is leeg (0 bytes). Sla het document opnieuw op, of vraag "
        "de afzender om het opnieuw te sturen."),
    FileKind.UNKNOWN: _refuse(
        "TYPE_ONBEKEND", "'{bestand}' is geen PDF, Word-document (.docx) of foto (JPG, PNG, "
        "TIFF) en kan niet worden opgenomen. " + _AS_PDF),
    FileKind.DOC: _refuse(
        "WORD_OUD", "'{bestand}' is in het oud Word-formaat (.doc): sla het op als .docx of PDF "
        "(open het in Word en kies Opslaan als > Word-document of PDF) en voeg die versie toe."),
    FileKind.DOCM: docx_package.macro_error,
    FileKind.ODT: _refuse(
        "ODF", "'{bestand}' is een OpenDocument-tekst (LibreOffice/OpenOffice): sla het op als "
        ".docx of PDF (in LibreOffice: Bestand > Opslaan als of Exporteren als PDF) en voeg "
        "die versie toe."),
    FileKind.ODS: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een rekenblad (OpenDocument), geen tekstdocument. "
        "Exporteer het in LibreOffice als PDF (Bestand > Exporteren als PDF) en voeg de PDF "
        "toe."),
    FileKind.ODF_OTHER: _refuse(
        "ODF", "'{bestand}' is een OpenDocument-bestand (LibreOffice/OpenOffice). Exporteer het "
        "als PDF (Bestand > Exporteren als PDF) en voeg de PDF toe."),
    FileKind.XLSX: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een Excel-bestand, geen tekstdocument. " + _AS_PDF),
    FileKind.PPTX: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een PowerPoint-bestand, geen tekstdocument. " + _AS_PDF),
    FileKind.OOXML_OTHER: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een Office-bestand maar geen Word-document. " + _AS_PDF),
    FileKind.OLE_OTHER: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een ouder Office-bestand (bijv. Excel .xls of "
        "PowerPoint .ppt) en kan niet worden opgenomen. " + _AS_PDF),
    FileKind.ZIP: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een ZIP-archief. Pak het uit en voeg de documenten "
        "er los uit toe."),
    FileKind.ZIP_DAMAGED: _refuse(
        "DOCX_BESCHADIGD", "'{bestand}' is beschadigd of onvolledig (het ZIP-archief is niet "
        "compleet, bijv. doordat het niet helemaal is gedownload). Vraag de afzender om het "
        "bestand opnieuw te sturen, of open het in Word en kies Opslaan als > Word-document "
        "(.docx) of PDF."),
    FileKind.RTF: _refuse(
        "TYPE_VERKEERD", "'{bestand}' is een RTF-bestand. Open het in Word en kies Opslaan als "
        "> Word-document (.docx) of PDF, en voeg die versie toe."),
    FileKind.HEIC: _refuse(
        "FOTO_HEIC", "'{bestand}' is een HEIC-foto (het standaardformaat van iPhones) en kan "
        "niet worden gelezen: zet de foto om naar JPG (bijv. exporteren als JPG, of op de "
        "iPhone Instellingen > Camera > Formaten > 'Meest compatibel') en voeg die versie toe."),
}


# --- PDF ------------------------------------------------------------------------

def _pdf_damaged(job: _Job, reden: str = "") -> DocumentError:
    detail = f" ({reden})" if reden else ""
    return DocumentError(
        f"'{job.bestand}' is beschadigd en kan niet als PDF worden gelezen{detail}. Vraag de "
        "afzender om het bestand opnieuw te sturen, of maak opnieuw een PDF van het originele "
        "document.",
        bestand=job.bestand, code="PDF_BESCHADIGD")


def _password_error(job: _Job) -> PasswordRequiredError:
    if job.password is None:
        return PasswordRequiredError(
            f"'{job.bestand}' is beveiligd met een wachtwoord. Vraag de afzender om een versie "
            "zonder wachtwoord, of voer het wachtwoord in.",
            bestand=job.bestand, code="WACHTWOORD_NODIG")
    return PasswordRequiredError(
        f"Het ingevoerde wachtwoord voor '{job.bestand}' klopt niet. Controleer het wachtwoord "
        "(let op hoofdletters) en probeer het opnieuw, of vraag de afzender om een versie "
        "zonder wachtwoord.",
        bestand=job.bestand, code="WACHTWOORD_ONJUIST")


def saslprep(password: str) -> str:
    """RFC 4013 mapping and NFKC, as PDF 2.0 asks for AES-256 (R6) passwords.

    Only the mapping part: the result is one more candidate to try, never refused."""
    mapped = []
    for char in password:
        if stringprep.in_table_b1(char):
            continue  # "commonly mapped to nothing", e.g. the soft hyphen
        mapped.append(" " if stringprep.in_table_c12(char) else char)
    return unicodedata.normalize("NFKC", "".join(mapped))


def _password_candidates(password: str | None) -> list[str]:
    if password is None:
        return [""]
    return list(dict.fromkeys([password, saslprep(password)]))


@contextlib.contextmanager
def _pdf_boundary(job: _Job) -> Iterator[None]:
    """qpdf reports damage as PdfError; odd objects surface as Python errors."""
    try:
        yield
    except DossierError:
        raise
    except pikepdf.PdfError as exc:
        raise _pdf_damaged(job, _qpdf_reason(str(exc))) from exc
    except (RuntimeError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            OverflowError, RecursionError, zlib.error) as exc:
        log.info("PDF structure error: %s", type(exc).__name__)
        raise _pdf_damaged(job) from exc


def _qpdf_reason(message: str) -> str:
    lowered = message.lower()
    if "loop" in lowered:
        return "de paginastructuur verwijst naar zichzelf"
    if "trailer" in lowered or "xref" in lowered or "eof" in lowered:
        return "het bestand is onvolledig"
    return ""


def _intake_pdf(job: _Job, kind: FileKind) -> IntakeResult:
    with _pdf_boundary(job):
        pdf = _open_pdf(job)
        with pdf:
            repairs = list(pdf.get_warnings())
            pages = _count_pages(pdf, job)
            _check_page_sizes(pdf, job)
            _check_streams(pdf, job)
            _check_xfa(pdf, job)
            _note_encryption(pdf, job)
            with _new_output(job.workdir, ".pdf") as output:
                _save_pdf(pdf, output, pages, job)
            repairs += pdf.get_warnings()
    if repairs:
        log.info("qpdf repaired the file (%d warnings)", len(repairs))
        job.warn("PDF_HERSTELD",
                 "bestand hersteld: de PDF was beschadigd en is automatisch gerepareerd. "
                 "Controleer of alle pagina's volledig zijn; vraag anders de afzender om het "
                 "bestand opnieuw te sturen.")
    return job.result(kind, output, "pdf", pages)


def _open_pdf(job: _Job) -> pikepdf.Pdf:
    for candidate in _password_candidates(job.password):
        try:
            return pikepdf.open(pdf_source(job.path), password=candidate, attempt_recovery=True)
        except pikepdf.PasswordError:
            continue
    raise _password_error(job)


def pdf_source(path: Path) -> Path | io.BytesIO:
    """What to give pikepdf.open: the path, or the bytes when the path is not valid UTF-8
    (a folder name from another system). pikepdf 10.18 passes the name on as the
    description and then fails with a TypeError, so every such PDF looked damaged."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return io.BytesIO(Path(path).read_bytes())  # size already checked by the intake
    return path


def _count_pages(pdf: pikepdf.Pdf, job: _Job) -> int:
    # qpdf walks the real page tree (and refuses loops); /Count is never trusted,
    # so a lying /Count of 9,999,999,999 costs nothing.
    pages = len(pdf.pages)
    if pages == 0:
        raise DocumentError(
            f"'{job.bestand}' bevat geen pagina's. Vraag de afzender om het bestand opnieuw te "
            "sturen, of maak opnieuw een PDF van het originele document.",
            bestand=job.bestand, code="PDF_GEEN_PAGINAS")
    if pages > job.limits.max_pdf_pages:
        raise DocumentError(
            f"'{job.bestand}' heeft {pages} pagina's; het maximum is "
            f"{job.limits.max_pdf_pages}. Voeg alleen de pagina's toe die nodig zijn (bijv. door "
            "die af te drukken naar PDF).",
            bestand=job.bestand, code="PDF_TE_VEEL_PAGINAS")
    claimed = pdf.Root.Pages.get("/Count")
    if isinstance(claimed, int) and claimed != pages:
        job.warn("PDF_PAGINATELLING_ONJUIST",
                 f"de PDF gaf een onjuist aantal pagina's op ({claimed}); er zijn {pages} "
                 "pagina's gevonden en gebruikt. Controleer of er geen pagina ontbreekt.")
    return pages


def _page_size_pt(page: pikepdf.Page) -> tuple[float, float] | None:
    try:
        x0, y0, x1, y1 = (float(value) for value in page.mediabox)
        unit = float(page.obj.get("/UserUnit", 1))
    except (TypeError, ValueError, IndexError, AttributeError, pikepdf.PdfError):
        return None  # a broken box: renderers fall back to a default size
    size = (abs(x1 - x0) * unit, abs(y1 - y0) * unit)
    return size if all(math.isfinite(side) for side in size) else None


def _check_page_sizes(pdf: pikepdf.Pdf, job: _Job) -> None:
    large: list[tuple[int, tuple[float, float]]] = []
    for number, page in enumerate(pdf.pages, start=1):
        size = _page_size_pt(page)
        if size is None:
            continue
        if max(size) > job.limits.max_page_pt:
            raise DocumentError(
                f"'{job.bestand}': pagina {number} is {_describe_size(size)} groot; zo'n pagina "
                "kan niet veilig worden verwerkt. Druk het document af naar PDF op A4-formaat "
                "(Afdrukken > Passend maken) en voeg die versie toe.",
                bestand=job.bestand, code="PDF_PAGINA_TE_GROOT")
        if max(size) > job.limits.large_page_pt:
            large.append((number, size))
    if large:
        number, size = large[0]
        others = f" (en {len(large) - 1} andere pagina's)" if len(large) > 1 else ""
        job.warn("PDF_PAGINA_ZEER_GROOT",
                 f"pagina {number}{others} is zeer groot ({_describe_size(size)}) en wordt bij "
                 "het verwerken verkleind. Controleer of de tekst leesbaar blijft.",
                 pagina=number)


def _describe_size(size: tuple[float, float]) -> str:
    return f"{describe_length_pt(size[0])} × {describe_length_pt(size[1])}"


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if isinstance(value, pikepdf.Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array):
        return [str(item) for item in value]
    return []


def _check_streams(pdf: pikepdf.Pdf, job: _Job) -> None:
    """Refuse pixel bombs and Flate bombs before anything decodes them."""
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            _check_image(obj, job)
            continue
        if obj.get("/Type") in (pikepdf.Name.EmbeddedFile, pikepdf.Name.XRef,
                                pikepdf.Name.ObjStm):
            continue  # never decoded by us: attachments are dropped later
        size = _decoded_size(obj, job.limits.max_stream_bytes)
        total += size
        if size > job.limits.max_stream_bytes or total > job.limits.max_total_stream_bytes:
            raise DocumentError(
                f"'{job.bestand}' bevat inhoud die uitgepakt meer dan "
                f"{describe_bytes(job.limits.max_stream_bytes)} is; dat is te groot om veilig te "
                "verwerken. Druk het document af naar PDF en voeg die versie toe, of vraag de "
                "afzender om een kleinere versie.",
                bestand=job.bestand, code="PDF_INHOUD_TE_GROOT")


def _check_image(image: pikepdf.Stream, job: _Job) -> None:
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError):
        return  # not drawable at all; renderers skip it
    if width * height > job.limits.max_pdf_image_pixels:
        raise DocumentError(
            f"'{job.bestand}' bevat een afbeelding van {describe_pixels(width * height)} "
            f"({width} × {height} beeldpunten); dat is te groot om veilig te verwerken. Scan "
            "het document opnieuw met een lagere resolutie (bijv. 300 dpi), of druk het af naar "
            "PDF, en voeg die versie toe.",
            bestand=job.bestand, code="PDF_AFBEELDING_TE_GROOT")


def _decoded_size(stream: pikepdf.Stream, cap: int) -> int:
    """Decoded size of a Flate stream, counted in chunks and given up above `cap`.

    Other filters are not measured: their expansion is small (RunLength, ASCII)
    or rare in practice (LZW)."""
    filters = _filters(stream)
    if not filters:
        return len(stream.read_raw_bytes())
    if filters[0] != "/FlateDecode":
        return 0
    inflater = zlib.decompressobj()
    pending, total = stream.read_raw_bytes(), 0
    try:
        while total <= cap and not inflater.eof:
            chunk = inflater.decompress(pending, _INFLATE_CHUNK)
            total += len(chunk)
            pending = inflater.unconsumed_tail
            if not pending and len(chunk) < _INFLATE_CHUNK:
                break
    except zlib.error:
        pass  # damaged data decodes to what came before the damage
    return total


def _check_xfa(pdf: pikepdf.Pdf, job: _Job) -> None:
    """Dynamic XFA: the real form exists only for Adobe Reader. Refuse when the
    PDF pages draw nothing at all; otherwise keep the PDF view, with a warning."""
    if not bool(pdf.Root.get("/NeedsRendering", False)):
        return
    if not _draws_anything(pdf):
        raise DocumentError(
            f"'{job.bestand}' kan niet worden opgenomen: dit is een dynamisch XFA-formulier; de "
            "inhoud bestaat alleen in Adobe Reader. Open het in Adobe Acrobat Reader, druk het af "
            "naar PDF (Afdrukken > Microsoft Print to PDF of Adobe PDF) en voeg die PDF toe.",
            bestand=job.bestand, code="PDF_XFA_DYNAMISCH")
    job.warn("PDF_XFA",
             "dit is een XFA-formulier: alleen de gewone PDF-weergave is opgenomen, en die kan "
             "afwijken van wat Adobe Reader toont (soms staat er alleen 'requires Adobe Reader'). "
             "Controleer het resultaat; open het anders in Adobe Acrobat Reader, druk het af naar "
             "PDF en voeg die versie toe.")


def _draws_anything(pdf: pikepdf.Pdf) -> bool:
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
        for stream in streams:
            # Sizes were capped by _check_streams, so decoding here is bounded.
            if isinstance(stream, pikepdf.Stream) and stream.read_bytes().strip():
                return True
    return False


def _note_encryption(pdf: pikepdf.Pdf, job: _Job) -> None:
    if not pdf.is_encrypted:
        return
    if job.password is None:
        job.warn("PDF_VERSLEUTELING_VERWIJDERD",
                 "versleuteling verwijderd: de PDF was versleuteld zonder openingswachtwoord; "
                 "de kopie in het dossier is niet versleuteld. U hoeft niets te doen.")
    else:
        job.warn("PDF_VERSLEUTELING_VERWIJDERD",
                 "versleuteling verwijderd: de PDF is met het ingevoerde wachtwoord geopend; de "
                 "kopie in het dossier heeft geen wachtwoord. U hoeft niets te doen.",
                 niveau="info")


def _save_pdf(pdf: pikepdf.Pdf, output: Path, pages: int, job: _Job) -> None:
    # Every reachable object is written anew and unencrypted; superseded objects of
    # incremental updates are left behind. Streams are copied without decoding,
    # so saving costs time in proportion to the file, not to what it unpacks to.
    with warnings.catch_warnings():
        # Orphaned form widgets are the sanitiser's business (it flattens forms).
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
    with pikepdf.open(output) as check:
        if len(check.pages) != pages:
            raise _pdf_damaged(job)


# --- DOCX -----------------------------------------------------------------------

def _intake_docx(job: _Job, kind: FileKind, source: Path | None = None) -> IntakeResult:
    with _new_output(job.workdir, ".docx") as output:
        job.meldingen += docx_package.normalise_docx(
            source or job.path, output, bestand=job.bestand, limits=job.limits)
    return job.result(kind, output, "docx", None)


def _intake_encrypted(job: _Job, kind: FileKind) -> IntakeResult:
    if job.password is None:
        raise _password_error(job)
    handle, name = tempfile.mkstemp(prefix="ontsleuteld-", suffix=".bin", dir=job.workdir)
    os.close(handle)
    decrypted = Path(name)
    try:
        _decrypt_office(job, decrypted)
        inner = sniff(decrypted)
        if inner is not FileKind.DOCX:
            raise _REFUSALS.get(inner, _REFUSALS[FileKind.UNKNOWN])(job.bestand)
        job.warn("DOCX_VERSLEUTELING_VERWIJDERD",
                 "versleuteling verwijderd: het Word-document is met het ingevoerde wachtwoord "
                 "geopend; de kopie in het dossier heeft geen wachtwoord. U hoeft niets te doen.",
                 niveau="info")
        return _intake_docx(job, kind, source=decrypted)
    finally:
        decrypted.unlink(missing_ok=True)


def _decrypt_office(job: _Job, target: Path) -> None:
    try:
        with job.path.open("rb") as source, target.open("wb") as out:
            office = msoffcrypto.OfficeFile(source)
            office.load_key(password=job.password, verify_password=True)
            office.decrypt(out)
    except msoffcrypto.exceptions.InvalidKeyError as exc:
        raise _password_error(job) from exc
    except (msoffcrypto.exceptions.FileFormatError, msoffcrypto.exceptions.DecryptionError,
            msoffcrypto.exceptions.EncryptionError, OSError, ValueError, KeyError,
            IndexError) as exc:
        raise docx_package.damaged_error(job.bestand) from exc


# --- images ---------------------------------------------------------------------

def _intake_image(job: _Job, kind: FileKind) -> IntakeResult:
    with _new_output(job.workdir, ".pdf") as output:
        pages, meldingen = image_to_pdf(job.path, output, bestand=job.bestand,
                                        limits=job.limits)
    job.meldingen += meldingen
    return job.result(kind, output, "pdf", pages)


_HANDLERS: dict[FileKind, Callable[[_Job, FileKind], IntakeResult]] = {
    FileKind.PDF: _intake_pdf,
    FileKind.DOCX: _intake_docx,
    FileKind.ENCRYPTED_OFFICE: _intake_encrypted,
    FileKind.JPEG: _intake_image,
    FileKind.PNG: _intake_image,
    FileKind.TIFF: _intake_image,
}
