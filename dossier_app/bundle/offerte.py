"""The generated uitgesplitste offerte: lines per soort, subtotals, total."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dossier_app.anonymise.hits import Finder
from dossier_app.anonymise.replace import anonymise_text
from dossier_app.bundle.casekey import case_key
from dossier_app.bundle.layout import FONT, FONT_BOLD, GREY, LIGHT, escape, euro, styles
from dossier_app.case_model import Case, OfferteRegel

SOORTEN = (("onderwijs", "Kosten onderwijs"), ("jeugdhulp", "Kosten jeugdhulp"))


def subtotalen(regels: tuple[OfferteRegel, ...]) -> dict[str, float]:
    return {soort: round(sum(r.bedrag for r in regels if r.soort == soort), 2) for soort, _ in SOORTEN}


def _rows(regels: tuple[OfferteRegel, ...], finder: Finder) -> tuple[list[list], list[int]]:
    st = styles()
    rows: list[list] = [[Paragraph("Omschrijving", st["cellbold"]), Paragraph("Bedrag", st["cellbold"])]]
    bold_rows = [0]
    totals = subtotalen(regels)
    for soort, kop in SOORTEN:
        rows.append([Paragraph(kop, st["cellbold"]), ""])
        bold_rows.append(len(rows) - 1)
        for r in (r for r in regels if r.soort == soort):
            rows.append([Paragraph(escape(anonymise_text(r.omschrijving, finder)), st["cell"]),
                         euro(r.bedrag)])
        rows.append([Paragraph(f"Subtotaal {soort}", st["cellbold"]), euro(totals[soort])])
        bold_rows.append(len(rows) - 1)
    rows.append([Paragraph("Totaal", st["cellbold"]), euro(sum(totals.values()))])
    bold_rows.append(len(rows) - 1)
    return rows, bold_rows


def render_offerte(out: Path, case: Case, finder: Finder) -> int:
    """Write the split quote to `out`; returns the number of pages."""
    st = styles()
    rows, bold_rows = _rows(case.offerte, finder)
    table = Table(rows, colWidths=[12.5 * cm, 4 * cm], hAlign="LEFT", repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY), ("BACKGROUND", (0, 0), (-1, 0), LIGHT)]
    style += [("FONTNAME", (1, r), (1, r), FONT_BOLD) for r in bold_rows]
    table.setStyle(TableStyle(style))
    flow = [Paragraph("Uitgesplitste offerte", st["title"]),
            Paragraph(f"Casus {escape(case_key(case.casus.ot_nummer, case.leerling))} – kosten voor "
                      "onderwijs en voor jeugdhulp apart", st["subtitle"]),
            table, Spacer(1, 0.5 * cm),
            Paragraph("Opgesteld met Tafeldossier uit de offerteregels van de casus.", st["small"])]
    pages: list[int] = []
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                            topMargin=2 * cm, bottomMargin=2.2 * cm, title="Uitgesplitste offerte",
                            author="", creator="Tafeldossier", producer="Tafeldossier")
    doc.build(flow, onFirstPage=lambda c, d: pages.append(1), onLaterPages=lambda c, d: pages.append(1))
    return len(pages)
