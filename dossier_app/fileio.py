"""Writing output files so that a crash never leaves half a file, and nothing is lost."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dossier_app.errors import InputError, OutputExistsError


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
def atomic_output(path: Path, *, prefix: str = ".tafeldossier-") -> Iterator[Path]:
    """A temporary path in `path`'s folder (owner-only) to write to. When the block ends
    normally, the file is fsynced and renamed onto `path`, and the folder is synced: readers
    see the old file or the new one, never half. On an error the temporary file is removed."""
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes, *, prefix: str = ".tafeldossier-") -> None:
    with atomic_output(path, prefix=prefix) as tmp:
        tmp.write_bytes(data)


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy src to dst via a temporary file in dst's folder and an atomic rename."""
    with atomic_output(dst) as tmp:
        shutil.copyfile(src, tmp)
