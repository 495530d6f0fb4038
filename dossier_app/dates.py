"""Dates as Dutch readers expect them."""

from __future__ import annotations

from datetime import date

MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


def datum_nl(d: date) -> str:
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def schooljaar(d: date) -> str:
    """The Dutch school year a date falls in; it starts on 1 August."""
    start = d.year if d.month >= 8 else d.year - 1
    return f"{start}-{start + 1}"
