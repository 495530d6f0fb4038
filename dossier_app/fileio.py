"""Writing output files so that a crash never leaves half a file, and nothing is lost."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dossier_app.errors import FileInUseError, InputError, OutputExistsError

_REPLACE_TRIES = 5  # Windows: a virus scanner or indexer holds a new file for a moment
_REPLACE_WAIT_S = 0.2


def check_output(out: Path, *, force: bool) -> None:
    """Refuse to overwrite an existing file without --force; the folder must exist."""
    if out.is_dir():
        raise InputError(f"{out} is een map, geen bestand. Geef de naam van het bestand op dat u wilt "
                         f"schrijven, bijvoorbeeld {out / 'bundel.pdf'}.", bestand=str(out),
                         code="UITVOER_IS_MAP")
    if out.exists() and not force:
        raise OutputExistsError(f"Het bestand {out} bestaat al. Kies een andere naam of gebruik "
                                "--force om het te vervangen.")
    if not out.parent.is_dir():
        raise InputError(f"De map {out.parent} bestaat niet. Maak de map eerst aan of kies een "
                         "andere plek.", bestand=str(out.parent), code="MAP_ONTBREEKT")


def fsync_dir(folder: Path) -> None:
    """Make a rename durable. Windows cannot open folders for fsync; os.replace is atomic there."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_output(path: Path, *, prefix: str = ".tafeldossier-", durable: bool = True) -> Iterator[Path]:
    """A temporary path in `path`'s folder (owner-only) to write to. When the block ends
    normally, the file is fsynced and renamed onto `path`, and the folder is synced: readers
    see the old file or the new one, never half. On an error the temporary file is removed.
    `durable=False` leaves out both syncs (the rename stays atomic): for a cache entry
    whose loss in a power cut only costs time, and whose damage its seal detects."""
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if durable:
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
        replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def replace(tmp: Path, path: Path) -> None:
    """`os.replace`, retried briefly; a file another program keeps open (Windows refuses
    to replace a PDF open in a viewer) becomes a Dutch message that says what to do."""
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt == _REPLACE_TRIES - 1:
                raise FileInUseError(in_use_message(path), bestand=str(path),
                                     code="BESTAND_IN_GEBRUIK") from None
            time.sleep(_REPLACE_WAIT_S)


def in_use_message(path: Path) -> str:
    what = "de PDF" if path.suffix.lower() == ".pdf" else "het bestand"
    return (f"Het bestand {path} kon niet worden vervangen: het is geopend in een ander "
            f"programma of alleen-lezen. Sluit {what} en probeer het opnieuw.")


def atomic_write_bytes(path: Path, data: bytes, *, prefix: str = ".tafeldossier-",
                       durable: bool = True) -> None:
    with atomic_output(path, prefix=prefix, durable=durable) as tmp:
        tmp.write_bytes(data)


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy src to dst via a temporary file in dst's folder and an atomic rename."""
    with atomic_output(dst) as tmp:
        shutil.copyfile(src, tmp)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MB pieces."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
