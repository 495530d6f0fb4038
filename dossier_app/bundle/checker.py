"""The build's checker: one worker process that loads the name detector (and imports the
loket's verify) while the documents are done, and then runs that verify over the bundle.

Loading holds the interpreter's lock for long stretches (unpickling the name lists), so it
runs in a process of its own (the wizard builds in a thread beside its window). This
module imports next to nothing, so `dossier build` can start the checker before it imports
the rest of the build: the worker's start-up (0.7 s: its imports and the detector) then
overlaps the command's own imports instead of following them.
"""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor

from dossier_app.processes import parallel_workers, spawn_pool

log = logging.getLogger(__name__)


def start_checker() -> ProcessPoolExecutor | None:
    """The checker, already warming up; None with fewer than two cores or no workers (the
    build then loads the detector in a thread and verifies in its own process)."""
    if parallel_workers(2) < 2:
        return None
    pool = spawn_pool(1)
    if pool is not None:
        pool.submit(warm_up)
    return pool


def warm_up() -> None:
    """Only a head start: verify loads the detector again if this failed, and reports it."""
    try:
        import dossier_app.bundle.verify  # noqa: F401  (imported now, used by the build later)
        from dossier_app.anonymise.detect import warm_up as load_name_detector

        load_name_detector()
    except Exception as exc:
        log.warning("naamdetectie niet vooraf geladen (%s)", type(exc).__name__)
