"""DOCX -> PDF with LibreOffice headless, in a private, throw-away profile.

A private profile (`-env:UserInstallation`) keeps us away from the user's own
LibreOffice (a running instance would otherwise swallow our request) and lets us
pre-set safe options: macros off, no update check, no loading of links or
referer-less remote content. The input is copied to a neutral file name first so
neither the PDF nor LibreOffice's recent-files list learns the original name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from dossier_app.errors import DocumentError
from dossier_app.processes import NO_WINDOW
from dossier_app.store.workdir import private_workdir

_PDF_FILTER = ('pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"false"},'
               '"ExportNotesInMargin":{"type":"boolean","value":"false"}}')

# Options written into the private profile before the first start: (path, name, value).
_SETTINGS = [
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableActiveContent", "true"),
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "2"),  # never update links
    ("/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
     "AutoCheckEnabled", "false"),
]


def registry_xml() -> str:
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}'
        "</value></prop></item>\n" for path, name, value in _SETTINGS)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
            'xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n{items}</oor:items>\n')


def find_soffice() -> Path | None:
    """The LibreOffice program, from PATH or (on Windows) the usual install folders."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    if sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"),
                     r"C:\Program Files", r"C:\Program Files (x86)"):
            if not base:
                continue
            # soffice.com waits for the conversion and keeps a console; soffice.exe may not.
            for exe in ("soffice.com", "soffice.exe"):
                candidate = Path(base) / "LibreOffice" / "program" / exe
                if candidate.is_file():
                    return candidate
    return None


def build_command(soffice: Path, profile: Path, outdir: Path, source: Path) -> list[str]:
    return [str(soffice), f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            "--convert-to", _PDF_FILTER, "--outdir", str(outdir), str(source)]


def convert(src: Path, dst: Path, *, timeout: float, bestand: str) -> None:
    soffice = find_soffice()
    if soffice is None:
        raise DocumentError("LibreOffice is niet gevonden op deze computer. Installeer "
                            "LibreOffice of kies een andere omzetter.", bestand=bestand,
                            code="OMZETTER_ONTBREEKT")
    # In a private work folder with our process id: a crash or SIGKILL leaves it to the
    # cleanup at the next start (remove_stale_workdirs), not in the system temp for good.
    with private_workdir() as work:
        root = Path(work)
        profile, outdir = root / "profiel", root / "uit"
        (profile / "user").mkdir(parents=True)
        outdir.mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(registry_xml(), "utf-8")
        source = root / "document.docx"
        shutil.copyfile(src, source)
        returncode = run_with_timeout(build_command(soffice, profile, outdir, source), timeout,
                                      cwd=root)
        produced = outdir / "document.pdf"
        if returncode == -1:
            raise DocumentError(
                f"LibreOffice reageerde niet binnen {timeout:g} seconden bij het omzetten van "
                f"{bestand}. Probeer het opnieuw of kies een andere omzetter.",
                bestand=bestand, code="OMZETTEN_TIJD")
        if returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise DocumentError(
                f"LibreOffice kon {bestand} niet naar PDF omzetten. Open het bestand in Word, "
                "sla het op als PDF en voeg die PDF toe.", bestand=bestand,
                code="DOCX_OMZETTEN")
        shutil.move(str(produced), dst)


def run_with_timeout(command: list[str], timeout: float, *, cwd: Path) -> int:
    """Run `command` in its own process group; kill the whole group on timeout (-1).

    LibreOffice starts a child (soffice.bin); killing only the launcher would leave
    it running with our private profile locked."""
    kwargs: dict[str, object] = {"cwd": str(cwd), "stdin": subprocess.DEVNULL,
                                 "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if sys.platform == "win32":
        kwargs["creationflags"] = (subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
                                   | NO_WINDOW)
    else:
        kwargs["start_new_session"] = True
    process = subprocess.Popen(command, **kwargs)  # type: ignore[call-overload]
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(process)
        return -1


def kill_tree(process: subprocess.Popen) -> None:
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                       capture_output=True, check=False, creationflags=NO_WINDOW)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
