"""A blank form as data: what `forms/*.toml` holds (see forms/README.md)."""

from __future__ import annotations

from dataclasses import dataclass

# Field kinds a definition may use.
SOORTEN = ("regel", "datum", "tekst", "keuze", "handtekening", "tabel", "let-op")


@dataclass(frozen=True)
class Bron:
    """The routeboek text a form implements, and where it comes from."""

    tekst: str
    bron: str  # shown to users: the document's title
    seed: str  # the source file in the project's seeds (for maintainers)


@dataclass(frozen=True)
class Groep:
    """A block of rows in a table (e.g. 'Kosten onderwijs') with an optional subtotal line."""

    kop: str
    regels: int
    subtotaal: str = ""


@dataclass(frozen=True)
class Veld:
    soort: str
    label: str = ""
    hulp: str = ""
    regels: int = 0  # tekst: lines to write on; tabel: empty rows (without groups)
    vorm: str = "lijnen"  # tekst: "lijnen" or "vak"
    opties: tuple[str, ...] = ()  # keuze
    meerdere: bool = False  # keuze: more than one option may be ticked
    wie: tuple[str, ...] = ()  # handtekening: one column per signer
    gegevens: tuple[str, ...] = ()  # handtekening: lines above Datum and Handtekening
    kolommen: tuple[str, ...] = ()  # tabel
    breedtes: tuple[float, ...] = ()  # tabel: column widths in cm
    groepen: tuple[Groep, ...] = ()  # tabel
    totaal: str = ""  # tabel: label of the grand total line
    tekst: str = ""  # let-op


@dataclass(frozen=True)
class Sectie:
    kop: str
    uitleg: str = ""
    velden: tuple[Veld, ...] = ()
    nieuwe_pagina: bool = False  # start the section on a new page


@dataclass(frozen=True)
class Formulier:
    naam: str  # the id the routeboek uses in `formulier = "..."`
    titel: str
    intro: str
    routeboeken: tuple[str, ...]  # rule set ids whose text this form implements
    bronnen: tuple[Bron, ...]
    secties: tuple[Sectie, ...]
    bestand: str = ""  # the definition's file name, for messages

    def koppen(self) -> list[str]:
        """Section headings as printed (numbered)."""
        return [f"{i}. {s.kop}" for i, s in enumerate(self.secties, start=1)]

    def labels(self) -> list[str]:
        return [v.label for s in self.secties for v in s.velden if v.label]
