"""Private temporary folders for document processing.

They live under the per-user data folder (not the shared system temp), are owner-only,
and are removed after each job. Each holds the owning process id, so that at the next
start the folders of crashed processes are removed while another running instance
keeps its own."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dossier_app.logs import data_dir

_PID_FILE = ".pid"


def work_root() -> Path:
    root = data_dir() / "werk"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


@contextmanager
def private_workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="job-", dir=work_root()))
    os.chmod(folder, 0o700)
    (folder / _PID_FILE).write_text(str(os.getpid()), encoding="ascii")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows
        import ctypes

        process_query_limited_information, still_active = 0x1000, 259
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and \
                code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(folder: Path) -> int | None:
    try:
        return int((folder / _PID_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _age_s(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return 0.0


LEGACY_LO_PREFIX = "tafeldossier-lo-"  # LibreOffice folders in the system temp of versions <= 0.1
_LEGACY_AGE_S = 3600.0  # older than any conversion can run


def remove_stale_workdirs() -> int:
    """Remove job folders whose process is gone (a crash, SIGKILL), and LibreOffice folders
    an older version left in the system temp; returns how many were removed. Called at
    every start of the CLI and the app, and before each build."""
    removed = 0
    for folder in work_root().glob("job-*"):
        owner = _owner(folder)
        if owner is None and _age_s(folder) < 60:  # being created right now
            continue
        if owner is None or not _pid_alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    for folder in Path(tempfile.gettempdir()).glob(LEGACY_LO_PREFIX + "*"):
        if _ours(folder) and _age_s(folder) > _LEGACY_AGE_S:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _ours(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return folder.is_dir() and (getuid is None or info.st_uid == getuid())
