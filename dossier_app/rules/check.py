"""`dossier check`: is the tafel available, is the dossier complete, were the steps taken,
and is the timing right. Pure functions over a Case and the routeboek; no I/O but
`Path.is_file` on the listed documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dossier_app.case_model import Case, Document
from dossier_app.dates import datum_nl
from dossier_app.errors import CaseFileError, ExitCode, IncompleteError
from dossier_app.meldingen import Melding
from dossier_app.rules.loader import default_rulesets
from dossier_app.rules.model import Onderdeel, RuleSet, Tafel, Venster, Voorwaarde
from dossier_app.rules.select import ruleset_for
from dossier_app.rules.terms import ONDERWIJS, gemeente_naam, rollen_tekst

VOORBLAD_VERPLICHT = ("samenvatting", "hoofdvraag")
VOORBLAD_AANBEVOLEN = ("aanbod", "aanbod_voorhanden", "waarom_niet", "wat_nodig")


@dataclass(frozen=True)
class OnderdeelStatus:
    onderdeel: Onderdeel
    nodig: bool  # required for this case (verplicht, or voorwaardelijk with the condition set)
    status: str  # "aanwezig" | "ontbreekt" | "optioneel" | "niet-nodig"
    documenten: tuple[Document, ...] = ()
    gegenereerd: bool = False  # made by Tafeldossier from the case file


@dataclass(frozen=True)
class VoorwaardeStatus:
    voorwaarde: Voorwaarde
    status: str  # "voldaan" | "niet-voldaan" | "zelf-controleren"


@dataclass(frozen=True)
class Termijn:
    week: int  # week 1 starts on the eerste verzuimdatum
    venster: Venster
    status: str  # "voor" | "binnen" | "na" | "geen"
    vanaf: date | None = None
    uiterlijk: date | None = None


@dataclass
class CheckResult:
    case: Case
    ruleset: RuleSet
    tafel: Tafel | None
    beschikbaar: bool
    onderdelen: list[OnderdeelStatus] = field(default_factory=list)
    voorwaarden: list[VoorwaardeStatus] = field(default_factory=list)
    termijn: Termijn | None = None
    meldingen: list[Melding] = field(default_factory=list)

    @property
    def fouten(self) -> list[Melding]:
        return [m for m in self.meldingen if m.niveau == "fout"]

    @property
    def ontbrekend(self) -> list[str]:
        return [s.onderdeel.id for s in self.onderdelen if s.status == "ontbreekt"]

    @property
    def compleet(self) -> bool:
        return self.beschikbaar and not self.fouten

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ok if self.compleet else ExitCode.incomplete

    def require_complete(self) -> None:
        if not self.compleet:
            lijst = "\n".join(f"  - {m.tekst}" for m in self.fouten)
            raise IncompleteError(f"De aanmelding is nog niet compleet:\n{lijst}")


def check_case(case: Case, sets: Sequence[RuleSet] | None = None) -> CheckResult:
    sets = sets if sets is not None else default_rulesets()
    c = case.casus
    ruleset = ruleset_for(c.onderwijs, c.aanmelddatum, sets)
    result = CheckResult(case, ruleset, ruleset.tafel(c.tafel), beschikbaar=False)
    result.meldingen.extend(case.meldingen)
    if result.tafel is None:
        result.meldingen.append(_unknown_tafel(case, ruleset, sets))
        return result
    tafel = result.tafel
    result.meldingen.extend(_availability(case, tafel, ruleset))
    result.beschikbaar = not any(m.niveau == "fout" for m in result.meldingen)
    if not result.beschikbaar:
        return result
    result.meldingen.extend(_spoor(case, tafel))
    result.onderdelen = [_onderdeel_status(case, o) for o in
                         tafel.onderdelen_voor(c.gemeente, c.spoor)]
    result.meldingen.extend(_component_meldingen(case, tafel, result.onderdelen))
    result.voorwaarden = [_voorwaarde_status(case, v) for v in tafel.voorwaarden
                          if v.geldt_voor(c.gemeente)]
    result.meldingen.extend(_voorwaarde_meldingen(case, result.voorwaarden, ruleset))
    result.termijn = termijn(c.eerste_verzuimdatum, c.aanmelddatum, tafel.venster)
    result.meldingen.extend(_termijn_meldingen(tafel, result.termijn))
    result.meldingen.extend(_case_notes(case))
    return result


# --- availability -------------------------------------------------------------------

def _unknown_tafel(case: Case, ruleset: RuleSet, sets: Sequence[RuleSet]) -> Melding:
    c = case.casus
    elders = [s for s in sets if s.tafel(c.tafel)]
    keuze = ", ".join(t.id for t in ruleset.tafels)
    if not elders:
        raise CaseFileError(
            f'casus.tafel: "{c.tafel}" is geen tafel uit het routeboek. Kies een van: {keuze} '
            "(zie ook: dossier tafels).", bestand=_shown(case))
    andere = sorted({ONDERWIJS[s.onderwijs] for s in elders if s.onderwijs != c.onderwijs})
    if andere:
        reden = f"hoort bij het {' en '.join(andere)}, niet bij het {ONDERWIJS[c.onderwijs]}"
    else:
        reden = f"bestaat niet in het routeboek dat gold op {datum_nl(c.aanmelddatum)} ({ruleset.naam})"
    return Melding("TAFEL_NIET_IN_ROUTEBOEK", f'De tafel "{c.tafel}" {reden}. '
                   f"Kies een tafel uit dit routeboek: {keuze}.", "fout")


def _availability(case: Case, tafel: Tafel, ruleset: RuleSet) -> list[Melding]:
    c = case.casus
    if tafel.geldig_tot and c.aanmelddatum > tafel.geldig_tot:
        return [Melding("TAFEL_VERVALLEN", f"De {tafel.naam} bestaat niet meer na "
                        f"{datum_nl(tafel.geldig_tot)}. {tafel.vervallen}".strip(), "fout")]
    if c.gemeente not in tafel.beschikbaar:
        reden = tafel.niet_beschikbaar.get(c.gemeente) or (
            f"De {tafel.naam} is er niet voor {gemeente_naam(c.gemeente)}. "
            f"Kies een andere tafel (zie: dossier tafels --gemeente {c.gemeente}).")
        return [Melding("TAFEL_NIET_BESCHIKBAAR", reden, "fout")]
    if not tafel.dossier:
        return [Melding("TAFEL_GEEN_DOSSIER", tafel.geen_dossier, "fout")]
    return []


def _spoor(case: Case, tafel: Tafel) -> list[Melding]:
    spoor = case.casus.spoor
    if tafel.sporen and spoor is None:
        uitleg = " ".join(tafel.sporen.values())
        return [Melding("SPOOR_ONTBREEKT", f"Vul casus.spoor in (1 of 2): welk spoor naar de "
                        f"{tafel.naam} volgt u? {uitleg}", "fout")]
    if tafel.sporen and spoor not in tafel.sporen:
        return [Melding("SPOOR_ONBEKEND", f"Spoor {spoor} bestaat niet voor de {tafel.naam}; "
                        f"kies {' of '.join(str(s) for s in tafel.sporen)}.", "fout")]
    if not tafel.sporen and spoor is not None:
        return [Melding("SPOOR_OVERBODIG", f"casus.spoor geldt alleen voor de doorbraaktafel en "
                        f"wordt voor de {tafel.naam} genegeerd.", "info")]
    return []


# --- components -----------------------------------------------------------------------

def _is_nodig(case: Case, onderdeel: Onderdeel) -> bool:
    if onderdeel.regel == "verplicht":
        return True
    if onderdeel.regel == "voorwaardelijk" and onderdeel.voorwaarde:
        return bool(getattr(case.casus, onderdeel.voorwaarde, False))
    return False


def _generated(case: Case, onderdeel: Onderdeel) -> bool:
    if onderdeel.genereerbaar == "voorblad":
        vb = case.voorblad
        return vb is not None and all(getattr(vb, k).strip() for k in VOORBLAD_VERPLICHT)
    if onderdeel.genereerbaar == "offerte":
        return bool(case.offerte)
    return False


def _onderdeel_status(case: Case, onderdeel: Onderdeel) -> OnderdeelStatus:
    docs = tuple(d for d in case.documenten if d.onderdeel == onderdeel.id)
    present = tuple(d for d in docs if d.pad.is_file())
    generated = not present and _generated(case, onderdeel)
    nodig = _is_nodig(case, onderdeel)
    if present or generated:
        status = "aanwezig"
    elif nodig:
        status = "ontbreekt"
    else:
        status = "optioneel" if onderdeel.regel == "optioneel" else "niet-nodig"
    return OnderdeelStatus(onderdeel, nodig, status, docs, generated)


def _missing_text(case: Case, s: OnderdeelStatus) -> str:
    o = s.onderdeel
    if o.genereerbaar == "voorblad":
        return (f"{o.naam} ({o.id}) ontbreekt: vul in [voorblad] de samenvatting en de hoofdvraag "
                "in, of voeg een eigen voorblad toe.")
    if o.genereerbaar == "offerte":
        return (f"{o.naam} ({o.id}) ontbreekt: vul [[offerte.regels]] in (soort onderwijs of "
                "jeugdhulp, omschrijving, bedrag) of voeg de offerte van de aanbieder toe.")
    waarom = ""
    if o.regel == "voorwaardelijk":
        waarom = f" (nodig omdat casus.{o.voorwaarde} = true)"
    return (f"{o.naam} ({o.id}) ontbreekt{waarom}. Voeg het toe als [[documenten]] met "
            f'onderdeel = "{o.id}".')


def _component_meldingen(case: Case, tafel: Tafel, statuses: list[OnderdeelStatus]) -> list[Melding]:
    out: list[Melding] = []
    for s in statuses:
        for d in s.documenten:
            if not d.pad.is_file():
                out.append(Melding("BESTAND_ONTBREEKT", f"Het bestand {d.bestand} bij {s.onderdeel.naam} "
                                   "is niet gevonden. Controleer de naam en de map (het pad is "
                                   "relatief aan het casusbestand).", "fout",
                                   onderdeel=s.onderdeel.id, bestand=d.bestand))
        if s.status == "ontbreekt" and not s.documenten:
            out.append(Melding("ONDERDEEL_ONTBREEKT", _missing_text(case, s), "fout",
                               onderdeel=s.onderdeel.id))
        if len(s.documenten) > 1 and not s.onderdeel.meerdere:
            out.append(Melding("ONDERDEEL_MEERDERE", f"Bij {s.onderdeel.naam} hoort meestal één "
                               f"bestand; er zijn er {len(s.documenten)}. Ze worden achter elkaar "
                               "opgenomen.", "info", onderdeel=s.onderdeel.id))
    out.extend(_foreign_documents(case, tafel, statuses))
    out.extend(_generated_notes(case, statuses))
    return out


def _foreign_documents(case: Case, tafel: Tafel, statuses: list[OnderdeelStatus]) -> list[Melding]:
    known = {s.onderdeel.id for s in statuses}
    out = []
    for d in case.documenten:
        if d.onderdeel not in known:
            keuze = ", ".join(sorted(known))
            out.append(Melding("ONDERDEEL_HOORT_NIET_BIJ_TAFEL", f'Het onderdeel "{d.onderdeel}" '
                               f"hoort niet bij deze aanmelding voor de {tafel.naam}; {d.bestand} wordt "
                               f"niet opgenomen. Kies een van: {keuze}.", "waarschuwing",
                               onderdeel=d.onderdeel, bestand=d.bestand))
    return out


def _generated_notes(case: Case, statuses: list[OnderdeelStatus]) -> list[Melding]:
    out = []
    for s in statuses:
        if s.onderdeel.genereerbaar == "voorblad" and s.nodig and case.voorblad:
            leeg = [k for k in VOORBLAD_AANBEVOLEN if not getattr(case.voorblad, k).strip()]
            if leeg:
                out.append(Melding("VOORBLAD_AANVRAAG_ONVOLLEDIG", "De aanvraag geeft kernachtig aan "
                                   "welk passend aanbod is gedaan, of het voorhanden is, waarom "
                                   "eerdere oplossingen niet werken en wat nodig is. Nog leeg in "
                                   f"[voorblad]: {', '.join(leeg)}.", "waarschuwing",
                                   onderdeel=s.onderdeel.id))
        if s.onderdeel.genereerbaar == "offerte" and s.gegenereerd:
            soorten = {r.soort for r in case.offerte}
            if len(soorten) < 2:
                out.append(Melding("OFFERTE_EEN_SOORT", "De uitgesplitste offerte bevat alleen "
                                   f"kosten voor {next(iter(soorten))}. Voeg ook de kosten voor de "
                                   "andere soort toe, als die er zijn.", "waarschuwing",
                                   onderdeel=s.onderdeel.id))
    return out


# --- preconditions --------------------------------------------------------------------

def _overleggen(case: Case) -> list:
    return [m for m in case.casus.mdo if m.datum <= case.casus.aanmelddatum]


def _voorwaarde_status(case: Case, v: Voorwaarde) -> VoorwaardeStatus:
    held = _overleggen(case)
    if v.soort == "overleg-rollen":
        ok = any(set(v.rollen) <= set(m.deelnemers) for m in held)
    elif v.soort == "overleg-rollen-gewenst":
        ok = any(set(v.rollen) & set(m.deelnemers) for m in held)
    elif v.soort == "overleg-gehouden":
        ok = bool(held)
    elif v.soort == "minimum":
        value = getattr(case.casus, v.veld or "", None)
        ok = value is not None and value >= (v.minimum or 0)
    else:
        return VoorwaardeStatus(v, "zelf-controleren")
    return VoorwaardeStatus(v, "voldaan" if ok else "niet-voldaan")


def _voorwaarde_meldingen(case: Case, statuses: list[VoorwaardeStatus], rs: RuleSet) -> list[Melding]:
    out = []
    later = [m for m in case.casus.mdo if m.datum > case.casus.aanmelddatum]
    if later:
        out.append(Melding("OVERLEG_NA_AANMELDING", f"{len(later)} {rs.overleg}-overleg(gen) ligt "
                           "na de aanmelddatum en telt niet mee voor de voorwaarden.", "waarschuwing"))
    for s in statuses:
        v = s.voorwaarde
        if s.status == "zelf-controleren":
            out.append(Melding("VOORWAARDE_ZELF_CONTROLEREN", f"Controleer zelf: {v.tekst}", "info"))
        elif s.status == "niet-voldaan":
            out.append(Melding("VOORWAARDE_NIET_VOLDAAN", _unmet_text(case, v, rs), v.niveau))
    return out


def _unmet_text(case: Case, v: Voorwaarde, rs: RuleSet) -> str:
    if v.soort == "overleg-rollen":
        return (f"{v.tekst} In geen enkel {rs.overleg} vóór de aanmelddatum zaten {rollen_tekst(v.rollen)} "
                f"allemaal aan tafel. Vul [[casus.mdo]] aan met de datum en de deelnemers van dat "
                f"{rs.overleg}, of plan dat {rs.overleg} eerst.")
    if v.soort == "overleg-rollen-gewenst":
        return f"{v.tekst} ({rollen_tekst(v.rollen)} zaten bij geen enkel {rs.overleg}.)"
    if v.soort == "overleg-gehouden":
        return f"{v.tekst} Er staat geen {rs.overleg} in [[casus.mdo]] vóór de aanmelddatum."
    value = getattr(case.casus, v.veld or "", None)
    nu = "niet ingevuld" if value is None else f"nu {value}"
    return f"{v.tekst} Vul casus.{v.veld} in (minimaal {v.minimum}; {nu})."


# --- timing ---------------------------------------------------------------------------

def week_since(eerste: date, datum: date) -> int:
    """Week number of `datum`, counting the eerste verzuimdatum as day 1 of week 1."""
    return (datum - eerste).days // 7 + 1


def termijn(eerste: date, aanmeld: date, venster: Venster) -> Termijn:
    week = week_since(eerste, aanmeld)
    if venster.leeg:
        return Termijn(week, venster, "geen")
    van: int | None
    tot: int | None
    if venster.rond is not None:
        van, tot = venster.rond - 1, venster.rond + 1
    else:
        van, tot = venster.van, venster.tot
    vanaf = eerste + timedelta(weeks=van - 1) if van else None
    uiterlijk = eerste + timedelta(weeks=tot, days=-1) if tot else None
    if van is not None and week < van:
        status = "voor"
    elif tot is not None and week > tot:
        status = "na"
    else:
        status = "binnen"
    return Termijn(week, venster, status, vanaf, uiterlijk)


def _termijn_meldingen(tafel: Tafel, t: Termijn) -> list[Melding]:
    if t.status == "geen":
        return []
    basis = f"De aanmelding valt in week {t.week} sinds de eerste verzuimdatum; de {tafel.naam} " \
            f"verwacht: {t.venster.tekst}"
    if t.status == "voor":
        when = f" (vanaf {datum_nl(t.vanaf)})" if t.vanaf else ""
        return [Melding("TERMIJN_TE_VROEG", f"{basis}{when}. Is het {tafel.naam.lower()} al aan de "
                        "orde? Aanmelden mag, maar licht de reden toe.", "waarschuwing")]
    if t.status == "na":
        when = f" (uiterlijk {datum_nl(t.uiterlijk)})" if t.uiterlijk else ""
        return [Melding("TERMIJN_VERSTREKEN", f"{basis}{when}. De termijn is voorbij: meld zo snel "
                        "mogelijk aan.", "waarschuwing")]
    return [Melding("TERMIJN_BINNEN", f"{basis}.", "info")]


def _case_notes(case: Case) -> list[Melding]:
    out = []
    lr = case.leerling
    if not (lr.achternaam and (lr.voornamen or lr.roepnaam)):
        out.append(Melding("LEERLING_ONVOLLEDIG", "Vul in [leerling] ten minste de voornamen en de "
                           "achternaam in: zonder die gegevens kan Tafeldossier de stukken niet "
                           "anonimiseren en maakt het geen bundel.", "waarschuwing"))
    if not case.casus.aanmelddatum_gegeven:
        out.append(Melding("AANMELDDATUM_VANDAAG", "casus.aanmelddatum is niet ingevuld; "
                           f"Tafeldossier rekent met vandaag ({datum_nl(case.casus.aanmelddatum)}).",
                           "info"))
    return out


def _shown(case: Case) -> str | None:
    return str(case.path.name) if case.path else None
