"""The routeboek as data: rule sets with a validity period, their tafels and components."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dossier_app.meldingen import Niveau


@dataclass(frozen=True)
class Onderdeel:
    """A component of a tafel's dossier."""

    id: str
    naam: str
    regel: str  # "verplicht" | "optioneel" | "voorwaardelijk"
    omschrijving: str = ""
    voorwaarde: str | None = None  # case field that makes a "voorwaardelijk" component required
    meerdere: bool = False  # one or more files allowed
    genereerbaar: str | None = None  # "voorblad" | "offerte": the product can generate it
    sporen: tuple[int, ...] = ()  # empty: every spoor
    gemeenten: tuple[str, ...] = ()  # empty: every gemeente
    formulier: str | None = None  # blank form the product can write for it

    def geldt_voor(self, gemeente: str, spoor: int | None) -> bool:
        if self.gemeenten and gemeente not in self.gemeenten:
            return False
        return not (self.sporen and spoor is not None and spoor not in self.sporen)


@dataclass(frozen=True)
class Voorwaarde:
    """A step the MDO/JES must have taken before registering."""

    id: str
    soort: str
    tekst: str
    niveau: Niveau = "fout"  # "fout" blocks; "waarschuwing" and "info" only inform
    rollen: tuple[str, ...] = ()
    veld: str | None = None
    minimum: int | None = None
    gemeenten: tuple[str, ...] = ()

    def geldt_voor(self, gemeente: str) -> bool:
        return not self.gemeenten or gemeente in self.gemeenten


@dataclass(frozen=True)
class Venster:
    """When to register, in weeks since the eerste verzuimdatum (week 1 starts that day)."""

    van: int | None = None
    tot: int | None = None
    rond: int | None = None
    tekst: str = ""

    @property
    def leeg(self) -> bool:
        return self.van is None and self.tot is None and self.rond is None


@dataclass(frozen=True)
class Tafel:
    id: str
    naam: str
    doel: str
    frequentie: str
    dossier: bool  # False: guidance only, the school assembles no bundle
    beschikbaar: tuple[str, ...]
    aanmelding: dict[str, str] = field(default_factory=dict)  # gemeente or "alle" -> text
    niet_beschikbaar: dict[str, str] = field(default_factory=dict)  # gemeente -> reason + advice
    venster: Venster = field(default_factory=Venster)
    voorwaarden: tuple[Voorwaarde, ...] = ()
    onderdelen: tuple[Onderdeel, ...] = ()
    sporen: dict[int, str] = field(default_factory=dict)  # empty: no spoor
    geldig_tot: date | None = None  # the tafel itself ends before its rule set does
    vervallen: str = ""  # why it ended and what to do instead
    geen_dossier: str = ""  # for guidance-only tafels: what to do instead

    def aanmelding_voor(self, gemeente: str) -> str:
        return self.aanmelding.get(gemeente) or self.aanmelding.get("alle", "")

    def onderdeel(self, onderdeel_id: str) -> Onderdeel | None:
        return next((o for o in self.onderdelen if o.id == onderdeel_id), None)

    def onderdelen_voor(self, gemeente: str, spoor: int | None) -> tuple[Onderdeel, ...]:
        return tuple(o for o in self.onderdelen if o.geldt_voor(gemeente, spoor))


@dataclass(frozen=True)
class RuleSet:
    id: str
    versie: str
    onderwijs: str
    naam: str
    samenwerkingsverband: str
    overleg: str  # "MDO" (po) or "JES" (vo)
    geldig_vanaf: date
    geldig_tot: date | None
    tafels: tuple[Tafel, ...]
    bronnen: tuple[str, ...] = ()
    vervangt: str | None = None

    def tafel(self, tafel_id: str) -> Tafel | None:
        return next((t for t in self.tafels if t.id == tafel_id), None)

    def geldig_op(self, datum: date) -> bool:
        return self.geldig_vanaf <= datum and (self.geldig_tot is None or datum <= self.geldig_tot)

    @property
    def periode(self) -> str:
        eind = self.geldig_tot.isoformat() if self.geldig_tot else "heden"
        return f"{self.geldig_vanaf.isoformat()} – {eind}"
