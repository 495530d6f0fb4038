"""The contract between finding identifiers and removing them.

A Finder looks at a piece of text and returns the spans to remove. The DOCX and PDF
redactors and the leak gate all take a Finder, so they agree on what counts as a hit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    start: int  # index into the text given to the finder
    end: int  # exclusive
    # categorie: "naam", "geboortedatum", "bsn", "adres", "postcode", "telefoon", "email", ...
    categorie: str
    label: str  # pseudonym to put in its place where text is replaced, e.g. "[leerling]", "[moeder]"


Finder = Callable[[str], list[Hit]]
