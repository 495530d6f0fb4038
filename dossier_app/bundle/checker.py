"""The build's checking workers: `checker` imports the loket's verify while the documents
are done, loads the name detector once they are (while the cover is made and the bundle
assembled), and then runs that verify over the bundle; beside a window, `gater` assembles
the bundle (writing it holds the interpreter's lock for tens of milliseconds at a time)
and runs the gate.

Loading holds the interpreter's lock for long stretches (unpickling the name lists), so it
runs in a process of its own (the wizard builds in a thread beside its window). This
module imports next to nothing, so `dossier build` can start the checker before it imports
the rest of the build: the worker's start-up (0.7 s: its imports and the detector) then
overlaps the command's own imports instead of following them. The wizard keeps both
workers ready between builds (ui/build_page.py), so a rebuild starts none.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType

from dossier_app.processes import parallel_workers, spawn_pool

log = logging.getLogger(__name__)


class CheckWorkers:
    """The two workers, each started (and warming up) when first asked for, and kept until
    `close`. None for either when this machine has fewer than two cores or no worker can
    be started: the build then checks in its own process. A worker that died is replaced
    when next asked for."""

    def __init__(self) -> None:
        self._pools: dict[str, ProcessPoolExecutor | None] = {"checker": None, "gater": None}
        self._lock = threading.Lock()
        self._detector_in: ProcessPoolExecutor | None = None  # the checker that loads it

    def checker(self) -> ProcessPoolExecutor | None:
        """The checker, importing what verify needs; the name detector (60 MB) is loaded
        when `load_name_detector` says so, not while the documents are made."""
        return self._get("checker", warm_up_imports)

    def load_name_detector(self) -> None:
        """Have the checker load the name detector now (once per worker; no-op without)."""
        checker = self.checker()
        with self._lock:
            if checker is None or checker is self._detector_in:
                return
            self._detector_in = checker
        checker.submit(warm_up)

    def start(self) -> None:
        """Both workers started now, and the checker loading the name detector: a head start
        for a build that is about to come (the wizard's Bouwen page, when it is shown)."""
        if self.checker() is not None:
            self.gater()
            self.load_name_detector()

    def gater(self) -> ProcessPoolExecutor | None:
        return self._get("gater", warm_up_imports)

    def _get(self, role: str, warm: Callable[[], None]) -> ProcessPoolExecutor | None:
        with self._lock:
            pool = self._pools[role]
            if pool is not None and _usable(pool):
                return pool
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            pool = spawn_pool(1) if parallel_workers(2) >= 2 else None
            if pool is not None:
                pool.submit(warm)
            self._pools[role] = pool
            return pool

    @property
    def active(self) -> bool:
        """Whether a worker is running (or starting)."""
        return any(pool is not None for pool in self._pools.values())

    def close(self, wait: bool = True) -> None:
        with self._lock:
            pools = [p for p in self._pools.values() if p is not None]
            self._pools = {role: None for role in self._pools}
        for pool in pools:
            pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> CheckWorkers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _usable(pool: ProcessPoolExecutor) -> bool:
    """Not shut down, and no worker died (concurrent.futures marks the pool broken then)."""
    return not getattr(pool, "_broken", False) and not getattr(pool, "_shutdown_thread", False)


def warm_up_imports() -> None:
    """What the checks need, imported while the worker waits: the build module, where the
    calls of verify and the gate live, imports both."""
    import dossier_app.bundle.build  # noqa: F401


def warm_up() -> None:
    """Only a head start: verify loads the detector again if this failed, and reports it."""
    try:
        from dossier_app.anonymise.detect import warm_up as load_name_detector

        load_name_detector()
    except Exception as exc:
        log.warning("naamdetectie niet vooraf geladen (%s)", type(exc).__name__)
