"""Meldingen: warnings and notes the user sees next to a result (Dutch text, stable codes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Niveau = Literal["fout", "waarschuwing", "info"]


@dataclass(frozen=True)
class Melding:
    code: str  # stable, UPPER_SNAKE, documented in docs/meldingen.md
    tekst: str  # Dutch, says what happened and what to do
    niveau: Niveau = "waarschuwing"
    onderdeel: str | None = None  # component id
    bestand: str | None = None  # path as given in the case file (shown on screen only)
    pagina: int | None = None  # 1-based

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def regel(self) -> str:
        """One line for a terminal."""
        prefix = {"fout": "FOUT", "waarschuwing": "LET OP", "info": "INFO"}[self.niveau]
        where = []
        if self.bestand:
            where.append(self.bestand)
        if self.pagina:
            where.append(f"pagina {self.pagina}")
        loc = f" ({', '.join(where)})" if where else ""
        return f"{prefix}{loc}: {self.tekst}"
