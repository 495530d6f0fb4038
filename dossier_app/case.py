"""Read and validate a case file (schema 1, see docs/casusbestand.md).

All problems are collected, then reported together, each with its key and line:
"casus.gemeente (regel 4): ...". Values from [leerling] and [[personen]] are never
repeated in a message.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PureWindowsPath
from typing import Any

from dossier_app.case_model import (
    Case,
    Casus,
    Document,
    Lakvlak,
    Leerling,
    Mdo,
    OfferteRegel,
    Persoon,
    Voorblad,
)
from dossier_app.errors import CaseFileError
from dossier_app.meldingen import Melding
from dossier_app.rules import terms

Raw = dict[str, Any]
SOORTEN_OFFERTE = ("onderwijs", "jeugdhulp")
PRIVATE_TABLES = ("leerling", "personen")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
KNOWN = {
    "": {"schema", "casus", "leerling", "personen", "documenten", "voorblad", "offerte", "anonimiseren"},
    "anonimiseren": {"extra_termen", "geen_persoonsgegeven"},
    "casus": {"onderwijs", "gemeente", "tafel", "spoor", "ot_nummer", "eerste_verzuimdatum",
              "aanmelddatum", "smw_betrokken", "herplaatsing_vanuit_onderbouw",
              "benaderde_scholen", "mdo"},
    "leerling": {"voornamen", "roepnaam", "achternaam", "geboortedatum", "bsn", "adres",
                 "postcode", "woonplaats"},
    "personen": {"rol", "naam", "telefoon", "email", "adres", "postcode", "geboortedatum"},
    "documenten": {"onderdeel", "bestand", "lakken"},
    "voorblad": {"samenvatting", "hoofdvraag", "aanbod", "aanbod_voorhanden", "waarom_niet",
                 "wat_nodig"},
}


class _Locator:
    """Finds the line of a key in the TOML text, for messages (tomllib keeps no positions)."""

    _HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\-]+)\s*\]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, table: str, index: int | None, key: str | None) -> int | None:
        start = self._header_line(table, index) if table else 0
        if start is None:
            return None
        if key is None:
            return start + 1 if table else None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        first = start + 1 if table else 0
        for n in range(first, len(self.lines)):
            if n > first - 1 and self._HEADER.match(self.lines[n]) and n != start:
                break
            if pattern.match(self.lines[n]):
                return n + 1
        return start + 1 if table else None

    def _header_line(self, table: str, index: int | None) -> int | None:
        seen = -1
        for n, line in enumerate(self.lines):
            m = self._HEADER.match(line)
            if m and m.group(2) == table:
                seen += 1
                if index is None or seen == index:
                    return n
        return None


@dataclass
class _Reader:
    """Validates one section at a time and collects problems and warnings."""

    locator: _Locator
    bestand: str
    problems: list[str] = field(default_factory=list)
    warnings: list[Melding] = field(default_factory=list)

    def where(self, table: str, index: int | None, key: str | None) -> str:
        name = table if index is None else f"{table}[{index + 1}]"
        name = f"{name}.{key}" if key and name else (key or name)
        line = self.locator.line_of(table, index, key)
        return f"{name} (regel {line})" if line else name

    def problem(self, table: str, index: int | None, key: str | None, what: str) -> None:
        self.problems.append(f"{self.where(table, index, key)}: {what}")

    def warn(self, code: str, table: str, index: int | None, key: str | None, what: str) -> None:
        self.warnings.append(Melding(code, f"{self.where(table, index, key)}: {what}",
                                     bestand=self.bestand))

    def text(self, raw: Raw, table: str, index: int | None, key: str, *, required: bool) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(table, index, key, "ontbreekt; vul deze sleutel in")
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.problem(table, index, key, "moet tekst tussen aanhalingstekens zijn")
            return ""
        if required and not value.strip():
            self.problem(table, index, key, "is leeg; vul een waarde in")
        return value.strip()

    def choice(self, raw: Raw, table: str, key: str, options: dict[str, str] | tuple[str, ...]) -> str:
        value = self.text(raw, table, None, key, required=True)
        if value and value not in options:
            keuzes = ", ".join(f'"{o}"' for o in options)
            self.problem(table, None, key, f'"{value}" is geen geldige waarde; kies uit {keuzes}')
        return value

    def datum(self, raw: Raw, table: str, index: int | None, key: str, *,
              required: bool, private: bool = False) -> date | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(table, index, key, "ontbreekt; schrijf een datum als 2026-09-07")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            parsed = _parse_date_text(value)
            if parsed:
                return parsed
        shown = "" if private else f" ({value!r})"
        self.problem(table, index, key, f"is geen geldige datum{shown}; schrijf bijvoorbeeld "
                                        "2026-09-07, zonder aanhalingstekens")
        return None

    def boolean(self, raw: Raw, table: str, key: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.problem(table, None, key, "moet true of false zijn")
            return False
        return value

    def integer(self, raw: Raw, table: str, index: int | None, key: str, *,
                minimum: int = 0) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problem(table, index, key, f"moet een geheel getal vanaf {minimum} zijn")
            return None
        return value

    def number(self, raw: Raw, table: str, index: int | None, key: str) -> float | None:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(table, index, key, "moet een getal zijn, bijvoorbeeld 60.5")
            return None
        return float(value)

    def unknown_keys(self, raw: Raw, section: str, table: str, index: int | None) -> None:
        for key in raw:
            if key not in KNOWN[section]:
                self.warn("ONBEKENDE_SLEUTEL", table, index, key,
                          "deze sleutel kent Tafeldossier niet en wordt genegeerd; "
                          "controleer de spelling")


def _parse_date_text(value: str) -> date | None:
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    m = _DUTCH_DATE.match(value)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


def read_case(path: Path, *, bestand: str | None = None, today: date | None = None) -> Case:
    """Read a case file from disk. `bestand` is the name to show (default: as given)."""
    shown = bestand or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CaseFileError(f"Het casusbestand {shown} bestaat niet. Controleer de naam en de map.",
                            bestand=shown) from exc
    except OSError as exc:
        raise CaseFileError(f"Het casusbestand {shown} kan niet worden gelezen ({exc.strerror}). "
                            "Controleer of u het mag openen.", bestand=shown) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError(f"Het casusbestand {shown} is geen UTF-8-tekst. Sla het op als "
                            "UTF-8 (in Kladblok: Opslaan als > Codering UTF-8).",
                            bestand=shown) from exc
    return parse_case(text, path=path.resolve(), bestand=shown, today=today)


def parse_case(text: str, *, path: Path | None = None, bestand: str = "casus.toml",
               today: date | None = None) -> Case:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError(_toml_message(bestand, str(exc)), bestand=bestand) from exc
    reader = _Reader(_Locator(text), bestand)
    case = _build(raw, reader, path, today or date.today())
    if reader.problems:
        lijst = "\n".join(f"  - {p}" for p in reader.problems)
        raise CaseFileError(f"Het casusbestand {bestand} bevat fouten:\n{lijst}\n"
                            "Verbeter deze punten en probeer het opnieuw.",
                            bestand=bestand, problems=reader.problems)
    return case


def _toml_message(bestand: str, detail: str) -> str:
    m = _TOML_POS.search(detail)
    pos = f" op regel {m.group(1)}, kolom {m.group(2)}" if m else ""
    return (f"Het casusbestand {bestand} is geen geldig TOML{pos}. Controleer daar de "
            "aanhalingstekens, de = tekens en de [koppen]. (Technisch: "
            f"{_TOML_POS.sub('', detail).strip()})")


def _build(raw: Raw, r: _Reader, path: Path | None, today: date) -> Case:
    r.unknown_keys(raw, "", "", None)
    schema = raw.get("schema")
    if schema is None:
        r.warn("SCHEMA_ONTBREEKT", "", None, "schema", "ontbreekt; Tafeldossier gaat uit van "
               "schema = 1 (zet die regel bovenaan)")
    elif schema != 1:
        r.problem("", None, "schema", f"Tafeldossier kent alleen schema = 1, niet {schema!r}")
    folder = path.parent if path else Path.cwd()
    offerte_raw = _table(raw, "offerte", r)
    anonimiseren = _table(raw, "anonimiseren", r)
    r.unknown_keys(anonimiseren, "anonimiseren", "anonimiseren", None)
    return Case(
        casus=_casus(_table(raw, "casus", r, required=True), r, today),
        leerling=_leerling(_table(raw, "leerling", r), r),
        personen=tuple(_persoon(p, i, r) for i, p in enumerate(_array(raw, "personen", r))),
        documenten=tuple(_document(d, i, r, folder)
                         for i, d in enumerate(_array(raw, "documenten", r))),
        voorblad=_voorblad(raw, r),
        offerte=tuple(_offerte_regel(x, i, r)
                      for i, x in enumerate(_array(offerte_raw, "regels", r, table="offerte.regels"))),
        extra_termen=_text_list(anonimiseren, "extra_termen", r),
        geen_persoonsgegeven=_text_list(anonimiseren, "geen_persoonsgegeven", r),
        path=path,
        extra={k: v for k, v in raw.items() if k not in KNOWN[""]},
        meldingen=tuple(r.warnings),
    )


def _table(raw: Raw, key: str, r: _Reader, *, required: bool = False) -> Raw:
    value = raw.get(key)
    if value is None:
        if required:
            r.problem("", None, key, f"de sectie [{key}] ontbreekt")
        return {}
    if not isinstance(value, dict):
        r.problem("", None, key, f"moet een sectie [{key}] zijn")
        return {}
    return value


def _array(raw: Raw, key: str, r: _Reader, *, table: str | None = None) -> list[Raw]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.problem(table or key, None, None, f"schrijf elk item als [[{table or key}]]")
        return []
    return value


def _text_list(raw: Raw, key: str, r: _Reader) -> tuple[str, ...]:
    """A list of texts in [anonimiseren]; values are never repeated in messages."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.problem("anonimiseren", None, key, 'moet een lijst van teksten zijn, zoals ["..."]')
        return ()
    return tuple(" ".join(v.split()) for v in value if v.strip())


def _casus(raw: Raw, r: _Reader, today: date) -> Casus:
    r.unknown_keys(raw, "casus", "casus", None)
    spoor = r.integer(raw, "casus", None, "spoor", minimum=1)
    if spoor is not None and spoor not in (1, 2):
        r.problem("casus", None, "spoor", "moet 1 of 2 zijn")
    eerste = r.datum(raw, "casus", None, "eerste_verzuimdatum", required=True)
    aanmeld = r.datum(raw, "casus", None, "aanmelddatum", required=False)
    if eerste and aanmeld and eerste > aanmeld:
        r.problem("casus", None, "eerste_verzuimdatum",
                  "ligt na de aanmelddatum; controleer beide datums")
    return Casus(
        onderwijs=r.choice(raw, "casus", "onderwijs", terms.ONDERWIJS),
        gemeente=r.choice(raw, "casus", "gemeente", terms.GEMEENTEN),
        tafel=r.text(raw, "casus", None, "tafel", required=True),
        ot_nummer=r.text(raw, "casus", None, "ot_nummer", required=True),
        eerste_verzuimdatum=eerste or today,
        aanmelddatum=aanmeld or today,
        aanmelddatum_gegeven=aanmeld is not None,
        spoor=spoor,
        smw_betrokken=r.boolean(raw, "casus", "smw_betrokken"),
        herplaatsing_vanuit_onderbouw=r.boolean(raw, "casus", "herplaatsing_vanuit_onderbouw"),
        benaderde_scholen=r.integer(raw, "casus", None, "benaderde_scholen"),
        mdo=tuple(_mdo(m, i, r) for i, m in enumerate(_array(raw, "mdo", r, table="casus.mdo"))),
    )


def _mdo(raw: Raw, i: int, r: _Reader) -> Mdo:
    datum = r.datum(raw, "casus.mdo", i, "datum", required=True)
    deelnemers = raw.get("deelnemers", [])
    if not isinstance(deelnemers, list) or not all(isinstance(d, str) for d in deelnemers):
        r.problem("casus.mdo", i, "deelnemers", 'moet een lijst zijn, zoals ["ouders", "school"]')
        deelnemers = []
    for rol in deelnemers:
        if rol not in terms.ROLLEN:
            r.warn("ONBEKENDE_ROL", "casus.mdo", i, "deelnemers",
                   f'de rol "{rol}" is onbekend en telt niet mee; bekende rollen: '
                   f"{', '.join(terms.ROLLEN)}")
    return Mdo(datum=datum or date.min, deelnemers=tuple(d.strip().lower() for d in deelnemers))


def _leerling(raw: Raw, r: _Reader) -> Leerling:
    r.unknown_keys(raw, "leerling", "leerling", None)
    bsn = raw.get("bsn", "")
    if isinstance(bsn, int) and not isinstance(bsn, bool):
        bsn = f"{bsn:09d}"
    bsn = _private_text(raw | {"bsn": bsn}, "leerling", None, "bsn", r)
    digits = re.sub(r"\D", "", bsn)
    if bsn and not _elfproef(digits):
        r.warn("BSN_ONGELDIG", "leerling", None, "bsn",
               "voldoet niet aan de elfproef; controleer het nummer (het wordt wel gelakt)")
    return Leerling(
        voornamen=_private_text(raw, "leerling", None, "voornamen", r),
        roepnaam=_private_text(raw, "leerling", None, "roepnaam", r),
        achternaam=_private_text(raw, "leerling", None, "achternaam", r),
        geboortedatum=r.datum(raw, "leerling", None, "geboortedatum", required=False, private=True),
        bsn=bsn,
        adres=_private_text(raw, "leerling", None, "adres", r),
        postcode=_private_text(raw, "leerling", None, "postcode", r),
        woonplaats=_private_text(raw, "leerling", None, "woonplaats", r),
    )


def _private_text(raw: Raw, table: str, index: int | None, key: str, r: _Reader,
                  *, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            r.problem(table, index, key, "ontbreekt; vul deze sleutel in")
        return ""
    if not isinstance(value, str):
        r.problem(table, index, key, "moet tekst tussen aanhalingstekens zijn")
        return ""
    return " ".join(value.split())


def _elfproef(digits: str) -> bool:
    if len(digits) != 9:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _persoon(raw: Raw, i: int, r: _Reader) -> Persoon:
    r.unknown_keys(raw, "personen", "personen", i)
    return Persoon(
        rol=r.text(raw, "personen", i, "rol", required=True).lower(),
        naam=_private_text(raw, "personen", i, "naam", r, required=True),
        telefoon=_private_text(raw, "personen", i, "telefoon", r),
        email=_private_text(raw, "personen", i, "email", r),
        adres=_private_text(raw, "personen", i, "adres", r),
        postcode=_private_text(raw, "personen", i, "postcode", r),
        geboortedatum=r.datum(raw, "personen", i, "geboortedatum", required=False, private=True),
    )


def _document(raw: Raw, i: int, r: _Reader, folder: Path) -> Document:
    r.unknown_keys(raw, "documenten", "documenten", i)
    bestand = r.text(raw, "documenten", i, "bestand", required=True)
    lakken = raw.get("lakken", [])
    if not isinstance(lakken, list):
        r.problem("documenten", i, "lakken", "schrijf elk lakvlak als [[documenten.lakken]]")
        lakken = []
    if bestand and leaves_folder(bestand, folder):
        r.warn("DOCUMENT_BUITEN_MAP", "documenten", i, "bestand",
               "dit document staat niet in de map van het casusbestand (een volledig pad of een pad met "
               "'..'). Controleer dat het echt een document van deze leerling is, of zet het in de map van "
               "de casus (bijv. in stukken/) en verwijs ernaar vanaf die map.")
    return Document(
        onderdeel=r.text(raw, "documenten", i, "onderdeel", required=True),
        bestand=bestand,
        pad=(folder / bestand) if bestand else folder,
        lakken=tuple(v for v in (_lakvlak(x, i, r) for x in lakken) if v is not None),
        index=i,
    )


def leaves_folder(bestand: str, folder: Path) -> bool:
    """True when a document path is not a plain relative path inside the case folder."""
    windows = PureWindowsPath(bestand)
    if Path(bestand).is_absolute() or windows.is_absolute() or windows.drive or windows.root:
        return True
    base = os.path.abspath(folder)
    target = os.path.abspath(os.path.join(base, bestand))
    return os.path.commonpath([base, target]) != base


def _lakvlak(raw: Any, i: int, r: _Reader) -> Lakvlak | None:
    if not isinstance(raw, dict):
        r.problem("documenten", i, "lakken", "elk lakvlak heeft pagina, x, y, breedte en hoogte")
        return None
    pagina = r.integer(raw, "documenten", i, "pagina", minimum=1)
    if "pagina" not in raw:
        r.problem("documenten", i, "pagina", "ontbreekt bij een lakvlak (paginanummer vanaf 1)")
    values = [r.number(raw, "documenten", i, k) for k in ("x", "y", "breedte", "hoogte")]
    if any(v is None for v in values) or pagina is None:
        return None
    x, y, w, h = (float(v) for v in values if v is not None)
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        r.problem("documenten", i, "lakken", "x en y mogen niet negatief zijn; breedte en hoogte "
                                             "moeten groter dan 0 zijn")
        return None
    return Lakvlak(pagina=pagina, x=x, y=y, breedte=w, hoogte=h)


def _voorblad(raw: Raw, r: _Reader) -> Voorblad | None:
    if "voorblad" not in raw:
        return None
    section = _table(raw, "voorblad", r)
    r.unknown_keys(section, "voorblad", "voorblad", None)
    return Voorblad(**{k: r.text(section, "voorblad", None, k, required=False)
                       for k in KNOWN["voorblad"]})


def _offerte_regel(raw: Raw, i: int, r: _Reader) -> OfferteRegel:
    soort = r.text(raw, "offerte.regels", i, "soort", required=True)
    if soort and soort not in SOORTEN_OFFERTE:
        r.problem("offerte.regels", i, "soort", f'"{soort}" is geen soort; kies "onderwijs" of '
                                                '"jeugdhulp"')
    bedrag = r.number(raw, "offerte.regels", i, "bedrag")
    if bedrag is not None and bedrag < 0:
        r.problem("offerte.regels", i, "bedrag", "mag niet negatief zijn; zet een korting als "
                                                 "aparte toelichting in de omschrijving")
    return OfferteRegel(soort=soort, omschrijving=r.text(raw, "offerte.regels", i, "omschrijving",
                                                         required=True),
                        bedrag=bedrag or 0.0)
