"""The loket's inbox on a folder of 100 bundles of ~12 pages: first open and reopen.

Makes 100 distinct bundles (12 pages each: a voorblad and four components of generated
Dutch text, each bundle with its own OT-nummer) with the product's own `assemble`, outside
the measurement. Then opens the folder in the inbox window (dossier_app.ui.inbox) twice,
as the loket would: the first time every bundle is checked, the second time the cache
answers. A 20 ms timer on the main thread records how late each tick is: the largest delay
is what a user would feel as a frozen window (target: never above 100 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/inbox_bench.py [--bundels 100]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from tree_rss import TreeSampler

from dossier_app.bundle.assemble import BundleInfo, Part, assemble

TICK_MS = 20
PARTS = (("voorblad", "Voorblad met samenvatting en hoofdvraag", 2), ("toestemming-ouders",
         "Schriftelijke toestemming van ouders", 1), ("mdo-verslagen", "MDO-verslagen", 4),
         ("opp", "Ontwikkelingsperspectiefplan (OPP)", 3), ("verzuimregistratie", "Verzuimregistratie", 2))
ZIN = ("In het MDO is afgesproken dat de leerling eerst twee ochtenden per week op school komt, met "
       "begeleiding door de onderwijsassistent. ")


def _pdf(path: Path, pages: int, title: str) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 780, f"{title} ({n + 1})")
        c.setFont("Helvetica", 10)
        for line in range(40):
            c.drawString(72, 750 - line * 16, ZIN[: 60 + (line * 7) % 40])
        c.showPage()
    c.save()
    return path


def make_bundles(folder: Path, count: int, work: Path) -> None:
    parts = [Part(oid, naam, (_pdf(work / f"{oid}.pdf", pages, naam),), oid == "voorblad")
             for oid, naam, pages in PARTS]
    extra = {"controles": ["identificatoren", "lekcontrole"], "niet_gecontroleerd": [], "meldingen": [],
             "converter": "builtin", "casus_voorwaarden": {"smw_betrokken": False}}
    for n in range(count):
        info = BundleInfo(ot_nummer=f"OT-{8000000 + n}", tafel_id="adviestafel", tafel_naam="Adviestafel",
                          spoor=None, gemeente="den-haag", onderwijs="po", aanmelddatum=date(2026, 10, 19),
                          eerste_verzuimdatum=date(2026, 9, 7), routeboek_id="po-2025-2026",
                          routeboek_versie="2025-2026.1", concept=False)
        assemble(parts, info, folder / f"bundel-OT-{8000000 + n}.pdf", manifest_extra=extra)


def open_once(app: QApplication, folder: Path) -> tuple[float, float, int]:
    from dossier_app.ui.inbox import InboxWindow
    from dossier_app.ui.jobs import JobRunner

    delays: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        delays.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    started = time.perf_counter()
    window = InboxWindow(JobRunner())
    window.show()
    app.processEvents()
    timer = QTimer()  # measured while the folder is checked
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    last[0] = time.perf_counter()
    window.open_folder(folder)
    while window.job is None or window.job.running or len(window.rows) < len(list(folder.glob("*.pdf"))):
        app.processEvents()
        time.sleep(0.002)
    took = time.perf_counter() - started
    timer.stop()
    checked = window.checks
    window.close()
    return took, max(delays, default=0.0), checked


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundels", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TAFELDOSSIER_DATA"] = str(Path(tmp) / "data")
        folder, work = Path(tmp) / "postvak", Path(tmp) / "werk"
        folder.mkdir()
        work.mkdir()
        t0 = time.perf_counter()
        make_bundles(folder, args.bundels, work)
        print(f"{args.bundels} bundels van 12 pagina's gemaakt in {time.perf_counter() - t0:.1f} s "
              "(buiten de meting)")
        app = QApplication.instance() or QApplication([])
        print(f"{'run':<12}{'s':>8}{'bundels/s':>11}{'gecontroleerd':>15}{'max vertraging ms':>19}"
              f"{'piek RSS boom MB':>18}")
        for name in ("eerste keer", "opnieuw"):
            with TreeSampler(os.getpid()) as sampler:
                took, worst, checked = open_once(app, folder)
            print(f"{name:<12}{took:>8.1f}{args.bundels / took:>11.1f}{checked:>15}{worst:>19.0f}"
                  f"{sampler.peak_kb / 1024:>18.0f}")
        print(f"hoofdproces max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
              f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
