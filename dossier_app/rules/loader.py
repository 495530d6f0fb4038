"""Load and validate the routeboek rule sets from `resources/routeboek/*.toml`.

Rule files are edited by people at the samenwerkingsverband, so every problem is
reported in Dutch with the file and the tafel it concerns. An extra folder of rule
files may be named in TAFELDOSSIER_ROUTEBOEK; a file there with the same id replaces
the shipped one.
"""

from __future__ import annotations

import copy
import itertools
import os
import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from dossier_app.errors import InputError
from dossier_app.paths import resources_dir
from dossier_app.rules import terms
from dossier_app.rules.model import Onderdeel, RuleSet, Tafel, Venster, Voorwaarde

Raw = dict[str, Any]


class RoutebookError(InputError):
    """A rule file is missing, unreadable or inconsistent."""

    def __init__(self, message: str, *, bestand: str | None = None) -> None:
        super().__init__(message, bestand=bestand, code="ROUTEBOEK_ONGELDIG")


class _Problems:
    def __init__(self, bestand: str) -> None:
        self.bestand = bestand
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def raise_if_any(self) -> None:
        if self.items:
            lijst = "\n".join(f"  - {p}" for p in self.items)
            raise RoutebookError(
                f"Het routeboekbestand {self.bestand} klopt niet:\n{lijst}\n"
                "Herstel het bestand of zet de meegeleverde versie terug.",
                bestand=self.bestand,
            )


def routeboek_dirs() -> list[Path]:
    dirs = [resources_dir() / "routeboek"]
    extra = os.environ.get("TAFELDOSSIER_ROUTEBOEK")
    if extra:
        dirs.append(Path(extra))
    return dirs


def _read_raw(path: Path) -> Raw:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RoutebookError(
            f"Het routeboekbestand {path.name} kan niet worden gelezen ({exc}).",
            bestand=path.name,
        ) from exc


def _read_all(dirs: Iterable[Path]) -> dict[str, tuple[Raw, str]]:
    raws: dict[str, tuple[Raw, str]] = {}
    for folder in dirs:
        for path in sorted(folder.glob("*.toml")):
            raw = _read_raw(path)
            rs_id = str(raw.get("routeboek", {}).get("id", path.stem))
            raws[rs_id] = (raw, path.name)  # a later folder replaces an earlier one
    return raws


def _inherit(tafel_raw: Raw, raws: dict[str, tuple[Raw, str]], problems: _Problems) -> Raw:
    """Apply `overnemen_uit`: start from the same tafel in another rule set."""
    source_id = tafel_raw.get("overnemen_uit")
    if not source_id:
        return tafel_raw
    where = f"tafel {tafel_raw.get('id', '?')}"
    if source_id not in raws:
        problems.add(where, f"overnemen_uit verwijst naar onbekende regelset {source_id!r}")
        return tafel_raw
    source = next((t for t in raws[source_id][0].get("tafel", [])
                   if t.get("id") == tafel_raw.get("id")), None)
    if source is None:
        problems.add(where, f"regelset {source_id!r} heeft geen tafel met dit id")
        return tafel_raw
    if source.get("overnemen_uit"):
        problems.add(where, "overnemen_uit mag niet naar een tafel wijzen die zelf overneemt")
    merged = copy.deepcopy(source)
    merged.update(copy.deepcopy(tafel_raw))
    merged.pop("overnemen_uit", None)
    return merged


def _str(raw: Raw, key: str, where: str, problems: _Problems, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(where, f"'{key}' ontbreekt of is geen tekst")
        return ""
    return value


def _gemeenten(values: Any, where: str, key: str, problems: _Problems) -> tuple[str, ...]:
    if not isinstance(values, list):
        problems.add(where, f"'{key}' moet een lijst van gemeenten zijn")
        return ()
    for g in values:
        if g not in terms.GEMEENTEN:
            problems.add(where, f"onbekende gemeente {g!r} in '{key}'")
    return tuple(values)


def _onderdeel(raw: Raw, where: str, problems: _Problems) -> Onderdeel:
    oid = _str(raw, "id", where, problems)
    where = f"{where}, onderdeel {oid}"
    regel = _str(raw, "regel", where, problems)
    if regel not in terms.REGELS:
        problems.add(where, f"regel moet een van {', '.join(terms.REGELS)} zijn")
    voorwaarde = raw.get("voorwaarde")
    if regel == "voorwaardelijk" and voorwaarde not in terms.VOORWAARDE_VELDEN:
        problems.add(where, f"voorwaardelijk onderdeel heeft een voorwaarde nodig uit "
                            f"{', '.join(terms.VOORWAARDE_VELDEN)}")
    gen = raw.get("genereerbaar")
    if gen is not None and gen not in terms.GENEREERBAAR:
        problems.add(where, f"genereerbaar moet een van {', '.join(terms.GENEREERBAAR)} zijn")
    return Onderdeel(
        id=oid,
        naam=_str(raw, "naam", where, problems),
        regel=regel,
        omschrijving=_str(raw, "omschrijving", where, problems, required=False),
        voorwaarde=voorwaarde,
        meerdere=bool(raw.get("meerdere", False)),
        genereerbaar=gen,
        sporen=tuple(raw.get("sporen", ())),
        gemeenten=_gemeenten(raw.get("gemeenten", []), where, "gemeenten", problems),
        formulier=raw.get("formulier"),
    )


def _voorwaarde(raw: Raw, where: str, problems: _Problems) -> Voorwaarde:
    vid = _str(raw, "id", where, problems)
    where = f"{where}, voorwaarde {vid}"
    soort = _str(raw, "soort", where, problems)
    if soort not in terms.VOORWAARDE_SOORTEN:
        problems.add(where, f"soort moet een van {', '.join(terms.VOORWAARDE_SOORTEN)} zijn")
    rollen = tuple(raw.get("rollen", ()))
    for rol in rollen:
        if rol not in terms.ROLLEN:
            problems.add(where, f"onbekende rol {rol!r}")
    if soort.startswith("overleg-rollen") and not rollen:
        problems.add(where, "geef de rollen die aan het overleg moeten deelnemen")
    if soort == "minimum" and (raw.get("veld") not in terms.MINIMUM_VELDEN
                               or not isinstance(raw.get("minimum"), int)):
        problems.add(where, "een minimum heeft 'veld' (benaderde_scholen) en een geheel getal")
    niveau = raw.get("niveau", "fout")
    if niveau not in ("fout", "waarschuwing", "info"):
        problems.add(where, "niveau moet fout, waarschuwing of info zijn")
    return Voorwaarde(
        id=vid, soort=soort, tekst=_str(raw, "tekst", where, problems), niveau=niveau,
        rollen=rollen, veld=raw.get("veld"), minimum=raw.get("minimum"),
        gemeenten=_gemeenten(raw.get("gemeenten", []), where, "gemeenten", problems),
    )


def _venster(raw: Raw, where: str, problems: _Problems) -> Venster:
    venster = Venster(van=raw.get("van"), tot=raw.get("tot"), rond=raw.get("rond"),
                      tekst=str(raw.get("tekst", "")))
    for value in (venster.van, venster.tot, venster.rond):
        if value is not None and (not isinstance(value, int) or value < 1):
            problems.add(where, "weken in het venster zijn gehele getallen vanaf 1")
    if venster.van and venster.tot and venster.van > venster.tot:
        problems.add(where, "venster: 'van' ligt na 'tot'")
    return venster


def _tafel(raw: Raw, problems: _Problems) -> Tafel:
    tid = _str(raw, "id", "tafel", problems)
    where = f"tafel {tid}"
    onderdelen = tuple(_onderdeel(o, where, problems) for o in raw.get("onderdeel", []))
    ids = [o.id for o in onderdelen]
    if len(ids) != len(set(ids)):
        problems.add(where, "een onderdeel-id komt dubbel voor")
    dossier = bool(raw.get("dossier", True))
    if dossier and not onderdelen:
        problems.add(where, "een tafel met dossier heeft onderdelen nodig")
    if not dossier and not raw.get("geen_dossier"):
        problems.add(where, "een tafel zonder dossier heeft 'geen_dossier' (wat dan wel) nodig")
    sporen = {int(k): str(v) for k, v in raw.get("sporen", {}).items()}
    geldig_tot = raw.get("geldig_tot")
    if geldig_tot is not None and not isinstance(geldig_tot, date):
        problems.add(where, "geldig_tot moet een datum zijn")
    return Tafel(
        id=tid,
        naam=_str(raw, "naam", where, problems),
        doel=_str(raw, "doel", where, problems),
        frequentie=_str(raw, "frequentie", where, problems, required=False),
        dossier=dossier,
        beschikbaar=_gemeenten(raw.get("beschikbaar", []), where, "beschikbaar", problems),
        aanmelding=dict(raw.get("aanmelding", {})),
        niet_beschikbaar=dict(raw.get("niet_beschikbaar", {})),
        venster=_venster(raw.get("venster", {}), where, problems),
        voorwaarden=tuple(_voorwaarde(v, where, problems) for v in raw.get("voorwaarde", [])),
        onderdelen=onderdelen,
        sporen=sporen,
        geldig_tot=geldig_tot,
        vervallen=str(raw.get("vervallen", "")),
        geen_dossier=str(raw.get("geen_dossier", "")),
    )


def _ruleset(raw: Raw, bestand: str, raws: dict[str, tuple[Raw, str]]) -> RuleSet:
    problems = _Problems(bestand)
    if raw.get("schema") != 1:
        problems.add("schema", "alleen schema = 1 wordt ondersteund")
    head = raw.get("routeboek", {})
    where = "[routeboek]"
    onderwijs = _str(head, "onderwijs", where, problems)
    if onderwijs not in terms.ONDERWIJS:
        problems.add(where, "onderwijs moet po of vo zijn")
    vanaf, tot = head.get("geldig_vanaf"), head.get("geldig_tot")
    if not isinstance(vanaf, date) or (tot is not None and not isinstance(tot, date)):
        problems.add(where, "geldig_vanaf (en geldig_tot, als die er is) moeten datums zijn")
        vanaf = date.min
    tafels = tuple(_tafel(_inherit(t, raws, problems), problems) for t in raw.get("tafel", []))
    ids = [t.id for t in tafels]
    if len(ids) != len(set(ids)):
        problems.add(where, "een tafel-id komt dubbel voor")
    problems.raise_if_any()
    return RuleSet(
        id=_str(head, "id", where, problems), versie=_str(head, "versie", where, problems),
        onderwijs=onderwijs, naam=_str(head, "naam", where, problems),
        samenwerkingsverband=str(head.get("samenwerkingsverband", "")),
        overleg=str(head.get("overleg", "MDO")), geldig_vanaf=vanaf, geldig_tot=tot,
        tafels=tafels, bronnen=tuple(head.get("bronnen", ())), vervangt=head.get("vervangt"),
    )


def _check_periods(sets: list[RuleSet]) -> None:
    """Two rule sets for the same onderwijs may not be valid on the same day."""
    for onderwijs in terms.ONDERWIJS:
        ordered = sorted((s for s in sets if s.onderwijs == onderwijs), key=lambda s: s.geldig_vanaf)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.geldig_tot is None or earlier.geldig_tot >= later.geldig_vanaf:
                raise RoutebookError(
                    f"De regelsets {earlier.id} en {later.id} gelden op dezelfde dagen. "
                    f"Geef {earlier.id} een geldig_tot vóór {later.geldig_vanaf.isoformat()}."
                )


def load_rulesets(dirs: Iterable[Path] | None = None) -> tuple[RuleSet, ...]:
    raws = _read_all(dirs if dirs is not None else routeboek_dirs())
    if not raws:
        raise RoutebookError("Er zijn geen routeboekbestanden gevonden; installeer Tafeldossier opnieuw.")
    sets = [_ruleset(raw, bestand, raws) for raw, bestand in raws.values()]
    _check_periods(sets)
    return tuple(sorted(sets, key=lambda s: (s.onderwijs, s.geldig_vanaf)))


@cache
def default_rulesets() -> tuple[RuleSet, ...]:
    return load_rulesets()
