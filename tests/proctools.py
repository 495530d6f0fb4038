"""Whether a process still runs, for the tests of worker processes that must end."""

from __future__ import annotations

import time
from pathlib import Path


def running(pid: int) -> bool:
    """True while `pid` runs (Linux: /proc); a zombie has ended, nobody may be left to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def gone_within(pids: tuple[int, ...] | list[int], seconds: float = 30) -> bool:
    """Whether every one of `pids` has ended within `seconds`."""
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
