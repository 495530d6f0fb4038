"""Worker processes: one way to start them, one switch to turn them off.

Workers are spawned, never forked: PDFium is not thread-safe and forking next to Qt's
threads is not safe. A frozen app can spawn too (the entry points call `freeze_support()`).
`TAFELDOSSIER_PARALLEL=0` keeps everything in this process (tests, debugging).

A process that has done its work leaves without tearing the interpreter down (`leave`):
freeing the name detector's lists object by object took 0.25-0.3 s at every exit of a
`dossier` command and of every worker that had loaded them; the operating system frees a
process's memory at once.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

log = logging.getLogger(__name__)

# Windows: a program started from the windowed app opens no console window of its own.
NO_WINDOW: int = getattr(subprocess, "CREATE_NO_WINDOW", 0)


def program_path(path: Path | str) -> str:
    """A path to pass to an external program. On Windows a program whose `main` reads its
    arguments in the ANSI code page (poppler, MuPDF) cannot open `C:\\Users\\Özlem\\...`:
    such a path goes as its short (8.3) name, which is plain ASCII where the volume keeps
    short names."""
    text = str(path)
    if sys.platform != "win32" or text.isascii():
        return text
    return short_path(text)


def short_path(path: str) -> str:
    """Windows' short (8.3) name of an existing path; the path itself when it has none."""
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)  # type: ignore[attr-defined]
    if not size:
        return path
    buffer = ctypes.create_unicode_buffer(size)
    ctypes.windll.kernel32.GetShortPathNameW(path, buffer, size)  # type: ignore[attr-defined]
    return buffer.value or path


def parallel_workers(tasks: int, limit: int = 4) -> int:
    """How many worker processes `tasks` independent tasks may use here (1: none)."""
    if os.environ.get("TAFELDOSSIER_PARALLEL") == "0":
        return 1
    return max(1, min(os.cpu_count() or 1, limit, tasks))


def spawn_context() -> Any:
    """The multiprocessing context every worker is started with."""
    return multiprocessing.get_context("spawn")


def spawn_pool(workers: int, initializer: Callable[..., object] | None = None,
               initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor | None:
    """A pool of spawned workers, or None when none can be started (the caller then does
    the work itself). Each worker leaves without teardown once the pool lets it go."""
    try:
        return ProcessPoolExecutor(workers, mp_context=spawn_context(),
                                   initializer=functools.partial(_worker_started, initializer),
                                   initargs=initargs)
    except (OSError, RuntimeError) as exc:
        log.warning("geen werkprocessen (%s)", type(exc).__name__)
        return None


def _worker_started(initializer: Callable[..., object] | None, *initargs: Any) -> None:
    """A pool worker's first step: it yields the processor to the process that started it
    (the wizard's window stays responsive while two workers keep both cores busy), it ends
    when that process ends without letting it go (killed, crashed: a pool's worker waits
    for work forever otherwise, with what it loaded in memory), and when the pool ends it,
    it runs its exit handlers and stops without the interpreter's teardown. Its exit
    status is read by no one (the pool tells a worker that died from one that finished by
    the missing result)."""
    _lower_priority()
    _end_with_parent()
    atexit.register(_exit_now, 0)
    if initializer is not None:
        initializer(*initargs)


def _end_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns once the parent process has ended
        _exit_now(0)

    threading.Thread(target=watch, name="ouder-bewaken", daemon=True).start()


_BELOW_NORMAL_PRIORITY_CLASS = 0x4000  # Windows, SetPriorityClass
_NICE = 5  # POSIX: a third of the share of an ordinary process when both want the CPU


def _lower_priority() -> None:
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(_NICE)
    except (OSError, AttributeError):  # only a courtesy: the work is the same without it
        log.debug("werkproces: prioriteit niet verlaagd")


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system. glibc keeps what a process freed for
    its own later use: after a page read by the built-in Tesseract, or rendered at 300 dpi
    for the program, a process held 30-60 MB of freed memory while it went on or waited
    for the program. A few milliseconds. Elsewhere a no-op: Windows' heap releases large
    freed blocks itself."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; musl has none
    except (OSError, AttributeError):
        return None


def leave(code: int) -> NoReturn:
    """End this process with `code` once its work is done: the exit handlers run (the log
    is flushed and closed, pools' threads joined), the output streams are flushed, and the
    interpreter's teardown is skipped. The ordinary exit while another thread that is no
    daemon still works (it waits for it) and under a profiler or tracer (they write their
    results as the interpreter ends: `python -m cProfile -m dossier_app ...`)."""
    main = threading.main_thread()
    busy = any(t is not main and t.is_alive() and not t.daemon for t in threading.enumerate())
    if busy or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    _exit_now(code)


def _exit_now(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)
