"""The generated cover page: case key, tafel, timing, MDO meetings (roles only), the
voorblad texts (anonymised), the table of contents with page numbers, the rules used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dossier_app import __version__
from dossier_app.anonymise.hits import Finder
from dossier_app.anonymise.replace import anonymise_text
from dossier_app.bundle.casekey import case_key
from dossier_app.bundle.layout import FONT, FONT_BOLD, GREY, LIGHT, escape, styles
from dossier_app.bundle.manifest import bevestigd_regel
from dossier_app.case_model import Case
from dossier_app.dates import datum_nl
from dossier_app.privacy import confirmed_hashes
from dossier_app.rules.check import CheckResult
from dossier_app.rules.terms import ONDERWIJS, gemeente_naam, rollen_tekst

VOORBLAD_TEKSTEN = (
    ("samenvatting", "Samenvatting: acties, afspraken en wat ze hebben opgeleverd"),
    ("hoofdvraag", "Hoofdvraag"),
    ("aanbod", "Welk passend aanbod is gedaan"),
    ("aanbod_voorhanden", "Is dit aanbod voorhanden"),
    ("waarom_niet", "Waarom werken oplossingen uit eerdere overleggen niet"),
    ("wat_nodig", "Wat is volgens het overleg nodig"),
)


@dataclass(frozen=True)
class InhoudRegel:
    naam: str
    pagina_van: int
    pagina_tot: int


def _termijn_text(result: CheckResult) -> str:
    t = result.termijn
    if t is None:
        return "–"
    if t.status == "geen":
        return f"week {t.week} sinds de eerste verzuimdatum"
    oordeel = {"voor": "vóór de termijn", "binnen": "binnen de termijn",
               "na": "na de termijn"}[t.status]
    return f"week {t.week} sinds de eerste verzuimdatum – {oordeel} ({t.venster.tekst})"


def _kerngegevens(case: Case, result: CheckResult) -> Table:
    c = case.casus
    tafel = result.tafel.naam if result.tafel else c.tafel
    rows = [
        ("Casus", case_key(c.ot_nummer, case.leerling)),
        ("Tafel", tafel + (f", spoor {c.spoor}" if c.spoor else "")),
        ("Gemeente", gemeente_naam(c.gemeente)),
        ("Onderwijs", ONDERWIJS[c.onderwijs]),
        ("Aanmelddatum", datum_nl(c.aanmelddatum)),
        ("Eerste verzuimdatum", datum_nl(c.eerste_verzuimdatum)),
        ("Termijn", _termijn_text(result)),
    ]
    return _table([[k, v] for k, v in rows], col_widths=(4.6 * cm, 11.9 * cm), header=False)


def _table(rows: list[list[str]], col_widths: Sequence[float], header: bool) -> Table:
    st = styles()
    def style_of(i: int, j: int) -> str:
        bold = (i == 0) if header else (j == 0)
        return "cellbold" if bold else "cell"

    cells = [[Paragraph(escape(str(v)), st[style_of(i, j)]) for j, v in enumerate(row)]
             for i, row in enumerate(rows)]
    table = Table(cells, colWidths=list(col_widths), hAlign="LEFT")
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY),
             ("FONTNAME", (0, 0), (-1, -1), FONT)]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), LIGHT), ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)]
    table.setStyle(TableStyle(style))
    return table


def _overleggen(case: Case, overleg: str) -> list:
    st = styles()
    if not case.casus.mdo:
        return [Paragraph(f"Geen {overleg} vermeld.", st["body"])]
    rows = [["Datum", "Deelnemers (rollen)"]]
    rows += [[datum_nl(m.datum), rollen_tekst(m.deelnemers) or "–"]
             for m in sorted(case.casus.mdo, key=lambda m: m.datum)]
    return [_table(rows, (4.6 * cm, 11.9 * cm), header=True)]


def _teksten(case: Case, finder: Finder) -> list:
    st = styles()
    flow: list = []
    if case.voorblad is None:
        return flow
    for key, kop in VOORBLAD_TEKSTEN:
        text = getattr(case.voorblad, key).strip()
        if text:
            flow += [Paragraph(kop, st["h2"]), Paragraph(escape(anonymise_text(text, finder)),
                                                         st["body"])]
    return flow


def _inhoud(inhoud: Sequence[InhoudRegel]) -> list:
    rows = [["Onderdeel", "Pagina's"]]
    for r in inhoud:
        pages = str(r.pagina_van) if r.pagina_van == r.pagina_tot else f"{r.pagina_van}–{r.pagina_tot}"
        rows.append([r.naam, pages])
    table = _table(rows, (13.5 * cm, 3 * cm), header=True)
    table.repeatRows = 1
    return [KeepTogether([Paragraph("Inhoud", styles()["h2"]), table])]


def bevestigd_tekst(case: Case) -> str:
    """The line on the voorblad that binds the manifest's `bevestigd` to the pages: how many
    findings the school left in ("Laten staan") and a code over their hashes."""
    return bevestigd_regel(case.casus.ot_nummer, sorted(confirmed_hashes(case)))


def render_voorblad(out: Path, case: Case, result: CheckResult, finder: Finder,
                    inhoud: Sequence[InhoudRegel], *, niet_gecontroleerd: Sequence[str] = ()) -> int:
    """Write the cover page(s) to `out`; returns the number of pages."""
    st = styles()
    tafel = result.tafel.naam if result.tafel else case.casus.tafel
    flow: list = [Paragraph(f"Aanmelding {escape(tafel)}", st["title"]),
                  Paragraph("Routeboek verzuim en thuiszitters – geanonimiseerd dossier", st["subtitle"]),
                  _kerngegevens(case, result),
                  Spacer(1, 0.2 * cm),
                  Paragraph(escape(bevestigd_tekst(case)), st["small"]),
                  Paragraph(f"{result.ruleset.overleg}-overleggen", st["h2"]),
                  *_overleggen(case, result.ruleset.overleg),
                  *_teksten(case, finder),
                  *_inhoud(inhoud)]
    if niet_gecontroleerd:
        flow += [Paragraph("Niet automatisch gecontroleerd", st["h2"]),
                 Paragraph("Deze pagina's hebben geen tekstlaag; de school heeft ze met de hand "
                           "beoordeeld of gelakt: " + escape(", ".join(niet_gecontroleerd)), st["body"])]
    flow += [Spacer(1, 0.6 * cm),
             Paragraph(f"Gecontroleerd tegen {escape(result.ruleset.naam)}, versie "
                       f"{escape(result.ruleset.versie)}. Gemaakt met Tafeldossier {__version__}.",
                       st["small"])]
    pages = []
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                            topMargin=2 * cm, bottomMargin=2.2 * cm, title="Voorblad",
                            author="", creator="Tafeldossier", producer="Tafeldossier",
                            subject="", keywords="")
    doc.build(flow, onFirstPage=lambda c, d: pages.append(1), onLaterPages=lambda c, d: pages.append(1))
    return len(pages)
