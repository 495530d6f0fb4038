"""The support log: where it lives and what may go in it.

Only event names, codes, counts and exception types with code locations go in. Never
an exception's message or a value: third-party messages may quote document text.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

APP = "Tafeldossier"
_configured = False


def data_dir() -> Path:
    """Per-user data folder (the same one Qt's AppLocalDataLocation gives on Windows)."""
    override = os.environ.get("TAFELDOSSIER_DATA")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / APP
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP


def log_dir() -> Path:
    return data_dir() / "logs"


def get_logger(name: str = "tafeldossier") -> logging.Logger:
    global _configured
    logger = logging.getLogger("tafeldossier")
    if not _configured:
        _configured = True
        logger.setLevel(logging.INFO)
        logger.propagate = False
        try:
            folder = log_dir()
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handler: logging.Handler = RotatingFileHandler(
                folder / "tafeldossier.log", maxBytes=512_000, backupCount=3, encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        # Modules that log under their own name (dossier_app.*) go to the same file, never
        # to the terminal through Python's last-resort handler.
        modules = logging.getLogger("dossier_app")
        modules.setLevel(logging.INFO)
        modules.propagate = False
        modules.addHandler(handler)
    return logger if name == "tafeldossier" else logger.getChild(name)


def log_internal_error(exc: BaseException) -> None:
    """Log a bug: the exception type and where it happened, never its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(frames))
    get_logger().error("interne fout %s bij %s", type(exc).__name__, where)
