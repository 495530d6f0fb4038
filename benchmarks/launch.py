"""One program run, timed, with its own peak memory: not the benchmark's.

Linux folds the memory a process had before `exec` into its peak (`ru_maxrss`): a program
started by a benchmark that holds 80-150 MB (reportlab, python-docx, the product) reports at
least that much, whatever it used itself. So the program is started by a small launcher
process (a bare interpreter, ~10 MB), which times it, waits for it with `wait4` and prints
the result as one JSON line. The program's standard output goes nowhere; its standard error
is passed on to the caller.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_LAUNCHER = """
import json, os, signal, subprocess, sys, time
timeout = float(sys.argv[1])
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
while True:
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid:
        break
    if timeout and time.perf_counter() - started > timeout:
        proc.send_signal(signal.SIGKILL)
        pid, status, usage = os.wait4(proc.pid, 0)
        break
    time.sleep(0.002)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "exit": os.waitstatus_to_exitcode(status), "peak_kb": usage.ru_maxrss}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float  # from start to exit, as the launcher saw it
    exit: int
    peak_mb: int  # the program's own peak resident memory
    stderr: str


def run(cmd: list[str], env: dict[str, str], *, cwd: Path | None = None, timeout: float = 0) -> Run:
    """Run `cmd` to its end (killed after `timeout` seconds when one is given)."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(timeout), *cmd], env=env, cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(result["seconds"], result["exit"], result["peak_kb"] // 1024, done.stderr)
