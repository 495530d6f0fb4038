"""One-document throughput: pages per second and peak memory of `process_document`.

Run: .venv/bin/python benchmarks/document_bench.py [--pages 200] [--docx-sections 39]
                                                   [--skip-libreoffice]

Inputs (generated first, outside the measurements; fictitious pupil of generate_case.py):
  (a) a 200-page Dutch report as a text PDF made with reportlab (DejaVu), the pupil's
      identifiers on every page; and a long DOCX exported to PDF by LibreOffice;
  (b) a ~40-page DOCX report, processed with --converter builtin and libreoffice.

Every measurement runs in a fresh process tree: this script starts a "measure" process,
which starts the "work" process that calls the real pipeline
(`dossier_app.documents.pipeline.process_document`: intake, Word at the source and
conversion, OCR check, redaction, sanitising, gate, flagger) once.
  - time: wall time of `process_document` inside the work process (imports and reading
    the case file excluded; the wall time of the whole process is printed as well);
  - peak RSS "main": getrusage(RUSAGE_SELF).ru_maxrss of the work process;
  - peak RSS "workers": getrusage(RUSAGE_CHILDREN).ru_maxrss in the work process, i.e.
    the largest of the processes it started (pdftotext and the pypdf workers of the
    gate, LibreOffice);
  - peak RSS "tree": getrusage(RUSAGE_CHILDREN).ru_maxrss in the fresh measure process,
    the largest process anywhere in the tree (= max of main and workers).
Targets (printed next to the figures): >= 40 pages/s end to end for text PDFs,
< 400 MB peak RSS for a 200-page document. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

TARGET_PAGES_PER_S = 40.0
TARGET_PEAK_MB = 400.0


def _mb(kb: int) -> float:
    return kb / 1024  # ru_maxrss is in KiB on Linux


# --- the work process: one call of the real pipeline ---------------------------------------


def work(spec: dict) -> dict:
    started = time.perf_counter()
    from dossier_app.anonymise.case_identifiers import identifiers_for_case
    from dossier_app.case import read_case
    from dossier_app.case_model import Document
    from dossier_app.documents.pipeline import PipelineOptions, process_document
    from dossier_app.store.workdir import private_workdir

    case = read_case(Path(spec["case"]))
    ids = identifiers_for_case(case)
    path = Path(spec["file"])
    doc = Document(onderdeel="overige-verslagen", bestand=path.name, pad=path)
    with private_workdir() as workdir:
        t0 = time.perf_counter()
        done = process_document(doc, ids, workdir, PipelineOptions(converter=spec["converter"]))
        seconds = time.perf_counter() - t0
    return {
        "pages": done.paginas, "seconds": seconds, "process_seconds": time.perf_counter() - started,
        "converter": done.converter, "removed": sum(done.treffers.values()),
        "rasterised": len(done.gerasterd), "findings": len(done.bevindingen),
        "main_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


# --- the measure process: a fresh parent whose only child is the work process --------------


def measure(spec: dict) -> dict:
    from tree_rss import run_sampled

    code, out, err, wall, sum_kb = run_sampled(
        [sys.executable, str(Path(__file__).resolve()), "--work", json.dumps(spec)], spec_env(spec))
    tree_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if code != 0:
        return {"error": (err.strip().splitlines() or ["?"])[-1], "wall": wall}
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall=wall, tree_kb=tree_kb, sum_kb=sum_kb)
    return result


def spec_env(spec: dict) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = spec["data"]  # private work folders and logs in the temp folder
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_measurement(spec: dict) -> dict:
    """Start a fresh measure process (which starts the work process)."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", json.dumps(spec)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- inputs ----------------------------------------------------------------------------------


def make_inputs(tmp: Path, pages: int, docx_sections: int, libreoffice: bool) -> list[tuple[str, Path, str]]:
    import generate_case as gc

    (tmp / "casus.toml").write_text(gc.casus_toml([]), encoding="utf-8")
    items: list[tuple[str, Path, str]] = []
    t = time.perf_counter()
    pdf = gc.text_pdf(tmp / f"rapport-{pages}.pdf", "Verslag zorgteam", pages, gc.SEED + 100)
    # The first run in a fresh installation also builds deduce's lookup cache (once per
    # installation, ~1.5 s); the second run is what every later document costs.
    items.append(("(a) text PDF, reportlab, 1st run", pdf, "auto"))
    items.append(("(a) text PDF, reportlab, 2nd run", pdf, "auto"))
    print(f"generated {pdf.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if libreoffice:
        t = time.perf_counter()
        # LibreOffice lays out ~0.98 pages per section; aim at the same page count
        long_docx = gc.word_report(tmp / "lang-rapport.docx", "Verslag zorgteam (lang)", "Zorgteam",
                                   round(pages / 0.98), gc.SEED + 101)
        try:
            (lo_pdf,) = gc.libreoffice_export([long_docx], tmp)
            items.append(("(a) text PDF, LibreOffice export", lo_pdf, "auto"))
            print(f"exported {lo_pdf.name} with LibreOffice in {time.perf_counter() - t:.1f} s",
                  file=sys.stderr)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            print(f"note: LibreOffice export failed ({type(exc).__name__}); skipped", file=sys.stderr)
    docx = gc.word_report(tmp / "rapport-40.docx", "Verslag zorgteam", "Zorgteam", docx_sections,
                          gc.SEED + 102)
    items.append(("(b) DOCX, builtin", docx, "builtin"))
    if libreoffice:
        items.append(("(b) DOCX, libreoffice", docx, "libreoffice"))
    return items


# --- report ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--docx-sections", type=int, default=39, help="~1.05 builtin pages per section")
    parser.add_argument("--skip-libreoffice", action="store_true")
    parser.add_argument("--work")
    parser.add_argument("--measure")
    args = parser.parse_args()
    if args.work:
        print(json.dumps(work(json.loads(args.work))))
        return
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure))))
        return

    bench_start = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="document-bench-") as tmpname:
        tmp = Path(tmpname)
        items = make_inputs(tmp, args.pages, args.docx_sections, not args.skip_libreoffice)
        rows = []
        for label, path, converter in items:
            spec = {"case": str(tmp / "casus.toml"), "file": str(path), "converter": converter,
                    "data": str(tmp / "data")}
            print(f"measuring {label} ...", file=sys.stderr)
            rows.append((label, path, run_measurement(spec)))
    print_table(rows)
    now = os.getloadavg()
    print(f"load average (1/5/15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, after: {now[0]:.2f} {now[1]:.2f} {now[2]:.2f} on {os.cpu_count()} "
          "CPUs (other work on the machine inflates the times)")
    print(f"benchmark run time (generation + measurements): {time.perf_counter() - bench_start:.1f} s")


def print_table(rows: list[tuple[str, Path, dict]]) -> None:
    print("document_bench: process_document (intake, Word at the source + conversion, OCR check, "
          "redaction, sanitising, gate, flagger), one fresh process per row")
    head = (f"{'input':34} {'pages':>5} {'time s':>7} {'pages/s':>8} {'proc s':>7} "
            f"{'main MB':>8} {'workers MB':>10} {'tree MB':>8} {'sum MB':>7}  targets")
    print(head)
    print("-" * len(head))
    for label, _path, r in rows:
        if "error" in r:
            print(f"{label:34} ERROR: {r['error']}")
            continue
        text = label.startswith("(a)")
        rate = r["pages"] / r["seconds"]
        tree = _mb(r["tree_kb"])
        total = _mb(r["sum_kb"])
        notes = []
        if text:
            met = "met" if rate >= TARGET_PAGES_PER_S else "MISSED"
            notes.append(f">= {TARGET_PAGES_PER_S:.0f} pages/s: {met}")
        if r["pages"] >= 150:
            met = "met" if max(tree, total) < TARGET_PEAK_MB else "MISSED"
            notes.append(f"< {TARGET_PEAK_MB:.0f} MB peak (largest process and sum): {met}")
        print(f"{label:34} {r['pages']:5d} {r['seconds']:7.2f} {rate:8.1f} {r['process_seconds']:7.2f} "
              f"{_mb(r['main_kb']):8.0f} {_mb(r['workers_kb']):10.0f} {tree:8.0f} {total:7.0f}  "
              f"{'; '.join(notes)}")
    print("details:")
    for label, path, r in rows:
        if "error" not in r:
            print(f"  {label}: {path.name}, converter {r['converter'] or '-'}, identifiers removed "
                  f"{r['removed']}, pages rasterised {r['rasterised']}, flagger findings {r['findings']}, "
                  f"wall time of the work process incl. interpreter start {r['wall']:.2f} s")
    print("time s = process_document only; proc s = work process from start of imports to end; "
          "main = the work process (RUSAGE_SELF); workers = largest child of it (pdftotext, pypdf "
          "gate workers, LibreOffice; RUSAGE_CHILDREN); tree = RUSAGE_CHILDREN of a fresh parent "
          "(max of both); sum = peak of the summed RSS of all processes of the tree at one moment "
          "(sampled every 50 ms: a lower bound)")


if __name__ == "__main__":
    main()
