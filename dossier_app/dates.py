"""Dates as Dutch readers expect them."""

from __future__ import annotations

import re
from datetime import date

MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


def datum_nl(d: date) -> str:
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def schooljaar(d: date) -> str:
    """The Dutch school year a date falls in; it starts on 1 August."""
    start = d.year if d.month >= 8 else d.year - 1
    return f"{start}-{start + 1}"


# --- reading dates as people type them ---------------------------------------------------

# Month names and their usual abbreviations ("sep", "sept", "okt", "mrt"); a prefix of at
# least three letters of a full name is accepted too ("febr", "augus").
_MAAND_AFKORTINGEN = {"mrt": 3, "okt": 10, "sept": 9, "jan": 1, "feb": 2, "apr": 4, "jun": 6,
                      "jul": 7, "aug": 8, "sep": 9, "nov": 11, "dec": 12, "mei": 5}
_NUMERIEK = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2}|\d{4}))?$")
_TWEE_CIJFER_JAAR = re.compile(r"^\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2}$"
                               r"|^\d{1,2}\s+[a-zA-Z]+\.?\s+\d{2}$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TEKST = re.compile(r"^(\d{1,2})\.?\s+([a-zA-Z]+)\.?(?:\s+(\d{4}))?$")
_WEEKDAG = re.compile(r"^(?:ma|di|wo|do|vr|za|zo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
                      r"zondag)\.?,?\s+", re.IGNORECASE)


class DatumFout(ValueError):
    """A typed date that cannot be read or does not exist; `str()` is the Dutch message."""


def maand_nummer(naam: str) -> int | None:
    naam = naam.lower().rstrip(".")
    if naam in _MAAND_AFKORTINGEN:
        return _MAAND_AFKORTINGEN[naam]
    if len(naam) >= 3:
        for i, full in enumerate(MAANDEN, start=1):
            if full.startswith(naam):
                return i
    return None


def lees_datum(text: str, *, vandaag: date | None = None, jaar_nodig: bool = False) -> date | None:
    """A date as a Dutch user types it: 29-02-2016, 1-6-2026, 29/02/2016, 29.02.2016,
    2016-02-29, "29 februari 2016", "29 feb 2016", "ma 1 juni 2026". Without a year
    ("1 juni", "1-6") the date in the school year of `vandaag` is meant, unless
    `jaar_nodig` (a birth date). An empty text is None; anything else that is not a real
    date raises DatumFout with a message that says how to write it."""
    cleaned = _WEEKDAG.sub("", " ".join(text.split()).strip())
    if not cleaned:
        return None
    if _TWEE_CIJFER_JAAR.match(cleaned):
        raise DatumFout(f"Schrijf bij “{text.strip()}” het jaar met vier cijfers (dd-mm-jjjj), zodat "
                        "duidelijk is welke eeuw bedoeld is.")
    parts = _parts(cleaned)
    if parts is None:
        raise DatumFout(f"“{text.strip()}” is geen datum die Tafeldossier kan lezen. Schrijf de datum "
                        "als dd-mm-jjjj (bijvoorbeeld 29-02-2016) of als 29 februari 2016.")
    day, month, year = parts
    if year is None:
        if jaar_nodig:
            raise DatumFout(f"Vul bij “{text.strip()}” ook het jaar in (vier cijfers), als "
                            "dd-mm-jjjj.")
        year = _jaar_in_schooljaar(month, vandaag or date.today())
    try:
        return date(year, month, day)
    except ValueError:
        maand = MAANDEN[month - 1] if 1 <= month <= 12 else None
        if maand is None:
            raise DatumFout(f"“{text.strip()}”: een jaar heeft 12 maanden; controleer de maand.") from None
        raise DatumFout(f"“{text.strip()}” bestaat niet: {maand} {year} heeft geen dag {day}. "
                        "Controleer de datum.") from None


def _parts(cleaned: str) -> tuple[int, int, int | None] | None:
    if m := _ISO.match(cleaned):
        return int(m.group(3)), int(m.group(2)), int(m.group(1))
    if m := _NUMERIEK.match(cleaned):
        year = m.group(3)
        if year is not None and len(year) == 2:
            return None  # '16' could be 1916 or 2016: ask for four digits
        return int(m.group(1)), int(m.group(2)), int(year) if year else None
    if m := _TEKST.match(cleaned):
        month = maand_nummer(m.group(2))
        if month is None:
            return None
        return int(m.group(1)), month, int(m.group(3)) if m.group(3) else None
    return None


def _jaar_in_schooljaar(month: int, vandaag: date) -> int:
    """The year of a month in the school year (1 August to 31 July) that `vandaag` is in."""
    start = vandaag.year if vandaag.month >= 8 else vandaag.year - 1
    return start if month >= 8 else start + 1


def datum_kort(d: date) -> str:
    """dd-mm-jjjj, the way the date fields show a date."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
