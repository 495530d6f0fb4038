"""Step 2, find (pypdfium2): the page text, the Finder's hits, and for each hit its chars,
text objects and boxes; and what must stay where it is."""

from __future__ import annotations

import bisect
import re
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from dossier_app.anonymise.hits import find_hits, seam_hits
from dossier_app.anonymise.pdf_redact.boxes import merge_boxes
from dossier_app.anonymise.pdf_redact.context import REASON_MANUAL, Context, ObjectFind, PageFind
from dossier_app.anonymise.pdfium_chars import (
    CharIndex,
    page_text,
    text_object_order,
)

NON_SPACE = re.compile(r"\S")
_NON_SPACE_RUN = re.compile(r"\S+")


def find_all(ctx: Context, doc: pdfium.PdfDocument) -> None:
    """Every page's hits. A page is located once the next page's text is known: an
    identifier split by the page break ("el Am-" / "rani") is found over the break
    (`seam_hits`) and its part on each page removed there."""
    held: list[_Held] = []  # read, not yet located: the page before and this one
    try:
        for index in range(len(doc)):
            held.append(_read_page(ctx, doc[index], index))
            if len(held) == 2:
                before, after = held
                in_before, after.continued = seam_hits(ctx.finder, before.text, after.text)
                before.spans.update(in_before)
                _finish(ctx, held.pop(0))
        while held:
            _finish(ctx, held.pop(0))
    finally:
        for page in held:
            page.close()


class _Held:
    """A page read, with its text and the hits found on it so far."""

    def __init__(self, index: int, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
                 text: str, spans: dict[tuple[int, int], str]) -> None:
        self.index, self.page, self.textpage, self.text, self.spans = index, page, textpage, text, spans
        # the parts of identifiers that began on the page before (counted there)
        self.continued: dict[tuple[int, int], str] = {}

    def close(self) -> None:
        self.textpage.close()
        self.page.close()


def _read_page(ctx: Context, page: pdfium.PdfPage, index: int) -> _Held:
    try:
        textpage = page.get_textpage()
    except BaseException:
        page.close()
        raise
    held = _Held(index, page, textpage, "", {})
    try:
        held.text = page_text(textpage, pdfium_c.FPDFText_CountChars(textpage))
        if ctx.on_page_text is not None:
            ctx.on_page_text(index, held.text)
        held.spans = find_hits(ctx.finder, held.text)
    except BaseException:
        held.close()
        raise
    return held


def _finish(ctx: Context, held: _Held) -> None:
    try:
        found = PageFind(has_text=any(not c.isspace() for c in held.text),
                         crop=tuple(held.page.get_cropbox()), rotate=held.page.get_rotation())
        if held.spans or held.continued:
            found.categories = Counter(held.spans.values())
            _locate_hits(held.page, held.textpage, held.text, {**held.continued, **held.spans}, found)
    finally:
        held.close()
    ctx.finds[held.index] = found
    if held.index in ctx.regions:
        ctx.raster_reason.setdefault(held.index, REASON_MANUAL)


def _locate_hits(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str,
                 spans: dict[tuple[int, int], str], found: PageFind) -> None:
    """Map hit chars to text objects and boxes; note what must stay put.

    Only the chars of the text objects that hold a hit are asked for, so a page costs
    about the same whatever its length.
    """
    order = text_object_order(page)
    position = {addr: pos for pos, addr in enumerate(order)}
    found.object_count = len(order)
    hit_set = {i for start, end in spans for i in range(start, end)}
    found.hit_chars = hit_set
    chars = CharIndex(textpage)
    runs: dict[int, dict[int, int]] = {}  # object pos -> char index -> glyph number
    drawn = [i for i in sorted(hit_set) if not chars.generated(i)]
    for i in drawn:
        pos = position.get(chars.object(i), -1)
        if pos not in runs:
            run = chars.extent(i, chars.object(i))
            origins = chars.origins(run)
            runs[pos] = _glyph_numbers(run, origins)
            found.objects[pos] = ObjectFind(
                [(text[k], x, y, k in hit_set) for k, (x, y) in zip(run, origins, strict=True)],
                size=len(set(runs[pos].values())))
        if i not in runs[pos]:
            pos = -1  # the object's chars are not in one run: do not guess
            found.objects.setdefault(pos, ObjectFind([]))
        else:
            found.objects[pos].glyphs.add(runs[pos][i])
    found.boxes = merge_boxes(chars.boxes(drawn))
    found.kept = _kept_text(text, hit_set)
    found.checks = _line_checks(chars, text, hit_set)


def _kept_text(text: str, hit_set: set[int]) -> str:
    """The page's non-space chars without the hit chars, in order."""
    chars = list(text)
    for i in hit_set:
        chars[i] = " "
    return "".join("".join(chars).split())


def _glyph_numbers(run: list[int], origins: list[tuple[float, float]]) -> dict[int, int]:
    """Char index -> glyph number, taking chars at one origin as one glyph.

    A ligature glyph ("fi") gives PDFium two chars at one origin; both belong to one
    char code in the content stream.
    """
    numbers: dict[int, int] = {}
    last_origin = None
    glyph = -1
    for k, origin in zip(run, origins, strict=True):
        if origin != last_origin:
            glyph += 1
        numbers[k] = glyph
        last_origin = origin
    return numbers


def _line_checks(chars: CharIndex, text: str,
                 hit_set: set[int]) -> list[tuple[int, float, float]]:
    """Origins of the kept glyphs on the lines that hold a hit, by kept-glyph number.

    Removing a glyph can only move glyphs drawn after it from the same current point,
    which PDFium puts on the same line; other lines are positioned independently.
    """
    lines: set[tuple[int, int]] = set()
    end = -1
    for i in sorted(hit_set):
        if i < end:
            continue  # on the line found for the hit char before it
        start = max(text.rfind("\n", 0, i), text.rfind("\r", 0, i)) + 1
        end = min((k for k in (text.find("\r", i), text.find("\n", i)) if k >= 0),
                  default=len(text))
        lines.add((start, end))
    # A kept glyph's number = non-space chars before it minus the hit chars among them.
    hits = sorted(i for i in hit_set if i < len(text) and not text[i].isspace())
    checks = []
    counted_to = counted = 0  # non-space chars in text[:counted_to]
    for start, end in sorted(lines):
        counted += _non_space_count(text, counted_to, start)
        kept = counted - bisect.bisect_left(hits, start)
        line = [i for i in (m.start() for m in NON_SPACE.finditer(text, start, end))
                if i not in hit_set]
        checks += [(kept + n, x, y) for n, (x, y) in enumerate(chars.origins(line))]
        counted += _non_space_count(text, start, end)
        counted_to = end
    return checks


def _non_space_count(text: str, start: int, end: int) -> int:
    return len("".join(text[start:end].split()))


def non_space_positions(text: str, numbers: list[int]) -> list[int]:
    """Where the non-space chars with these (ascending) numbers are in `text`."""
    positions: list[int] = []
    words = _NON_SPACE_RUN.finditer(text)
    word_start = word_end = before = 0  # `before`: non-space chars ahead of the word
    for n in numbers:
        while n >= before + (word_end - word_start):
            before += word_end - word_start
            word = next(words, None)
            if word is None:
                return positions  # fewer chars than numbers: the caller compares lengths
            word_start, word_end = word.span()
        positions.append(word_start + n - before)
    return positions
