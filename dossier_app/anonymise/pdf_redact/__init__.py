"""Redact identifiers from a PDF: remove the glyphs, draw the box, verify, rewrite.

The measured method of ANONYMISATION.md, one module per step:

1. `prepass` (pikepdf): flatten form fields and printable annotations, drop the other
   annotations, strip marked content (/ActualText, /Alt), delete hidden layers, drop XFA;
2. `find` (pypdfium2): page text from the text page, run the Finder, map hits to chars,
   chars to text objects and boxes;
3. `remove` (pikepdf, over the page's `content` tree and the `fonts` it uses): in the
   text-showing operator that draws a hit, match its glyphs to PDFium's chars (decoded
   text and origins must agree, spaces aside: PDFium drops, merges and adds spaces),
   replace each hit glyph by a TJ displacement of its width, so nothing else on the line
   moves; form XObjects are copied per use before editing, so other pages keep the
   original;
4. `boxes`: draw filled black boxes over the hits;
5. `verify` each edited page (re-extract: no hit left, every other glyph where it was),
   else render the page as an image with the boxes burnt in (raster.py); manual
   regions are always burnt into an image of the page;
6. `save`: sanitise hidden channels (sanitise.py) and save with a full rewrite.

This module runs them in that order over a shared `context.Context`. No identifier value
is ever put in a message, a log line or a file name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pypdfium2 as pdfium

from dossier_app.anonymise.hits import Finder
from dossier_app.anonymise.pdf_redact.boxes import shown_boxes
from dossier_app.anonymise.pdf_redact.context import Context, PdfCleanResult, boundary, snapshot
from dossier_app.anonymise.pdf_redact.find import find_all
from dossier_app.anonymise.pdf_redact.prepass import open_pdf, prepass, regions_by_page
from dossier_app.anonymise.pdf_redact.remove import remove_all
from dossier_app.anonymise.pdf_redact.save import sanitise_and_save
from dossier_app.anonymise.pdf_redact.verify import rasterise_all, verify_all
from dossier_app.case_model import Lakvlak

__all__ = ["PdfCleanResult", "clean_pdf"]


def clean_pdf(src: Path, dst: Path, finder: Finder, lakken: Sequence[Lakvlak], *,
              bestand: str, on_page_text: Callable[[int, str], None] | None = None,
              ) -> PdfCleanResult:
    """Write an anonymised copy of `src` to `dst` and report what was done.

    `lakken` are manual regions (page numbers 1-based). Raises DocumentError when the
    file cannot be read or must be refused. Run `gate.verify_pdf` on `dst` before
    the file goes anywhere. `on_page_text(index, text)` (0-based) gets each page's text
    as the find step reads it, before redaction: hidden layers already removed, form
    fields and printable annotations already page text (the flagger reads these).
    """
    with boundary(bestand):
        pdf = open_pdf(src, bestand)
    with pdf:
        ctx = Context(pdf, finder, bestand, {}, PdfCleanResult(paginas=len(pdf.pages)),
                       on_page_text=on_page_text)
        ctx.regions = regions_by_page(lakken, len(pdf.pages), bestand)
        with boundary(bestand):
            prepass(ctx)
            _find_remove_verify(ctx)
            sanitise_and_save(ctx, dst)
    return ctx.result


def _find_remove_verify(ctx: Context) -> None:
    before = snapshot(ctx.pdf)
    doc = pdfium.PdfDocument(before)
    try:
        find_all(ctx, doc)
        remove_all(ctx)
        verify_all(ctx, doc)
        rasterise_all(ctx, doc)
    finally:
        doc.close()
    _report(ctx)


def _report(ctx: Context) -> None:
    result = ctx.result
    for index, found in sorted(ctx.finds.items()):
        if found.categories:
            result.treffers[index + 1] = dict(found.categories)
        if found.boxes or index in ctx.regions:
            result.vlakken[index + 1] = shown_boxes(ctx, index, found)
        if not found.has_text and index not in ctx.regions:
            result.niet_gecontroleerd.append(index + 1)
            ctx.melding("GEEN_TEKSTLAAG", "Geen tekstlaag: deze pagina kon niet automatisch "
                        "worden doorzocht. Controleer haar zelf en teken zo nodig lakvlakken.",
                        pagina=index + 1)
    for page, reason in sorted(result.gerasterd.items()):
        ctx.melding("PAGINA_ALS_AFBEELDING", f"Pagina als afbeelding opgenomen ({reason}); "
                    "de tekst op deze pagina is niet meer selecteerbaar.", "info", pagina=page)
