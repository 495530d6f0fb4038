"""Normalisation for matching, with a map back to the original characters.

Text from PDFs and Word files hides names behind line breaks, hyphenation marks, odd
spaces, ligatures and diacritics. We match on a normalised copy and map every hit back
to the exact span of the original, so the redactor removes what is really drawn.

The normalised form:
- drops line-end hyphenation (a hyphen after a letter followed by a line break, and the
  marks PDFium and Word use for it: U+00AD, U+0002, U+FFFE) together with the break;
- drops zero-width characters;
- turns every run of whitespace into one space;
- folds diacritics and compatibility forms (é->e, ﬁ->fi) and maps ı, ø, ł, ß, æ, œ
  explicitly; unifies apostrophes and hyphen-like dashes;
- keeps case, so callers can match case-sensitively on `text` or case-insensitively on
  `lower` (same length, same positions).

Only the characters that change are visited in Python; plain ASCII runs are copied in
one slice, which keeps a 3,000-character page in the tens of microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# A letter or digit, but not "_": file names like "verslag_Noor.pdf" must still match.
BEFORE_WORD = r"(?<![^\W_])"
AFTER_WORD = r"(?![^\W_])"

_EXPLICIT = {
    "ı": "i", "İ": "I", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "ẞ": "SS",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "ħ": "h", "Ħ": "H",
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}

_HYPHENS = "-\u2010\u2011"
_MARKS = "\u00ad\u0002\ufffe"  # hyphenation marks that never show as such
_LINE_BREAK = r"(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])"
# Starts with one character class, so the regex engine skips plain text in C and only
# stops at spaces, hyphens and non-ASCII characters. What the match is, is told by its
# first character (see `_replacement`); a lone space or hyphen does not match at all.
_SPECIAL = re.compile(
    rf"[{_HYPHENS}{_MARKS}\s\x80-\U0010ffff]"
    rf"(?:(?<=\w[{_HYPHENS}])[^\S\r\n]*{_LINE_BREAK}\s*"  # word continues on next line
    rf"|(?<=[{_MARKS}])\s*"  # a mark, with the line break that may follow
    r"|(?<=\s)\s+"  # a run of whitespace
    r"|(?<=[^\S ])"  # one tab, line break, no-break space...
    r"|(?<=[^\x00-\x7f]))"  # any other non-ASCII character
)


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character as it appears in the normalised text (possibly empty or longer)."""
    if char in _EXPLICIT:
        return _EXPLICIT[char]
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_text(text: str) -> str:
    """Fold a short string (an identifier) the same way `normalise` folds a page."""
    return normalise(text).text


@dataclass(frozen=True)
class Normalised:
    """A normalised copy of a text and the map back to the original.

    `_seg_*` describe the stretches that changed, in order. Between them the two texts
    run in step, shifted by the length difference accumulated so far."""

    original: str
    text: str
    lower: str
    _seg_norm_start: tuple[int, ...]
    _seg_norm_end: tuple[int, ...]
    _seg_orig_start: tuple[int, ...]
    _seg_orig_end: tuple[int, ...]

    def _char_span(self, index: int) -> tuple[int, int]:
        """Original span of the normalised character at `index`."""
        k = bisect_right(self._seg_norm_start, index) - 1
        if k >= 0 and index < self._seg_norm_end[k]:
            return self._seg_orig_start[k], self._seg_orig_end[k]
        shift = self._seg_orig_end[k] - self._seg_norm_end[k] if k >= 0 else 0
        return index + shift, index + shift + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalised [start, end) (end > start)."""
        return self._char_span(start)[0], self._char_span(end - 1)[1]


def normalise(text: str) -> Normalised:
    pieces: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    copied = 0  # original index up to which text is in `pieces`
    norm_len = 0
    for match in _SPECIAL.finditer(text):
        start, end = match.span()
        replacement = _replacement(match.group())
        if replacement is None:
            continue
        pieces.append(text[copied:start])
        norm_len += start - copied
        pieces.append(replacement)
        ns.append(norm_len)
        os_.append(start)
        oe.append(end)
        norm_len += len(replacement)
        ne.append(norm_len)
        copied = end
    pieces.append(text[copied:])
    folded = "".join(pieces)
    return Normalised(text, folded, _lower_same_length(folded),
                      tuple(ns), tuple(ne), tuple(os_), tuple(oe))


def _replacement(matched: str) -> str | None:
    """What a `_SPECIAL` match becomes; None when it stays as it is."""
    first = matched[0]
    if first in _MARKS or (first in _HYPHENS and len(matched) > 1):
        return ""
    if first.isspace():
        return " "
    folded = fold_char(first)
    return None if folded == first else folded


def _lower_same_length(text: str) -> str:
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    # a few characters lowercase to two; keep those as they are so positions hold
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def trie_pattern(literals: Iterable[str], leaf_end: str = AFTER_WORD) -> str:
    """A regex matching any of `literals`, longest first, factored by common prefixes.

    One factored pattern is much faster than an alternation of hundreds of literals:
    at each position the regex engine follows one branch instead of trying them all.
    `leaf_end` is appended where a literal ends (a word-boundary check)."""
    root: dict[str, dict] = {}
    for literal in literals:
        if not literal:
            continue
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_to_regex(root, leaf_end) if root else "(?!)"


def _trie_to_regex(node: dict[str, dict], leaf_end: str) -> str:
    branches = []
    for char in sorted(k for k in node if k):
        child = node[char]
        chain = re.escape(char)
        while len(child) == 1 and "" not in child:  # compress single-child chains
            (next_char, child), = child.items()
            chain += re.escape(next_char)
        branches.append(chain + _trie_to_regex(child, leaf_end))
    if "" in node:
        branches.append(leaf_end)  # last: longer literals are tried first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
