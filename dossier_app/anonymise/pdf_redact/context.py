"""What the steps share: the result, the per-page findings, the context object, and the
boundary that turns library errors into a DocumentError naming the file."""

from __future__ import annotations

import io
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pikepdf
import pypdfium2 as pdfium

from dossier_app.anonymise.hits import Finder
from dossier_app.case_model import Lakvlak
from dossier_app.errors import DocumentError, DossierError
from dossier_app.meldingen import Melding

if TYPE_CHECKING:
    from dossier_app.anonymise.pdf_redact.fonts import FontInfo


log = logging.getLogger(__name__)

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space

# Exceptions the PDF libraries raise on broken or hostile input.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    pikepdf.PdfError, pikepdf.PasswordError, pdfium.PdfiumError, ValueError, KeyError,
    TypeError, IndexError, RuntimeError, OverflowError, RecursionError, AttributeError,
    NotImplementedError, zlib.error, OSError, MemoryError,
)
REASON_MANUAL = "handmatig lakvlak"
REASON_UNSUPPORTED = "tekst kon niet veilig worden bewerkt"
REASON_VERIFY = "controle na bewerken niet geslaagd"
REASON_UNREADABLE = "pagina-inhoud onleesbaar"
POSITION_TOLERANCE = 0.05  # points: "nothing else moved"


@dataclass
class PdfCleanResult:
    """What `clean_pdf` did. Counts and page numbers only: never an identifier value."""

    paginas: int
    treffers: dict[int, dict[str, int]] = field(default_factory=dict)  # page (1-based) -> categorie -> count
    gerasterd: dict[int, str] = field(default_factory=dict)  # page (1-based) -> reason (Dutch)
    niet_gecontroleerd: list[int] = field(default_factory=list)  # pages without text layer or region
    vlakken: dict[int, list[Lakvlak]] = field(default_factory=dict)  # black boxes, as shown
    meldingen: list[Melding] = field(default_factory=list)


@contextmanager
def boundary(bestand: str) -> Iterator[None]:
    """Turn any exception of the PDF libraries into a DocumentError naming the file."""
    try:
        yield
    except DossierError:
        raise
    except MemoryError as exc:
        log.warning("PDF te groot voor het geheugen (%s)", type(exc).__name__)
        raise DocumentError(
            f"'{bestand}' is te groot of te ingewikkeld om te anonimiseren. Druk het af "
            "naar een nieuwe PDF met minder of kleinere pagina's en voeg die toe.",
            bestand=bestand, code="PDF_TE_GROOT") from exc
    except LIBRARY_ERRORS as exc:
        log.warning("PDF-bibliotheek weigerde het bestand (%s)", type(exc).__name__)
        raise DocumentError(
            f"'{bestand}' kan niet als PDF worden gelezen of is beschadigd. Open het in "
            "een PDF-lezer, bewaar of druk het af als nieuwe PDF en voeg die opnieuw toe.",
            bestand=bestand, code="PDF_ONLEESBAAR") from exc


@dataclass
class ObjectFind:
    """PDFium's view of one text object that holds a hit.

    `chars` are its non-generated chars in PDFium's order: (unicode, origin x, origin y,
    hit). `glyphs` and `size` are the hit glyph numbers and the glyph count when every
    origin is taken as one glyph: the mapping of last resort, used only when PDFium's
    count equals the content stream's.
    """

    chars: list[tuple[str, float, float, bool]]
    glyphs: set[int] = field(default_factory=set)
    size: int = 0


@dataclass
class PageFind:
    """What the find step learned about one page (no text kept beyond what is needed)."""

    has_text: bool = False
    categories: Counter[str] = field(default_factory=Counter)
    boxes: list[Rect] = field(default_factory=list)
    objects: dict[int, ObjectFind] = field(default_factory=dict)  # object pos -> its chars
    object_count: int = 0
    hit_chars: set[int] = field(default_factory=set)
    kept: str = ""  # the non-space chars that must survive, in PDFium's order
    checks: list[tuple[int, float, float]] = field(default_factory=list)  # kept no., origin
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    rotate: int = 0


@dataclass
class Context:
    pdf: pikepdf.Pdf
    finder: Finder
    bestand: str
    regions: dict[int, list[Lakvlak]]  # 0-based page -> manual regions
    result: PdfCleanResult
    finds: dict[int, PageFind] = field(default_factory=dict)
    raster_reason: dict[int, str] = field(default_factory=dict)  # 0-based page -> reason
    edited: set[int] = field(default_factory=set)
    fonts: dict[object, FontInfo] = field(default_factory=dict)
    on_page_text: Callable[[int, str], None] | None = None

    def melding(self, code: str, tekst: str, niveau: str = "waarschuwing",
                pagina: int | None = None) -> None:
        if any(m.code == code and m.pagina == pagina for m in self.result.meldingen):
            return
        self.result.meldingen.append(
            Melding(code, tekst, niveau, bestand=self.bestand, pagina=pagina))  # type: ignore[arg-type]


def snapshot(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return buffer.getvalue()


def near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= POSITION_TOLERANCE and abs(a[1] - b[1]) <= POSITION_TOLERANCE
