"""Tesseract inside this process: the tesserocr wheel (libtesseract and its libraries are
in the wheel, for Linux and win_amd64) with the Dutch data Tafeldossier ships
(`resources/tessdata/nld.traineddata`, tessdata_fast, Apache-2.0).

So a plain Windows laptop, with no program on PATH, still gets OCR proposals on scans.
The page image is handed over in memory: no file, so no path under the user's profile.
Nothing is downloaded: without the wheel or the data file, `available()` is False.
"""

from __future__ import annotations

import logging
import sys
import threading
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from dossier_app.paths import resources_dir
from dossier_app.processes import give_back_freed_memory, short_path

log = logging.getLogger(__name__)

LANGUAGE = "nld"
_lock = threading.Lock()  # one TessBaseAPI per process; it is not thread-safe


def tessdata_dir() -> Path:
    """The folder with the shipped traineddata files."""
    return resources_dir() / "tessdata"


@cache
def _api() -> Any:
    """An initialised TessBaseAPI for Dutch, or None when it cannot be had here."""
    try:
        import tesserocr
    except ImportError:
        return None
    folder = tessdata_dir()
    if not (folder / f"{LANGUAGE}.traineddata").is_file():
        return None
    path = data_path_for_tesseract(folder)
    if path is None:
        log.warning("ingebouwde OCR: pad naar de taalgegevens niet bruikbaar")
        return None
    try:
        return tesserocr.PyTessBaseAPI(path=path, lang=LANGUAGE, psm=tesserocr.PSM.AUTO,
                                       oem=tesserocr.OEM.LSTM_ONLY)
    except RuntimeError as exc:
        log.warning("ingebouwde OCR niet gestart (%s)", type(exc).__name__)
        return None


def data_path_for_tesseract(folder: Path) -> str | None:
    """The folder as libtesseract can open it, ending in a separator.

    libtesseract opens files with the C library's `fopen`, which on Windows reads the
    name in the ANSI code page: a folder under a profile like `C:\\Users\\Özlem` fails
    there. Windows' short (8.3) name of that folder is plain ASCII when the volume keeps
    short names; otherwise None (the caller then uses the Tesseract program, if any)."""
    if sys.platform != "win32":
        return str(folder) + "/"
    text = str(folder)
    if not text.isascii():
        text = short_path(text)
    return text.rstrip("\\/") + "\\" if text.isascii() else None


def available() -> bool:
    return _api() is not None


def tsv(image: Image.Image, psm: int | None = None, dpi: float | None = None) -> str:
    """Tesseract's TSV output (the same columns as `tesseract ... tsv`) for one page; `psm`
    a page-segmentation mode other than automatic (3), as `--psm` of the program.

    The page's image and what was recognised on it are let go after each read (`Clear`):
    kept, they held ~30-60 MB of a dense page in every document worker until it ended.
    The language data stays loaded. A read after `Clear` reads the same (LSTM only: no
    adaptive state): `test_builtin_engine_lets_go_of_a_page_after_reading_it`."""
    api = _api()
    if api is None:
        return ""
    with _lock:
        if psm is not None:
            api.SetPageSegMode(psm)
        try:
            api.SetImage(image)
            # the program reads the resolution from the PNG; an image in memory has none, and
            # Tesseract then assumes 70 dpi, which changes what it reads
            if dpi is not None:
                api.SetSourceResolution(int(dpi))
            return str(api.GetTSVText(0))
        finally:
            if psm is not None:
                api.SetPageSegMode(3)
            api.Clear()
            give_back_freed_memory()  # Tesseract's many mid-sized buffers


@cache
def identity() -> str:
    """The engine's versions and its language data, for remembering what it read."""
    import hashlib

    try:
        import tesserocr

        versions = f"{tesserocr.__version__}:{tesserocr.tesseract_version().splitlines()[0]}"
    except (ImportError, AttributeError, IndexError):
        versions = "?"
    data = tessdata_dir() / f"{LANGUAGE}.traineddata"
    try:
        digest = hashlib.sha256(data.read_bytes()).hexdigest()
    except OSError:
        digest = "-"
    return f"{versions}:{digest}"
