"""DOCX -> PDF conversion behind one small interface.

Three converters, best first: Microsoft Word via COM (Windows, when installed),
LibreOffice headless (when found), and the built-in renderer (always there).
`converter="auto"` tries them in that order and falls back to the next one when a
converter is missing or fails; the result says which one made the PDF.

Give these functions an *anonymised* DOCX: converters may render whatever the file
contains. The DOCX anonymiser also freezes fields that fetch names or files, so no
converter can pull an identifier back in while it renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dossier_app.documents.convert import libreoffice, word_com
from dossier_app.errors import DocumentError
from dossier_app.meldingen import Melding

CONVERTERS = ("word", "libreoffice", "builtin")
_NAMES_NL = {"word": "Word", "libreoffice": "LibreOffice", "builtin": "de ingebouwde omzetter"}


@dataclass(frozen=True)
class ConversionResult:
    converter: str  # "word", "libreoffice" or "builtin": the one that made the PDF
    meldingen: list[Melding] = field(default_factory=list)


def available_converters() -> list[str]:
    """The converters present on this machine, in the order `auto` tries them."""
    present = {"word": word_com.available(), "libreoffice": libreoffice.find_soffice() is not None,
               "builtin": True}
    return [name for name in CONVERTERS if present[name]]


def convert_docx(src: Path, dst: Path, *, converter: str = "auto", timeout: float = 120,
                 bestand: str | None = None) -> ConversionResult:
    """Convert the DOCX `src` to the PDF `dst`.

    `bestand` names the file in messages as the user knows it (default: src's name).
    Raises DocumentError when the chosen converter (or, for auto, every converter)
    fails; a named converter that is not installed is also a DocumentError."""
    shown = bestand or src.name
    if converter == "auto":
        return _convert_auto(src, dst, timeout, shown)
    if converter not in CONVERTERS:
        raise ValueError(f"unknown converter {converter!r}; use one of {CONVERTERS} or 'auto'")
    if converter not in available_converters():
        raise DocumentError(
            f"{_NAMES_NL[converter]} is niet beschikbaar op deze computer. Kies een andere "
            "omzetter of laat het programma zelf kiezen.", bestand=shown,
            code="OMZETTER_ONTBREEKT")
    return ConversionResult(converter, _RUNNERS[converter](src, dst, timeout, shown))


def _convert_auto(src: Path, dst: Path, timeout: float, shown: str) -> ConversionResult:
    notes: list[Melding] = []
    names = available_converters()
    for name in names:
        try:
            meldingen = _RUNNERS[name](src, dst, timeout, shown)
        except DocumentError:
            if name == names[-1]:
                raise
            notes.append(Melding(
                code="OMZETTER_TERUGVAL", bestand=shown, niveau="info",
                tekst=f"{_NAMES_NL[name]} kon het document niet omzetten; een andere omzetter "
                      "is gebruikt"))
            continue
        return ConversionResult(name, notes + meldingen)
    raise AssertionError("the builtin converter is always available")  # pragma: no cover


def _run_word(src: Path, dst: Path, timeout: float, shown: str) -> list[Melding]:
    word_com.convert(src, dst, timeout=timeout, bestand=shown)
    return []


def _run_libreoffice(src: Path, dst: Path, timeout: float, shown: str) -> list[Melding]:
    libreoffice.convert(src, dst, timeout=timeout, bestand=shown)
    return []


def _run_builtin(src: Path, dst: Path, timeout: float, shown: str) -> list[Melding]:
    del timeout  # in-process and bounded by the document's size
    from dossier_app.documents.convert import builtin  # reportlab: only for Word files

    return builtin.convert(src, dst, bestand=shown)


_RUNNERS: dict[str, Callable[[Path, Path, float, str], list[Melding]]] = {
    "word": _run_word, "libreoffice": _run_libreoffice, "builtin": _run_builtin}
