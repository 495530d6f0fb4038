"""Fixed vocabularies of the routeboek: gemeenten, onderwijs, roles in an MDO/JES."""

from __future__ import annotations

GEMEENTEN: dict[str, str] = {
    "den-haag": "Den Haag",
    "rijswijk": "Rijswijk",
    "leidschendam-voorburg": "Leidschendam-Voorburg",
}

ONDERWIJS: dict[str, str] = {
    "po": "primair onderwijs",
    "vo": "voortgezet onderwijs",
}

ROLLEN: dict[str, str] = {
    "ouders": "ouders",
    "leerling": "leerling",
    "school": "school",
    "leerplicht": "leerplicht",
    "smw": "schoolmaatschappelijk werk",
    "adviseur": "adviseur samenwerkingsverband",
    "jgz": "jeugdgezondheidszorg",
    "cjg": "CJG",
    "jeugdhulp": "jeugdhulp",
    "wijz": "WIJZ",
    "sot": "SOT-consulent",
}

REGELS = ("verplicht", "optioneel", "voorwaardelijk")
GENEREERBAAR = ("voorblad", "offerte")
VOORWAARDE_SOORTEN = (
    "overleg-rollen",  # one MDO/JES on or before the aanmelddatum with all these roles
    "overleg-rollen-gewenst",  # note when none of these roles took part
    "overleg-gehouden",  # at least one MDO/JES on or before the aanmelddatum
    "minimum",  # a numeric case field reaches a minimum
    "handmatig",  # cannot be checked from the case file: the user confirms it
)
# Case fields a conditional component may depend on (booleans in [casus]).
VOORWAARDE_VELDEN = ("smw_betrokken", "herplaatsing_vanuit_onderbouw")
MINIMUM_VELDEN = ("benaderde_scholen",)


def gemeente_naam(gemeente: str) -> str:
    return GEMEENTEN.get(gemeente, gemeente)


def rollen_tekst(rollen: tuple[str, ...] | list[str]) -> str:
    namen = [ROLLEN.get(r, r) for r in rollen]
    if len(namen) <= 1:
        return "".join(namen)
    return ", ".join(namen[:-1]) + " en " + namen[-1]
