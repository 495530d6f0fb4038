"""Check results and the tafel overview as JSON-ready dicts and as Dutch text.

JSON leaves the user's screen (scripts store it), so file names in it are scrubbed of
identifiers; the text version is for the screen and names files as the user wrote them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dossier_app import __version__
from dossier_app.dates import datum_nl
from dossier_app.privacy import identifier_tokens, scrub_label
from dossier_app.rules.check import CheckResult, OnderdeelStatus, Termijn
from dossier_app.rules.model import Onderdeel, RuleSet, Tafel, Venster, Voorwaarde
from dossier_app.rules.terms import GEMEENTEN, ONDERWIJS, gemeente_naam

REPORT_SCHEMA = 1


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def ruleset_dict(rs: RuleSet) -> dict[str, Any]:
    return {"id": rs.id, "versie": rs.versie, "onderwijs": rs.onderwijs, "naam": rs.naam,
            "geldig_vanaf": _iso(rs.geldig_vanaf), "geldig_tot": _iso(rs.geldig_tot)}


def venster_dict(v: Venster) -> dict[str, Any]:
    return {"van": v.van, "tot": v.tot, "rond": v.rond, "tekst": v.tekst}


def onderdeel_dict(o: Onderdeel) -> dict[str, Any]:
    return {"id": o.id, "naam": o.naam, "regel": o.regel, "voorwaarde": o.voorwaarde,
            "meerdere": o.meerdere, "genereerbaar": o.genereerbaar, "sporen": list(o.sporen),
            "gemeenten": list(o.gemeenten), "formulier": o.formulier,
            "omschrijving": o.omschrijving}


def voorwaarde_dict(v: Voorwaarde) -> dict[str, Any]:
    return {"id": v.id, "soort": v.soort, "niveau": v.niveau, "tekst": v.tekst,
            "rollen": list(v.rollen), "veld": v.veld, "minimum": v.minimum,
            "gemeenten": list(v.gemeenten)}


def gemeente_status(t: Tafel, gemeente: str, peildatum: date) -> dict[str, Any]:
    vervallen = t.geldig_tot is not None and peildatum > t.geldig_tot
    beschikbaar = gemeente in t.beschikbaar and not vervallen
    reden = None
    if vervallen:
        reden = t.vervallen
    elif not beschikbaar:
        reden = t.niet_beschikbaar.get(gemeente) or f"Niet beschikbaar in {gemeente_naam(gemeente)}."
    return {"beschikbaar": beschikbaar, "dossier": t.dossier and beschikbaar,
            "aanmelding": t.aanmelding_voor(gemeente) or None, "reden": reden}


def tafel_dict(t: Tafel, rs: RuleSet, peildatum: date, gemeenten: list[str]) -> dict[str, Any]:
    return {
        "id": t.id, "naam": t.naam, "onderwijs": rs.onderwijs, "routeboek": rs.id,
        "doel": t.doel, "frequentie": t.frequentie, "dossier": t.dossier,
        "beschikbaar": [g for g in gemeenten if gemeente_status(t, g, peildatum)["beschikbaar"]],
        "gemeenten": {g: gemeente_status(t, g, peildatum) for g in gemeenten},
        "geldig_tot": _iso(t.geldig_tot), "venster": venster_dict(t.venster),
        "sporen": {str(k): v for k, v in t.sporen.items()},
        "voorwaarden": [voorwaarde_dict(v) for v in t.voorwaarden],
        "onderdelen": [onderdeel_dict(o) for o in t.onderdelen],
        "geen_dossier": t.geen_dossier or None,
    }


def tafels_dict(sets: list[RuleSet], peildatum: date, gemeente: str | None) -> dict[str, Any]:
    gemeenten = [gemeente] if gemeente else list(GEMEENTEN)
    return {
        "schema": REPORT_SCHEMA, "soort": "tafels", "product_versie": __version__,
        "peildatum": peildatum.isoformat(),
        "routeboeken": [ruleset_dict(rs) for rs in sets],
        "tafels": [tafel_dict(t, rs, peildatum, gemeenten) for rs in sets for t in rs.tafels],
    }


def tafels_text(sets: list[RuleSet], peildatum: date, gemeente: str | None) -> list[str]:
    lines: list[str] = [f"Tafels voor opschaling (routeboek geldig op {datum_nl(peildatum)})"]
    for rs in sets:
        lines += ["", f"== {ONDERWIJS[rs.onderwijs].capitalize()}: {rs.naam} (versie {rs.versie}) =="]
        for t in rs.tafels:
            lines += _tafel_text(t, peildatum, gemeente)
    return lines


def _tafel_text(t: Tafel, peildatum: date, gemeente: str | None) -> list[str]:
    gemeenten = [gemeente] if gemeente else list(GEMEENTEN)
    status = {g: gemeente_status(t, g, peildatum) for g in gemeenten}
    waar = [gemeente_naam(g) for g, s in status.items() if s["beschikbaar"]]
    lines = ["", f"{t.naam}  [{t.id}]", f"  Doel: {t.doel}"]
    if waar:
        lines.append(f"  Beschikbaar in: {', '.join(waar)}")
    else:
        lines.append(f"  Niet beschikbaar in {', '.join(gemeente_naam(g) for g in gemeenten)}")
    if t.venster.tekst:
        lines.append(f"  Termijn: {t.venster.tekst}")
    for g, s in status.items():
        if s["beschikbaar"] and s["aanmelding"]:
            lines.append(f"  Aanmelden ({gemeente_naam(g)}): {s['aanmelding']}")
        elif s["reden"]:
            lines.append(f"  Niet in {gemeente_naam(g)}: {s['reden']}")
    if not t.dossier:
        lines.append(f"  Geen dossier: {t.geen_dossier}")
        return lines
    for spoor, tekst in t.sporen.items():
        lines.append(f"  Spoor {spoor}: {tekst.split(': ', 1)[-1]}")
    lines.append("  Onderdelen:")
    for o in t.onderdelen:
        lines.append(f"    - {o.naam} [{o.id}]: {_regel_text(o)}")
    return lines


def _regel_text(o: Onderdeel) -> str:
    parts = [o.regel if o.regel != "voorwaardelijk" else f"verplicht als {o.voorwaarde} = true"]
    if o.meerdere:
        parts.append("een of meer bestanden")
    if o.genereerbaar:
        parts.append("Tafeldossier kan dit maken")
    if o.sporen:
        parts.append(f"alleen spoor {', '.join(map(str, o.sporen))}")
    if o.gemeenten:
        parts.append(f"alleen {', '.join(gemeente_naam(g) for g in o.gemeenten)}")
    return "; ".join(parts)


# --- check ----------------------------------------------------------------------------

def _status_dict(s: OnderdeelStatus, tokens: list[str]) -> dict[str, Any]:
    return {
        **{k: v for k, v in onderdeel_dict(s.onderdeel).items() if k in ("id", "naam", "regel")},
        "nodig": s.nodig, "status": s.status, "gegenereerd": s.gegenereerd,
        "documenten": [{"index": d.index, "bestand": scrub_label(d.bestand, tokens),
                        "gevonden": d.pad.is_file(), "lakvlakken": len(d.lakken)}
                       for d in s.documenten],
    }


def _termijn_dict(t: Termijn | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"week": t.week, "status": t.status, "venster": venster_dict(t.venster),
            "vanaf": _iso(t.vanaf), "uiterlijk": _iso(t.uiterlijk)}


def check_dict(r: CheckResult) -> dict[str, Any]:
    c = r.case.casus
    tokens = identifier_tokens(r.case)
    status = "compleet" if r.compleet else ("incompleet" if r.beschikbaar else "niet-beschikbaar")
    meldingen = []
    for m in r.meldingen:
        d = m.as_dict()
        if m.bestand:
            label = scrub_label(m.bestand, tokens)
            d["bestand"] = label
            d["tekst"] = m.tekst.replace(m.bestand, label)
        meldingen.append(d)
    return {
        "schema": REPORT_SCHEMA, "soort": "check", "product_versie": __version__,
        "routeboek": ruleset_dict(r.ruleset),
        "casus": {"onderwijs": c.onderwijs, "gemeente": c.gemeente, "tafel": c.tafel,
                  "spoor": c.spoor, "ot_nummer": c.ot_nummer,
                  "eerste_verzuimdatum": c.eerste_verzuimdatum.isoformat(),
                  "aanmelddatum": c.aanmelddatum.isoformat()},
        "status": status, "beschikbaar": r.beschikbaar, "compleet": r.compleet,
        "exit_code": int(r.exit_code),
        "ontbrekend": r.ontbrekend,
        "onderdelen": [_status_dict(s, tokens) for s in r.onderdelen],
        "voorwaarden": [{"id": v.voorwaarde.id, "status": v.status, "niveau": v.voorwaarde.niveau,
                         "tekst": v.voorwaarde.tekst} for v in r.voorwaarden],
        "termijn": _termijn_dict(r.termijn),
        "meldingen": meldingen,
    }


_MARK = {"aanwezig": "[OK]       ", "ontbreekt": "[ONTBREEKT]", "optioneel": "[optioneel]",
         "niet-nodig": "[niet nodig]"}
_VMARK = {"voldaan": "[OK]", "niet-voldaan": "[NEE]", "zelf-controleren": "[?]"}


def check_text(r: CheckResult, shown_name: str) -> list[str]:
    c = r.case.casus
    tafel_naam = r.tafel.naam if r.tafel else c.tafel
    lines = [f"Controle van {shown_name}",
             f"Routeboek: {r.ruleset.naam} (versie {r.ruleset.versie})",
             f"Tafel: {tafel_naam} – {gemeente_naam(c.gemeente)}, {ONDERWIJS[c.onderwijs]}"
             + (f", spoor {c.spoor}" if c.spoor else "")]
    if r.tafel and r.beschikbaar:
        lines.append(f"Aanmelden: {r.tafel.aanmelding_voor(c.gemeente)}")
    if r.termijn and r.termijn.status != "geen":
        lines.append(f"Week sinds eerste verzuimdatum: {r.termijn.week} "
                     f"(verwacht: {r.termijn.venster.tekst})")
    if r.onderdelen:
        lines += ["", "Onderdelen:"]
        for s in r.onderdelen:
            extra = " (Tafeldossier maakt dit)" if s.gegenereerd else ""
            gevonden = sum(1 for d in s.documenten if d.pad.is_file())
            files = f" – {gevonden} van {len(s.documenten)} bestand(en) gevonden" if s.documenten else ""
            lines.append(f"  {_MARK[s.status]} {s.onderdeel.naam} [{s.onderdeel.id}]{files}{extra}")
    if r.voorwaarden:
        lines += ["", "Voorwaarden:"]
        lines += [f"  {_VMARK[v.status]} {v.voorwaarde.tekst}" for v in r.voorwaarden]
    if r.meldingen:
        lines += ["", "Meldingen:"]
        lines += [f"  {m.regel()}" for m in _ordered(r)]
    lines += ["", _verdict(r)]
    return lines


def _ordered(r: CheckResult) -> list:
    order = {"fout": 0, "waarschuwing": 1, "info": 2}
    return sorted(r.meldingen, key=lambda m: order[m.niveau])


def _verdict(r: CheckResult) -> str:
    if not r.beschikbaar:
        return "Resultaat: NIET BESCHIKBAAR – voor deze tafel kunt u zo geen dossier samenstellen."
    if r.compleet:
        return "Resultaat: COMPLEET – de aanmelding kan worden gebouwd (dossier build)."
    n = len(r.fouten)
    return f"Resultaat: NIET COMPLEET – {n} punt(en) op te lossen (zie FOUT hierboven)."
