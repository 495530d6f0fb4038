"""Keep identifiers out of everything that leaves the user's screen.

`scrub_label` is for short strings we did not write ourselves but must show in a JSON
report or a log: file names from the case file. It is deliberately blunt: every
name part, number and date of the known people is replaced, case- and accent-blind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from dossier_app.case_model import Case

_MIN_TOKEN = 3
_SPECIAL = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe",
                          "đ": "d", "ð": "d", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, accents removed, special letters mapped: 'Özdemir' -> 'ozdemir'."""
    text = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _date_tokens(d: date | None) -> list[str]:
    if d is None:
        return []
    return [f"{d.day:02d}{d.month:02d}{d.year}", f"{d.year}{d.month:02d}{d.day:02d}",
            f"{d.day}{d.month}{d.year}", f"{d.day:02d}{d.month:02d}{d.year % 100:02d}"]


def identifier_tokens(case: Case) -> list[str]:
    """Folded tokens of every identifier in the case, longest first."""
    lr = case.leerling
    texts: list[str] = [lr.voornamen, lr.roepnaam, lr.achternaam, lr.adres, lr.postcode, lr.bsn]
    dates = [lr.geboortedatum]
    texts += list(case.extra_termen)
    for p in case.personen:
        texts += [p.naam, p.telefoon, p.email, p.adres, p.postcode]
        dates.append(p.geboortedatum)
    tokens: set[str] = set()
    for text in texts:
        tokens.update(_tokens(text))
    for d in dates:
        tokens.update(_date_tokens(d))
    return sorted(tokens, key=len, reverse=True)


def _tokens(text: str) -> Iterable[str]:
    folded = fold(text)
    digits = re.sub(r"\D", "", folded)
    if len(digits) >= 6:
        yield digits
    for part in re.split(r"[^0-9a-z]+", folded):
        if len(part) >= _MIN_TOKEN and not part.isdigit():
            yield part
    compact = re.sub(r"[^0-9a-z]", "", folded)
    if len(compact) >= _MIN_TOKEN:
        yield compact


def scrub_label(text: str, tokens: list[str]) -> str:
    """Replace identifier tokens in a short label; positions follow the folded text, so
    only use this where the result is informational (JSON reports, logs)."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length: fall back to the folded form
        text = folded
    compact_map = [i for i, ch in enumerate(folded) if ch.isalnum()]
    compact = "".join(folded[i] for i in compact_map)
    hide = [False] * len(text)
    for token in tokens:
        for m in re.finditer(re.escape(token), compact):
            for k in range(m.start(), m.end()):
                hide[compact_map[k]] = True
    out, hidden = [], False
    for ch, h in zip(text, hide, strict=True):
        if h and not hidden:
            out.append("[…]")
        if not h:
            out.append(ch)
        hidden = h
    return "".join(out)


def confirmation_hash(text: str) -> str:
    """A finding's text as the school confirmed it "not personal data", comparable by the
    loket without repeating it: folded, white space collapsed, SHA-256."""
    import hashlib

    return hashlib.sha256(" ".join(fold(text).split()).encode("utf-8")).hexdigest()


def confirmed_hashes(case: Case) -> frozenset[str]:
    """The confirmation hashes of every term the school marked "Laten staan" in this case."""
    return frozenset(confirmation_hash(t) for t in case.geen_persoonsgegeven)
