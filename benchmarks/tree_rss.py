"""Peak of the summed resident memory of a process and all its descendants (Linux /proc).

`getrusage` gives the largest single process; when the product runs processes side by side
(the flagger beside the redaction, gate engines, build workers) their sum is what the
machine must hold. A thread samples every `interval` seconds; a process living shorter
than that can be missed, so the figure is a lower bound (printed as such).
"""

from __future__ import annotations

import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def tree_rss_kb(pid: int) -> int:
    """The summed RSS of `pid` and its descendants. A child with its parent's very command
    line is one caught between fork (or vfork) and exec: it shares the parent's pages (with
    vfork, its whole address space), so its RSS would count the parent twice. The product
    starts programs with `subprocess` and workers with spawn; it never keeps such a child,
    so it counts nothing. (Counting it added ~190 MB to the (a) build's summed peak in
    samples that fell in that window.)"""
    total, todo, seen = 0, [(pid, b"")], set()
    while todo:
        p, parent_cmdline = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        cmdline = _cmdline(p)
        if not (parent_cmdline and cmdline == parent_cmdline):
            total += _rss_kb(p)
        todo += [(child, cmdline) for child in _children(p)]
    return total


class TreeSampler:
    """with TreeSampler(pid) as s: ...; s.peak_kb"""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_sampled(cmd: list[str], env: dict[str, str]) -> tuple[int, str, str, float, int]:
    """Run `cmd` to the end: (exit code, stdout, stderr, wall seconds, peak summed RSS in KiB)."""
    import subprocess
    import time

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    return proc.returncode, out, err, time.perf_counter() - start, sampler.peak_kb
