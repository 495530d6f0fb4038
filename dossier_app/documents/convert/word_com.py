"""DOCX -> PDF with Microsoft Word through COM (Windows only; needs pywin32).

We start our *own* Word (`DispatchEx`, never `Dispatch`, which could attach to the
user's open Word and close their documents), invisible and without alerts or
macros, open the file read-only without touching the recent-files list, export it
with `ExportAsFixedFormat` (document content only: no comments/markup, no document
properties) and close without saving. Word can hang on a dialog nobody sees, so the
work runs in a worker thread; on timeout we kill the WINWORD process we started,
found by comparing the running WINWORD PIDs before and after starting it.

pywin32 is imported lazily: it is a Windows-only dependency
(`pywin32; sys_platform == 'win32'`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier_app.errors import DocumentError
from dossier_app.processes import NO_WINDOW

# Word constants (Microsoft Word VBA reference, WdExportFormat and friends).
WD_ALERTS_NONE = 0
WD_DO_NOT_SAVE_CHANGES = 0
WD_EXPORT_FORMAT_PDF = 17
WD_EXPORT_OPTIMIZE_FOR_PRINT = 0
WD_EXPORT_ALL_DOCUMENT = 0
WD_EXPORT_DOCUMENT_CONTENT = 0  # not ...WithMarkup: comments and revisions stay out
WD_EXPORT_CREATE_NO_BOOKMARKS = 0
MSO_AUTOMATION_SECURITY_FORCE_DISABLE = 3
# A password that no real document has: a protected file fails instead of prompting.
_NO_PASSWORD = "tafeldossier-geen-wachtwoord"  # noqa: S105 - deliberately wrong


def available() -> bool:
    """True on Windows when pywin32 is installed and Word is registered for COM."""
    if sys.platform != "win32":
        return False
    try:
        import winreg

        import win32com.client  # noqa: F401

        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application\CLSID"):
            return True
    except (ImportError, OSError):
        return False


def open_arguments(src: Path) -> dict[str, Any]:
    """Keyword arguments for Documents.Open."""
    return {"FileName": str(src.resolve()), "ConfirmConversions": False, "ReadOnly": True,
            "AddToRecentFiles": False, "PasswordDocument": _NO_PASSWORD, "Revert": False,
            "Visible": False, "OpenAndRepair": False, "NoEncodingDialog": True}


def export_arguments(dst: Path) -> dict[str, Any]:
    """Keyword arguments for Document.ExportAsFixedFormat."""
    return {"OutputFileName": str(dst.resolve()), "ExportFormat": WD_EXPORT_FORMAT_PDF,
            "OpenAfterExport": False, "OptimizeFor": WD_EXPORT_OPTIMIZE_FOR_PRINT,
            "Range": WD_EXPORT_ALL_DOCUMENT, "Item": WD_EXPORT_DOCUMENT_CONTENT,
            "IncludeDocProps": False, "KeepIRM": False,
            "CreateBookmarks": WD_EXPORT_CREATE_NO_BOOKMARKS, "DocStructureTags": True,
            "BitmapMissingFonts": True, "UseISO19005_1": False}


@dataclass
class _Started:
    """PIDs of the WINWORD processes this conversion started (for the timeout kill)."""

    pids: set[int] = field(default_factory=set)


def convert(src: Path, dst: Path, *, timeout: float, bestand: str) -> None:
    if not available():
        raise DocumentError("Microsoft Word is niet beschikbaar op deze computer. Kies een "
                            "andere omzetter.", bestand=bestand, code="OMZETTER_ONTBREEKT")
    started = _Started()
    outcome = run_with_timeout(lambda: _export(src, dst, started), timeout,
                               on_timeout=lambda: _kill(started.pids))
    if outcome.timed_out:
        raise DocumentError(
            f"Word reageerde niet binnen {timeout:g} seconden bij het omzetten van {bestand}. "
            "Sluit openstaande Word-vensters en probeer het opnieuw, of kies een andere "
            "omzetter.", bestand=bestand, code="OMZETTEN_TIJD")
    if outcome.error is not None or not dst.is_file() or dst.stat().st_size == 0:
        raise DocumentError(
            f"Word kon {bestand} niet naar PDF omzetten. Open het bestand in Word, sla het op "
            "als PDF en voeg die PDF toe.", bestand=bestand, code="DOCX_OMZETTEN")


@dataclass
class Outcome:
    timed_out: bool = False
    error: BaseException | None = None


def run_with_timeout(work: Callable[[], None], timeout: float, *,
                     on_timeout: Callable[[], None]) -> Outcome:
    """Run `work` in a daemon thread; call `on_timeout` if it has not finished in time.

    COM calls cannot be interrupted from another thread; killing the process they
    talk to is what makes a hung call return."""
    outcome = Outcome()

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # reported to the caller, never swallowed silently
            outcome.error = exc

    worker = threading.Thread(target=target, name="word-export", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        outcome.timed_out = True
        on_timeout()
        worker.join(10)
    return outcome


def _export(src: Path, dst: Path, started: _Started) -> None:
    import pythoncom
    import win32com.client

    pythoncom.CoInitialize()  # COM is per thread
    word = None
    try:
        before = word_pids()
        word = win32com.client.DispatchEx("Word.Application")
        started.pids |= word_pids() - before
        word.Visible = False
        word.DisplayAlerts = WD_ALERTS_NONE
        word.AutomationSecurity = MSO_AUTOMATION_SECURITY_FORCE_DISABLE
        document = word.Documents.Open(**open_arguments(src))
        try:
            document.ExportAsFixedFormat(**export_arguments(dst))
        finally:
            document.Close(SaveChanges=WD_DO_NOT_SAVE_CHANGES)
    finally:
        if word is not None:
            # A Word that already died is fine here: the caller checks the PDF.
            with contextlib.suppress(Exception):
                word.Quit(SaveChanges=WD_DO_NOT_SAVE_CHANGES)
        pythoncom.CoUninitialize()


def word_pids() -> set[int]:
    """PIDs of running WINWORD.EXE processes (tasklist ships with every Windows)."""
    result = subprocess.run(["tasklist", "/FI", "IMAGENAME eq WINWORD.EXE", "/FO", "CSV",
                             "/NH"], capture_output=True, text=True, check=False,
                            creationflags=NO_WINDOW)
    return parse_tasklist(result.stdout)


def parse_tasklist(output: str) -> set[int]:
    pids = set()
    for row in csv.reader(io.StringIO(output)):
        if len(row) >= 2 and row[0].upper() == "WINWORD.EXE" and row[1].isdigit():
            pids.add(int(row[1]))
    return pids


def _kill(pids: set[int]) -> None:
    for pid in pids:
        subprocess.run(["taskkill", "/F", "/PID", str(pid)], capture_output=True, check=False,
                       creationflags=NO_WINDOW)
