"""Leaving a process without the interpreter's teardown (`processes.leave` and pool
workers): exit codes, output and exit handlers must come through as with a plain exit."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path

import pytest
from proctools import gone_within, running

from dossier_app.processes import spawn_pool

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**ENV, "TAFELDOSSIER_DATA": str(tmp_path / "data")}, timeout=120)


def _command(args: list[str]) -> str:
    return f"import sys; from dossier_app.cli import run; sys.argv = {['dossier', *args]!r}; run()"


def test_command_line_output_and_exit_code_come_through_a_pipe(tmp_path: Path) -> None:
    # stdout into a pipe is block-buffered: without the flush before leaving it would be lost.
    shown = _python(_command(["--versie"]), tmp_path)
    assert shown.returncode == 0
    assert "Tafeldossier" in shown.stdout + shown.stderr
    missing = tmp_path / "bestaat-niet.pdf"
    failed = _python(_command(["verify", str(missing)]), tmp_path)
    assert failed.returncode == 3
    assert "bestaat-niet.pdf" in failed.stderr


def test_exit_handlers_run_and_printed_text_is_kept(tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    done = _python("import atexit, pathlib, sys\n"
                   "from dossier_app.processes import leave\n"
                   f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'ja')\n"
                   "print('nog in de buffer', end='')\n"
                   "sys.stderr.write('ook hier')\n"
                   "leave(7)\n", tmp_path)
    assert done.returncode == 7
    assert done.stdout == "nog in de buffer"
    assert done.stderr == "ook hier"
    assert marker.read_text() == "ja"


def test_a_thread_still_working_is_waited_for(tmp_path: Path) -> None:
    marker = tmp_path / "thread-done"
    done = _python("import pathlib, threading, time\n"
                   "from dossier_app.processes import leave\n"
                   "def work():\n"
                   "    time.sleep(0.5)\n"
                   f"    pathlib.Path({str(marker)!r}).write_text('klaar')\n"
                   "threading.Thread(target=work).start()\n"
                   "leave(4)\n", tmp_path)
    assert done.returncode == 4
    assert marker.read_text() == "klaar"


def _register_marker(path: str) -> None:
    atexit.register(Path(path).write_text, str(os.getpid()))


def _pid() -> int:
    return os.getpid()


def test_pool_workers_run_their_initializer_and_exit_handlers(tmp_path: Path) -> None:
    marker = tmp_path / "worker-handler"
    pool = spawn_pool(1, initializer=_register_marker, initargs=(str(marker),))
    assert pool is not None
    with pool:
        worker = pool.submit(_pid).result(timeout=120)
    assert worker != os.getpid()
    assert marker.read_text() == str(worker)  # the handler the initializer registered ran


def test_a_profiler_still_gets_its_results(tmp_path: Path) -> None:
    # cProfile writes its file when the interpreter ends; leaving early would lose it.
    script = tmp_path / "werk.py"
    script.write_text("from dossier_app.processes import leave\nleave(0)\n")
    out = tmp_path / "profiel.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(script)],
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 0
    assert out.stat().st_size > 0


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness; Windows uses a priority class")
def test_pool_workers_give_way_to_the_process_that_started_them() -> None:
    pool = spawn_pool(1)
    assert pool is not None
    with pool:
        assert pool.submit(_niceness).result(timeout=120) > _niceness()


_ORPHANED = """\
import os, sys, time
from dossier_app.processes import spawn_pool
if __name__ == "__main__":
    pool = spawn_pool(1)
    print(pool.submit(os.getpid).result(timeout=120), flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_pool_worker_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "ouder.py"
    script.write_text(_ORPHANED)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert running(worker)
    finally:
        parent.kill()  # no clean-up runs: the pool never tells its worker to stop
        parent.wait()
    assert gone_within([worker])


_FREED_BUT_HELD = """
from dossier_app.processes import give_back_freed_memory

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024

before = rss_mb()
blocks = [bytes(2000) + bytes([i % 256]) for i in range(60_000)]  # ~120 MB in the C heap
kept = blocks[::500]  # a few stay: the heap cannot shrink past them on its own
del blocks
held = rss_mb() - before
give_back_freed_memory()
print(held, rss_mb() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, VmRSS in /proc")
def test_freed_memory_is_given_back_to_the_system(tmp_path: Path) -> None:
    """What a process freed between blocks it still holds stays its own until it is given
    back: before a process waits seconds for Tesseract, and after the built-in engine read a
    page (both in the first build, where the summed memory of all processes counts)."""
    held, after = map(int, _python(_FREED_BUT_HELD, tmp_path).stdout.split())
    assert held > 80, held  # freed, but still the process's: the case this is for
    assert after < 20, (held, after)
