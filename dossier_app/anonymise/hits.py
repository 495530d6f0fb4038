"""The contract between finding identifiers and removing them.

A Finder looks at a piece of text and returns the spans to remove. The DOCX and PDF
redactors and the leak gate all take a Finder, so they agree on what counts as a hit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Hit:
    start: int  # index into the text given to the finder
    end: int  # exclusive
    # categorie: "naam", "geboortedatum", "bsn", "adres", "postcode", "telefoon", "email", ...
    categorie: str
    label: str  # pseudonym to put in its place where text is replaced, e.g. "[leerling]", "[moeder]"


Finder = Callable[[str], list[Hit]]


# How PDFium marks a hyphen at a line end (U+0002, U+FFFE) and the soft hyphen; and the
# hyphens a line may end on.
LINE_END_MARKS = frozenset({"\x02", "\ufffe", "\u00ad"})
HYPHENS = frozenset({"-", "\u2010", "\u2011"})


# A line-end mark with the white space after it, or a hyphen at a line end with the line
# break and the next line's indentation: what joining a word split over two lines removes.
_LINE_END_SPLIT = re.compile("[" + "".join(sorted(LINE_END_MARKS)) + r"]\s*"
                             "|[" + "".join(sorted(HYPHENS)) + r"](?:\r\n|[\r\n])\s*")


_SPLIT_STARTS = (*LINE_END_MARKS, *(h + b for h in HYPHENS for b in "\r\n"))


def joined_lines(text: str) -> tuple[str, list[int]] | None:
    """`text` with line-end hyphenation undone, and per char of it its index in `text`;
    None when there is nothing to join.

    PDFium marks a line-end hyphen as U+0002 or U+FFFE, or leaves '-' before the line
    break (so do pdftotext and mutool); a name split as "Jan-" / "sen" is only found once
    that is joined."""
    if not any(mark in text for mark in _SPLIT_STARTS):
        return None  # the usual page: a few substring scans instead of a regex pass
    pieces: list[str] = []
    index: list[int] = []
    done = 0
    for m in _LINE_END_SPLIT.finditer(text):
        pieces.append(text[done:m.start()])
        index.extend(range(done, m.start()))
        done = m.end()
    if not done:
        return None
    pieces.append(text[done:])
    index.extend(range(done, len(text)))
    return "".join(pieces), index


# A separator that may end a line inside an identifier: a hyphen (or a line-end mark
# standing for one), or a dot, slash, at sign or underscore inside a number, date or
# e-mail address ("09-09-" / "2011", "2433.90." / "117", "hotmail." / "com").
_KEPT_SEPARATORS = "".join(sorted(HYPHENS)) + "./@_"
_LINE_END_SEPARATOR = re.compile(
    "[" + "".join(sorted(LINE_END_MARKS)) + r"][^\S\r\n]*(?:(?:\r\n|[\r\n])\s*)?"
    "|[" + re.escape(_KEPT_SEPARATORS) + r"][^\S\r\n]*(?:\r\n|[\r\n])\s*")
_HARD_SPLIT_STARTS = (*LINE_END_MARKS, *(c + b for c in _KEPT_SEPARATORS for b in "\r\n"))


def kept_separator_lines(text: str) -> tuple[str, list[int]] | None:
    """`text` with the line breaks after a separator taken out and the separator kept,
    and per char of it its index in `text`; None when there is nothing to join.

    The other reading of a line-end hyphen: in "09-09-" / "2011" or "Kramer-" / "Özdemir"
    the hyphen belongs to the identifier ("09-09-2011"), where `joined_lines` would make
    "09-092011". PDFium's line-end marks become a hyphen. A dot, slash, at sign or
    underscore at a line end is joined the same way inside a number or an e-mail address
    (`_joins_here`), not at the end of a sentence."""
    if not any(mark in text for mark in _HARD_SPLIT_STARTS):
        return None
    pieces: list[str] = []
    index: list[int] = []
    done = 0
    for m in _LINE_END_SEPARATOR.finditer(text):
        start, end = m.span()
        after = text[end:end + 1]
        if not (start and text[start - 1].isalnum() and after.isalnum()):
            continue
        if not _joins_here(text, start, end):
            continue
        separator = text[start]
        pieces.append(text[done:start])
        index.extend(range(done, start))
        pieces.append("-" if separator in LINE_END_MARKS else separator)
        index.append(start)
        done = end
    if not done:
        return None
    pieces.append(text[done:])
    index.extend(range(done, len(text)))
    return "".join(pieces), index


def _joins_here(text: str, start: int, end: int) -> bool:
    """Whether the separator at `start` (its line break up to `end`) is one inside an
    identifier: a hyphen between letters or digits; a dot, slash or underscore between
    digits ("2433.90." / "117", "09/09/" / "2011") or in a word that is part of an e-mail
    address ("hotmail." / "com", "ilse." / "kramer@..."); an at sign. A full stop at the
    end of a sentence is none, also after an address or when the next line goes on in
    lowercase."""
    separator = text[start]
    if separator in HYPHENS or separator in LINE_END_MARKS or separator == "@":
        return True
    if text[start - 1].isdigit() and text[end].isdigit():
        return True
    word_start = max(text.rfind(c, 0, start) for c in " \t\r\n") + 1
    next_end = min((k for k in (text.find(c, end) for c in " \t\r\n") if k >= 0),
                   default=len(text))
    in_address = "@" in text[word_start:start] or "@" in text[end:next_end]
    return in_address and not text[end].isupper()  # "...@school.nl." / "De ..." ends a sentence


def text_views(text: str) -> Iterator[tuple[str, list[int] | None]]:
    """The raw text and, if it has any line-end splits, the two ways of reading them:
    with line-end hyphenation undone (the hyphen dropped) and with the separator kept
    (with, per char of a view, its index in `text`). A hit found in either view is a
    hit on both lines."""
    yield text, None
    for joined in (joined_lines(text), kept_separator_lines(text)):
        if joined is not None:
            yield joined


def hits_in_all_views(finder: Finder, text: str) -> list[Hit]:
    """The finder's hits over all text views, as spans of `text`; one per span (the first)."""
    found: dict[tuple[int, int], Hit] = {}
    for view, index in text_views(text):
        for hit in finder(view):
            if hit.end <= hit.start:
                continue
            span = (hit.start, hit.end) if index is None else (index[hit.start], index[hit.end - 1] + 1)
            if span not in found:
                found[span] = replace(hit, start=span[0], end=span[1])
    return list(found.values())


def find_hits(finder: Finder, text: str) -> dict[tuple[int, int], str]:
    """Hits as (start, end) in `text` -> categorie, over all text views."""
    return {(h.start, h.end): h.categorie for h in hits_in_all_views(finder, text)}


# --- the text as a person reads it over its line ends --------------------------------------

_BREAK = r"(?:\r\n|[\r\n])"
# A line-end mark (with any line break and indentation after it), or a hyphen ending a line.
_READ_MARK = re.compile("[" + "".join(sorted(LINE_END_MARKS)) + r"][^\S\r\n]*(?:" + _BREAK
                        + r"[^\S\r\n]*)?")
_READ_HYPHEN = re.compile("[" + "".join(sorted(HYPHENS)) + r"][^\S\r\n]*" + _BREAK + r"[^\S\r\n]*")
# A line break between two digits, and a line break after a 4-digit group before two capitals.
_READ_DIGITS = re.compile(r"(?<=[\dA-Z])[^\S\r\n]*" + _BREAK + r"[^\S\r\n]*(?=\d)")
_READ_POSTCODE = re.compile(r"(?<=\b[1-9]\d{3})[^\S\r\n]*" + _BREAK
                            + r"[^\S\r\n]*(?=(?!SA|SD|SS)[A-Z]{2}(?![^\W_]))")
# What makes the digits at a line end a number that goes on: it starts like a phone number
# ("+48 601 234", "06 23", "070 345") or an IBAN, or a cue stands before it on the line.
_NUMBER_TAIL = re.compile(r"(?:(?<![\w+])\+\d|(?<![\w])0\d|(?<![\w])[A-Z]{2}\d\d)[\d \-./A-Z]*$")
_NUMBER_CUE = re.compile(r"(?i)\b(?:tel|telefoon\w*|nummer|nr|mobiel|gsm|bel\w*|bereikbaar|bsn"
                         r"|burgerservicenummer|iban|rekening\w*|fax)\b[^\n]{0,40}$")
_IBAN_TAIL = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d\d(?: ?[A-Z0-9]{4})*(?: ?[A-Z0-9]{1,3})?$")
_GROUPS_TAIL = re.compile(r"(?<![\w.\-])\d[\d .\-]*$")
_GROUPS_HEAD = re.compile(r"\d[\d .\-]*(?![\w])")
_POSTCODE_CUE = re.compile(r"(?i)(?:\bpostcode\b[^\n]{0,20}|[^\W\d_]{3,}\.?\s+\d{1,5}"
                           r"(?:\s?[a-z]{1,3}\b|\s?-\s?\w{1,4})?,?\s*)[1-9]\d{3}$")
_DATE_OR_TIME_TAIL = re.compile(r"(?:\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\b\d{1,2}[.:]\d\d)$")
# Words that follow a hyphen that stays: "groeps- en klassenniveau", "voor- of naschoolse".
_ELLIPSIS_NEXT = frozenset({"en", "of", "tot", "t/m", "als", "dan"})


def line_reading(text: str) -> tuple[str, list[int], list[int]] | None:
    """`text` as a person reads it over its line ends, per char of it its index in `text`,
    and the positions in the reading where a line end was joined; None when no line end
    joins.

    - A word hyphenated at the line end (PDFium's U+0002 or U+FFFE, a soft hyphen, or a
      hyphen before the line break) with a lowercase continuation is one word:
      "Bouch-" / "taoui" reads "Bouchtaoui". Before a capital or a digit the hyphen is part
      of the word and stays: "Noord-" / "Holland", "Jan-" / "Willem", "09-09-" / "2011".
      "groeps-" / "en ..." keeps its hyphen and its line break, and so does an e-mail
      address ("ilse.kramer-" / "ozdemir@..."): the other readings (`text_views`) cover it.
    - Digits going on on the next line form one number when the line ends like the start
      of a phone number or IBAN ("+48 601 234" / "567", "+31 6" / "41236587") or a number
      cue stands before them on the line ("BSN 2433 90" / "117"): the line break reads as
      a space. So does a postcode after a street and house number or "postcode"
      ("Laakkade 14, 2521" / "AB").
    - Anything else stays as it is: a line starting with a dash (a list item) after a
      line ending in a word is no continuation."""
    if not any(c in text for c in "\r\n\x02\ufffe\u00ad"):
        return None
    edits = [*_hyphenation_edits(text), *_number_edits(text)]
    if not edits:
        return None
    pieces: list[str] = []
    index: list[int] = []
    joins: list[int] = []
    done = 0
    for start, end, replacement in sorted(edits):
        if start < done:
            continue  # two rules on one line end: the first one
        pieces.append(text[done:start])
        index.extend(range(done, start))
        joins.append(len(index))
        pieces.append(replacement)
        index.extend([start] * len(replacement))
        done = end
    pieces.append(text[done:])
    index.extend(range(done, len(text)))
    return "".join(pieces), index, joins


_Edit = tuple[int, int, str]  # text[start:end] reads as the replacement


def _hyphenation_edits(text: str) -> Iterator[_Edit]:
    for m in _READ_MARK.finditer(text):
        start, end = m.span()
        after = text[end:end + 1]
        if start and text[start - 1].isalnum() and after.isalnum():
            joined = after.islower() and not _in_address(text, start, end)
            yield start, end, "" if joined else "-"
    for m in _READ_HYPHEN.finditer(text):
        start, end = m.span()
        after = text[end:end + 1]
        if not (start and text[start - 1].isalnum() and after.isalnum()):
            continue
        if not after.islower():
            yield start + 1, end, ""  # the hyphen stays, the line break goes
            continue
        word = re.match(r"\S*", text[end:])
        if not ((word is not None and word.group() in _ELLIPSIS_NEXT)
                or _in_address(text, start, end)):
            yield start, end, ""


def _number_edits(text: str) -> Iterator[_Edit]:
    for m in _READ_DIGITS.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if not line[-1:].isdigit():  # "NL83 SNSB" / "4018 7479 49": an IBAN's groups only
            if _IBAN_TAIL.search(line):
                yield m.start(), m.end(), " "
            continue
        if _DATE_OR_TIME_TAIL.search(line):
            continue  # "op 01-09-2020" / "12 leerlingen": a date ends there
        if _NUMBER_TAIL.search(line) or _NUMBER_CUE.search(line) or _bsn_over(line, text, m.end()):
            yield m.start(), m.end(), " "
    for m in _READ_POSTCODE.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if _POSTCODE_CUE.search(line):
            yield m.start(), m.end(), " "


def _bsn_over(line: str, text: str, next_start: int) -> bool:
    """Whether the digit groups ending `line` and starting the next line make nine digits
    that pass the 11-proef ("1112 22" / "333"): a BSN, whatever stands before it."""
    tail, head = _GROUPS_TAIL.search(line), _GROUPS_HEAD.match(text, next_start)
    if tail is None or head is None:
        return False
    digits = re.sub(r"\D", "", tail.group() + head.group())
    if len(digits) != 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether the line-end split at `start`..`end` is inside an e-mail address or a web
    address (no white space between it and an "@", "www." or "://")."""
    before = re.search(r"\S*$", text[:start])
    after = re.match(r"\S*", text[end:])
    word = (before.group() if before else "") + (after.group() if after else "")
    return "@" in word or "www." in word or "://" in word


# --- over a page break -----------------------------------------------------------------------

# How many lines with text at the end of a page and at the start of the next may hold the two
# parts of an identifier split by the page break: the body's last line can stand above a
# footer of two lines and the bundle's stamp, the next page's first line below a header.
SEAM_LINES = 4
# Of each such line only the words nearest the break: the longest identifier (a parent's
# name with particles and a double surname, an address with its postcode) is shorter.
SEAM_WORDS = 8
# A line: up to a line break, or up to and with a line-end mark (PDFium marks a hyphen at a
# line end and puts the next line straight after it: "el Am\ufffeVerslag MDO").
_SEAM_LINE = re.compile(r"[^\r\n\f\x02\ufffe]*[^\s\x02\ufffe][^\r\n\f\x02\ufffe]*[\x02\ufffe]?")
_WORD = re.compile(r"\S+")


def _head_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the first SEAM_LINES lines of a page's text that hold anything but
    white space, each up to its SEAM_WORDS-th word."""
    head = []
    for m in _SEAM_LINE.finditer(text):
        words = [w.end() for w in _WORD.finditer(text, *m.span())]
        head.append((m.start(), words[SEAM_WORDS - 1] if len(words) > SEAM_WORDS else m.end()))
        if len(head) == SEAM_LINES:
            break
    return head


def _tail_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the last SEAM_LINES such lines, each from its SEAM_WORDS-th last word."""
    tail = []
    for m in _last_lines(text):
        words = [w.start() for w in _WORD.finditer(text, *m.span())]
        tail.append((words[-SEAM_WORDS] if len(words) > SEAM_WORDS else m.start(), m.end()))
    return tail


def _last_lines(text: str) -> list[re.Match[str]]:
    """The last SEAM_LINES lines with text, found in the page's end only where it has them."""
    window = max(0, len(text) - 2048)
    while True:
        lines = list(_SEAM_LINE.finditer(text, window))
        if window and lines and lines[0].start() == window and text[window - 1] not in "\r\n\f\x02\ufffe":
            lines = lines[1:]  # it started inside its line
        if len(lines) >= SEAM_LINES or not window:
            return lines[-SEAM_LINES:]
        window = max(0, window - 8192)


# Between the pairs of lines in `seam_text`: a line no reading joins over (neither a hyphen
# nor a digit touches the line break) and no identifier spans.
_PAIR_BREAK = "\n|\n"


@dataclass(frozen=True)
class _Pair:
    at: int  # where the pair starts in the seam text
    split: int  # the length of its first line: the page break follows it
    before: int  # where that line starts in the text of the page before the break
    after: int  # where the second line starts in the text of the page after it
    end: int  # where the pair ends in the seam text


def seam_text(before: str, after: str) -> tuple[str, list[_Pair]]:
    """The text that reads over the break between two pages: each of the last lines of
    `before`, a line break and each of the first lines of `after`, pair by pair. A name
    hyphenated over the break ("el Am-" / "rani") or a date split there ("17-11-" / "2015")
    is one identifier here, and in neither page alone. One text, so that a finder runs
    once per page break."""
    tail = _tail_lines(before)
    head = _head_lines(after)
    pieces: list[str] = []
    pairs: list[_Pair] = []
    at = 0
    for t_start, t_end in tail:
        first = before[t_start:t_end]
        for h_start, h_end in head:
            piece = f"{first}\n{after[h_start:h_end]}"
            pieces.append(piece)
            pairs.append(_Pair(at, len(first), t_start, h_start, at + len(piece)))
            at += len(piece) + len(_PAIR_BREAK)
    return _PAIR_BREAK.join(pieces), pairs


@dataclass(frozen=True)
class Continued:
    """A line at the foot of a page that ends in a word hyphenated over the page break,
    read with one of the next page's first lines (`hyphenated_seams`)."""

    text: str  # the two lines, with a line break between them
    split: int  # where the line break is in `text`
    before: int  # where the first line starts in the page before
    after: int  # where the second line starts in the page after

    def crosses(self, start: int, end: int) -> bool:
        """Whether a span of `text` has a part on both pages."""
        return start < self.split and self.split + 1 < end


def hyphenated_seams(before: str, after: str) -> list[Continued]:
    """The last lines of `before` that end in a hyphen (or PDFium's line-end mark), each with
    each of the first lines of `after` that goes on in lower case: "Yasmi-" at the foot of a
    page and "na Bakkali kwam" at the top of the next. For the flagger, which looks for names
    nobody entered: a page's header ("Verslag MDO") is not read as the rest of a word."""
    seams = []
    heads = [(start, end) for start, end in _head_lines(after) if after[start:end].lstrip()[:1].islower()]
    for t_start, t_end in _tail_lines(before) if heads else []:
        first = before[t_start:t_end]
        if first.rstrip()[-1:] not in HYPHENS | LINE_END_MARKS:
            continue
        for h_start, h_end in heads:
            seams.append(Continued(f"{first}\n{after[h_start:h_end]}", len(first), t_start, h_start))
    return seams


def seam_hits(finder: Finder, before: str, after: str
              ) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """The hits that cross the break between two pages (`seam_text`), as spans of
    `before` and of `after` -> categorie: the part on each page is removed there. Hits
    within one line are each page's own (`find_hits`)."""
    text, pairs = seam_text(before, after)
    in_before: dict[tuple[int, int], str] = {}
    in_after: dict[tuple[int, int], str] = {}
    if not pairs:
        return in_before, in_after
    starts = [pair.at for pair in pairs]
    for hit in hits_in_all_views(finder, text):
        pair = pairs[bisect.bisect_right(starts, hit.start) - 1]
        split = pair.at + pair.split
        if hit.start < split and split + 1 < hit.end:
            in_before[(pair.before + hit.start - pair.at, pair.before + pair.split)] = hit.categorie
            in_after[(pair.after, pair.after + min(hit.end, pair.end) - split - 1)] = hit.categorie
    return in_before, in_after
