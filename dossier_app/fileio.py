"""Writing output files so that a crash never leaves half a file, and nothing is lost."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from dossier_app.errors import InputError, OutputExistsError


def check_output(out: Path, *, force: bool) -> None:
    """Refuse to overwrite an existing file without --force; the folder must exist."""
    if out.exists() and not force:
        raise OutputExistsError(f"Het bestand {out} bestaat al. Kies een andere naam of gebruik "
                                "--force om het te vervangen.")
    if not out.parent.is_dir():
        raise InputError(f"De map {out.parent} bestaat niet. Maak de map eerst aan of kies een "
                         "andere plek.", bestand=str(out.parent), code="MAP_ONTBREEKT")


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy src to dst via a temporary file in dst's folder and an atomic rename."""
    fd, tmp_name = tempfile.mkstemp(prefix=".tafeldossier-", suffix=".tmp", dir=dst.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
