"""The routeboek check's messages in the wizard's words.

The core's messages (`rules.check`) are written for the case file and the command line:
they name component ids, TOML keys and `[[documenten]]`. The wizard's user never sees the
case file, so each message the wizard shows is said again here in terms of its steps
("Voeg het bestand toe bij stap 4"), with the step to go to. What is not known here is
shown with the case-file syntax taken out, never with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dossier_app.meldingen import Melding
from dossier_app.rules import default_rulesets
from dossier_app.rules.check import CheckResult, OnderdeelStatus
from dossier_app.rules.model import Voorwaarde
from dossier_app.rules.terms import rollen_tekst

# Wizard steps (0-based page index, as MainWindow.go_to takes them)
CASUS, PERSONEN, ONDERDELEN, VOORBLAD, CONTROLEREN = 1, 2, 3, 4, 5

VOORBLAD_LABELS = {"samenvatting": "Samenvatting", "hoofdvraag": "Hoofdvraag",
                   "aanbod": "Welk passend aanbod is gedaan?",
                   "aanbod_voorhanden": "Is dat aanbod voorhanden?",
                   "waarom_niet": "Waarom werken eerdere oplossingen niet?",
                   "wat_nodig": "Wat is volgens het MDO nodig?"}
VOORWAARDE_REDEN = {"smw_betrokken": "u hebt aangegeven dat schoolmaatschappelijk werk betrokken is"}


@dataclass(frozen=True)
class Schermtekst:
    tekst: str
    stap: int | None = None  # the page that fixes it

    @property
    def knop(self) -> str:
        return f"Naar stap {self.stap + 1}" if self.stap is not None else ""


def tafel_naam(tafel_id: str) -> str:
    """The tafel's name ("Plaatsingstafel VO") for its id in the case file."""
    for ruleset in default_rulesets():
        tafel = ruleset.tafel(tafel_id)
        if tafel is not None:
            return tafel.naam
    return tafel_id or "geen tafel"


def op_scherm(m: Melding, result: CheckResult | None) -> Schermtekst:
    """`m` as the wizard says it."""
    handler = _HANDLERS.get(m.code)
    if handler is not None:
        said = handler(m, result)
        if said is not None:
            return said
    return Schermtekst(zonder_syntax(m.tekst))


def zonder_syntax(tekst: str) -> str:
    """Take out what belongs to the case file: `[[offerte.regels]]`, `[voorblad]`,
    `casus.spoor`, `= true`, component ids in parentheses, CLI commands."""
    tekst = re.sub(r"\s*\(zie: dossier [^)]*\)", "", tekst)
    tekst = re.sub(r"\s*\[\[?[a-z_.]+\]\]?\s*", " ", tekst)
    tekst = re.sub(r"\bcasus\.([a-z_]+)\b(\s*=\s*\w+)?", lambda mm: mm.group(1).replace("_", " "), tekst)
    tekst = re.sub(r"\s*\((?:[a-z0-9]+-)+[a-z0-9]+\)", "", tekst)  # (uitgesplitste-offerte)
    return re.sub(r"\s{2,}", " ", tekst).replace(" .", ".").replace(" :", ":").strip()


def _status(result: CheckResult | None, onderdeel: str | None) -> OnderdeelStatus | None:
    if result is None or onderdeel is None:
        return None
    return next((s for s in result.onderdelen if s.onderdeel.id == onderdeel), None)


def _ontbreekt(m: Melding, result: CheckResult | None) -> Schermtekst | None:
    s = _status(result, m.onderdeel)
    if s is None:
        return None
    o = s.onderdeel
    if o.genereerbaar == "voorblad":
        return Schermtekst(f"{o.naam} ontbreekt: vul bij stap 5 (Voorblad en offerte) de samenvatting "
                           "en de hoofdvraag in, of voeg bij stap 4 een eigen voorblad toe.", VOORBLAD)
    if o.genereerbaar == "offerte":
        return Schermtekst(f"{o.naam} ontbreekt: vul bij stap 5 de offerteregels in (onderwijs en "
                           "jeugdhulp), of voeg bij stap 4 de offerte van de aanbieder toe.", VOORBLAD)
    waarom = ""
    if o.regel == "voorwaardelijk" and o.voorwaarde:
        waarom = f" (nodig omdat {VOORWAARDE_REDEN.get(o.voorwaarde, 'dat bij stap 4 is aangevinkt')})"
    return Schermtekst(f"{o.naam} ontbreekt{waarom}. Voeg het bestand toe bij stap 4 (Onderdelen).",
                       ONDERDELEN)


def _voorwaarde(m: Melding, result: CheckResult | None) -> Schermtekst | None:
    v: Voorwaarde | None = next((s.voorwaarde for s in (result.voorwaarden if result else ())
                                 if m.tekst.startswith(s.voorwaarde.tekst)), None)
    if v is None:
        return None
    if v.rollen:
        return Schermtekst(f"{v.tekst} Voeg bij stap 2 (Casus) het overleg toe waarbij "
                           f"{rollen_tekst(v.rollen)} aan tafel zaten, met de datum, of plan dat "
                           "overleg eerst.", CASUS)
    if v.minimum is not None:
        return Schermtekst(f"{v.tekst} Vul bij stap 2 (Casus) het aantal in (minimaal {v.minimum}).",
                           CASUS)
    return Schermtekst(f"{v.tekst} Voeg bij stap 2 (Casus) het overleg toe.", CASUS)


def _spoor(m: Melding, result: CheckResult | None) -> Schermtekst:
    naam = result.tafel.naam if result is not None and result.tafel is not None else "deze tafel"
    return Schermtekst(f"Kies bij stap 2 (Casus) het spoor waarlangs u naar de {naam} gaat.", CASUS)


def _voorblad_leeg(m: Melding, result: CheckResult | None) -> Schermtekst:
    velden = re.findall(r"\b(" + "|".join(VOORBLAD_LABELS) + r")\b", m.tekst.rpartition(":")[2])
    lijst = ", ".join(f"'{VOORBLAD_LABELS[v]}'" for v in velden) or "een of meer vragen"
    return Schermtekst("Het voorblad zegt kort welk aanbod is gedaan, of het er is, waarom eerdere "
                       f"oplossingen niet werken en wat nodig is. Nog leeg bij stap 5: {lijst}.", VOORBLAD)


_HANDLERS = {
    "ONDERDEEL_ONTBREEKT": _ontbreekt,
    "VOORWAARDE_NIET_VOLDAAN": _voorwaarde,
    "SPOOR_ONTBREEKT": _spoor,
    "SPOOR_ONBEKEND": _spoor,
    "VOORBLAD_AANVRAAG_ONVOLLEDIG": _voorblad_leeg,
    "LEERLING_ONVOLLEDIG": lambda m, r: Schermtekst(
        "Vul bij stap 3 (Leerling en personen) ten minste de voornamen en de achternaam in: zonder die "
        "gegevens kan Tafeldossier de stukken niet anonimiseren en maakt het geen bundel.", PERSONEN),
    "AANMELDDATUM_VANDAAG": lambda m, r: Schermtekst(
        "Vul bij stap 2 (Casus) de aanmelddatum in; tot dan rekent Tafeldossier met vandaag.", CASUS),
    "TAFEL_NIET_BESCHIKBAAR": lambda m, r: Schermtekst(
        zonder_syntax(m.tekst) + " Kies bij stap 2 (Casus) een andere tafel.", CASUS),
    "TAFEL_NIET_IN_ROUTEBOEK": lambda m, r: Schermtekst(
        "Deze tafel bestaat niet in het routeboek van de aanmelddatum. Kies bij stap 2 (Casus) een "
        "tafel uit de lijst.", CASUS),
}
