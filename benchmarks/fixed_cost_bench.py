"""What one small job costs as a whole process: start, imports, the work, exit.

Each row runs the `dossier` command line in a fresh process (`python -m dossier_app ...`,
as the installed command does) five times and prints the median and the fastest wall time
and the largest peak resident memory (`wait4`, through `launch.py`: the program's own, not
this benchmark's). Inputs are made in a temp folder outside
the measurement: a one-page text PDF and a one-page DOCX for the example case (which
names them nowhere, so no regions apply), and a 12-page bundle made with the product's
own `assemble` (the loket's inbox benchmark's bundle).

    .venv/bin/python benchmarks/fixed_cost_bench.py [--runs 5]

Then the floor under these jobs, also as whole processes that exit at once (`os._exit`, as
the product does): the interpreter's start; the libraries every one of them needs imported
(pikepdf, PDFium, phonenumbers, deduce); those and the Dutch name detector loaded. No job
can take less than the last row before it reads a byte of its input.

Then `python -X importtime` of the two heaviest commands, the ten slowest imports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import launch
from docx import Document as DocxDocument
from inbox_bench import make_bundles
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"
LINES = ["Verslag van het overleg over de leerling.",
         "Aanwezig: mevrouw Jansen (intern begeleider), meneer De Vries (leerkracht).",
         "De leerling komt sinds oktober niet meer op school; moeder belt op 06-12345678.",
         "Afspraak: een huisbezoek door de schoolmaatschappelijk werker op 12 november."]


def _one_page_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 780
    for _ in range(8):
        for line in LINES:
            c.drawString(60, y, line)
            y -= 18
    c.save()
    return path


def _one_page_docx(path: Path) -> Path:
    doc = DocxDocument()
    doc.add_heading("Verslag", level=1)
    for _ in range(6):
        for line in LINES:
            doc.add_paragraph(line)
    doc.save(str(path))
    return path


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """`python ARGS` as a whole process: seconds, exit code, its own peak MB."""
    done = launch.run([sys.executable, *args], env)
    return done.seconds, done.exit, done.peak_mb


# The floor: what every small job pays before its own work (each line exits at once).
FLOORS = [
    ("floor: the interpreter starts", "import os; os._exit(0)"),
    ("floor: + pikepdf, PDFium, phonenumbers, deduce",
     "import os, pikepdf, pypdfium2, phonenumbers, deduce; os._exit(0)"),
    ("floor: + the name detector loaded",
     "import os, pikepdf, pypdfium2, phonenumbers\n"
     "from dossier_app.anonymise import detect\ndetect.warm_up(); os._exit(0)"),
]


def _imports(args: list[str], env: dict[str, str]) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "dossier_app", *args], env=env,
                         capture_output=True, text=True, check=False).stderr
    rows = []
    for line in out.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit() and not name.startswith("     "):  # top levels
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:10]


def _row(label: str, results: list[tuple[float, int, int]], target: float | None) -> None:
    times = [r[0] for r in results]
    print(f"{label:48} {statistics.median(times):9.2f} {min(times):7.2f} "
          f"{max(r[2] for r in results):8d} {results[-1][1]:5d} "
          f"{'' if target is None else f'{target:.2f}':>9}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "TAFELDOSSIER_DATA": str(work / "data")}
        pdf = _one_page_pdf(work / "een-pagina.pdf")
        docx = _one_page_docx(work / "een-pagina.docx")
        (work / "bundels").mkdir()
        (work / "delen").mkdir()
        make_bundles(work / "bundels", 1, work / "delen")
        bundle = next((work / "bundels").glob("*.pdf"))
        jobs = [
            ("start (dossier --versie)", ["--versie"], None),
            ("anonimiseer, one-page text PDF", ["anonimiseer", "--case", str(CASE), str(pdf), "-o",
                                                 str(work / "uit-pdf.pdf")], 0.3),
            ("anonimiseer, one-page DOCX (built-in)", ["anonimiseer", "--case", str(CASE), str(docx),
                                                       "-o", str(work / "uit-docx.pdf"),
                                                       "--converter", "builtin"], 0.45),
            ("verify, 12-page bundle", ["verify", str(bundle)], 0.3),
        ]
        # the first run in a data folder builds deduce's lookup cache
        _run(["-m", "dossier_app", *jobs[1][1]], env)
        print(f"fixed_cost_bench: whole processes, {runs} runs each, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}")
        print(f"{'job':48} {'median s':>9} {'best s':>7} {'peak MB':>8} {'exit':>5} {'target s':>9}")
        for label, args, target in jobs:
            _row(label, [_run(["-m", "dossier_app", *args], env) for _ in range(runs)], target)
        for label, code in FLOORS:
            _row(label, [_run(["-c", code], env) for _ in range(runs)], None)
        for label, args, _ in jobs[1:4:2]:
            print(f"slowest imports of {label} (cumulative ms):")
            for micros, name in _imports(args, env):
                print(f"  {micros / 1000:7.1f}  {name}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
