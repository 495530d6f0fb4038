"""The flagger: personal data in a text that the user did NOT enter in the case file.

`flag_personal_data` proposes findings for the user to look at: BSN (11-proef), IBAN
(mod 97), phone numbers (`phonenumbers`, region NL), e-mail, postcodes, street + house
number, dates that could be a birth date, and person names. Known identifiers (an
`IdentifierSet`) are left out: the finder already removes them.

What counts as a possible birth date (`datum`): a full, valid date (day, month, year) in
the past, up to 110 years ago, in a birth context:
- a birth cue ("geboren", "geb.", "geboortedatum", "DOB") within 40 characters before it
  (not the redaction label "[geboortedatum]" of the pupil's own); or
- a relative named before it on the same line ("zus Mila, 12-05-2012", a family table's
  row), unless an event cue stands right before it ("op", "d.d.", "per", "ingestroomd").
Any other date is taken for an event (intake, meeting, absence): measured on realistic
dossiers, most dates 3-25 years back are intake and school dates, not birth dates.

Names come from a `NameDetector`: `deduce` (Dutch de-identification, UMC Utrecht;
GPLv3 per the LICENSE it ships, LGPL-3.0 per its metadata; EUPL-1.2 lists GPLv3 as
compatible) when it is installed, loaded lazily with its street and care-institution
lists left out ("slim": about 40 MB with its imports, 0.2 s from its cache, 2.6 s the
first time), plus our own cue heuristic ("moeder Fatima", "mw. De Jong", "J. de Vries",
"Kacper (broer, 16)", "de familie Doelwijt"). Without deduce the heuristic alone runs. The
candidates then pass the context rules of `detect_context`: names of professionals (a role
or organisation next to them, a signature block, a role column, named again later) are
findings with `review=True`: to look at, not to remove; subjects, institutions, form labels
and words like "Groen" are dropped.

`Finding.context` holds text around the finding for the user's screen; it is left out
of the repr so it never ends up in a log by accident.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import importlib.util
import logging
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import phonenumbers

from dossier_app.anonymise import detect_context as context
from dossier_app.anonymise.hits import (
    Hit,
    hits_in_all_views,
    joined_lines,
    kept_separator_lines,
    line_reading,
)
from dossier_app.fileio import atomic_output

if TYPE_CHECKING:
    from dossier_app.anonymise.identifiers import IdentifierSet

log = logging.getLogger(__name__)

BSN, IBAN, TELEFOON, EMAIL = "bsn", "iban", "telefoon", "email"
POSTCODE, DATUM, ADRES, NAAM = "postcode", "datum", "adres", "naam"
# When findings overlap, the earlier category wins (an IBAN holds digits like a BSN).
_PRIORITY = (EMAIL, IBAN, BSN, TELEFOON, POSTCODE, DATUM, ADRES, NAAM)

_CONTEXT_CHARS = 30
_MAX_AGE_WITH_CUE = 110
# Relatives: cues of a name after them, and of a birth date near them.
_KIN = ("moeder", "vader", "broertje", "broers", "broer", "zusjes", "zussen", "zusje", "zus", "zoon",
        "dochter", "grootmoeder", "grootvader", "oma", "opa")
_KIN_WORDS = (*(prefix + kin for prefix in ("half", "stief", "pleeg", "schoon", "over") for kin in _KIN),
              *_KIN, "tante", "oom", "neefje", "neef", "nichtje", "nicht", "buurman", "buurvrouw",
              "vriendin", "vriend", "partner")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    categorie: str  # bsn, iban, telefoon, email, postcode, datum, adres, naam
    context: str = field(repr=False, compare=False)  # for the screen only, never a log
    review: bool = False  # True: look at it (e.g. a professional's name), not a removal
    # The value as a person reads it: a line-end hyphenation undone ("Bouchtaoui"), a
    # number's line break read as a space; text[start:end] with white space folded
    # otherwise. Screen only, like `context`.
    tekst: str = field(default="", repr=False, compare=False)


class NameDetector(Protocol):
    def find_names(self, text: str) -> list[tuple[int, int]]:
        """Spans of person names in `text`."""
        ...


def flag_personal_data(text: str, known: IdentifierSet | None = None, *,
                       today: date | None = None,
                       names: NameDetector | None = None,
                       mask_known: bool = False) -> list[Finding]:
    """Findings in `text`, sorted by position, not overlapping, without known identifiers
    (also where a line-end hyphen splits them).

    `mask_known`: the text still holds the known identifiers (the flagger looks at a
    document before its redaction); each one in a finding's context is shown as its
    pseudonym ("[moeder]"), never as itself."""
    if not text.strip():
        return []
    today = today or date.today()
    detector = names if names is not None else default_name_detector()
    hits: list[Hit] = []
    scan = text
    reading = line_reading(text)
    if known is not None:
        hits = hits_in_all_views(known.finder, text)
        if reading is not None:  # a known phone number read over its line end, too
            hits += _mapped_hits(known.finder(reading[0]), reading[1], hits)
        hits = sorted(hits, key=lambda h: (h.start, h.end))
        # The detectors see the text as the redactor leaves it: known identifiers blanked.
        scan = _blanked(text, hits)
    scan_reading = None if reading is None else (_blanked_reading(text, scan, reading[0], reading[1]),
                                                 reading[1], reading[2])
    chosen = _without_overlaps([*_spans_in_all_views(scan, today, detector, raw=text,
                                                     reading=scan_reading),
                                *_relatives_of_known(scan, hits)])
    if hits:
        chosen = _without_known(text, chosen, [(h.start, h.end) for h in hits])
    chosen = _professionals_again(text, _names_over_a_line_end(text, chosen))
    masks = hits if mask_known else []
    return [Finding(s, e, cat, _context(text, s, e, masks), review, _as_read(text, s, e, reading))
            for s, e, cat, review in chosen]


def _names_over_a_line_end(text: str, spans: list[_Span]) -> list[_Span]:
    """A first name ending a line and a name starting the next one are one name wrapped at
    the space between them ("Karolina" / "Zielińska" in a narrow table cell): one finding
    with the whole name, as a person reads it. Only a one-word name before the line break
    and two names of the same kind (personal data both, or professionals both)."""
    out: list[_Span] = []
    for span in sorted(spans):
        if out:
            s0, e0, c0, r0 = out[-1]
            s1, e1, c1, r1 = span
            gap = text[e0:s1]
            if (c0 == c1 == NAAM and r0 == r1 and gap.count("\n") == 1 and not gap.strip()
                    and not any(ch.isspace() for ch in text[s0:e0])):
                out[-1] = (s0, e1, NAAM, r0)
                continue
        out.append(span)
    return out


def _mapped_hits(found: list[Hit], index: list[int], seen: list[Hit]) -> list[Hit]:
    """Hits in a reading of the text as hits of the text (those not in `seen` yet)."""
    spans = {(h.start, h.end) for h in seen}
    out = []
    for hit in found:
        if hit.end > hit.start:
            span = (index[hit.start], index[hit.end - 1] + 1)
            if span not in spans:
                spans.add(span)
                out.append(replace(hit, start=span[0], end=span[1]))
    return out


def _blanked_reading(text: str, scan: str, reading: str, index: list[int]) -> str:
    """`reading` (of `text`) with the chars blanked in `scan` (known identifiers) blanked."""
    if scan is text:
        return reading
    return "".join(" " if scan[i] != text[i] else c for c, i in zip(reading, index, strict=True))


def _as_read(text: str, start: int, end: int,
             reading: tuple[str, list[int], list[int]] | None) -> str:
    """The value at text[start:end] as read over its line ends, white space folded."""
    value = text[start:end]
    if reading is not None:
        read, index, _ = reading
        first, last = bisect.bisect_left(index, start), bisect.bisect_left(index, end)
        value = read[first:last]
    return " ".join(value.split())


def _spans_in_all_views(text: str, today: date, detector: NameDetector, *,
                        raw: str | None = None,
                        reading: tuple[str, list[int], list[int]] | None = None) -> list[_Span]:
    """Findings in the text and in both readings of its line-end splits (as in
    `hits.text_views`), as spans of `text`.

    Where a separator ends a line, the reading that keeps it is searched for everything
    ("09-09-" / "2011" is a date, "06-" / "41528376" a phone number, "Kramer-" / "Özdemir"
    a name). The reading that drops a line-end hyphen is searched for what a word split
    by hyphenation can hide (e-mail addresses and streets): numbers are not hyphenated,
    and "09-09" + "2011" would read as a phone number. Both only around each join, for
    what crosses it: the rest is the text itself, already searched.

    `reading`: the text as a person reads it over its line ends (`hits.line_reading`:
    "Bouch-" / "taoui" as "Bouchtaoui", "+48 601 234" / "567" as one number) is searched
    for everything around each join it makes: what is found there wins over the pieces
    the text itself shows (longer spans win in `_without_overlaps`)."""
    spans = _view_spans(text, today, detector, raw=raw)
    if reading is not None:
        spans += _around_joins(*reading, lambda part: _view_spans(part, today, detector))
    soft = joined_lines(text)
    if soft is not None:
        spans += _across_joins(*soft, lambda part: [*_find_emails(part), *_find_addresses(part)])
    hard = kept_separator_lines(text)
    if hard is not None:
        spans += _across_joins(*hard, lambda part: _view_spans(part, today, detector))
    return spans


_JOIN_WINDOW = 100  # characters of a joined reading searched on each side of a join


def _across_joins(view: str, index: list[int],
                  find: Callable[[str], list[_Span]]) -> list[_Span]:
    """What `find` sees in `view` across a join (where the view skips characters of the
    text), searched in a window around each join, as spans of the original text."""
    found: list[_Span] = []
    for join in (k for k in range(1, len(index)) if index[k] - index[k - 1] > 1):
        first = max(0, join - _JOIN_WINDOW)
        for s, e, cat, review in find(view[first:join + _JOIN_WINDOW]):
            if first + s < join < first + e:
                found.append((index[first + s], index[first + e - 1] + 1, cat, review))
    return found


def _around_joins(view: str, index: list[int], joins: list[int],
                  find: Callable[[str], list[_Span]]) -> list[_Span]:
    """What `find` sees in `view` across one of its `joins` (positions in the view), as
    spans of the original text. Searched in a window around the joins: joins close
    together share one window (a wrapped table has many)."""
    found: list[_Span] = []
    windows: list[list[int]] = []  # [first, last, join, join, ...]
    for join in joins:
        first, last = max(0, join - _JOIN_WINDOW), join + _JOIN_WINDOW
        if windows and first <= windows[-1][1]:
            windows[-1][1] = last
            windows[-1].append(join)
        else:
            windows.append([first, last, join])
    for first, last, *inside in windows:
        for s, e, cat, review in find(view[first:last]):
            if any(first + s < join < first + e for join in inside) and first + e <= len(index):
                found.append((index[first + s], index[first + e - 1] + 1, cat, review))
    return found


def _view_spans(text: str, today: date, detector: NameDetector, *, raw: str | None = None) -> list[_Span]:
    """`raw`: the text before the known identifiers were blanked (e-mail is read there)."""
    return [*_find_numbers(text, raw), *_find_dates(text, today), *_find_addresses(text),
            *_name_spans(text, detector)]


# --- numbers, e-mail, postcode -----------------------------------------------------------

_BSN = re.compile(r"(?<![\d.\-])(?:\d{3}([ .\-]?)\d{3}\1\d{3}|\d{4}([ .\-]?)\d{2}\2\d{3})(?!\d)")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
                   r"(?![A-Za-z0-9])")
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")
_POSTCODE = re.compile(r"(?<![^\W_])[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}(?![^\W_])")

_Span = tuple[int, int, str, bool]  # start, end, categorie, review


def _find_emails(text: str, raw: str | None = None) -> Iterable[_Span]:
    # e-mail in the text as it is: an address may hold a known name ("esmee.smeets@...")
    source = text if raw is None else raw
    for m in _EMAIL.finditer(source):
        yield m.start(), m.end(), EMAIL, context.professional_contact(source, m.start())


def _find_numbers(text: str, raw: str | None = None) -> Iterable[_Span]:
    yield from _find_emails(text, raw)
    for m in _IBAN.finditer(text):
        end = _valid_iban_end(m.group())
        if end:
            yield m.start(), m.start() + end, IBAN, False
    for m in _BSN.finditer(text):
        if passes_11_proef(re.sub(r"\D", "", m.group())):
            yield m.start(), m.end(), BSN, False
    for number in phonenumbers.PhoneNumberMatcher(text, "NL",
                                                  leniency=phonenumbers.Leniency.VALID):
        if not _written_as_date(number.raw_string):
            review = _business_number(number.raw_string) or context.professional_contact(
                text, number.start)
            yield number.start, number.end, TELEFOON, review
    for m in _POSTCODE.finditer(text):
        yield m.start(), m.end(), POSTCODE, False


# 088, 085, 0800, 0900 and 14 0xx: numbers of organisations, never of a person
_BUSINESS = re.compile(r"(?:\+31|0031|0)\s*\(?0?\)?\s*(?:88|85|800|900|90[69])|14\s?0\d\d(?!\d)")


def _business_number(raw: str) -> bool:
    return _BUSINESS.match(raw.replace("-", " ").strip()) is not None


def _written_as_date(raw: str) -> bool:
    """"09-09-2026" is also a valid premium-rate number (0909...) to phonenumbers; written
    like a date, in a school document, it is one (absence registers are full of them)."""
    m = _DATES.match(raw.lstrip("(["))  # "(09-09-2011)": phonenumbers takes the "("
    return m is not None and _parse_date(m, date.today()) is not None


def passes_11_proef(digits: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=False))
    return (total - int(digits[8])) % 11 == 0


def iban_is_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or (compact.startswith("NL") and len(compact) != 18):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _valid_iban_end(matched: str) -> int:
    """Length of the longest valid IBAN at the start of `matched` (the regex may have
    taken a following group of capitals), or 0."""
    cut = len(matched)
    while cut >= 15:
        if iban_is_valid(matched[:cut]):
            return cut
        cut = matched.rfind(" ", 0, cut)
    return 0


# --- dates ------------------------------------------------------------------------------

_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mrt": 3, "maa": 3, "mar": 3, "apr": 4, "mei": 5, "may": 5,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_WORD = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober"
               r"|november|december|jan|febr?|mrt|mar|apr|jun|jul|aug|sept?|okt|oct|nov|dec)")
_DATES = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    rf"|(?P<nd>\d{{1,2}})(?:e|ste|de)?[ \-]?(?P<nm>{_MONTH_WORD})\.?[ \-,]{{0,2}}"
    r"(?P<ny>\d{4}|'\d{2}))(?!\d)",
    re.IGNORECASE,
)
# A birth cue; not the redaction label "[geboortedatum]" that stands for the pupil's own.
_BIRTH_CUE = re.compile(r"(?<!\[)(?:geboren|geb\.|geb\b|geboortedatum|geboortedag|dob\b|born|°)",
                        re.IGNORECASE)
# Right before a date, these make it the date of an event: "ingestroomd op", "d.d.", "per".
_EVENT_CUE = re.compile(
    r"(?<![\w'’])(?:op|d\.\s?d\.?|dd|per|vanaf|sinds|tot|t/m|tm|na|voor|vóór|van|datum|dag|d\.d"
    r"|gehouden|ingestroomd|ingeschreven|aangemeld|gestart|verhuisd|overgestapt|uitgeschreven"
    r"|ma|di|wo|do|vr|za|zo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
    r"\s*[:.,]?\s*$", re.IGNORECASE)
# ("moeder" and "vader" are entered in the case and named on every page: no cue here)
_KIN_NEAR = re.compile(rf"(?<![\w'’])(?:{'|'.join(w for w in _KIN_WORDS if w not in ('moeder', 'vader'))})"
                       r"(?![\w'’])", re.IGNORECASE)


def _find_dates(text: str, today: date) -> Iterable[_Span]:
    for m in _DATES.finditer(text):
        day = _parse_date(m, today)
        if day is not None and _could_be_birth_date(day, today, _birth_context(text, m.start())):
            yield m.start(), m.end(), DATUM, False


def _birth_context(text: str, start: int) -> bool:
    """A date is taken for a birth date only in a birth context: a birth cue just before
    it ("geb.", "geboren op", "Geboortedatum:"), or a relative named just before it on the
    same line ("zus Mila, 12-05-2012", a family table's row) and no event cue right before
    it ("broer is op 01-09-2020 ingestroomd" is an event)."""
    if _BIRTH_CUE.search(text, max(0, start - 40), start) is not None:
        return True
    line_start = max(text.rfind("\n", 0, start) + 1, start - 60)
    before = text[line_start:start]
    if _EVENT_CUE.search(before[-25:]) is not None:
        return False
    return _KIN_NEAR.search(before) is not None


def _parse_date(m: re.Match[str], today: date) -> date | None:
    if m["d"]:
        parts = (m["y"], m["m"], m["d"])
    elif m["iy"]:
        parts = (m["iy"], m["im"], m["id"])
    else:
        parts = (m["ny"], str(_MONTH_NUMBERS[m["nm"][:3].lower()]), m["nd"])
    year_text, month, day = parts
    year = int(year_text.lstrip("'"))
    if year < 100:  # two digits: the most recent year that is not in the future
        year += 2000 if year <= today.year % 100 else 1900
    try:
        return date(year, int(month), int(day))
    except ValueError:
        return None


def _could_be_birth_date(day: date, today: date, cue: bool) -> bool:
    if day > today or not cue:
        return False
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    return age <= _MAX_AGE_WITH_CUE


# --- addresses --------------------------------------------------------------------------

_STREET_TYPES = (r"straat|str\.|laan|weg|plein|kade|gracht|singel|dijk|hof|park|dreef|pad"
                 r"|steeg|markt|baan|plantsoen|wal|veld|ring|erf|boulevard|dam|haven|werf"
                 r"|burg|zijde|kanaal|hoeve|akker|wijk|poort|straatweg")
# A house-number addition is a whole word on the number's line, not the "E" of "E-mail"
# on the next line or beside it.
_ADDITION_END = r"(?![^\W_])(?![-\u2010\u2011][^\W\d_])"
_ADDRESS = re.compile(
    r"(?<![^\W_])(?P<street>(?:(?:[^\W\d_][\w'’.\-]*|\d+e)\s+){0,3}"
    rf"[^\W\d_][\w'’\-]*?(?:{_STREET_TYPES}))"
    r"\.?,?\s+(?:nr\.?\s*)?\d{1,5}(?:(?:[^\S\r\n]?[-/][^\S\r\n]?)?[a-zA-Z]{1,2}"
    rf"{_ADDITION_END}|[^\S\r\n][a-zA-Z]{_ADDITION_END}|[^\S\r\n]?[-/][^\S\r\n]?\d{{1,4}}"
    rf"|[^\S\r\n](?:hs|bis|huis|I{{1,3}}|bg|zw){_ADDITION_END})?(?!\d)"
)


# Every `_ADDRESS` match contains a street type followed by its house number, so a
# text without this (one fast scan) has no address: the full regex is skipped.
_ADDRESS_PREFILTER = re.compile(rf"(?:{_STREET_TYPES})\.?,?\s+(?:nr\.?\s*)?\d")


def _find_addresses(text: str) -> Iterable[_Span]:
    if not _ADDRESS_PREFILTER.search(text):
        return
    for m in _ADDRESS.finditer(text):
        start = _street_start(m)
        if start is not None and not _number_is_a_date(text, m):
            yield start, m.end(), ADRES, False


def _number_is_a_date(text: str, m: re.Match[str]) -> bool:
    """"Plaats en datum Rijswijk, 2 juni 2026": the "house number" starts a date."""
    number = re.search(r"\d", text[m.end("street"):m.end()])
    return number is not None and _DATES.match(text, m.end("street") + number.start()) is not None


def _street_start(m: re.Match[str]) -> int | None:
    """Where the street name begins: "woont aan de Weimarstraat" -> "Weimarstraat"."""
    words = list(re.finditer(r"\S+", m["street"]))
    if not words[-1].group()[0].isupper():
        return None
    start = words[-1].start()
    for word in reversed(words[:-1]):
        token = word.group()
        if token.lower() in _NAME_PARTICLES:
            continue  # "Burgemeester de Monchyplein": only kept if a capital precedes
        if token.lower() in _COMMON_CAPITALISED or not (token[0].isupper() or token[0].isdigit()):
            break
        start = word.start()
    return m.start("street") + start


# --- names ----------------------------------------------------------------------------

_NAME_PARTICLES = frozenset({"van", "der", "den", "de", "het", "ter", "ten", "te", "el", "al",
                             "ben", "la", "le", "du", "da", "von", "'t"})
_FAMILY_CUES = "|".join([
    *(prefix + kin for prefix in ("half", "stief", "pleeg", "schoon", "over") for kin in _KIN), *_KIN,
    "ouders", "ouder", "tante", "oom", "neefje", "neef", "nichtje", "nicht", "leerling", "kind",
    "familie", "gezin", "buurman", "buurvrouw", "buren", "buurjongen", "buurmeisje",
    "vriendinnetje", "vriendin", "vriendje", "vriend", "oppas", "partner", "grootouders",
    "peetoom", "peettante", "klasgenoten", "klasgenootje", "klasgenoot", "klasgenote",
    "medeleerling", r"fam\."])
_PROFESSIONAL_CUES = (r"juf|juffrouw|meester|mentor|docent|leerkracht|ib'er|ib-er"
                      r"|intern begeleider|leerplichtambtenaar|leerplicht|consulent|adviseur"
                      r"|jeugdarts|schoolarts|psycholoog|orthopedagoog|huisarts|casemanager"
                      r"|gezinsvoogd|jeugdconsulent|directeur|zorgco[öo]rdinator|smw"
                      r"|schoolmaatschappelijk werkster|schoolmaatschappelijk werker"
                      r"|schoolmaatschappelijk werk|maatschappelijk werkster"
                      r"|maatschappelijk werker|maatschappelijk werk|jeugdverpleegkundige"
                      r"|verpleegkundige|ambulant begeleider|begeleider|jeugdhulpverlener"
                      r"|gedragsdeskundige|logopedist|teamleider|afdelingsleider|coach|ib"
                      r"|dr\.|drs\.|mr\.|ir\.")
_NEUTRAL_CUES = r"mevrouw|meneer|mevr\.?|mw\.?|dhr\.?|de heer|naam"
_NAME_WORD = r"[^\W\d_a-z][\w'’]*(?:-[^\W\d_][\w'’]*)?"
_NAME = (rf"(?:(?:[A-Z]\.){{1,4}}\s?)?(?:(?:{'|'.join(_NAME_PARTICLES)})\s+)*{_NAME_WORD}"
         rf"(?:\s+(?:(?:{'|'.join(_NAME_PARTICLES)})\s+)*{_NAME_WORD}){{0,2}}")
# Cues in any case; the name itself must be capitalised (no IGNORECASE: it would
# also let "[^...a-z]" accept lowercase words).
_CUES = f"{_FAMILY_CUES}|{_PROFESSIONAL_CUES}|{_NEUTRAL_CUES}"
# A lookahead on the cues' first letters (in the cues' own case-insensitivity) first:
# most positions then fail on one test instead of entering the alternation.
_CUE_FIRST = "".join(sorted({cue[0] for cue in _CUES.split("|")}))
assert _CUE_FIRST.isalpha()
_CUED_NAME = re.compile(
    rf"(?=(?i:[{_CUE_FIRST}]))(?<![^\W_])(?i:{_CUES})(?![^\W_])[:,]?\s+(?P<name>{_NAME})")
_INITIALS_NAME = re.compile(
    rf"(?<![^\W_])(?:[A-Z]\.){{1,4}}\s?(?:(?:{'|'.join(_NAME_PARTICLES)})\s+)*{_NAME_WORD}")
_NOT_INITIALS = ("N.B.", "P.S.", "A.U.B.", "T.A.V.", "I.V.M.", "Z.S.M.", "O.A.", "E.D.")
_ROLE_AFTER = re.compile(rf"\s*[(,]\s*(?:de\s+)?(?P<role>{_FAMILY_CUES}|{_PROFESSIONAL_CUES})"
                         r"(?![^\W_])", re.IGNORECASE)  # a whole word: "(ibuprofen" is no role
# A role, with what it is the role of ("leerkracht van groep 6", "mentor van klas 2b"),
# right before the name.
_ROLE_OF = (r"(?:\s+van\s+(?:de\s+|het\s+)?(?:groep|klas|afdeling|team|locatie|onderbouw|bovenbouw)"
            r"(?:\s+[\w/\-]{1,6})?)?")
_PROFESSIONAL_BEFORE = re.compile(rf"(?:{_PROFESSIONAL_CUES}){_ROLE_OF}\s*[:,]?\s*$", re.IGNORECASE)
_PROFESSIONAL_ROLE = re.compile(rf"(?:{_PROFESSIONAL_CUES})", re.IGNORECASE)
# The words a cue-based match may take that are not names ("moeder Is", "zus En").
_COMMON_CAPITALISED = frozenset({"de", "het", "een", "en", "is", "zij", "hij", "ze", "die",
                                 "dat", "op", "in", "met", "van", "heeft", "was", "wil", "aan",
                                 "bij", "naar", "uit", "woont", "wonen", "adres", "via", "tot",
                                 "door", "voor", "om", "als", "maar", "ook", "nu", "toen", "dan",
                                 "daarna", "volgens", "sinds", "tijdens", "omdat", "want", "wel",
                                 "niet", "geen", "alleen", "samen", "zonder", "over", "onder", "na",
                                 "beste", "geachte", "dag", "hallo", "lieve", "haar", "zijn", "hun",
                                 "mijn", "onze", "ons", "jullie", "wij", "we", "ik", "u", "er",
                                 "hier", "daar", "waar", "wat", "wie", "hoe", "deze", "dit"})


class CueNames:
    """Our own heuristic: capitalised words after a cue, initials with a surname."""

    def find_names(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for m in _CUED_NAME.finditer(text):
            span = _trim_name(text, m.start("name"), m.end("name"))
            if span:
                spans.append(span)
        for m in _INITIALS_NAME.finditer(text):
            if not m.group().upper().startswith(_NOT_INITIALS):
                spans.append((m.start(), m.end()))
        spans += [span for m in _RELATION_AFTER.finditer(text)
                  if (span := _name_before(text, m.start())) is not None]
        return spans


# "Kacper (broer, 16)", "Mila (zus)": a relation in parentheses after a name.
_RELATION_AFTER = re.compile(rf"\(\s*(?:de\s+|haar\s+|zijn\s+|hun\s+)?(?i:{_FAMILY_CUES})(?![^\W_])")
_WORDS_BEFORE = re.compile(rf"(?:{_NAME_WORD}\s+(?:(?:{'|'.join(_NAME_PARTICLES)})\s+)*){{0,2}}"
                           rf"{_NAME_WORD}(?=\s*$)")


def _name_before(text: str, end: int) -> tuple[int, int] | None:
    """The capitalised words right before `end` (at most three), without leading common
    words ("Door Kacper" -> "Kacper")."""
    m = _WORDS_BEFORE.search(text, max(0, end - 60), end)
    if m is None:
        return None
    words = list(re.finditer(r"\S+", m.group()))
    while words and (words[0].group().lower() in _COMMON_CAPITALISED | _NAME_PARTICLES
                     or words[0].group().lower() in domain_words()):
        words.pop(0)
    return (m.start() + words[0].start(), m.end()) if words else None


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Keep the run of capitalised words from the start; particles only between them.
    Acronyms end a name: "Dhr. Pieters van het SWV" is "Pieters"."""
    kept_end = None
    for word in re.finditer(r"\S+", text[start:end]):
        token = word.group().rstrip(".,;:")
        if token.lower() in _NAME_PARTICLES:
            continue
        acronym = token.isalpha() and token.isupper() and 2 <= len(token) <= 5
        if (not token[:1].isupper() or acronym or token.lower() in _COMMON_CAPITALISED
                or _CUE_WORD.fullmatch(token)):
            break  # "zus / Mevrouw Verkerk": a title is no name
        kept_end = start + word.start() + len(token)
    return (start, kept_end) if kept_end else None


def _name_spans(text: str, detector: NameDetector) -> Iterable[_Span]:
    institutions: list[tuple[int, int]] | None = None
    for found in detector.find_names(text):
        start, end = _strip_title(text, *found)
        start = _with_particles(text, start)
        end = _with_surname_after(text, _with_next_name_word(text, _with_wrapped_surname(
            text, _without_trailing_particle(text, start, end))))
        end = context.without_organisation(text, start, end)
        for s, e in _plausible_parts(text, start, end):
            if institutions is None:
                institutions = context.institution_spans(text)
            if any(s < i_end and i_start < e for i_start, i_end in institutions):
                continue  # "Juliana Kinderziekenhuis", "IKC Anne Frank"
            if context.not_a_name(text[s:e].split(), _cued(text, s)):
                continue  # "Engels 7,2", "beroepswens Kok", "Relatie Geboortedatum"
            yield s, e, NAAM, _is_professional(text, s, e)


# The opening of a letter, at a line start: the name after it is the addressee.
_SALUTATION = re.compile(r"(?:^|\n)[ \t]*(?:beste|geachte|hoi|hallo|dag)"
                         r"(?:\s+(?:mevrouw|meneer|heer|mw\.|dhr\.|de\s+heer))?\s+$", re.IGNORECASE)
_PERSON_CUE_BEFORE = re.compile(rf"(?<![^\W_])(?i:{_FAMILY_CUES}|{_NEUTRAL_CUES}|{_PROFESSIONAL_CUES})"
                                r"[:,]?\s+$")


def _cued(text: str, start: int) -> bool:
    return _PERSON_CUE_BEFORE.search(text, max(0, start - 40), start) is not None


# A capitalised tussenvoegsel right before a name ("mevrouw Van den Broek"), which deduce
# leaves out.
_PARTICLES_BEFORE = re.compile(r"(?<![^\W_])(?:Van|De|Den|Der|Ter|Ten|El|Al|Le|La|Du|Da|In)"
                               r"(?:\s+(?:van|de|den|der|het|'t|ter|ten|in))*\s+$")


# ... or a lowercase one after a first name ("Özlem van Leeuwen" found as "Leeuwen").
_FIRST_NAME_BEFORE = re.compile(rf"(?<![\w'’\-])(?P<first>{_NAME_WORD})\s+(?:(?:van|de|den|der|ter|ten|het"
                                r"|'t|in|el|al)\s+)+$")


_FIRST_NAME_ONLY_BEFORE = re.compile(rf"(?<![\w'’\-])(?P<first>{_NAME_WORD})[ \t]+$")


def _with_particles(text: str, start: int) -> int:
    m = _PARTICLES_BEFORE.search(text, max(0, start - 20), start)
    if m:
        return m.start()
    m = _FIRST_NAME_BEFORE.search(text, max(0, start - 40), start)
    if m is None and text[start:start + 1].islower():  # deduce found "van Leeuwen"
        m = _FIRST_NAME_ONLY_BEFORE.search(text, max(0, start - 40), start)
    if m and not _not_a_first_name(m["first"]):
        return m.start("first")
    return start


def _not_a_first_name(word: str) -> bool:
    key = word.lower()
    return (key in _COMMON_CAPITALISED or key in _NAME_PARTICLES or key in domain_words()
            or _CUE_WORD.fullmatch(key) is not None or key in context.role_words()
            or context.not_a_name([key], cued=False))


# A name wrapped over a line between first name and surname ("Priya / Sitompul (Raad ..."):
# deduce stops at the line end. The next line's first word is taken when it is capitalised
# and not followed by a lowercase word ("Priya / Verder is ..." is a new sentence).
# A word that is its line's whole text is taken too (a narrow table cell: "Barbara" /
# "Wiśniewska" / "oma"). The whole word: "Wiśniewska" is not "Wi" before an "ś".
_WRAPPED_SURNAME = re.compile(rf"[ \t]*\r?\n[ \t]*(?P<w>{_NAME_WORD})(?![\w'’])"
                              r"(?=[ \t]*\r?\n|\s*(?:[(),.;:]|$|[^\W\d_a-z]))")


def _with_wrapped_surname(text: str, end: int) -> int:
    m = _WRAPPED_SURNAME.match(text, end)
    return m.end() if m and not _not_a_first_name(m["w"]) else end


# A name wrapped after its tussenvoegsel ("Marloes van / Dijk"): deduce stops at the break.
_SURNAME_AFTER = re.compile(rf"\s+(?:(?:van|de|den|der|ter|ten|het|'t|in)\s+)+{_NAME_WORD}")


def _without_trailing_particle(text: str, start: int, end: int) -> int:
    """"Peter-Jan de" (deduce stopped at a line break after the tussenvoegsel) -> "Peter-Jan"."""
    m = re.search(r"\s+(?:(?:van|de|den|der|ter|ten|het|'t|in)\s*)+$", text[start:end])
    return start + m.start() if m and m.start() > 0 else end


# The surname right after a first name on the same line, also when it is an ordinary word
# ("Yvonne Bakker (RT)"): deduce may stop at the first name.
_NEXT_NAME_WORD = re.compile(rf"[ \t]+(?P<w>{_NAME_WORD})(?![\w'’\-])")


def _with_next_name_word(text: str, end: int) -> int:
    m = _NEXT_NAME_WORD.match(text, end)
    if m is None or (_not_a_first_name(m["w"]) and m["w"].lower() not in context.surname_words()):
        return end
    if m["w"].lower() in context.subject_words():
        return end  # "Mila Engels 7,2" stays apart
    return m.end()


def _with_surname_after(text: str, end: int) -> int:
    m = _SURNAME_AFTER.match(text, end)
    return m.end() if m and text[m.end():m.end() + 1] != ":" else end


# Names do not cross a table cell or our footer's separators (they may wrap to the next line).
_PIECE = re.compile(r"[^·|\t]+")
_WORD = re.compile(r"[^\s,;()]+")
_ONLY_INITIALS = re.compile(r"(?:[A-Z]\.?){1,6}")


def _plausible_parts(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Cut a detected name at line breaks and separators, drop form labels ("Geboortedatum:"),
    domain words (tafel, gemeente and component names) at its edges, and bare initials
    (the bundle's own pseudonym)."""
    for piece in _PIECE.finditer(text, start, end):
        for words in _sentences(list(_WORD.finditer(text, piece.start(), piece.end()))):
            while words and (_not_a_name_word(text, words[0]) or _common_at_start(words)) and \
                    not _leading_particle(words):
                words.pop(0)
            while words and _not_a_name_word(text, words[-1]):
                words.pop()
            if words and not all(_ONLY_INITIALS.fullmatch(w.group()) for w in words):
                yield words[0].start(), words[-1].end() - _sentence_end(words[-1].group())


def _sentence_end(word: str) -> int:
    """1 if `word` ends a sentence ("College." but not the initial "J." or "Dr.")."""
    return 1 if word.endswith(".") and len(word) > 3 and word[-2].islower() else 0


def _sentences(words: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """"Edith Stein College. Training Rots" -> two groups: a name ends with its sentence."""
    groups: list[list[re.Match[str]]] = [[]]
    for word in words:
        groups[-1].append(word)
        if _sentence_end(word.group()):
            groups.append([])
    return [g for g in groups if g]


def _leading_particle(words: list[re.Match[str]]) -> bool:
    """A capitalised tussenvoegsel opening a name ("Van den Broek") stays; not "Den Haag"."""
    if len(words) < 2 or not words[0].group()[:1].isupper():
        return False
    rest = [w.group().lower() for w in words]
    while rest and rest[0] in _NAME_PARTICLES:
        rest.pop(0)
    return len(rest) < len(words) and bool(rest) and rest[0].rstrip(".,:") not in domain_words()


def _common_at_start(words: list[re.Match[str]]) -> bool:
    """"Volgens Dijk", "Door Kacper": a capitalised function word opens the sentence."""
    return len(words) > 1 and words[0].group().lower() in _COMMON_CAPITALISED - _NAME_PARTICLES


def _not_a_name_word(text: str, word: re.Match[str]) -> bool:
    token = word.group().rstrip(".")
    base = re.sub(r"['’]s$", "", token.rstrip(":").lower())
    if (word.group().endswith(":") or text[word.end():word.end() + 1] == ":") and (
            _at_line_start(text, word.start()) or base in domain_words()):
        return True  # a form label ("Mentor:"), not "zus Mehmet: ..."
    if not token[:1].isalpha():
        return True
    if base in context.role_words() or base in context.label_words():
        return True  # "Priya Mangal / Intern begeleider": the next row's role; a header
    return all(part in domain_words() for part in base.split("-") if part)


def _at_line_start(text: str, start: int) -> bool:
    line = text[text.rfind("\n", 0, start) + 1:start]
    return not line.strip() or line.endswith(("\t", "|", "  "))


@cache
def domain_words() -> frozenset[str]:
    """Words of the routeboek and of the pages Tafeldossier writes: never a person's name."""
    from dossier_app.rules import default_rulesets
    from dossier_app.rules.terms import GEMEENTEN, ROLLEN

    texts = [*GEMEENTEN.values(), *ROLLEN.values(), *_OWN_LABELS]
    for ruleset in default_rulesets():
        for tafel in ruleset.tafels:
            texts.append(tafel.naam)
            texts += [o.naam for o in tafel.onderdelen]
    words = {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)}
    return frozenset(w for w in words if len(w) > 2)


_OWN_LABELS = (
    "Vertrouwelijk Pagina Onderdeel Onderdelen Casus Tafel Gemeente Onderwijs Aanmelddatum "
    "Eerste verzuimdatum Termijn "
    "Voorblad Inhoud Samenvatting Hoofdvraag Datum Deelnemers Spoor Routeboek Tafeldossier Concept "
    "Geboortedatum Adres Postcode Woonplaats Naam Telefoon Leerling Groep School Verslag Aanwezig "
    "Afwezig Verzuim Totaal Subtotaal Omschrijving Bedrag Handtekening Toestemming Bijlage "
    "Den Haag Rijswijk Leidschendam Voorburg Delft Zoetermeer Haaglanden Nederland",
)


_TITLE = re.compile(rf"(?:{_NEUTRAL_CUES}|{_PROFESSIONAL_CUES}|{_FAMILY_CUES})\s+",
                    re.IGNORECASE)


def _strip_title(text: str, start: int, end: int) -> tuple[int, int]:
    """deduce includes "mevrouw" / "Dhr." in a name; the title is no identifier."""
    m = _TITLE.match(text, start, end)
    return (m.end(), end) if m else (start, end)


def _is_professional(text: str, start: int, end: int) -> bool:
    if _SALUTATION.search(text, max(0, start - 40), start) and text[end:end + 1] == ",":
        return True  # "Beste Joke," "Geachte mevrouw Van Rossum,": the letter's addressee
    before = text[max(0, start - 40):start]
    if _PROFESSIONAL_BEFORE.search(before):
        return True
    after = _ROLE_AFTER.match(text, end)
    if after and _PROFESSIONAL_ROLE.fullmatch(after["role"]):
        return True
    return context.is_professional(text, start, end)


def _professionals_again(text: str, spans: list[_Span]) -> list[_Span]:
    """A name made only of words of a professional's name found in the same text ("mevrouw
    Bouwman (GGD)" ... "Bouwman belde") is that professional again: a review item too."""
    names = context.ProfessionalNames()
    for start, end, categorie, review in spans:
        if categorie == NAAM and review:
            names.add(text[start:end])
    if not names.words:
        return spans
    return [(s, e, c, r or (c == NAAM and names.known(text[s:e]))) for s, e, c, r in spans]


class RemembersProfessionals:
    """A flagger for the pages of one document or bundle, in order: a name made only of
    words of a professional's name found on an earlier page ("Bouwman belde", the role was
    on page 2) is a review item too. One instance per document (the loket's check)."""

    def __init__(self, flag: Callable[[str], list[Finding]]) -> None:
        self._flag = flag
        self._names = context.ProfessionalNames()

    def __call__(self, text: str) -> list[Finding]:
        found = self._flag(text)
        for f in found:
            if f.categorie == NAAM and f.review:
                self._names.add(text[f.start:f.end])
        return [replace(f, review=True)
                if f.categorie == NAAM and not f.review and self._names.known(text[f.start:f.end])
                else f for f in found]


# A capitalised word right before a known surname, on the same line: "Oliwia Verkerk" in
# the family table is the pupil's sister (her first name was not entered).
_WORD_BEFORE = re.compile(rf"(?<![\w'’\-])(?P<w>{_NAME_WORD})[ \t]+$")


def _relatives_of_known(scan: str, hits: Sequence[Hit]) -> Iterable[_Span]:
    for hit in hits:
        if hit.categorie != "naam":
            continue
        m = _WORD_BEFORE.search(scan, max(0, hit.start - 40), hit.start)
        if m is None:
            continue
        if _not_a_first_name(m["w"]) or _common_word(m["w"].lower()):
            continue
        yield m.start("w"), m.end("w"), NAAM, False


_CUE_WORD = re.compile(rf"(?:{_CUES})\.?", re.IGNORECASE)


@cache
def _common_words() -> frozenset[str]:
    """deduce's lists of common Dutch words and stop words, when deduce is installed."""
    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        return frozenset()
    folder = Path(spec.origin).parent / "data" / "lookup" / "src" / "whitelist"
    words: set[str] = set()
    for listing in ("lst_common_word", "lst_stop_word"):
        try:
            words.update((folder / listing / "items.txt").read_text("utf-8").lower().split())
        except OSError:
            continue
    return frozenset(words)


def _common_word(word: str) -> bool:
    return word in _common_words()


class ListedNames:
    """First names deduce does not know (resources/detect/voornamen.txt: Polish, Ukrainian,
    Eritrean, Turkish spellings), wherever they stand capitalised: "Kacper speelt buiten"."""

    _WORD = re.compile(r"(?<![\w'’\-])[^\W\d_a-z][\w'’]*")

    def find_names(self, text: str) -> list[tuple[int, int]]:
        names = context.lexicon("voornamen").words
        return [m.span() for m in self._WORD.finditer(text) if m.group().lower() in names]


class CombinedNames:
    """Union of several detectors; a detector that fails is skipped, logged and counted
    (`failures`: the loket's check tells its reader that names were looked for with less)."""

    def __init__(self, detectors: list[NameDetector]) -> None:
        self._detectors = detectors
        self.failures = 0

    def find_names(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for detector in self._detectors:
            try:
                spans += detector.find_names(text)
            except Exception as exc:  # a broken optional backend must not stop the flagger
                self.failures += 1
                log.warning("naamdetectie %s overgeslagen: %s", type(detector).__name__,
                            type(exc).__name__)
        return spans


def name_detector_failures() -> int:
    """How often a detector of this process's default name detector failed so far."""
    detector = _default_detector
    return detector.failures if isinstance(detector, CombinedNames) else 0


# --- deduce (optional) ----------------------------------------------------------------------

_DEDUCE_PERSON_TAGS = ("persoon", "patient")
# Only person names are used. deduce's other recognisers (our own cover numbers, dates,
# e-mail, phone and addresses; an address wins over a name in `_without_overlaps`) and its
# redactor (it writes a de-identified text we never read) are skipped: half the time per
# page, the same person spans on the benchmark case (checked against a full run). Place
# names and institutions stay on: they keep "Den Haag" or a school's name from becoming a
# person where the two overlap.
_DEDUCE_SKIPPED = frozenset({"dates", "ages", "identifiers", "phone_numbers", "email_addresses",
                             "urls", "redactor", "street_pattern", "street_lookup", "housenumber",
                             "postal_code", "postbus", "remove_street_tags", "clean_street_tags"})
_DEDUCE_HEAVY_LISTS = ("locations/lst_street", "institutions/lst_healthcare_institution")


def default_cache_dir() -> Path:
    """A writable per-user cache folder inside the product's data folder (never site-packages)."""
    from dossier_app.logs import data_dir

    return data_dir() / "cache"


class DeduceNames:
    """Person names from deduce, slim: lazy, offline, lookup data copied to a cache."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir or default_cache_dir()
        self._model: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        return importlib.util.find_spec("deduce") is not None

    def find_names(self, text: str) -> list[tuple[int, int]]:
        with self._lock:
            model = self._load()
            annotations = model.deidentify(text, disabled=set(_DEDUCE_SKIPPED)).annotations
        return [(a.start_char, a.end_char) for a in annotations
                if a.tag.startswith(_DEDUCE_PERSON_TAGS)]

    def _load(self) -> Any:
        if self._model is None:
            with _gc_paused(), _root_logging_kept():
                import deduce  # optional and heavy: only when names are asked for

                folder = _slim_lookup(Path(deduce.__file__).parent / "data" / "lookup",
                                      self._cache_dir / f"deduce-{deduce.__version__}",
                                      prebuilt_lookup_dir() / f"deduce-{deduce.__version__}")
                self._model = deduce.Deduce(lookup_data_path=folder, cache_path=folder)
                _share_cached_tries(folder / "cache" / "lookup_structs.pickle")
        return self._model


@contextmanager
def _root_logging_kept() -> Iterator[None]:
    """deduce configures the root logger (DEBUG, to stdout) when imported or loaded. Put it
    back: our logs never carry document text, and stdout is reserved for --json."""
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    disabled = logging.root.manager.disable
    # While loading, deduce logs "Please wait 1-2 minutes ..." through the handler it has
    # just added: silence its INFO lines at the source, so nothing reaches the terminal.
    logging.disable(max(disabled, logging.INFO))
    try:
        yield
    finally:
        logging.disable(disabled)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
        for name in ("deduce", "docdeid"):
            logging.getLogger(name).setLevel(logging.WARNING)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while deduce loads, and what it loaded kept out of
    every later collection.

    Loading builds hundreds of thousands of objects (the lookup tries, unpickled from
    the cache or built from the lists); every few hundred allocations the collector
    would walk all of them, all still alive. Measured: 0.25 -> 0.09 s from the cache,
    2.4 -> 1.9 s when the cache is built. Only the collector's timing changes: cycles
    left behind are collected once it is on again. (Per text it made no measurable
    difference, so deidentify runs with the collector on.) It is re-enabled only if it
    was on when we started.

    Afterwards every object alive is frozen (`gc.freeze`): the model lives as long as the
    process, and without this the first collections after loading walked all of it again
    (measured 0.04 s for the youngest generation and 0.05 s for the next, on a one-page
    `dossier anonimiseer` and a 12-page `dossier verify` of 0.6-0.7 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


_SHARED_MARK = ".gedeeld"  # beside deduce's cache: its SHA-256 once its tries were shared


def _share_cached_tries(cache_file: Path) -> None:
    """Rewrite deduce's cache (once, after deduce built or rebuilt it) with every repeated
    part of its name tries stored once.

    A `LookupTrie` has a node object per word of every list entry: 89,000 nodes in the
    slim lists, 86,000 of them leaves that differ in nothing. Unpickling them was most of
    loading the name detector (0.11-0.17 s of every process that looks for names). Equal
    subtrees (the same words below, the same end marks, no matching pipeline of their own:
    only a trie's root has one, and it applies it at every level) are now one object, left
    2,200 nodes, and the cache loads in ~0.02 s. Nothing changes what the tries hold or
    how they match; deduce and docdeid only read them once loaded (checked:
    `test_shared_tries_match_as_before`).

    A mark beside the cache holds the SHA-256 of the file once shared (~1 ms to check), so
    this runs again only when deduce wrote a new cache, and a copy (a new data folder, an
    installer) keeps its mark. Any failure leaves deduce's own file: this only saves time."""
    mark = cache_file.with_name(cache_file.name + _SHARED_MARK)
    try:
        data = cache_file.read_bytes()
        if mark.read_text(encoding="ascii") == hashlib.sha256(data).hexdigest():
            return
    except (OSError, ValueError):
        pass
    try:
        import pickle

        from docdeid.ds.lookup import LookupTrie

        # deduce's own cache in our data folder, which deduce has just unpickled itself
        cached = pickle.loads(data)  # noqa: S301
        nodes: dict[tuple[bool, tuple[tuple[str, int], ...]], Any] = {}

        def shared(node: Any) -> Any:
            for word, child in node.children.items():
                node.children[word] = shared(child)
            if node.matching_pipeline is not None:  # a root: kept as it is
                return node
            key = (node.is_terminal,
                   tuple(sorted((word, id(child)) for word, child in node.children.items())))
            return nodes.setdefault(key, node)

        for struct in cached["lookup_structs"].values():
            if isinstance(struct, LookupTrie):
                for word, child in struct.children.items():
                    struct.children[word] = shared(child)
        shared_data = pickle.dumps(cached, protocol=pickle.HIGHEST_PROTOCOL)
        mode = cache_file.stat().st_mode
        _replace_file(cache_file, shared_data, mode)
        _replace_file(mark, hashlib.sha256(shared_data).hexdigest().encode("ascii"), mode)
    except Exception as exc:  # only speed is lost: deduce's own file still loads
        log.info("naamlijsten niet compacter opgeslagen: %s", type(exc).__name__)


def _replace_file(path: Path, data: bytes, mode: int) -> None:
    """`fileio.atomic_output` (a temporary file and a rename, retried while Windows holds
    the file a moment), with the permissions the cache had: a prebuilt copy in an
    installation is read by every user."""
    with atomic_output(path, durable=False) as tmp:
        tmp.write_bytes(data)
        os.chmod(tmp, stat.S_IMODE(mode))


def _slim_lookup(source: Path, target: Path, prebuilt: Path | None = None) -> Path:
    """A copy of deduce's lookup lists without the big street and institution lists
    (1.2 GB and minutes to build otherwise), where deduce may write its cache.

    When the installation holds a prebuilt copy (lists and deduce's cache, made by
    `prebuild_lookup` when the installation was set up or frozen), that is copied instead,
    its lists dated before its cache: deduce then finds a valid cache and does not spend
    ~2.6 s building it on first use. Without one, deduce builds its cache in the copy
    before the copy gets its name: deduce writes its cache in place, so a process starting
    beside one that was writing it could read a cut-off file (and look for names without
    deduce on those pages)."""
    if (target / "src").is_dir():
        return target
    # Several worker processes may start at once on a new data folder (the loket's inbox,
    # a build): each copies into a folder of its own and the first rename wins.
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        if prebuilt is not None and (prebuilt / "src").is_dir() and (prebuilt / "cache").is_dir():
            shutil.copytree(prebuilt, partial)
            _older_than_cache(partial / "src")
        else:
            _copy_slim_lists(source, partial)
            _build_cache(partial)
        os.rename(partial, target)
    except OSError:
        if not (target / "src").is_dir():  # not another process's copy that won: a real failure
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _copy_slim_lists(source: Path, folder: Path) -> None:
    """deduce's lookup lists (`source`/src) into `folder`/src, the heavy ones left empty."""
    shutil.copytree(source / "src", folder / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for heavy in _DEDUCE_HEAVY_LISTS:
        for listing in (folder / "src" / heavy).glob("*.txt"):
            listing.write_text("", encoding="utf-8")


def _build_cache(folder: Path) -> None:
    """deduce builds its cache of the lists in `folder` (~2.6 s), which is then shared."""
    import deduce

    with _root_logging_kept():
        deduce.Deduce(lookup_data_path=folder, cache_path=folder)
    _share_cached_tries(folder / "cache" / "lookup_structs.pickle")


# deduce trusts its cache only while no folder of its lists is newer than the local time
# saved in the cache. A prebuilt copy's lists were made before its cache, but an installer
# stamps folders with the time it made them, and the builder's time zone may not be the
# user's: so the copy's lists get a time long before any cache (1 January 2001).
_LISTS_TIME = 978_307_200


def _older_than_cache(src: Path) -> None:
    """Give the lists copied from a prebuilt copy (the cache was made from these very
    lists) a time before their cache, so that deduce does not build it again."""
    for path in [src, *src.rglob("*")]:
        os.utime(path, (_LISTS_TIME, _LISTS_TIME))


def prebuilt_lookup_dir() -> Path:
    """Where an installation keeps deduce's prebuilt slim lookup data (read-only)."""
    import sys

    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "deduce-lookup"
    return Path(sys.prefix) / "share" / "tafeldossier" / "deduce-lookup"


def prebuild_lookup(root: Path | None = None) -> Path | None:
    """Build deduce's slim lookup data and cache under `root` (default: the installation's
    `prebuilt_lookup_dir()`); done once by setup, not at run time. None without deduce."""
    if not DeduceNames.available():
        return None
    import deduce

    root = root or prebuilt_lookup_dir()
    DeduceNames(cache_dir=root).find_names("Tafeldossier")
    return root / f"deduce-{deduce.__version__}"


_default_detector: NameDetector | None = None
_default_lock = threading.Lock()


def default_name_detector() -> NameDetector:
    """deduce (if installed) together with our cues; our cues alone otherwise."""
    global _default_detector  # one lazily built detector per process
    with _default_lock:
        if _default_detector is None:
            detectors: list[NameDetector] = [CueNames(), ListedNames()]
            if DeduceNames.available():
                detectors.insert(0, DeduceNames())
            _default_detector = CombinedNames(detectors)
    return _default_detector


def warm_up() -> None:
    """Load the name detector now (deduce takes 0.3-0.5 s, and the first time in an
    installation ~1.5 s to build its cache), e.g. in a thread while other work waits."""
    default_name_detector().find_names("Tafeldossier")


# --- combining --------------------------------------------------------------------------

def _without_overlaps(spans: list[_Span]) -> list[_Span]:
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (_PRIORITY.index(s[2]), s[0], s[0] - s[1])):
        if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    return sorted(chosen)


def _without_known(text: str, spans: list[_Span],
                   known: list[tuple[int, int]]) -> list[_Span]:
    """Drop what the finder already removes. A name keeps the part outside a known hit
    (deduce may join "Sanne Visser. Noor"); a number overlapping a hit is dropped."""
    kept: list[_Span] = []
    for start, end, categorie, review in spans:
        pieces = [(start, end)]
        for k_start, k_end in known:
            pieces = [p for s, e in pieces for p in _subtract(s, e, k_start, k_end)]
        if categorie == EMAIL and _local_part_left(text, start, end, pieces):
            kept.append((start, end, categorie, review))  # "esmee.[moeder]@...": still hers
            continue
        if categorie != NAAM and pieces != [(start, end)]:
            continue
        if categorie == NAAM:
            pieces = [p for p in (_name_piece(text, s, e) for s, e in pieces) if p]
        kept += [(s, e, categorie, review) for s, e in pieces]
    return kept


def _local_part_left(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> bool:
    """Whether letters of an e-mail address's local part are outside the known hits."""
    at = text.find("@", start, end)
    return at > 0 and any(re.search(r"[^\W_]{2}", text[s:min(e, at)]) for s, e in pieces if s < at)


def _name_piece(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The letters of what is left of a name, if it still looks like one."""
    letters = re.search(r"[^\W\d_](?:.*[^\W\d_])?", text[start:end], re.DOTALL)
    if letters and len(letters.group()) >= 2 and letters.group()[0].isupper():
        return start + letters.start(), start + letters.end()
    return None


def _subtract(start: int, end: int, k_start: int, k_end: int) -> list[tuple[int, int]]:
    if k_end <= start or k_start >= end:
        return [(start, end)]
    return [p for p in ((start, k_start), (k_end, end)) if p[1] > p[0]]


def _blanked(text: str, hits: Sequence[Hit]) -> str:
    """`text` with every hit replaced by spaces (same length: positions stay valid)."""
    if not hits:
        return text
    chars = list(text)
    for hit in hits:
        chars[hit.start:hit.end] = " " * (hit.end - hit.start)
    return "".join(chars)


def _context(text: str, start: int, end: int, masks: Sequence[Hit] = ()) -> str:
    """The finding with some text on either side; a known identifier in that window
    (`masks`, sorted) is replaced as a whole by its pseudonym, also when the window cuts it."""
    first, last = max(0, start - _CONTEXT_CHARS), end + _CONTEXT_CHARS
    pieces: list[str] = []
    pos = first
    for hit in masks:
        if hit.end <= first or hit.start >= last or hit.end <= pos:
            continue
        pieces += [text[pos:max(pos, hit.start)], hit.label]
        pos = hit.end
    pieces.append(text[pos:last] if pos < last else "")
    return " ".join("".join(pieces).split())


if __name__ == "__main__":  # python -m dossier_app.anonymise.detect --prebuild
    import sys

    if sys.argv[1:] != ["--prebuild"]:
        sys.exit("gebruik: python -m dossier_app.anonymise.detect --prebuild")
    built = prebuild_lookup()
    print(f"deduce-gegevens klaar: {built}" if built else "deduce is niet geïnstalleerd; niets te doen")
