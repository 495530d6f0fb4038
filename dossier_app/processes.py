"""Worker processes: one way to start them, one switch to turn them off.

Workers are spawned, never forked: PDFium is not thread-safe and forking next to Qt's
threads is not safe. A frozen app can spawn too (the entry points call `freeze_support()`).
`TAFELDOSSIER_PARALLEL=0` keeps everything in this process (tests, debugging).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

# Windows: a program started from the windowed app opens no console window of its own.
NO_WINDOW: int = getattr(subprocess, "CREATE_NO_WINDOW", 0)


def parallel_workers(tasks: int, limit: int = 4) -> int:
    """How many worker processes `tasks` independent tasks may use here (1: none)."""
    if os.environ.get("TAFELDOSSIER_PARALLEL") == "0":
        return 1
    return max(1, min(os.cpu_count() or 1, limit, tasks))


def spawn_context() -> Any:
    """The multiprocessing context every worker is started with."""
    return multiprocessing.get_context("spawn")


def spawn_pool(workers: int, **kwargs: Any) -> ProcessPoolExecutor | None:
    """A pool of spawned workers, or None when none can be started (the caller then does
    the work itself)."""
    try:
        return ProcessPoolExecutor(workers, mp_context=spawn_context(), **kwargs)
    except (OSError, RuntimeError) as exc:
        log.warning("geen werkprocessen (%s)", type(exc).__name__)
        return None
