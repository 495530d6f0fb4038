"""What the installation itself protects with, for the self-test (`dossier-app --zelftest`).

A plain Windows laptop has no program on PATH: the leak gate must still have two
independent text engines beside PDFium (pypdf and pdfminer.six, in the installer), OCR
must run in the program (tesserocr with the shipped Dutch data), and on Windows the keys
must go to Credential Manager through pywin32. Each check returns a Dutch line for the
self-test's output, or raises InstallCheckError naming what is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from dossier_app.errors import DossierError


class InstallCheckError(DossierError):
    """The installation lacks something the protection needs."""


def check_text_engines() -> str:
    from dossier_app.anonymise import gate

    names = gate.engines()
    independent = [n for n in names if n not in ("objecten", "pdfium")]
    if "pdfium" not in names or len(independent) < gate.MIN_INDEPENDENT_ENGINES:
        raise InstallCheckError("de eindcontrole heeft geen twee onafhankelijke tekstmethoden")
    for name in independent:
        if name in gate.BUILTIN_ENGINES:
            _importable({"pypdf": "pypdf", "pdfminer": "pdfminer.pdfpage"}[name])
    return f"Eindcontrole: {', '.join(names)}"


def check_ocr() -> str:
    from dossier_app.anonymise import ocr

    engine = ocr.ocr_engine()
    if engine is None:
        raise InstallCheckError("tekstherkenning (OCR) is niet beschikbaar; de installatie is "
                                "onvolledig")
    return f"Tekstherkenning: {engine}"


def check_windows_keyring() -> str:
    """Windows: pywin32 loads and keyring uses Credential Manager."""
    for module in ("pywintypes", "pythoncom", "win32com.client", "win32cred"):
        _importable(module)
    import keyring

    backend = keyring.get_keyring()
    parts = getattr(backend, "backends", [backend])
    if not any(type(b).__module__ == "keyring.backends.Windows" for b in parts):
        raise InstallCheckError("de sleutelbos is niet Windows Referentiebeheer "
                                f"({type(backend).__name__})")
    return "Sleutelbos: Windows Referentiebeheer"


def _importable(module: str) -> None:
    import importlib

    try:
        importlib.import_module(module)
    except Exception as exc:  # ImportError, or a DLL that does not load
        raise InstallCheckError(f"onderdeel {module} laadt niet ({type(exc).__name__}); "
                                "installeer Tafeldossier opnieuw") from exc


def checks() -> list[Callable[[], str]]:
    found = [check_text_engines, check_ocr]
    if sys.platform == "win32":
        found.append(check_windows_keyring)
    return found
