"""DOCX -> PDF with Microsoft Word through COM (Windows only; needs pywin32).

We start our *own* Word (`DispatchEx`, never `Dispatch`, which could attach to the
user's open Word and close their documents), invisible and without alerts or
macros, open the file read-only without touching the recent-files list, export it
with `ExportAsFixedFormat` (document content only: no comments/markup, no document
properties) and close without saving. Word can hang on a dialog nobody sees, so the
work runs in a worker thread; on timeout we kill the WINWORD process we started, and
never another one (the user's Word with unsaved work):

- Word is identified from itself: right after `DispatchEx` we give its (hidden) main
  window a caption no other window has and ask Windows which process owns that window.
- Only one conversion through Word runs at a time on the computer (a named mutex held
  by every Tafeldossier process: document workers convert in parallel).
- A hang inside `DispatchEx` itself (before Word can be asked anything): we kill the
  WINWORD processes that appeared during that call *and* were started by COM (their
  command line holds `/Automation`); a Word the user opens has no such command line.

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
import uuid
from collections.abc import Callable, Iterator
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
    """The WINWORD process this conversion started (for the timeout kill): its PID once
    Word told us; until then the PIDs running before `DispatchEx` was called."""

    pids: set[int] = field(default_factory=set)
    before: set[int] | None = None  # set while DispatchEx runs

    def to_kill(self) -> set[int]:
        if self.pids or self.before is None:
            return set(self.pids)
        return started_during(self.before, automation_words())


def convert(src: Path, dst: Path, *, timeout: float, bestand: str) -> None:
    if not available():
        raise DocumentError("Microsoft Word is niet beschikbaar op deze computer. Kies een "
                            "andere omzetter.", bestand=bestand, code="OMZETTER_ONTBREEKT")
    started = _Started()
    try:
        with _one_word_at_a_time(timeout):
            outcome = run_with_timeout(lambda: _export(src, dst, started), timeout,
                                       on_timeout=lambda: _kill(started.to_kill()))
    except TimeoutError:
        raise DocumentError(
            f"Word was te lang bezig met een ander document; {bestand} is niet omgezet. "
            "Probeer het opnieuw, of kies een andere omzetter.", bestand=bestand,
            code="OMZETTEN_TIJD") from None
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
        started.before = word_pids()
        word = win32com.client.DispatchEx("Word.Application")
        started.pids |= _own_pid(word)
        started.before = None
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


def _own_pid(word: Any) -> set[int]:
    """The PID of this Word, asked from Word itself: a caption no other window has, then
    the process that owns Word's main window (class "OpusApp") with that caption."""
    import win32gui
    import win32process

    caption = f"Tafeldossier-{uuid.uuid4().hex}"
    word.Caption = caption
    hwnd = win32gui.FindWindow("OpusApp", caption)
    if not hwnd:
        return set()
    _thread, pid = win32process.GetWindowThreadProcessId(hwnd)
    return {int(pid)}


@contextlib.contextmanager
def _one_word_at_a_time(timeout: float) -> Iterator[None]:
    """A named mutex for the whole computer (session): conversions through Word, also
    from parallel worker processes, run one after the other."""
    import win32event

    mutex = win32event.CreateMutex(None, False, "Local\\Tafeldossier-word")
    waited = win32event.WaitForSingleObject(mutex, int(max(timeout, 1) * 4 * 1000))
    if waited not in (win32event.WAIT_OBJECT_0, win32event.WAIT_ABANDONED):
        mutex.Close()
        raise TimeoutError("another Word conversion did not finish")
    try:
        yield
    finally:
        win32event.ReleaseMutex(mutex)
        mutex.Close()


def started_during(before: set[int], running: list[tuple[int, str]]) -> set[int]:
    """WINWORD processes (PID, command line) that COM started after `before` was taken:
    Word started for automation has `/Automation` on its command line, a Word the user
    opened does not."""
    return {pid for pid, command in running
            if pid not in before and "/automation" in command.lower()}


def automation_words() -> list[tuple[int, str]]:
    """Running WINWORD processes with their command lines (WMI)."""
    try:
        import win32com.client

        wmi = win32com.client.GetObject("winmgmts:")
        found = wmi.ExecQuery("SELECT ProcessId, CommandLine FROM Win32_Process "
                              "WHERE Name = 'WINWORD.EXE'")
        return [(int(p.ProcessId), str(p.CommandLine or "")) for p in found]
    except Exception:  # WMI unavailable: kill nothing rather than a Word not ours
        return []


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
