"""Context rules of the flagger: who is a professional, and what looks like a name but is none.

`detect.flag_personal_data` finds candidate names (deduce and our cues); these rules then
decide, by class and never by single string:

- a professional (`is_professional`): a role just before the name ("de wijkagent, Dennis
  Kuipers", "Schoolmaatschappelijk werk | Priya Mangal"), a role or an organisation just
  after it ("R. Hoogland, verzuimcoördinator", "mevrouw Bouwman (GGD Haaglanden)",
  "Erik Mol (LPA)", "Marloes Verhoef (intern begeleider)" also wrapped over a line), "namens
  het CJG Mirjam de Lange", and the name of a signature block ("Met vriendelijke groet, /
  Fatima Ouali / Schoolmaatschappelijk werker"). Roles come from resources/detect/
  rollen.txt (words and word endings: "-coördinator" covers verzuimcoördinator),
  organisations from organisaties.txt plus any acronym of two to six capitals;
- a later mention of a professional without the role ("mevrouw Bouwman", "Petra") is one
  too, within a document (`ProfessionalNames`);
- no name at all (`not_a_name`): school subjects and languages (vakken.txt: "Engels 7,2",
  "de lessen Frans"), names that are ordinary words (naamwoorden.txt: "beroepswens Kok of
  Bakker", "Groen" in a traffic light), form labels and headings (labels.txt), unless a
  person cue stands right before them ("zus Roos");
- institutions (`institution_spans`): schools, hospitals and programmes named after people
  ("Juliana Kinderziekenhuis", "Johan de Witt-scholengroep", "IKC Anne Frank", "Rots en
  Water"), by their head noun or prefix, or from instellingen.txt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from dossier_app.paths import resources_dir


@dataclass(frozen=True)
class Lexicon:
    words: frozenset[str]  # whole words or phrases, lowercase
    endings: tuple[str, ...]  # word endings ("-coördinator" -> "coördinator")


@cache
def lexicon(name: str) -> Lexicon:
    """resources/detect/<name>.txt: one entry a line, `#` comments, `-x` a word ending."""
    lines = (resources_dir() / "detect" / f"{name}.txt").read_text("utf-8").splitlines()
    entries = [line.split("#", 1)[0].strip() for line in lines]
    entries = [e for e in entries if e]
    if name != "instellingen":
        entries = [e.lower() for e in entries]
    return Lexicon(frozenset(e for e in entries if not e.startswith("-")),
                   tuple(e[1:] for e in entries if e.startswith("-")))


def _alternation(words: Iterable[str]) -> str:
    # longest first, so "intern begeleider" wins over "intern"
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@cache
def _role() -> str:
    roles = lexicon("rollen")
    endings = _alternation(roles.endings)
    return (rf"(?<![\w'’])(?:{_alternation(roles.words)}|[\w'’\-]*(?:{endings}))"
            r"(?![\w'’])")


@cache
def _organisation() -> str:
    orgs = lexicon("organisaties")
    endings = _alternation(orgs.endings)
    return (rf"(?<![\w'’])(?:{_alternation(orgs.words)}|[\w'’\-]*(?:{endings}))(?![\w'’])")


# an organisation's acronym ("(GGD Haaglanden)", "(LPA)"), only in parentheses
_ACRONYM = r"(?-i:[A-Z][A-Za-z]?[A-Z][A-Z0-9&]{0,4})(?![\w'’])"


# separators between a role and the name it belongs to: white space (also a line break),
# a colon, comma, dash, bar or tab (table columns)
_SEP = r"[\s:,|\-–—]*"


@cache
def _role_before() -> re.Pattern[str]:
    return re.compile(
        rf"(?:(?<![\w'’])(?:{_role()})\s*(?:\([^()\n]{{0,40}}\))?{_SEP}"
        # "teamleider onderbouw, Erik Bos", "leerkracht groep 6: ..."
        rf"|(?<![\w'’])(?:{_role()})(?:\s+[a-z0-9][\w'’\-]*){{1,3}}\s*[,:|]\s*"
        rf"|(?<![\w'’])namens\s+(?:het\s+|de\s+)?(?:[^\s,;.]+\s+){{1,4}}"
        r"|(?:met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|hartelijke\s+groet(?:en)?"
        r"|hoogachtend|groet(?:en)?)\s*,?\s*(?:\n\s*)*)$",
        re.IGNORECASE)


@cache
def _role_after() -> re.Pattern[str]:
    return re.compile(
        rf"\s*(?:\(\s*(?:de\s+|het\s+)?(?:{_ACRONYM}|{_role()}|{_organisation()})"
        rf"|[,\-–—|]\s*(?:de\s+|het\s+|onze\s+|jullie\s+)?(?:{_role()}|{_organisation()})"
        rf"|[ \t]+(?:{_role()})"  # a table row: "Sietse Hoekman   afdelingsleider"
        rf"|\s*\n\s*(?:(?:functie|rol)\s*:\s*)?(?:{_role()})"
        rf"|\s+(?:van|namens)\s+(?:het\s+|de\s+)?(?:{_ACRONYM}|{_organisation()}))",
        re.IGNORECASE)


def is_professional(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is named as a professional (see the module)."""
    before = text[max(0, start - 80):start]
    if _role_before().search(before):
        return True
    return _role_after().match(text, end) is not None


@cache
def _organisation_after() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:van|namens)\s+(?:het\s+|de\s+)?(?:{_ACRONYM}|{_organisation()})",
                      re.IGNORECASE)


def without_organisation(text: str, start: int, end: int) -> int:
    """The end of a name that ran on into its organisation ("Petra Mangal van Youz")."""
    m = _organisation_after().search(text, start, end)
    return m.start() if m else end


@cache
def _role_anywhere() -> re.Pattern[str]:
    return re.compile(_role(), re.IGNORECASE)


def role_on_line_before(text: str, start: int) -> bool:
    """A role earlier on the same line: "F. Lambrechts  leerplichtambtenaar  070 353 5454",
    a signature's "jeugdverpleegkundige, T 070 ..." (an office number)."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - 100)
    return _role_anywhere().search(text, line_start, start) is not None


# A signature block: the greeting opens a line, the lines after it are short (name, role,
# organisation, contact details), not sentences.
_GREETING = re.compile(r"(?:^|\n)[ \t]*(?:(?:met\s+)?(?:vriendelijke|hartelijke)?\s*groet(?:en)?\s*,?"
                       r"|hoogachtend,?)[ \t]*(?:\r?\n[^\n]{0,60}){0,5}$", re.IGNORECASE)
@cache
def _role_field() -> re.Pattern[str]:
    """A form field naming a role: "Functie: verzuimcoördinator"."""
    return re.compile(rf"(?:^|\n)[ \t]*(?:functie|rol)\s*:\s*(?:{_role()})", re.IGNORECASE)


def professional_contact(text: str, start: int) -> bool:
    """A phone number or e-mail address of a professional: a role on its line, a role
    field ("Functie: ...") in the two lines above it, or the signature block of a letter
    (a greeting at most five lines above it)."""
    if role_on_line_before(text, start):
        return True
    above = _lines_above(text, start, 2)
    if _role_field().search(text, above, start):
        return True
    line_start = text.rfind("\n", 0, start)
    if line_start < 0:
        return False
    return _GREETING.search(text, _lines_above(text, start, 6), line_start) is not None


def _lines_above(text: str, start: int, count: int) -> int:
    pos = start
    for _ in range(count + 1):
        pos = text.rfind("\n", 0, pos)
        if pos < 0:
            return 0
    return pos + 1


def surname_words() -> frozenset[str]:
    """Names that are also words (naamwoorden.txt): a surname after a first name."""
    return lexicon("naamwoorden").words


def subject_words() -> frozenset[str]:
    return lexicon("vakken").words


def label_words() -> frozenset[str]:
    return lexicon("labels").words


@cache
def role_words() -> frozenset[str]:
    return frozenset(w for phrase in lexicon("rollen").words for w in phrase.split())


# --- no names ---------------------------------------------------------------------------

@cache
def _no_name_words() -> frozenset[str]:
    return (lexicon("vakken").words | lexicon("naamwoorden").words | lexicon("labels").words
            | lexicon("woorden").words)


def not_a_name(words: list[str], cued: bool) -> bool:
    """A candidate name made only of form labels, or only of subjects, ordinary words or
    labels without a person cue right before it ("zus Roos" is a name, "op Groen" is not)."""
    keys = [k for k in (re.sub(r"['’]s$", "", w.strip(".,;:()").lower()) for w in words)
            if k and k not in _PARTICLES]
    if not keys:
        return True  # only tussenvoegsels ("de")
    if all(k in lexicon("organisaties").words for k in keys):
        return True  # "(casemanager, Youz)"
    if all(k in lexicon("labels").words for k in keys):
        return True  # "Naam Relatie Geboortedatum": labels, also after the cue "Naam"
    return not cued and all(k in _no_name_words() for k in keys)


# --- institutions ----------------------------------------------------------------------

_HEADS = (r"college|lyceum|gymnasium|atheneum|mavo|havo|vwo|ziekenhuis|kliniek|instituut|academie"
          r"|universiteit|hogeschool|scholengemeenschap|scholengroep|school|kindcentrum|centrum"
          r"|stichting|campus|praktijk")
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|'t|en|&)"
_CAP = r"[^\W\d_a-z][\w'’]*"
# capitalised words, then a capitalised word ending in a head noun: "Juliana Kinderziekenhuis",
# "Johan de Witt-scholengroep", "Dr. Schaepmanschool", "Jan Ligthart School"
_INSTITUTION_HEAD = re.compile(
    rf"(?<![\w'’])(?:(?:Dr|St|Sint|Mr)\.\s*)?(?:{_CAP}\s+(?:{_PARTICLE}\s+)*){{0,4}}"
    rf"(?=[^\W\d_a-z])[\w'’\-]*?(?i:{_HEADS})(?![\w'’])")
_INSTITUTION_PREFIX = re.compile(
    r"(?<![\w'’])(?:(?i:basisschool|school|scholengemeenschap|kindcentrum|ziekenhuis|praktijk|stichting"
    r"|training|methode|cursus|programma)|OBS|CBS|PCBS|RKBS|IKC|SBO|SO|VSO|KDV|BSO|ISK)"
    rf"\s+(?:(?i:de|het|'t)\s+)?(?P<name>{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{0,3}})")
_PREFILTER = re.compile(rf"{_HEADS}|training|methode|cursus|programma|OBS|CBS|IKC|SBO|SO|KDV|BSO|ISK",
                        re.IGNORECASE)


@cache
def _gazetteer() -> re.Pattern[str]:
    names = lexicon("instellingen").words
    return re.compile(rf"(?<![\w'’])(?:{_alternation(names)})(?![\w'’])")


def institution_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _gazetteer().finditer(text)]
    if _PREFILTER.search(text):
        spans += [m.span() for m in _INSTITUTION_HEAD.finditer(text)]
        spans += [m.span("name") for m in _INSTITUTION_PREFIX.finditer(text)]
    return spans


# --- later mentions of a professional ------------------------------------------------------

_PARTICLES = frozenset({"van", "der", "den", "de", "het", "ter", "ten", "te", "el", "al", "ben",
                        "la", "le", "du", "da", "von", "'t"})


def _name_words(name: str) -> list[str]:
    words = [w.strip(".,;:()'’").lower() for w in name.split()]
    return [w for w in words if len(w) > 1 and w not in _PARTICLES]


@dataclass
class ProfessionalNames:
    """The words of the names of professionals seen in a document; a name made only of
    those words ("Bouwman", "Petra", "P. Smit") is that professional mentioned again."""

    words: set[str] = field(default_factory=set)

    def add(self, name: str) -> None:
        self.words.update(_name_words(name))

    def known(self, name: str) -> bool:
        words = _name_words(name)
        return bool(words) and all(w in self.words for w in words)
