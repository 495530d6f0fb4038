"""The aanbiedingstekst: the short message with which a complete dossier is offered to a tafel.

For the MWTA (VO) the SOT-consulent mails mwta@swvzhw.nl when the dossier is complete,
naming only the pupil's initials and OT-nummer (seed 002, Bijlage 1, MWTA step 3). Other
tafels are registered via Onderwijs Transparant (OT) / the loket, or as the routeboek says
per gemeente; for those the text says so and gives a short text to go with it.

The text names the pupil only by initials (casekey.initialen) and OT-nummer, and lists
components by their routeboek name, never by file name. As a last safeguard it is run
through the case's identifier finder: a hit is a bug or a wrong case file, and nothing is
shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.bundle.casekey import initialen
from dossier_app.case_model import Case
from dossier_app.dates import schooljaar
from dossier_app.errors import IncompleteError, LeakError
from dossier_app.rules.check import CheckResult, check_case
from dossier_app.rules.terms import gemeente_naam

# Tafels registered by e-mail, with the address the routeboek gives (seed 002, Bijlage 1).
PER_MAIL = {"mwta": "mwta@swvzhw.nl"}

# Who the school invites in OT for the adviestafel (memo 003). Roles only, never persons.
UITNODIGEN_ADVIESTAFEL = (
    "de medewerkers van het Loket Verzuim en thuiszitters (SPPOH)",
    "de manager team en werkgebieden (SPPOH)",
    "de adviseur van de school (SPPOH)",
    "de jeugdregisseur van de gemeente waar de leerling woont",
)


@dataclass(frozen=True)
class Aanbieding:
    tafel: str  # the tafel's name
    per_mail: bool
    aan: str  # e-mail address (per_mail) or where the registration goes
    onderwerp: str
    tekst: str  # the message body
    hoe: tuple[str, ...] = ()  # how registration works for this tafel (routeboek text)
    uitnodigen: tuple[str, ...] = ()  # roles to invite in OT
    meldingen: tuple[str, ...] = ()  # for the user (stderr), not part of the text

    def als_tekst(self) -> str:
        """Everything for stdout: header lines, then the message."""
        lines: list[str] = []
        if self.per_mail:
            lines += [f"Aan: {self.aan}", f"Onderwerp: {self.onderwerp}", "", self.tekst]
            return "\n".join(lines).rstrip() + "\n"
        lines.append(f"{self.tafel}: niet per e-mail aanmelden.")
        lines += self.hoe
        if self.uitnodigen:
            lines += ["", "Nodig in Onderwijs Transparant uit (rollen):"]
            lines += [f"- {rol}" for rol in self.uitnodigen]
        lines += ["", "Tekst bij de aanmelding:", f"Onderwerp: {self.onderwerp}", "", self.tekst]
        return "\n".join(lines).rstrip() + "\n"


def _lijst(namen: list[str]) -> str:
    return "\n".join(f"- {naam}" for naam in namen) if namen else "- (nog geen onderdelen)"


def _mwta(result: CheckResult, ini: str, ot: str, jaar: str, bijlagen: list[str]) -> Aanbieding:
    tafel = result.tafel
    assert tafel is not None
    onderwerp = f"Aanmelding MWTA: {ini} {ot}"
    tekst = (
        "Beste MWTA-team,\n\n"
        "Het dossier voor een maatwerktrajectadvies is compleet in Onderwijs Transparant.\n\n"
        f"Initialen leerling: {ini}\n"
        f"OT-nummer: {ot}\n"
        f"Tafel: {tafel.naam}\n"
        f"Schooljaar: {jaar}\n\n"
        "In het dossier staan:\n"
        f"{_lijst(bijlagen)}\n\n"
        "Met vriendelijke groet,\n\n"
        "[uw naam]\n"
        "SOT-consulent\n"
    )
    return Aanbieding(tafel=tafel.naam, per_mail=True, aan=PER_MAIL["mwta"], onderwerp=onderwerp,
                      tekst=tekst)


def _adviestafel_tekst(ini: str, ot: str, jaar: str, bijlagen: list[str]) -> str:
    return (
        "Beste medewerker van het loket,\n\n"
        "Namens het MDO meld ik de leerling aan voor de adviestafel. De besprekingen in het MDO "
        "zijn vastgelopen. Het dossier staat in Onderwijs Transparant.\n\n"
        f"Initialen leerling: {ini}\n"
        f"OT-nummer: {ot}\n"
        f"Schooljaar: {jaar}\n\n"
        "In het dossier staan:\n"
        f"{_lijst(bijlagen)}\n\n"
        "De samenvatting en de hoofdvraag staan op het voorblad.\n\n"
        "Met vriendelijke groet,\n\n"
        "[uw naam]\n"
        "[functie], namens het MDO\n"
    )


def _other(result: CheckResult, ini: str, ot: str, jaar: str, bijlagen: list[str]) -> Aanbieding:
    case, tafel = result.case, result.tafel
    assert tafel is not None
    gemeente = case.casus.gemeente
    routeboek = tafel.aanmelding_voor(gemeente)
    hoe = ["De aanmelding loopt via Onderwijs Transparant (OT) of het loket, zoals het routeboek "
           "zegt: zet het dossier in OT en stuur deze tekst mee."]
    if routeboek:
        hoe.append(f"Routeboek ({gemeente_naam(gemeente)}): {routeboek}")
    uitnodigen: tuple[str, ...] = ()
    if tafel.id == "adviestafel" and case.casus.onderwijs == "po":
        hoe[0] = ("De school meldt namens het MDO aan bij het Loket Verzuim en thuiszitters (SPPOH) "
                  "en zet het dossier in Onderwijs Transparant (OT).")
        uitnodigen = UITNODIGEN_ADVIESTAFEL
        tekst = _adviestafel_tekst(ini, ot, jaar, bijlagen)
    else:
        if tafel.id == "doorbraaktafel":
            hoe.append("Daarna stuurt de medewerker van het loket de namen van de deelnemers; nodig hen "
                       "uit in OT. De uitkomst komt via OT.")
        spoor = f" (spoor {case.casus.spoor})" if tafel.sporen and case.casus.spoor else ""
        tekst = (
            "Beste lezer,\n\n"
            f"Hierbij meld ik de leerling aan voor: {tafel.naam}{spoor}. "
            "Het dossier staat in Onderwijs Transparant.\n\n"
            f"Initialen leerling: {ini}\n"
            f"OT-nummer: {ot}\n"
            f"Schooljaar: {jaar}\n\n"
            "In het dossier staan:\n"
            f"{_lijst(bijlagen)}\n\n"
            "Met vriendelijke groet,\n\n"
            "[uw naam]\n"
            "[functie]\n"
        )
    onderwerp = f"Aanmelding {tafel.naam}: {ini} {ot}"
    return Aanbieding(tafel=tafel.naam, per_mail=False, aan="Onderwijs Transparant", onderwerp=onderwerp,
                      tekst=tekst, hoe=tuple(hoe), uitnodigen=uitnodigen)


def _guard(case: Case, aanbieding: Aanbieding) -> None:
    """Fail closed when the text holds an identifier of the pupil or the family."""
    finder = identifiers_for_case(case).finder
    for part in (aanbieding.onderwerp, aanbieding.tekst, *aanbieding.hoe):
        hits = finder(part)
        if hits:
            soorten = ", ".join(sorted({h.categorie for h in hits}))
            raise LeakError("De aanbiedingstekst zou een gegeven van de leerling of het gezin bevatten "
                            f"({soorten}). Er is niets getoond. Controleer het OT-nummer in het "
                            "casusbestand: daar hoort alleen het nummer uit Onderwijs Transparant.")


def aanbieding_voor(case: Case, result: CheckResult | None = None) -> Aanbieding:
    """The aanbiedingstekst for the case's tafel. Raises IncompleteError (exit 1) when the
    tafel has no dossier or does not exist in the case's gemeente."""
    result = result if result is not None else check_case(case)
    if result.tafel is None or not result.beschikbaar:
        redenen = [m.tekst for m in result.meldingen if m.niveau == "fout"]
        raise IncompleteError("Voor deze tafel is er geen aanbiedingstekst: "
                              + (" ".join(redenen) or "de tafel heeft geen dossier."))
    ini = initialen(case.leerling) or "[initialen]"
    ot = case.casus.ot_nummer
    jaar = schooljaar(case.casus.aanmelddatum)
    bijlagen = [s.onderdeel.naam for s in result.onderdelen if s.status == "aanwezig"]
    if result.tafel.id in PER_MAIL:
        aanbieding = _mwta(result, ini, ot, jaar, bijlagen)
    else:
        aanbieding = _other(result, ini, ot, jaar, bijlagen)
    meldingen = []
    if result.ontbrekend:
        namen = [s.onderdeel.naam for s in result.onderdelen if s.status == "ontbreekt"]
        meldingen.append("LET OP: het dossier is nog niet compleet (ontbreekt: " + ", ".join(namen)
                         + "). Verstuur de aanmelding pas als alles er is.")
    _guard(case, aanbieding)
    return replace(aanbieding, meldingen=tuple(meldingen))


__all__ = ["PER_MAIL", "Aanbieding", "aanbieding_voor"]
