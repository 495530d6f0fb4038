"""Read and validate the form definitions in `forms/*.toml`.

The definitions are edited by people, so every problem is collected and reported in
Dutch with the file, the section and the field it concerns.
"""

from __future__ import annotations

import os
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from dossier_app.errors import InputError, UsageError
from dossier_app.forms.model import SOORTEN, Bron, Formulier, Groep, Sectie, Veld

Raw = dict[str, Any]

_TOP = {"schema", "naam", "titel", "intro", "routeboeken", "routeboektekst", "sectie"}
_SECTIE = {"kop", "uitleg", "veld", "nieuwe_pagina"}
_BRON = {"tekst", "bron", "seed"}
_GROEP = {"kop", "regels", "subtotaal"}
_VELD: dict[str, set[str]] = {
    "regel": {"label", "hulp"},
    "datum": {"label", "hulp"},
    "tekst": {"label", "hulp", "regels", "vorm"},
    "keuze": {"label", "hulp", "opties", "meerdere"},
    "handtekening": {"label", "hulp", "wie", "gegevens"},
    "tabel": {"label", "hulp", "kolommen", "breedtes", "regels", "groep", "totaal"},
    "let-op": {"tekst"},
}
_NEEDS_LABEL = {"regel", "datum", "tekst", "keuze"}


class FormError(InputError):
    """A form definition is missing, unreadable or inconsistent."""

    def __init__(self, message: str, *, bestand: str | None = None,
                 problems: list[str] | None = None) -> None:
        super().__init__(message, bestand=bestand, details=problems, code="FORMULIER_ONGELDIG")


class UnknownFormError(UsageError):
    """The user asked for a form that does not exist."""


def forms_dir() -> Path:
    """The `forms/` folder: TAFELDOSSIER_FORMULIEREN, the PyInstaller bundle, or the source tree."""
    override = os.environ.get("TAFELDOSSIER_FORMULIEREN")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    here = Path(__file__).resolve().parent
    candidates = ([Path(frozen) / "forms"] if frozen else []) + [here.parents[1] / "forms",
                                                                  here.parent / "resources" / "forms"]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    raise FormError("De map met formulieren (forms) is niet gevonden; installeer Tafeldossier opnieuw.")


class _Problems:
    def __init__(self, bestand: str) -> None:
        self.bestand = bestand
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}" if where else what)

    def raise_if_any(self) -> None:
        if self.items:
            lijst = "\n".join(f"  - {p}" for p in self.items)
            raise FormError(f"Het formulierbestand {self.bestand} klopt niet:\n{lijst}",
                            bestand=self.bestand, problems=self.items)


def _text(raw: Raw, key: str, where: str, p: _Problems, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        p.add(where, f"'{key}' moet tekst zijn")
        return ""
    if required and not value.strip():
        p.add(where, f"'{key}' ontbreekt")
    return value.strip()


def _texts(raw: Raw, key: str, where: str, p: _Problems) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(where, f"'{key}' moet een lijst met teksten zijn")
        return ()
    return tuple(v.strip() for v in value)


def _count(raw: Raw, key: str, where: str, p: _Problems, default: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 40:
        p.add(where, f"'{key}' moet een getal van 0 tot en met 40 zijn")
        return default
    return value


def _unknown(raw: Raw, allowed: set[str], where: str, p: _Problems) -> None:
    for key in sorted(set(raw) - allowed):
        p.add(where, f"onbekende sleutel '{key}'")


def _table(raw: Raw, where: str, p: _Problems) -> dict[str, Any]:
    kolommen = _texts(raw, "kolommen", where, p)
    if not kolommen:
        p.add(where, "een tabel heeft 'kolommen' nodig")
    breedtes_raw = raw.get("breedtes", [])
    breedtes: tuple[float, ...] = ()
    if breedtes_raw:
        if (not isinstance(breedtes_raw, list) or len(breedtes_raw) != len(kolommen)
                or not all(isinstance(b, int | float) and b > 0 for b in breedtes_raw)):
            p.add(where, "'breedtes' moet voor elke kolom een breedte in cm geven")
        else:
            breedtes = tuple(float(b) for b in breedtes_raw)
    groepen = []
    for gi, graw in enumerate(raw.get("groep", []), start=1):
        gwhere = f"{where}, groep {gi}"
        if not isinstance(graw, dict):
            p.add(gwhere, "moet een tabel zijn")
            continue
        _unknown(graw, _GROEP, gwhere, p)
        groepen.append(Groep(kop=_text(graw, "kop", gwhere, p),
                             regels=_count(graw, "regels", gwhere, p, 3),
                             subtotaal=_text(graw, "subtotaal", gwhere, p, required=False)))
    regels = _count(raw, "regels", where, p, 0 if groepen else 5)
    return {"kolommen": kolommen, "breedtes": breedtes, "groepen": tuple(groepen), "regels": regels,
            "totaal": _text(raw, "totaal", where, p, required=False)}


def _veld(raw: Raw, where: str, p: _Problems) -> Veld | None:
    soort = raw.get("soort")
    if soort not in _VELD:
        p.add(where, f"'soort' moet een van {', '.join(SOORTEN)} zijn")
        return None
    _unknown(raw, _VELD[soort] | {"soort"}, where, p)
    if soort == "let-op":
        return Veld(soort=soort, tekst=_text(raw, "tekst", where, p))
    specific = _SPECIFIC.get(soort, _nothing)(raw, where, p)
    return Veld(soort=soort, label=_text(raw, "label", where, p, required=soort in _NEEDS_LABEL),
                hulp=_text(raw, "hulp", where, p, required=False), **specific)


def _nothing(raw: Raw, where: str, p: _Problems) -> dict[str, Any]:
    return {}


def _text_field(raw: Raw, where: str, p: _Problems) -> dict[str, Any]:
    vorm = raw.get("vorm", "lijnen")
    if vorm not in ("lijnen", "vak"):
        p.add(where, "'vorm' moet 'lijnen' of 'vak' zijn")
    return {"regels": max(1, _count(raw, "regels", where, p, 4)), "vorm": vorm}


def _choice(raw: Raw, where: str, p: _Problems) -> dict[str, Any]:
    opties = _texts(raw, "opties", where, p)
    if not opties:
        p.add(where, "een keuze heeft 'opties' nodig")
    meerdere = raw.get("meerdere", False)
    if not isinstance(meerdere, bool):
        p.add(where, "'meerdere' moet true of false zijn")
    return {"opties": opties, "meerdere": meerdere is True}


def _signature(raw: Raw, where: str, p: _Problems) -> dict[str, Any]:
    wie = _texts(raw, "wie", where, p)
    if not 1 <= len(wie) <= 3:
        p.add(where, "'wie' moet één tot drie ondertekenaars noemen")
    gegevens = _texts(raw, "gegevens", where, p) if "gegevens" in raw else ("Naam",)
    return {"wie": wie, "gegevens": gegevens}


_SPECIFIC = {"tekst": _text_field, "keuze": _choice, "handtekening": _signature, "tabel": _table}


def _sectie(raw: Raw, where: str, p: _Problems) -> Sectie:
    _unknown(raw, _SECTIE, where, p)
    velden = []
    for vi, vraw in enumerate(raw.get("veld", []), start=1):
        if not isinstance(vraw, dict):
            p.add(f"{where}, veld {vi}", "moet een tabel zijn")
            continue
        veld = _veld(vraw, f"{where}, veld {vi}", p)
        if veld:
            velden.append(veld)
    if not velden and not raw.get("uitleg"):
        p.add(where, "een sectie heeft velden of een uitleg nodig")
    nieuwe_pagina = raw.get("nieuwe_pagina", False)
    if not isinstance(nieuwe_pagina, bool):
        p.add(where, "'nieuwe_pagina' moet true of false zijn")
    return Sectie(kop=_text(raw, "kop", where, p), uitleg=_text(raw, "uitleg", where, p, required=False),
                  velden=tuple(velden), nieuwe_pagina=nieuwe_pagina is True)


def parse_form(raw: Raw, bestand: str) -> Formulier:
    p = _Problems(bestand)
    if raw.get("schema") != 1:
        p.add("", "'schema = 1' ontbreekt of is onbekend")
    _unknown(raw, _TOP, "", p)
    naam = _text(raw, "naam", "", p)
    titel, intro = _text(raw, "titel", "", p), _text(raw, "intro", "", p)
    if naam and Path(bestand).stem != naam:
        p.add("", f"'naam' ({naam}) moet gelijk zijn aan de bestandsnaam zonder .toml")
    bronnen = []
    for bi, braw in enumerate(raw.get("routeboektekst", []), start=1):
        where = f"routeboektekst {bi}"
        if not isinstance(braw, dict):
            p.add(where, "moet een tabel zijn")
            continue
        _unknown(braw, _BRON, where, p)
        bronnen.append(Bron(tekst=_text(braw, "tekst", where, p), bron=_text(braw, "bron", where, p),
                            seed=_text(braw, "seed", where, p)))
    if not bronnen:
        p.add("", "noem in [[routeboektekst]] de tekst uit het routeboek die dit formulier uitvoert")
    routeboeken = _texts(raw, "routeboeken", "", p)
    if not routeboeken:
        p.add("", "'routeboeken' noemt geen regelset")
    secties = [_sectie(s, f"sectie {i} ({s.get('kop', '?')})", p) if isinstance(s, dict) else None
               for i, s in enumerate(raw.get("sectie", []), start=1)]
    if not secties:
        p.add("", "het formulier heeft geen secties")
    p.raise_if_any()
    return Formulier(naam=naam, titel=titel, intro=intro, routeboeken=routeboeken, bronnen=tuple(bronnen),
                     secties=tuple(s for s in secties if s), bestand=bestand)


def read_form(path: Path) -> Formulier:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormError(f"Het formulierbestand {path.name} kan niet worden gelezen ({exc}).",
                        bestand=path.name) from exc
    return parse_form(raw, path.name)


@cache
def _all_forms(folder: Path) -> dict[str, Formulier]:
    return {path.stem: read_form(path) for path in sorted(folder.glob("*.toml"))}


def all_forms() -> dict[str, Formulier]:
    return _all_forms(forms_dir())


def form_names() -> list[str]:
    return sorted(all_forms())


def load_form(naam: str) -> Formulier:
    forms = all_forms()
    if naam not in forms:
        raise UnknownFormError(f"Het formulier '{naam}' bestaat niet. Kies uit: "
                               f"{', '.join(sorted(forms))}.")
    return forms[naam]
