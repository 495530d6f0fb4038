"""Pages per second and peak memory of clean_pdf + verify_pdf on a 200-page text PDF.

Run: .venv/bin/python benchmarks/pdf_clean_bench.py [pages]
Targets: >= 40 pages/s end to end, < 400 MB peak RSS for 200 pages.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pdfmaker

from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.pdf_redact import clean_pdf


def main(pages: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = pdfmaker.make_text_pdf(Path(tmp) / "bron.pdf", pages)
        dst = Path(tmp) / "schoon.pdf"
        start = time.perf_counter()
        result = clean_pdf(src, dst, pdfmaker.finder, [], bestand="bron.pdf")
        cleaned = time.perf_counter()
        report = verify_pdf(dst, pdfmaker.finder, pdfmaker.LITERALS)
        done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    hits = sum(sum(c.values()) for c in result.treffers.values())
    print(f"pages: {pages}, hits removed: {hits}, pages as image: {len(result.gerasterd)}")
    print(f"clean_pdf:  {cleaned - start:6.2f} s  ({pages / (cleaned - start):6.1f} pages/s)")
    print(f"verify_pdf: {done - cleaned:6.2f} s  ({pages / (done - cleaned):6.1f} pages/s)"
          f"  engines: {', '.join(report.engines)}")
    print(f"end to end: {done - start:6.2f} s  ({pages / (done - start):6.1f} pages/s)")
    print(f"peak RSS: {peak:.0f} MB (this process), {workers:.0f} MB (largest child)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
