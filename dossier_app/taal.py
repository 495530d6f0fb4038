"""Small pieces of Dutch that every message needs: singular or plural, page ranges,
decimal commas."""

from __future__ import annotations


def aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    """aantal(1, "pagina", "pagina's") -> "1 pagina"; 3 -> "3 pagina's"."""
    return f"{n} {enkelvoud if n == 1 else meervoud}"


def paginas(van: int, tot: int) -> str:
    """A range of pages: "pagina 3", "pagina's 3-5"."""
    return f"pagina {van}" if van == tot else f"pagina's {van}-{tot}"


def seconden(s: float) -> str:
    """0.123 -> "0,1 s": a decimal comma, as Dutch readers write it."""
    return f"{s:.1f}".replace(".", ",") + " s"


def n_paginas(n: int) -> str:
    return aantal(n, "pagina", "pagina's")


def n_documenten(n: int) -> str:
    return aantal(n, "document", "documenten")
