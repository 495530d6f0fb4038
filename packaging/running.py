"""A named mutex the frozen programs hold while they run (Windows), so that the per-user
setup and its uninstaller (Inno Setup's `AppMutex` in windows/tafeldossier.iss) do not
replace or remove the program under a running Tafeldossier. Both names: the plain one
for this session, `Global\\` for other sessions on the same computer."""

import sys

MUTEX_NAMES = ("Tafeldossier-draait", "Global\\Tafeldossier-draait")
_handles: list[int] = []  # kept open until the process ends; Windows then releases them


def hold_running_mutex() -> None:
    if sys.platform != "win32":
        return
    import ctypes

    for name in MUTEX_NAMES:
        handle = ctypes.windll.kernel32.CreateMutexW(None, False, name)
        if handle:
            _handles.append(handle)
