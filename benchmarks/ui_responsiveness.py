"""Does the window stay responsive while the 200-page benchmark case is built?

Builds the generated case (benchmarks/generate_case.py) through the wizard's own worker
(dossier_app.ui.jobs.JobRunner, exactly as the Bouwen page does) while a 20 ms timer on the
main thread records how late each tick is. Prints the largest and the 99th-percentile
delay of the event loop: what a user would feel as a frozen window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_responsiveness.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_case import generate
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from dossier_app.bundle.build import BuildOptions, build_bundle
from dossier_app.case import read_case
from dossier_app.ui.jobs import JobRunner

TICK_MS = 20


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TAFELDOSSIER_DATA"] = str(Path(tmp) / "data")
        folder = Path(tmp) / "casus"
        generate(folder, libreoffice=False)
        case = read_case(folder / "casus.toml")
        app = QApplication.instance() or QApplication([])
        runner = JobRunner()
        delays: list[float] = []
        last = [time.monotonic()]
        result: dict[str, object] = {}

        def tick() -> None:
            now = time.monotonic()
            delays.append((now - last[0]) * 1000 - TICK_MS)
            last[0] = now

        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(tick)
        timer.start()
        started = time.monotonic()
        runner.start(lambda ctx: build_bundle(case, Path(tmp) / "bundel.pdf",
                                              BuildOptions(converter="builtin"),
                                              progress=ctx.progress, cancelled=ctx.cancelled),
                     on_done=lambda r: (result.update(r=r), app.quit()),
                     on_error=lambda m, c: (result.update(error=m), app.quit()))
        app.exec()
        elapsed = time.monotonic() - started
        timer.stop()
        runner.wait()
    if "error" in result:
        print(f"build failed: {result['error']}")
        return 1
    pages = result["r"].paginas  # type: ignore[attr-defined]
    delays.sort()
    p99 = delays[int(len(delays) * 0.99) - 1]
    print(f"ui_responsiveness: build of {pages} pages in {elapsed:.1f} s in the worker thread")
    print(f"  event loop ticks: {len(delays)} (every {TICK_MS} ms expected)")
    print(f"  delay beyond {TICK_MS} ms: median {statistics.median(delays):.0f} ms, p99 {p99:.0f} ms, "
          f"max {delays[-1]:.0f} ms")
    print("  (a window feels frozen from about 500 ms without response)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
