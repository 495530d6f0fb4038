"""Pages per second of the built-in DOCX -> PDF renderer on a realistic 20-page report.

Run: .venv/bin/python benchmarks/docx_bench.py [pages] [repeats]
Product target: a 200-page case with a dozen Word reports in under 10 s, so the
built-in converter should stay well above 50 pages/s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from docxmaker import make_report_docx

from dossier_app.documents.convert import convert_docx


def main(pages: int = 20, repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = make_report_docx(Path(tmp) / "rapport.docx", pages=pages)
        pdf = Path(tmp) / "rapport.pdf"
        convert_docx(src, pdf, converter="builtin")  # warm-up: fonts, imports
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            convert_docx(src, pdf, converter="builtin")
            times.append(time.perf_counter() - start)
        count = len(PdfReader(pdf).pages)
        best, median = min(times), sorted(times)[len(times) // 2]
        print(f"builtin: {count} pages; best {best:.3f} s ({count / best:.0f} pages/s), "
              f"median {median:.3f} s ({count / median:.0f} pages/s)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
