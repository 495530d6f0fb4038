"""Known identifiers (the case file's `[leerling]` and `[[personen]]`) -> one fast Finder.

`build_identifiers` turns what the user entered into every written form we know of
(see /work/shared/ANONYMISATION.md): names with and without tussenvoegsel, parts of
double surnames, initials, "Surname, Initials", possessives, ALL CAPS, folded
diacritics; dates, BSN, phone numbers, postcodes and addresses in every notation.

Names become literals in two prefix-factored regexes (one case-insensitive, one
case-sensitive); numbers, dates and street+number become a few small patterns. Both
run over the normalised text of `matcher`, so hyphenation, line breaks and odd spaces
do not matter, and hits map back to the exact original characters.

Case sensitivity: a name part that is also an ordinary word (resources/detect/
naamwoorden.txt: Roos, Storm, Noor, Bakker, de Vries...) or has three letters or fewer
(Ben, Wil, Jan - "jan" in "17 jan 2015") is matched only Capitalised, as entered or in
ALL CAPS, with the tussenvoegsel in any case. All other names, and everything else,
are matched in any case. A capitalised ordinary word at the start of a sentence
("Storm op komst") is therefore removed too: we prefer that to a leak.

The repr of an IdentifierSet names categories and counts only, never values.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import phonenumbers

from dossier_app.anonymise.hits import Finder, Hit
from dossier_app.anonymise.matcher import (
    AFTER_WORD,
    BEFORE_WORD,
    Normalised,
    fold_text,
    normalise,
    trie_pattern,
)
from dossier_app.case_model import Leerling, Persoon
from dossier_app.paths import resources_dir

NAAM, GEBOORTEDATUM, BSN, ADRES = "naam", "geboortedatum", "bsn", "adres"
POSTCODE, TELEFOON, EMAIL, EXTRA = "postcode", "telefoon", "email", "extra"

LABELS = {
    GEBOORTEDATUM: "[geboortedatum]", BSN: "[bsn]", ADRES: "[adres]", POSTCODE: "[postcode]",
    TELEFOON: "[telefoon]", EMAIL: "[e-mail]", EXTRA: "[verwijderd]",
}
LEERLING_LABEL = "[leerling]"
# A name part that several people share (the family surname of a pupil and a parent)
# belongs to none of them alone: it gets a neutral label, unless it follows a person's
# own name ("Mirjam van der Berg" is all "[moeder]").
SHARED_SURNAME_LABEL = "[achternaam]"
SHARED_NAME_LABEL = "[naam]"

# Lowercase tussenvoegsels (Dutch, and the particles common in the region's names).
PARTICLES = frozenset({
    "van", "der", "den", "de", "het", "'t", "ter", "ten", "te", "in", "op", "onder", "uit",
    "aan", "bij", "la", "le", "les", "du", "da", "das", "dos", "di", "del", "della", "von",
    "zu", "vom", "el", "al", "ben", "bin", "ibn", "abu", "ait", "ould", "d'",
})
_PARTICLE_ABBREVIATIONS = {
    "van der": ("v.d.", "v. d.", "vd", "vd.", "v/d"),
    "van den": ("v.d.", "v. d.", "vd", "vd.", "v/d"),
    "van de": ("v.d.", "v. d.", "vd", "vd.", "v/d"),
    "van": ("v.",),
    "in 't": ("in het",),
}
_STREET_ABBREVIATIONS = {
    "straat": ("str.", "str"), "laan": ("ln.", "ln"), "plein": ("pln.", "pln", "pl."),
    "gracht": ("gr.", "gr"), "singel": ("sngl.",), "kade": ("kd.",),
}
# What may follow a house number: 41b, 41-b, 12-2, 12 hs, 12 bis, 12 a (not "12 en", not
# the "E" of "E-mail"). An addition is a whole word that does not go on with a hyphen; it
# stands on the number's line (checked on the original text: see `_addition_on_next_line`).
_ADDITION_END = r"(?![^\W_])(?!-[^\W\d_])"
_HOUSE_NUMBER_ADDITIONS = (
    rf"(?:\ ?[-/]\ ?)?[a-z]{{1,2}}{_ADDITION_END}|\ [a-z]{_ADDITION_END}"
    r"|\ ?[-/]\ ?\d{1,4}(?!\d)"
    rf"|\ (?:hs|h|bis|bg|huis|i{{1,3}}|iv|zw|rd|boven|beneden){_ADDITION_END}"
)
_DIGIT_SEP_BSN = r"[ .\-]?"
_DIGIT_SEP_PHONE = r"[ .\-/()]{0,3}"
_DATE_SEP = r"(?:\ ?[-/.]\ ?|\ )"
_MONTHS = (
    ("januari", "jan", "january"), ("februari", "feb", "febr", "february"),
    ("maart", "mrt", "mar", "march"), ("april", "apr"), ("mei", "may"),
    ("juni", "jun", "june"), ("juli", "jul", "july"), ("augustus", "aug", "august"),
    ("september", "sept", "sep"), ("oktober", "okt", "october", "oct"),
    ("november", "nov"), ("december", "dec"),
)


@dataclass(frozen=True)
class _Entry:
    categorie: str
    label: str
    neutral: str = field(default="", compare=False)  # the label when another person shares it
    shared: bool = False  # the form belongs to several people


@dataclass(frozen=True)
class _ParsedName:
    first_names: tuple[str, ...]
    initials: tuple[str, ...]
    particle: str  # lowercase, "" when none
    core: str  # surname without tussenvoegsel, may be double: "Amrani-Bouzid"


class _Collector:
    """Gathers literals and patterns while variants are generated; first entry wins."""

    def __init__(self) -> None:
        self.ci: dict[str, _Entry] = {}
        self.cs: dict[str, _Entry] = {}
        self.patterns: list[tuple[str, _Entry]] = []  # digit-anchored patterns
        self.street_patterns: list[tuple[str, _Entry]] = []  # word-anchored patterns
        self.street_first_chars: set[str] = set()
        self.display: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self.numbers: dict[str, str] = {}  # street pattern -> the pattern of its house number

    def literal(self, form: str, entry: _Entry, *, cased: bool) -> None:
        folded = fold_text(form).strip()
        if not folded:
            return
        table, key = (self.cs, folded) if cased else (self.ci, folded.lower())
        first = table.setdefault(key, entry)
        if first.label != entry.label and first.categorie == entry.categorie == NAAM:
            table[key] = _Entry(NAAM, first.neutral or entry.neutral or SHARED_NAME_LABEL,
                                shared=True)

    def show(self, form: str, categorie: str) -> None:
        if form.strip():
            self.display.setdefault(form.strip(), categorie)


class IdentifierSet:
    """Everything known about one case, compiled for fast searching."""

    def __init__(self, collected: _Collector) -> None:
        self._ci_lookup = dict(collected.ci)
        self._cs_lookup = dict(collected.cs)
        self._patterns = [(re.compile(p), e)
                          for p, e in collected.street_patterns + collected.patterns]
        # Street+number patterns, matched again with the number's end marked, to keep an
        # addition from the next line out of a hit ("Weimarstraat 212" + "E-mail").
        self._numbers = [re.compile(n) for n in collected.numbers.values()]
        self._ci_regex = re.compile(_ci_pattern(collected))
        # None when there are no case-sensitive literals: a regex that can never match
        # still costs a lookbehind at every position of every page.
        self._cs_regex = re.compile(_first_char_guard({k[0] for k in self._cs_lookup})
                                    + BEFORE_WORD + trie_pattern(self._cs_lookup)
                                    ) if self._cs_lookup else None
        self._display = list(collected.display.items())
        self._counts = dict(collected.counts)

    @property
    def finder(self) -> Finder:
        return self.find

    def fingerprint(self) -> str:
        """SHA-256 over everything this set finds and how it names what it found: part of
        the name under which a result computed with it is remembered (the gate's memo).
        Derived from the identifiers, so never shown, logged or used as a name on its own:
        only inside a keyed name (`store.memo.Memo.name`)."""
        h = hashlib.sha256()
        for part in (self._ci_regex.pattern, self._cs_regex.pattern if self._cs_regex else "",
                     repr(sorted(self._ci_lookup.items())), repr(sorted(self._cs_lookup.items())),
                     repr([(regex.pattern, entry) for regex, entry in self._patterns]),
                     repr([regex.pattern for regex in self._numbers]), repr(self._display)):
            data = part.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "big") + data)
        return h.hexdigest()

    @property
    def categories(self) -> dict[str, int]:
        """How many identifiers were entered per category (no values)."""
        return dict(self._counts)

    def literal_variants(self) -> list[tuple[str, str]]:
        """(variant, categorie) in literal written forms, for searching raw PDF strings.

        Case-exact (lower, as entered, Capitalised, ALL CAPS are separate entries; names
        that are ordinary words only Capitalised and ALL CAPS). Compare against a
        haystack passed through `matcher.fold_text` for folded forms; possessive and
        initial forms are left out because they contain a listed form. For naam, adres
        and extra the caller must check word boundaries itself ("Noorwegen")."""
        return list(self._display)

    def find(self, text: str) -> list[Hit]:
        if not text:
            return []
        norm = normalise(text)
        found = [*self._ci_hits(norm), *self._cs_hits(norm)]
        return [Hit(*norm.span(s, e), entry.categorie, entry.label)
                for s, e, entry in _resolve(found, norm.text)]

    def _addition_on_next_line(self, norm: Normalised, start: int, end: int) -> int:
        """Where a street+number hit must end: after the number when the addition the
        pattern took stands on the next line in the original text, else `end`."""
        for regex in self._numbers:
            m = regex.match(norm.lower, start, end)
            if m is not None and m.end() < end:
                gap_start = norm.span(m.end() - 1, m.end())[1]
                gap_end = norm.span(m.end(), m.end() + 1)[0]
                if any(c in "\r\n\v\f\x85\u2028\u2029" for c in norm.original[gap_start:gap_end]):
                    return m.end()
                return end
        return end

    def _ci_hits(self, norm: Normalised) -> Iterable[tuple[int, int, _Entry]]:
        for m in self._ci_regex.finditer(norm.lower):
            entry = self._ci_lookup.get(m.group()) or self._pattern_entry(m.group())
            end = m.end()
            if entry.categorie == ADRES and self._numbers:
                end = self._addition_on_next_line(norm, m.start(), end)
            yield m.start(), end, entry

    def _cs_hits(self, norm: Normalised) -> Iterable[tuple[int, int, _Entry]]:
        if self._cs_regex is None:
            return
        for m in self._cs_regex.finditer(norm.text):
            yield m.start(), m.end(), self._cs_lookup[m.group()]

    def _pattern_entry(self, matched: str) -> _Entry:
        # Rare (numbers, dates, street+number): find which pattern it was.
        for regex, entry in self._patterns:
            if regex.fullmatch(matched):
                return entry
        return _Entry(EXTRA, LABELS[EXTRA])  # cannot happen; still a hit

    def __repr__(self) -> str:
        summary = ", ".join(f"{k}={v}" for k, v in sorted(self._counts.items()))
        return f"IdentifierSet({summary})"


def build_identifiers(leerling: Leerling, personen: Sequence[Persoon],
                      extra_terms: Sequence[str] = ()) -> IdentifierSet:
    collected = _Collector()
    _add_leerling(collected, leerling)
    for persoon in personen:
        _add_persoon(collected, persoon)
    for term in extra_terms:
        _add_extra(collected, term)
    return IdentifierSet(collected)


def _ci_pattern(collected: _Collector) -> str:
    """Word-anchored street+number and literals, then digit-anchored numbers and dates.

    Each side opens with a lookahead on its possible first characters, before the
    boundary check: most positions then fail on one test (measured: twice as fast).
    No capturing groups: which identifier matched is looked up afterwards."""
    word_side = [p for p, _ in collected.street_patterns] + [trie_pattern(collected.ci)]
    first_chars = {literal[0] for literal in collected.ci} | collected.street_first_chars
    alternatives = [_first_char_guard(first_chars) + BEFORE_WORD + "(?:" + "|".join(word_side) + ")"]
    if collected.patterns:
        alternatives.append(r"(?=[\d+(])(?<!\d)(?:"
                            + "|".join(p for p, _ in collected.patterns) + ")")
        # One guard over both sides in front: a position that starts neither fails on
        # one test instead of two (the side guards stay, so nothing else changes).
        return (_first_char_guard(first_chars | set("0123456789+("))
                + "(?:" + "|".join(alternatives) + ")")
    return "|".join(alternatives)


def _first_char_guard(first_chars: set[str]) -> str:
    """A lookahead on the first character: one cheap test before any branch is tried."""
    if not first_chars:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(first_chars)) + "])"


# --- resolving overlaps -------------------------------------------------------------

_JOINABLE_GAP = re.compile(r"[ \-]*")


def _resolve(found: list[tuple[int, int, _Entry]], text: str) -> list[tuple[int, int, _Entry]]:
    """No overlaps: an overlapping hit widens the earlier, longer one. Hits of the same
    person separated only by spaces or hyphens become one ("Noor el Amrani")."""
    kept: list[tuple[int, int, _Entry]] = []
    for start, end, entry in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if kept:
            p_start, p_end, p_entry = kept[-1]
            if start < p_end or ((p_entry == entry or _owned_shared(p_entry, entry))
                                 and _JOINABLE_GAP.fullmatch(text, p_end, start)):
                kept[-1] = (p_start, max(p_end, end), p_entry)
                continue
        kept.append((start, end, entry))
    return kept


def _owned_shared(before: _Entry, shared: _Entry) -> bool:
    """A shared name right after one person's own name is that person's ("Mirjam" +
    "van der Berg")."""
    return shared.shared and before.categorie == NAAM and not before.shared


# --- people ---------------------------------------------------------------------------

def _add_leerling(collected: _Collector, leerling: Leerling) -> None:
    name = _parse_leerling_name(leerling)
    if name.first_names or name.core:
        collected.counts[NAAM] += 1
        _add_name(collected, name, _Entry(NAAM, LEERLING_LABEL))
    _add_contact(collected, leerling.geboortedatum, leerling.bsn, leerling.adres,
                 leerling.postcode)


def _add_persoon(collected: _Collector, persoon: Persoon) -> None:
    name = _parse_full_name(persoon.naam)
    if name.first_names or name.core:
        collected.counts[NAAM] += 1
        _add_name(collected, name, _Entry(NAAM, f"[{persoon.rol.strip() or 'persoon'}]"))
    _add_contact(collected, persoon.geboortedatum, "", persoon.adres, persoon.postcode)
    if persoon.telefoon.strip():
        _add_phone(collected, persoon.telefoon)
    if persoon.email.strip():
        _add_email(collected, persoon.email)


def _add_contact(collected: _Collector, geboortedatum: date | None, bsn: str, adres: str,
                 postcode: str) -> None:
    if geboortedatum:
        _add_date(collected, geboortedatum)
    if bsn.strip():
        _add_bsn(collected, bsn)
    if adres.strip():
        _add_address(collected, adres)
    if postcode.strip():
        _add_postcode(collected, postcode)


def _add_extra(collected: _Collector, term: str) -> None:
    """Extra terms are the user's explicit wish: matched in any case."""
    if not term.strip():
        return
    collected.counts[EXTRA] += 1
    collected.literal(term, _Entry(EXTRA, LABELS[EXTRA]), cased=False)
    for form in _case_forms(term.strip(), cased=False):
        collected.show(form, EXTRA)


def _parse_leerling_name(leerling: Leerling) -> _ParsedName:
    first = [*leerling.voornamen.split(), *leerling.roepnaam.split()]
    first_names = tuple(dict.fromkeys(t for t in first if not _is_initials(t)))
    initials = tuple(t[0].upper() for t in leerling.voornamen.split() if t[:1].isalpha())
    particle, core = _split_surname(leerling.achternaam.split())
    return _ParsedName(first_names, initials or tuple(n[0].upper() for n in first_names[:1]),
                       particle, core)


def _parse_full_name(naam: str) -> _ParsedName:
    """"Fatima el Amrani-Bouzid", "F. el Amrani-Bouzid", "Jan Peter Bakker", "Fatima"."""
    tokens = naam.split()
    if len(tokens) == 1:
        return _ParsedName((tokens[0],), (tokens[0][0].upper(),), "", "")
    start = next((i for i, t in enumerate(tokens) if i > 0 and t.lower() in PARTICLES),
                 len(tokens) - 1)
    given = tokens[:start]
    first_names = tuple(t for t in given if not _is_initials(t))
    initials = tuple(c.upper() for t in given for c in _initial_letters(t))
    particle, core = _split_surname(tokens[start:])
    return _ParsedName(first_names, initials, particle, core)


def _is_initials(token: str) -> bool:
    return bool(re.fullmatch(r"(?:[^\W\d_]\.)+|[^\W\d_]", token))


def _initial_letters(token: str) -> list[str]:
    if _is_initials(token):
        return [c for c in token if c.isalpha()]
    return [token[0]] if token[:1].isalpha() else []


def _split_surname(tokens: list[str]) -> tuple[str, str]:
    """("el", "Amrani-Bouzid") from ["el", "Amrani-Bouzid"]; the core keeps its case."""
    i = 0
    while i < len(tokens) - 1 and tokens[i].lower() in PARTICLES:
        i += 1
    return " ".join(t.lower() for t in tokens[:i]), " ".join(tokens[i:])


@cache
def _word_names() -> frozenset[str]:
    try:
        lines = (resources_dir() / "detect" / "naamwoorden.txt").read_text("utf-8").splitlines()
    except OSError:
        # Without the list we match these names in any case: more removed, nothing leaks.
        return frozenset()
    return frozenset(fold_text(s.strip()).lower() for s in lines
                     if s.strip() and not s.startswith("#"))


def is_word_like(name_part: str) -> bool:
    """Is this name (part) also an ordinary word, so only its capitalised form is a name?"""
    folded = fold_text(name_part).lower()
    return len(folded) <= 3 or folded in _word_names()


# --- name variants ----------------------------------------------------------------------

def _add_name(collected: _Collector, name: _ParsedName, entry: _Entry) -> None:
    surnames = _surname_forms(name.particle, name.core)
    surname_entry = _Entry(entry.categorie, entry.label, neutral=SHARED_SURNAME_LABEL)
    for form, cased in _first_name_forms(name.first_names):
        _add_name_form(collected, form, cased, entry, possessive=True)
        for shown in _case_forms(form, cased):
            collected.show(shown, NAAM)
        # Found in the text, not listed for the byte search of the file's other places:
        # the form itself (found there) is in each of them.
        for diminutive in _diminutives(form):
            _add_name_form(collected, diminutive, cased, entry, possessive=True)
    for form, cased in surnames:
        _add_name_form(collected, form, cased, surname_entry, possessive=True)
        for shown in _case_forms(form, cased):
            collected.show(shown, NAAM)
    for form, cased in _initial_combinations(name.initials, surnames):
        _add_name_form(collected, form, cased, entry, possessive=not form.endswith("."))


def _add_name_form(collected: _Collector, form: str, cased: bool, entry: _Entry, *,
                   possessive: bool) -> None:
    for variant in _case_forms(form, cased):
        collected.literal(variant, entry, cased=cased)
        if possessive:
            for owned in _possessives(variant):
                collected.literal(owned, entry, cased=cased)


def _first_name_forms(first_names: Iterable[str]) -> list[tuple[str, bool]]:
    forms = []
    for first in first_names:
        parts = [first, *(p for p in first.split("-") if p and p != first)]
        forms += [(p, is_word_like(p)) for p in parts]
    return forms


_VOWELS = frozenset("aeiouy")


def _diminutives(name: str) -> list[str]:
    """What a report may call a child instead of its first name: the Dutch diminutive
    ("Noortje", "Pietje", "Timmetje", "Annetje", "Milaatje", "Lotje", "Willempje") and the
    informal -ie ("Timmie", "Annie"). Every form the rules allow for the name's ending is
    listed, for the ending alone does not tell a short vowel from a long one ("Jantje" and
    "Jannetje"); a form that no one writes costs nothing. Not the southern -ke: "Anneke" and
    "Janneke" are names of their own (a teacher's, as often as not)."""
    if len(name) < 2 or not name[-1].isalpha() or not name.isalpha():
        return []
    last = fold_text(name[-1]).lower()
    double = name + name[-1]
    if last == "m":  # Willem, Tim, Bram
        forms = [name + "pje", double + "etje", double + "ie"]
    elif last in "lnrwj":  # Noor, Daan, Jan, Fleur
        forms = [name + "tje", double + "etje", double + "ie"]
    elif last not in _VOWELS:  # Piet, Kees, Luuk, Fred
        forms = [name + "je", double + "ie"]
    elif last == "e" and fold_text(name[-2:]).lower() not in ("ee", "ie"):  # Anne, Sanne, Lotte
        forms = [name + "tje", name[:-1] + "ie", name[:-1] + "je"]
        if name[-2] == name[-3:-2] and name[-2].lower() in "bdfgkpst":
            forms.append(name[:-2] + "je")  # Lotte: Lotje (but Anne: Annetje)
    else:  # Mila, Timo, Sophie, Evi, Romy
        forms = [name + "tje", name + "'tje", name + "’tje"]
        if last in "aou" and fold_text(name[-2:-1]).lower() not in _VOWELS:
            forms.append(name + name[-1] + "tje")  # Milaatje, Timootje
    return forms


def _surname_forms(particle: str, core: str) -> list[tuple[str, bool]]:
    """Surname with and without tussenvoegsel, each part of a double surname."""
    if not core:
        return []
    parts = [p.strip() for p in core.split("-") if p.strip()]
    forms: list[tuple[str, bool]] = []
    if len(parts) > 1:
        for joined in _joined(parts):
            forms += [(joined, False), *((f, False) for f in _with_particle(particle, joined))]
    for i, part in enumerate(parts):
        part_particle, part_core = _split_surname(part.split())
        cased = is_word_like(part_core)
        forms.append((part_core, cased))
        forms += [(f, cased) for f in _with_particle(part_particle, part_core)]
        if i == 0:
            forms += [(f, cased) for f in _with_particle(particle, part)]
    return list(dict.fromkeys(forms))


def _joined(parts: list[str]) -> list[str]:
    # a double surname split over a line loses its hyphen in the normalised text
    return [joiner.join(parts) for joiner in ("-", " - ", " -", "- ", " ", "")]


def _with_particle(particle: str, core: str) -> list[str]:
    if not particle:
        return []
    particles = [particle, *_PARTICLE_ABBREVIATIONS.get(particle, ())]
    forms = [f"{p} {core}" for p in particles]
    forms += [f"{p}{core}" for p in particles if p.endswith(".")]  # "v.d.Berg"
    if len(particle) <= 3:  # "El-Amrani", "elamrani" (as in e-mail addresses)
        forms += [f"{particle}-{core}", f"{particle}{core}"]
    return forms


def _initial_forms(initials: Sequence[str]) -> list[str]:
    forms = []
    if len(initials) > 1:
        forms += [".".join(initials) + ".", ". ".join(initials) + ".", "".join(initials),
                  " ".join(initials), ".".join(initials)]
    for letter in dict.fromkeys(initials):
        forms += [f"{letter}.", letter]
    return forms


def _initial_combinations(initials: Sequence[str],
                          surnames: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """"N.A. el Amrani", "N.el Amrani", "NA el Amrani", "el Amrani, N.A."."""
    combos: list[tuple[str, bool]] = []
    for init in _initial_forms(initials):
        for surname, cased in surnames:
            combos.append((f"{init} {surname}", cased))
            if init.endswith("."):
                combos += [(f"{init}{surname}", cased), (f"{surname}, {init}", cased),
                           (f"{surname},{init}", cased)]
    return combos


def _case_forms(form: str, cased: bool) -> list[str]:
    """The written forms to match: for case-insensitive names one is enough."""
    if not cased:
        return [form]
    capitalised = form[:1].upper() + form[1:]
    titled = " ".join(w[:1].upper() + w[1:] for w in form.split(" "))
    core_capitalised = " ".join(w[:1].upper() + w[1:] if i == len(form.split(" ")) - 1 else w
                                for i, w in enumerate(form.split(" ")))
    return list(dict.fromkeys([form, capitalised, titled, core_capitalised, form.upper()]))


def _possessives(form: str) -> list[str]:
    """Noors, Noor's; Roos' and Bas' (after a sibilant only the apostrophe)."""
    upper = form.isupper()
    s = "S" if upper else "s"
    if form.lower().endswith(("s", "x", "z", "sch", "sj")):
        return [form + "'"]
    return [form + s, form + "'" + s]


# --- numbers, dates, addresses --------------------------------------------------------

def _add_bsn(collected: _Collector, bsn: str) -> None:
    digits = re.sub(r"\D", "", bsn)
    if not digits:
        return
    collected.counts[BSN] += 1
    entry = _Entry(BSN, LABELS[BSN])
    for number in dict.fromkeys([digits, digits.zfill(9)]):
        collected.patterns.append((_DIGIT_SEP_BSN.join(number) + r"(?!\d)", entry))
    d = digits.zfill(9)
    for sep in ("", " ", ".", "-"):
        collected.show(sep.join((d[:3], d[3:6], d[6:])), BSN)
        collected.show(sep.join((d[:4], d[4:6], d[6:])), BSN)


def _add_phone(collected: _Collector, raw: str) -> None:
    country, national = _phone_parts(raw)
    if not national:
        return
    collected.counts[TELEFOON] += 1
    digits = _DIGIT_SEP_PHONE.join(national)
    international = rf"(?:\+|00)\ ?{country}\ ?(?:\(\ ?0\ ?\)\ ?)?"
    pattern = rf"(?:{international}|(?:\(\ ?)?0){_DIGIT_SEP_PHONE}{digits}(?!\d)"
    entry = _Entry(TELEFOON, LABELS[TELEFOON])
    collected.patterns.append((pattern, entry))
    for shown in _phone_display(raw, country, national):
        collected.show(shown, TELEFOON)


def _phone_parts(raw: str) -> tuple[str, str]:
    """(country code, national significant number) as digit strings."""
    try:
        number = phonenumbers.parse(raw, "NL")
        return str(number.country_code), phonenumbers.national_significant_number(number)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", raw)
        return "31", digits.removeprefix("0")


def _phone_display(raw: str, country: str, national: str) -> list[str]:
    local = "0" + national
    forms = [raw.strip(), local, f"+{country}{national}", f"+{country} {national}",
             f"00{country}{national}", f"+{country} (0){national}"]
    if national.startswith("6"):  # mobile: 06-41528376, 06 41 52 83 76
        rest = national[1:]
        forms += [f"06-{rest}", f"06 {rest}", "06 " + " ".join(re.findall("..?", rest)),
                  f"+{country} 6 {rest}", f"+{country} 6-{rest}"]
    return forms


def _add_date(collected: _Collector, day: date) -> None:
    collected.counts[GEBOORTEDATUM] += 1
    collected.patterns.append((_date_pattern(day), _Entry(GEBOORTEDATUM, LABELS[GEBOORTEDATUM])))
    for shown in _date_display(day):
        collected.show(shown, GEBOORTEDATUM)


def _date_pattern(day: date) -> str:
    d = f"0?{day.day}" if day.day < 10 else str(day.day)
    m = f"0?{day.month}" if day.month < 10 else str(day.month)
    yyyy, yy = str(day.year), f"{day.year % 100:02d}"
    months = "|".join(_MONTHS[day.month - 1])
    named = rf"(?:{months})\.?"
    forms = [
        rf"{d}{_DATE_SEP}{m}{_DATE_SEP}(?:{yyyy}|'?{yy})",  # 17-11-2015, 17.11.15
        rf"{yyyy}{_DATE_SEP}{m}{_DATE_SEP}{d}",  # 2015-11-17
        rf"{d}(?:e|ste|de)?[ \-]?{named}[ \-,]{{0,2}}(?:{yyyy}|'{yy})",  # 17 nov. 2015
        rf"{named}\ {d},?\ {yyyy}",  # November 17, 2015
        rf"{m}/{d}/{yyyy}",  # 11/17/2015
        f"{day:%d%m%Y}|{day:%Y%m%d}",  # 17112015, 20151117
    ]
    return "(?:" + "|".join(forms) + r")(?!\d)"


def _date_display(day: date) -> list[str]:
    month_name = _MONTHS[day.month - 1][0]
    forms = [f"{day:%d-%m-%Y}", f"{day:%d/%m/%Y}", f"{day:%d.%m.%Y}", f"{day:%Y-%m-%d}",
             f"{day:%d-%m-%y}", f"{day:%d%m%Y}", f"{day.day} {month_name} {day.year}",
             f"{day.day} {month_name[:3]}. {day.year}", f"{day.day} {month_name[:3]} {day.year}",
             f"{day.day} {month_name.upper()} {day.year}",
             f"{day.day} {month_name.capitalize()} {day.year}",
             f"{day.day}-{day.month}-{day.year}"]
    return list(dict.fromkeys(forms))


def _add_postcode(collected: _Collector, raw: str) -> None:
    compact = re.sub(r"\s", "", raw).lower()
    match = re.fullmatch(r"(\d{4})([a-z]{2})", compact)
    collected.counts[POSTCODE] += 1
    entry = _Entry(POSTCODE, LABELS[POSTCODE])
    if not match:  # not a Dutch postcode: match it as written
        collected.literal(raw, entry, cased=False)
        collected.show(raw.strip(), POSTCODE)
        return
    digits, letters = match.groups()
    collected.patterns.append((rf"{digits}[ \-]?{letters}{AFTER_WORD}", entry))
    for sep in (" ", ""):
        collected.show(f"{digits}{sep}{letters.upper()}", POSTCODE)
        collected.show(f"{digits}{sep}{letters}", POSTCODE)


def _add_address(collected: _Collector, raw: str) -> None:
    match = re.fullmatch(r"\s*(?P<street>.*?[^\d\s,])[\s,]*(?:(?P<number>\d+)\s*(?P<tail>.*))?",
                         raw)
    if not match:
        return
    collected.counts[ADRES] += 1
    entry = _Entry(ADRES, LABELS[ADRES])
    streets = _street_forms(match["street"])
    cased = is_word_like(match["street"])
    for street in streets:
        collected.literal(street, entry, cased=cased)
        for shown in _case_forms(street, cased=True):
            collected.show(shown, ADRES)
    if match["number"]:
        _add_street_number(collected, streets, match["number"], match["tail"], entry)


def _add_street_number(collected: _Collector, streets: list[str], number: str, tail: str,
                       entry: _Entry) -> None:
    folded = sorted({fold_text(s).lower() for s in streets}, key=len, reverse=True)
    names = "|".join(re.escape(s) for s in folded)
    additions = [_HOUSE_NUMBER_ADDITIONS]
    if tail.strip():  # the entered addition as written, e.g. "zwart" in "12 zwart"
        written = re.escape(fold_text(tail).strip().lower()).replace(r"\ ", r"\ ?")
        additions.insert(0, rf"\ ?[-/]?\ ?{written}{AFTER_WORD}")
    street_number = rf"(?:{names}),?\ ?(?:(?:nr|no)\.?\ ?)?{number}(?!\d)"
    pattern = rf"{street_number}(?:{'|'.join(additions)})?"
    collected.street_patterns.append((pattern, entry))
    collected.numbers[pattern] = street_number
    collected.street_first_chars.update(s[0] for s in folded)
    for street in streets:
        collected.show(f"{street} {number}{tail}".strip(), ADRES)


def _street_forms(street: str) -> list[str]:
    forms = [street.strip()]
    lowered = street.lower()
    for suffix, abbreviations in _STREET_ABBREVIATIONS.items():
        if lowered.endswith(suffix):
            forms += [street[: -len(suffix)] + a for a in abbreviations]
    return forms


def _add_email(collected: _Collector, raw: str) -> None:
    collected.counts[EMAIL] += 1
    collected.literal(raw.strip(), _Entry(EMAIL, LABELS[EMAIL]), cased=False)
    collected.show(raw.strip(), EMAIL)
    collected.show(raw.strip().lower(), EMAIL)
