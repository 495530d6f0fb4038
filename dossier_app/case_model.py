"""The Case: what the case file (schema 1, docs/casusbestand.md) holds, as plain data.

`[leerling]` and `[[personen]]` hold identifying data. They are used to anonymise and
never leave the user's computer: not in a bundle, a log, a report or a file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dossier_app.meldingen import Melding


@dataclass(frozen=True)
class Mdo:
    datum: date
    deelnemers: tuple[str, ...]


@dataclass(frozen=True)
class Casus:
    onderwijs: str  # "po" | "vo"
    gemeente: str  # "den-haag" | "rijswijk" | "leidschendam-voorburg"
    tafel: str
    ot_nummer: str
    eerste_verzuimdatum: date
    aanmelddatum: date
    spoor: int | None = None
    smw_betrokken: bool = False
    herplaatsing_vanuit_onderbouw: bool = False
    benaderde_scholen: int | None = None
    mdo: tuple[Mdo, ...] = ()
    aanmelddatum_gegeven: bool = True  # False when it defaulted to today


@dataclass(frozen=True)
class Leerling:
    voornamen: str = ""
    roepnaam: str = ""
    achternaam: str = ""
    geboortedatum: date | None = None
    bsn: str = ""
    adres: str = ""
    postcode: str = ""
    woonplaats: str = ""


@dataclass(frozen=True)
class Persoon:
    rol: str
    naam: str
    telefoon: str = ""
    email: str = ""
    adres: str = ""
    postcode: str = ""
    geboortedatum: date | None = None


@dataclass(frozen=True)
class Lakvlak:
    """A manual redaction region: PDF points, origin top-left of the page as shown."""

    pagina: int
    x: float
    y: float
    breedte: float
    hoogte: float


@dataclass(frozen=True)
class Document:
    onderdeel: str
    bestand: str  # as written in the case file; shown to the user only
    pad: Path  # resolved against the case file's folder
    lakken: tuple[Lakvlak, ...] = ()
    index: int = 0  # position among [[documenten]], 0-based


@dataclass(frozen=True)
class Voorblad:
    samenvatting: str = ""
    hoofdvraag: str = ""
    aanbod: str = ""
    aanbod_voorhanden: str = ""
    waarom_niet: str = ""
    wat_nodig: str = ""


@dataclass(frozen=True)
class OfferteRegel:
    soort: str  # "onderwijs" | "jeugdhulp"
    omschrijving: str
    bedrag: float


@dataclass(frozen=True)
class Case:
    casus: Casus
    leerling: Leerling
    personen: tuple[Persoon, ...] = ()
    documenten: tuple[Document, ...] = ()
    voorblad: Voorblad | None = None
    offerte: tuple[OfferteRegel, ...] = ()
    extra_termen: tuple[str, ...] = ()  # [anonimiseren]: more to remove everywhere (identifiers!)
    geen_persoonsgegeven: tuple[str, ...] = ()  # [anonimiseren]: findings confirmed as fine
    path: Path | None = None  # the case file, when read from disk
    extra: dict[str, object] = field(default_factory=dict)  # unknown top-level keys, kept
    meldingen: tuple[Melding, ...] = ()  # warnings found while reading the case file

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()
