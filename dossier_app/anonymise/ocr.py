"""Optical character recognition on pages without a text layer (Tesseract).

A safety net, never a replacement for the person looking at a scan: it finds printed
known identifiers on scanned pages and proposes boxes for them. The pipeline burns those
boxes in like manual regions, but the page stays "not checked" unless the user marked
it.

Two ways to run Tesseract, the first that works here: the built-in one (`ocr_builtin`:
the tesserocr wheel with the Dutch data Tafeldossier ships, so no program on PATH is
needed), else the `tesseract` program when it is installed with Dutch data (a subprocess
with one thread and a timeout, the page image on standard input, its UTF-8 output
decoded as UTF-8 whatever the code page of Windows).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from dossier_app.anonymise import ocr_builtin
from dossier_app.anonymise.hits import SEAM_LINES, Finder, Hit, hits_in_all_views
from dossier_app.anonymise.pdfium_chars import has_text_object
from dossier_app.case_model import Lakvlak
from dossier_app.processes import NO_WINDOW

DPI = 200
MAX_PIXELS = 40_000_000  # a bigger page is rendered at a lower dpi
PAD_PT = 2.0
TIMEOUT_S = 60


_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                "left", "top", "width", "height", "conf", "text")


@dataclass(frozen=True)
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int


@cache
def tesseract_command() -> str | None:
    """The tesseract binary when it has Dutch data, else None."""
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=20,
                               check=False, creationflags=NO_WINDOW).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if "nld" in langs.decode("utf-8", "replace").split() else None


def ocr_engine() -> str | None:
    """Which OCR runs on this machine: "tesseract-ingebouwd", "tesseract" (the program)
    or None (no proposals on scans)."""
    if ocr_builtin.available():
        return "tesseract-ingebouwd"
    return "tesseract" if tesseract_command() else None


def _words_reader() -> Callable[[Image.Image], list[list[_Word]]] | None:
    engine = ocr_engine()
    if engine == "tesseract-ingebouwd":
        return lambda image: _tsv_words(ocr_builtin.tsv(image))
    exe = tesseract_command()
    if exe is None:
        return None
    return lambda image: _tesseract_words(exe, image)


def pages_without_text(pdf_path: Path) -> list[int]:
    """1-based numbers of pages that draw no text object (none of their own, none in a
    form XObject): scans and photos.

    Asking PDFium for the page's object types (up to the first text object) costs a
    fraction of building its text page.
    A page whose text objects show only spaces is not in this list (so gets no OCR
    proposals), but the redactor still reports it as a page without text ("not checked")."""
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        empty = []
        for index in range(len(doc)):
            page = doc[index]
            if not has_text_object(page):
                empty.append(index + 1)
            page.close()
        return empty
    finally:
        doc.close()


def ocr_regions(pdf_path: Path, pages: Sequence[int], finder: Finder,
                workdir: Path) -> dict[int, list[Lakvlak]]:
    """Boxes (as Lakvlak, PDF points from the top-left as shown) around known identifiers
    that Tesseract reads on the given pages. Empty when no OCR engine is available.
    (`workdir` is kept for callers; the page image never goes to disk.)"""
    read = _words_reader() if pages else None
    if read is None:
        return {}
    found: dict[int, list[Lakvlak]] = {}
    previous: tuple[int, list[list[_Word]], float] | None = None
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for number in pages:
            image, scale = _render(doc[number - 1])
            words = read(image)
            boxes = [_to_points(box, scale, number) for box in _hit_boxes(words, finder)]
            if previous is not None and previous[0] + 1 == number:  # two scanned pages in a row
                last, last_words, last_scale = previous
                for _hit, above, below in seam_word_hits(last_words, words, finder):
                    found.setdefault(last, []).append(_to_points(_box(above), last_scale, last))
                    boxes.append(_to_points(_box(below), scale, number))
            if boxes:
                found[number] = boxes
            previous = (number, words, scale)
    finally:
        doc.close()
    return found


def render_page(page: pdfium.PdfPage, dpi: float = DPI, *,
                page_only: bool = False) -> tuple[Image.Image, float]:
    """The page in grey at `dpi` (less for a huge page: MAX_PIXELS), and its scale.
    `page_only`: without form fields and annotations (what the bundle shows of a scan)."""
    width, height = page.get_size()
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (width * height)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=not page_only,
                         draw_annots=not page_only)
    try:
        return bitmap.to_pil().convert("L"), scale  # a copy: to_pil shares the bitmap's buffer
    finally:
        bitmap.close()


_render = render_page


def _tesseract_words(exe: str, image: Image.Image) -> list[list[_Word]]:
    """Words grouped per text line, in reading order, from the Tesseract program.

    The image goes in on standard input (no file path, which may hold characters the
    ANSI code page lacks); the TSV comes back as UTF-8 bytes and is decoded as such."""
    png = io.BytesIO()
    image.save(png, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        out = subprocess.run([exe, "stdin", "stdout", "-l", "nld", "--psm", "3", "tsv"],
                             input=png.getvalue(), capture_output=True, timeout=TIMEOUT_S,
                             env=env, check=False, creationflags=NO_WINDOW).stdout
    except subprocess.TimeoutExpired:
        return []
    return _tsv_words(out.decode("utf-8", "replace"))


def _tsv_words(out: str) -> list[list[_Word]]:
    """Tesseract's TSV (level 5 rows are words) as words grouped per text line. The
    program writes a header row, the library does not: the columns are the same."""
    lines: dict[tuple[str, str, str], list[_Word]] = {}
    for row in csv.DictReader(io.StringIO(out), fieldnames=_TSV_COLUMNS, delimiter="\t",
                              quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(_Word(text, int(row["left"]), int(row["top"]),
                                               int(row["width"]), int(row["height"])))
    return list(lines.values())


def _page_reading(lines: Iterable[list[_Word]]) -> tuple[str, list[tuple[int, int, int, _Word]]]:
    """The words read on a page as one text, a space between words and a line break
    between lines, with (start, end, line, word) per word."""
    text, spans = "", []
    for number, words in enumerate(lines):
        if text:
            text += "\n"
        for k, word in enumerate(words):
            if k:
                text += " "
            spans.append((len(text), len(text) + len(word.text), number, word))
            text += word.text
    return text, spans


def page_hits(lines: Iterable[list[_Word]], finder: Finder) -> list[tuple[Hit, list[list[_Word]]]]:
    """The known identifiers in what Tesseract read, over the page's line ends as on a text
    page (`hits_in_all_views`: "el Am-" / "rani", "17-11-" / "2015"), each with the words it
    covers, per line."""
    text, spans = _page_reading(lines)
    found = []
    for hit in hits_in_all_views(finder, text):
        per_line: dict[int, list[_Word]] = {}
        for start, end, line, word in spans:
            if start < hit.end and end > hit.start:
                per_line.setdefault(line, []).append(word)
        if per_line:
            found.append((hit, list(per_line.values())))
    return found


def _hit_boxes(lines: Iterable[list[_Word]], finder: Finder) -> list[tuple[int, int, int, int]]:
    """Pixel boxes around the known identifiers read: one per line an identifier covers."""
    return [_box(covered) for _hit, per_line in page_hits(lines, finder) for covered in per_line]


def _box(covered: Sequence[_Word]) -> tuple[int, int, int, int]:
    left = min(w.left for w in covered)
    top = min(w.top for w in covered)
    right = max(w.left + w.width for w in covered)
    bottom = max(w.top + w.height for w in covered)
    return left, top, right, bottom


def seam_word_hits(before: Sequence[list[_Word]], after: Sequence[list[_Word]],
              finder: Finder) -> list[tuple[Hit, list[_Word], list[_Word]]]:
    """The known identifiers split by the break between two scanned pages ("el Am-" on the
    last line read on one, "rani" on the first of the next), as on text pages
    (`hits.seam_text`): each of the last SEAM_LINES lines before the break read with each of
    the first SEAM_LINES after it, so that a footer or a header between the parts does not
    hide them. Each with the words it covers on the page before and on the page after."""
    found = []
    for tail in before[-SEAM_LINES:]:
        for head in after[:SEAM_LINES]:
            for hit, per_line in page_hits([tail, head], finder):
                if len(per_line) == 2:  # on both lines: what one page alone does not show
                    found.append((hit, per_line[0], per_line[1]))
    return found


def _to_points(box: tuple[int, int, int, int], scale: float, page: int) -> Lakvlak:
    left, top, right, bottom = (v / scale for v in box)
    return Lakvlak(pagina=page, x=max(0.0, left - PAD_PT), y=max(0.0, top - PAD_PT),
                   breedte=right - left + 2 * PAD_PT, hoogte=bottom - top + 2 * PAD_PT)


def page_text(page: pdfium.PdfPage, workdir: Path) -> str | None:
    """What Tesseract (built in, or the program) reads on the rendered page, one line per
    text line; None without Tesseract (verify reads the images on a page that has a text
    layer this way). The image stays in memory: `workdir` is not written to."""
    read = _words_reader()
    if read is None:
        return None
    image, _ = _render(page)
    lines = read(image)
    return "\n".join(" ".join(w.text for w in line) for line in lines)
