"""Text engines that ship as wheels, for the leak gate: pdfminer.six (pure Python, MIT).

pdfminer.six parses the PDF itself (its own lexer, font and CMap handling, layout
analysis), sharing no code with PDFium (the redactor), pypdf or the external programs:
a second independent engine on a machine with no program on PATH (a plain Windows
laptop). The layout analysis puts the spaces and line breaks between words (without it
words run together and a name beside another word would not be found); the hierarchical
grouping of text boxes (`boxes_flow`) only orders boxes and is left out: it costs a third
of the time and does not change which words are on a line.

Run as `python -m dossier_app.anonymise.text_engines pdfminer FILE FIRST STOP` it writes
the page texts of pages [FIRST, STOP) as JSON: the gate's worker processes. A frozen app
has no interpreter to start that way; there `spawned_jobs` runs the same extraction in
processes that multiprocessing spawns (the frozen program itself, turned into a worker by
`freeze_support()` in its entry point).
"""

from __future__ import annotations

import io
import json
import logging
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Protocol

from dossier_app.processes import spawn_pool


class TextJob(Protocol):
    """Page texts being extracted elsewhere: a program, or a spawned worker."""

    def output(self, timeout: float) -> bytes: ...

    def stop(self) -> None: ...


def pdfminer_texts(path: Path, first: int = 0, stop: int | None = None) -> list[str]:
    """Page texts by pdfminer.six, pages [first, stop)."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings are noise here
    resources = PDFResourceManager(caching=True)
    params = LAParams(boxes_flow=None)
    texts = []
    with open(path, "rb") as fh:
        for number, page in enumerate(PDFPage.get_pages(fh, check_extractable=False)):
            if number < first:
                continue
            if stop is not None and number >= stop:
                break
            out = io.StringIO()
            device = TextConverter(resources, out, laparams=params)
            try:
                PDFPageInterpreter(resources, device).process_page(page)
            finally:
                device.close()
            texts.append(out.getvalue())
    return texts


def texts_json(name: str, path: str, first: int, stop: int) -> bytes:
    """The page texts of an engine in a wheel as JSON bytes (what a worker program writes)."""
    if name == "pypdf":
        from dossier_app.anonymise.gate import pypdf_texts

        return json.dumps(pypdf_texts(Path(path), first, stop)).encode("utf-8")
    return json.dumps(pdfminer_texts(Path(path), first, stop)).encode("utf-8")


class SpawnedJob:
    """One range of pages extracted in a spawned worker process."""

    def __init__(self, pool: ProcessPoolExecutor, name: str, path: Path, first: int, stop: int):
        self._pool = pool
        self._future = pool.submit(texts_json, name, str(path), first, stop)

    def output(self, timeout: float) -> bytes:
        """The JSON texts; RuntimeError if the worker fails or takes longer than `timeout`."""
        try:
            return self._future.result(timeout)
        except FutureTimeout:
            raise RuntimeError("text engine timed out") from None
        except Exception as exc:
            raise RuntimeError("text engine failed") from exc

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def spawned_jobs(name: str, path: Path, ranges: list[tuple[int, int]]) -> list[TextJob]:
    """The ranges in spawned workers, or [] when none can be started (the caller then
    extracts in this process)."""
    pool = spawn_pool(len(ranges))
    if pool is None:
        return []
    return [SpawnedJob(pool, name, path, first, stop) for first, stop in ranges]


def _main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "pdfminer":
        return 2
    sys.stdout.write(json.dumps(pdfminer_texts(Path(argv[1]), int(argv[2]), int(argv[3]))))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
