"""The loket's verify report as a PDF for the school (QTextDocument printed by QPdfWriter).

The report leaves the loket's screen, so it never quotes text around a finding: it
names the page and the kind of data, which is enough for the school to find it.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from dossier_app.bundle.verify import VerifyReport
from dossier_app.dates import datum_nl
from dossier_app.rules import ruleset_by_id
from dossier_app.rules.terms import gemeente_naam
from dossier_app.taal import n_paginas

STATUS = {"aanwezig": "aanwezig", "ontbreekt": "ONTBREEKT", "optioneel": "niet meegestuurd (optioneel)",
          "niet-nodig": "niet nodig", "onbekend": "zelf beoordelen", "extra": "extra"}
CONTEXT_CODES = {"MOGELIJK_PERSOONSGEGEVEN", "NAAM_TER_CONTROLE"}


def _e(text: object) -> str:
    return html.escape(str(text))


def opmerkingen(report: VerifyReport) -> list[str]:
    """What is not a problem but deserves a look: outside the tafel's window, pages without
    text, other warnings."""
    out = []
    if report.termijn is not None and report.termijn.status not in ("binnen", "geen"):
        out.append("buiten de termijn van de tafel")
    if report.niet_gecontroleerd:
        n = len(report.niet_gecontroleerd)
        out.append(f"{n} {'pagina' if n == 1 else 'pagina’s'} zonder tekst om zelf te bekijken")
    rest = [m for m in report.meldingen if m.niveau == "waarschuwing" and m.code != "NIET_GECONTROLEERD"]
    if rest:
        out.append(f"{len(rest)} {'andere opmerking' if len(rest) == 1 else 'andere opmerkingen'}")
    return out


def verdict(report: VerifyReport) -> str:
    """One line that agrees with every line below it."""
    if report.ok:
        notes = opmerkingen(report)
        if notes:
            return ("In orde, met opmerkingen: compleet, ongewijzigd en zonder gevonden persoonsgegevens; "
                    "let op: " + ", ".join(notes) + ".")
        return "In orde: compleet, ongewijzigd en zonder gevonden persoonsgegevens."
    n = len(report.problemen)
    return f"Niet in orde: {n} {'probleem' if n == 1 else 'problemen'} gevonden."


def routeboek_naam(report: VerifyReport) -> str:
    """The rule set the bundle was made with, by its name ("Routeboek PO – Tafels voor
    opschaling (2025-2026), versie 2025-2026.1"), not its id."""
    data = report.manifest.get("routeboek", {})
    ruleset = ruleset_by_id(str(data.get("id", "")))
    naam = ruleset.naam if ruleset is not None else "een routeboek dat deze versie van Tafeldossier niet kent"
    return f"{naam}, versie {data.get('versie', '?')}"


def report_html(report: VerifyReport, today: str | None = None) -> str:
    from datetime import date

    casus = report.manifest["casus"]
    parts = [f"<h1>Controle van bundel {_e(report.bestand)}</h1>",
             f"<p>Gecontroleerd op {_e(today or datum_nl(date.today()))} met Tafeldossier.</p>",
             f"<p><b>{_e(verdict(report))}</b></p>",
             f"<p>Tafel: {_e(report.tafel_naam or casus['tafel'])} · "
             f"{_e(gemeente_naam(casus['gemeente']))} · "
             f"{_e(casus['onderwijs'].upper())} · {_e(casus['ot_nummer'])}<br>Gecontroleerd volgens "
             f"{_e(routeboek_naam(report))} · {_e(n_paginas(report.paginas_bestand))}</p>",
             "<h2>Volledigheid</h2><table border='1' cellpadding='4' cellspacing='0'>"
             "<tr><th>Onderdeel</th><th>Status</th><th>Pagina's</th></tr>"]
    for o in report.onderdelen:
        pages = (str(o.pagina_van) if o.pagina_van == o.pagina_tot else f"{o.pagina_van}-{o.pagina_tot}") \
            if o.pagina_van and o.status == "aanwezig" else ""
        parts.append(f"<tr><td>{_e(o.naam)}</td><td>{_e(STATUS.get(o.status, o.status))}</td>"
                     f"<td>{pages}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>Ongewijzigd sinds het maken</h2><p>{'ja' if report.intact else 'NEE'}</p>")
    parts.append(f"<h2>Verborgen inhoud</h2><p>{'geen' if report.schoon else 'GEVONDEN'}</p>")
    echte = [p for p in report.persoonsgegevens if not p.review]
    parts.append("<h2>Mogelijke persoonsgegevens</h2>")
    if echte:
        items = "".join(f"<li>Pagina {p.pagina}: {_e(p.categorie)}</li>" for p in echte)
        parts.append(f"<ul>{items}</ul>")
    else:
        parts.append("<p>geen gevonden</p>")
    if report.termijn is not None and report.termijn.status != "geen":
        t = report.termijn
        parts.append(f"<h2>Termijn</h2><p>Week {t.week}; verwacht: {_e(t.venster.tekst)}</p>")
    parts.append("<h2>Meldingen</h2><ul>")
    for m in report.meldingen:
        if m.code in CONTEXT_CODES:
            continue  # listed above without the quoted text
        parts.append(f"<li>{_e(m.regel())}</li>")
    parts.append("</ul>")
    return "".join(parts)


def write_report_pdf(report: VerifyReport, out: Path) -> None:
    doc = QTextDocument()
    doc.setHtml(report_html(report))
    writer = QPdfWriter(str(out))
    writer.setTitle(f"Controle van bundel {report.manifest['casus']['ot_nummer']}")
    writer.setCreator("Tafeldossier")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    doc.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
    doc.print_(writer)
