"""Step 5, verify: re-extract every edited page (no hit left, every other glyph where it
was), and render the pages that cannot be edited or verified as images."""

from __future__ import annotations

import pypdfium2 as pdfium

from dossier_app.anonymise import raster
from dossier_app.anonymise.hits import find_hits
from dossier_app.anonymise.pdf_redact.context import (
    POSITION_TOLERANCE,
    REASON_VERIFY,
    Context,
    PageFind,
    near,
    snapshot,
)
from dossier_app.anonymise.pdf_redact.find import NON_SPACE, non_space_positions
from dossier_app.anonymise.pdfium_chars import (
    CharIndex,
    page_text,
)


def verify_all(ctx: Context, before: pdfium.PdfDocument) -> None:
    """Re-extract every edited page: no hit may remain and nothing else may move."""
    if not ctx.edited:
        return
    doc = pdfium.PdfDocument(snapshot(ctx.pdf))
    try:
        for index in sorted(ctx.edited):
            if not _page_is_clean(ctx, doc, before, index):
                ctx.raster_reason[index] = REASON_VERIFY
    finally:
        doc.close()


def _page_is_clean(ctx: Context, doc: pdfium.PdfDocument, before: pdfium.PdfDocument,
                   index: int) -> bool:
    found = ctx.finds[index]
    page = doc[index]
    textpage = page.get_textpage()
    try:
        chars = CharIndex(textpage)
        text = page_text(textpage, chars.count)
        if find_hits(ctx.finder, text):
            return False
        if "".join(text.split()) == found.kept:
            where = non_space_positions(text, [k for k, _, _ in found.checks])
            tol = POSITION_TOLERANCE
            return len(where) == len(found.checks) and all(
                abs(a - x) <= tol and abs(b - y) <= tol
                for (a, b), (_, x, y) in zip(chars.origins(where), found.checks, strict=True))
        kept = [m.start() for m in NON_SPACE.finditer(text)]
        after = [(text[i], x, y) for i, (x, y) in zip(kept, chars.origins(kept), strict=True)]
    finally:
        textpage.close()
        page.close()
    # PDFium ordered the text differently: compare every kept glyph by position.
    return _same_glyphs(_kept_glyphs(before, index, found.hit_chars), after)


def _kept_glyphs(doc: pdfium.PdfDocument, index: int,
                 hit_chars: set[int]) -> list[tuple[str, float, float]]:
    page = doc[index]
    textpage = page.get_textpage()
    try:
        chars = CharIndex(textpage)
        text = page_text(textpage, chars.count)
        kept = [i for i, c in enumerate(text) if not c.isspace() and i not in hit_chars]
        return [(text[i], x, y) for i, (x, y) in zip(kept, chars.origins(kept), strict=True)]
    finally:
        textpage.close()
        page.close()


def _same_glyphs(before: list[tuple[str, float, float]],
                 after: list[tuple[str, float, float]]) -> bool:
    """Every kept glyph is still there, at the same origin (within a rounding error)."""
    if len(before) != len(after):
        return False
    buckets: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    for c, x, y in before:
        buckets.setdefault((c, round(x), round(y)), []).append((x, y))
    return all(_take_match(buckets, c, x, y) for c, x, y in after)


def _take_match(buckets: dict[tuple[str, int, int], list[tuple[float, float]]],
                c: str, x: float, y: float) -> bool:
    for dx in (0, -1, 1):
        for dy in (0, -1, 1):
            candidates = buckets.get((c, round(x) + dx, round(y) + dy)) or []
            for k, point in enumerate(candidates):
                if near(point, (x, y)):
                    del candidates[k]
                    return True
    return False


def rasterise_all(ctx: Context, doc: pdfium.PdfDocument) -> None:
    for index, reason in sorted(ctx.raster_reason.items()):
        page = doc[index]
        try:
            found = ctx.finds.get(index, PageFind())
            regions = [(r.x, r.y, r.breedte, r.hoogte) for r in ctx.regions.get(index, [])]
            image = raster.render_page(page, found.boxes, regions, scan=not found.has_text,
                                       bestand=ctx.bestand, pagina=index + 1)
        finally:
            page.close()
        raster.replace_page_content(ctx.pdf, ctx.pdf.pages[index], image)
        ctx.result.gerasterd[index + 1] = reason
