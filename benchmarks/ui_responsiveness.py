"""Does the window stay responsive while the 200-page benchmark case is built?

Builds the generated case (benchmarks/generate_case.py) through the wizard's own worker
(dossier_app.ui.jobs.JobRunner, exactly as the Bouwen page does) while a 20 ms timer on the
main thread records how late each tick is. Prints the largest and the 99th-percentile
delay of the event loop: what a user would feel as a frozen window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_responsiveness.py [--sleutelbos] [--pagina S]

Before Bouwen the checking workers are started and given `--pagina` seconds (default 3), as
the Bouwen page does while it is on screen before "Bundel maken" is clicked.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_case import generate
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from dossier_app.bundle.build import BuildOptions, build_bundle
from dossier_app.bundle.checker import CheckWorkers
from dossier_app.case import read_case
from dossier_app.ui.app import keep_out_of_garbage_collection
from dossier_app.ui.jobs import JobContext, JobRunner

TICK_MS = 20


def _measure(app: QCoreApplication, job) -> tuple[dict[str, object], list[float], float]:
    """Run `job` on the wizard's JobRunner while a 20 ms timer ticks on the main thread."""
    runner = JobRunner()
    delays: list[float] = []
    last = [time.monotonic()]
    result: dict[str, object] = {}
    phases: list[tuple[float, str]] = [(last[0], "start")]
    worst: list[tuple[float, str]] = []

    def tick() -> None:
        now = time.monotonic()
        delay = (now - last[0]) * 1000 - TICK_MS
        delays.append(delay)
        if delay > 50:  # where it happened: the phase the job last reported
            worst.append((delay, phases[-1][1]))
        last[0] = now

    class Phased:  # the job's progress reports, timestamped, then passed on as the page gets them
        def __init__(self, ctx: JobContext) -> None:
            self.ctx = ctx

        def progress(self, label: str, done: int, total: int) -> None:
            phases.append((time.monotonic(), label.split(":", maxsplit=1)[0]))
            self.ctx.progress(label, done, total)

        def cancelled(self) -> bool:
            return self.ctx.cancelled()

    def with_phases(ctx: JobContext) -> object:
        return job(Phased(ctx))

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    started = time.monotonic()

    def done(r: object) -> None:
        result["r"] = r
        app.quit()

    def failed(message: str, _cancelled: bool) -> None:
        result["error"] = message
        app.quit()

    runner.start(with_phases, on_done=done, on_error=failed)
    app.exec()
    elapsed = time.monotonic() - started
    timer.stop()
    runner.wait()
    for delay, phase in sorted(worst, reverse=True)[:3]:
        print(f"    {delay:.0f} ms during: {phase}")
    return result, sorted(delays), elapsed


def _report(label: str, delays: list[float], elapsed: float) -> None:
    p99 = delays[int(len(delays) * 0.99) - 1]
    print(f"  {label}: {elapsed:.2f} s; event loop ticks {len(delays)} (every {TICK_MS} ms expected); "
          f"delay beyond {TICK_MS} ms: median {statistics.median(delays):.0f} ms, p99 {p99:.0f} ms, "
          f"max {delays[-1]:.0f} ms")


def main() -> int:
    import argparse

    from dossier_app.ui.review_page import prepare_job

    parser = argparse.ArgumentParser()
    parser.add_argument("--sleutelbos", action="store_true",
                        help="with a keyring (case_bench.MemoryKeyring, in this process): the "
                        "preparation fills the document cache and Bouwen takes the documents from it, "
                        "as on a Windows laptop")
    parser.add_argument("--pagina", type=float, default=3.0, metavar="SECONDEN",
                        help="how long the Bouwen page is on screen before 'Bundel maken' is "
                        "clicked (the page starts the checking workers when it is shown); 0: at "
                        "once, as if the workers were started by the build itself")
    parser.add_argument("--herbouw", type=int, default=1, metavar="N",
                        help="with --sleutelbos: edit the voorblad and build again N times (the "
                        "wizard's rebuild, each with another voorblad text); the median is printed")
    args = parser.parse_args()
    wizard = args.sleutelbos
    # the wizard's Bouwen uses the converter its preparation used ("auto": Word, else
    # LibreOffice, else built in); without --sleutelbos the build uses the built-in one
    options = (BuildOptions(beside_window=True) if wizard
               else BuildOptions(converter="builtin", beside_window=True))  # as build_page does
    if wizard:
        import keyring
        from case_bench import MemoryKeyring

        keyring.set_keyring(MemoryKeyring())

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TAFELDOSSIER_DATA"] = str(Path(tmp) / "data")
        folder = Path(tmp) / "casus"
        generate(folder, libreoffice=False)
        case = read_case(folder / "casus.toml")
        app = QApplication.instance() or QApplication([])
        keep_out_of_garbage_collection()  # as the wizard's main() does once its window stands
        print(f"ui_responsiveness: the generated case, {len(case.documenten)} documents "
              "(the wizard's worker thread, as the pages run them)")
        prepared, prep_delays, prep_s = _measure(app, prepare_job(case, list(case.documenten), {}))
        if "error" in prepared:
            print(f"preparation failed: {prepared['error']}")
            return 1
        _report("Alles voorbereiden", prep_delays, prep_s)
        workers = CheckWorkers()  # kept between the builds, as the wizard's Bouwen page does
        if args.pagina > 0:  # the page is shown: it starts the workers (BuildPage._warm_workers)
            workers.start()
            time.sleep(args.pagina)
        print(f"  (the Bouwen page on screen {args.pagina:g} s before 'Bundel maken')")
        built, delays, elapsed = _measure(
            app, lambda ctx: build_bundle(case, Path(tmp) / "bundel.pdf", options,
                                          progress=ctx.progress, cancelled=ctx.cancelled,
                                          workers=workers))
        if "error" in built:
            print(f"build failed: {built['error']}")
            return 1
        pages = built["r"].paginas  # type: ignore[attr-defined]
        cached = built["r"].uit_cache  # type: ignore[attr-defined]
        _report(f"Bouwen ({pages} pages, {cached} documents from the cache)", delays, elapsed)
        if wizard:  # the voorblad edited, Bouwen again: the checks' memo answers for the rest
            assert case.voorblad is not None
            times = []
            for n in range(1, args.herbouw + 1):
                edited = replace(case, voorblad=replace(
                    case.voorblad, samenvatting=f"{case.voorblad.samenvatting} Aangevuld na overleg {n}."))
                rebuilt, delays, elapsed = _measure(
                    app, lambda ctx, edited=edited: build_bundle(
                        edited, Path(tmp) / "bundel-2.pdf", replace(options, force=True),
                        progress=ctx.progress, cancelled=ctx.cancelled, workers=workers))
                if "error" in rebuilt:
                    print(f"rebuild failed: {rebuilt['error']}")
                    return 1
                times.append(elapsed)
                _report(f"Bouwen again after a voorblad edit ({n})", delays, elapsed)
            if len(times) > 1:
                print(f"  rebuild after a voorblad edit, {len(times)} times: median "
                      f"{statistics.median(times):.2f} s, best {min(times):.2f} s (target <= 0.5 s)")
        workers.close()
    print("  (a window feels frozen from about 500 ms without response; the target is <= 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
