"""What the application remembers between sessions: window size, last folder, recent
case files. Stored in an INI file in Tafeldossier's own data folder.

Never an identifier: a folder or file name that contains a name, date or number of the
pupil or family is not remembered (people do name folders after a pupil).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from dossier_app.case_model import Case
from dossier_app.logs import data_dir
from dossier_app.privacy import fold, identifier_tokens

MAX_RECENT = 6


def app_settings() -> QSettings:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "instellingen.ini"), QSettings.Format.IniFormat)


def safe_to_remember(path: Path, case: Case | None) -> bool:
    if case is None:
        return True
    folded = "".join(ch for ch in fold(str(path)) if ch.isalnum())
    return not any(token in folded for token in identifier_tokens(case))


def last_folder() -> Path:
    value = app_settings().value("mappen/laatste", "")
    folder = Path(str(value)) if value else Path.home()
    return folder if folder.is_dir() else Path.home()


def remember_folder(folder: Path, case: Case | None) -> None:
    if safe_to_remember(folder, case):
        app_settings().setValue("mappen/laatste", str(folder))


def recent_cases() -> list[Path]:
    value = app_settings().value("recent/casussen", [])
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    return [Path(str(p)) for p in items if p and Path(str(p)).is_file()]


def add_recent(path: Path, case: Case | None) -> None:
    if not safe_to_remember(path, case):
        return
    items = [p for p in recent_cases() if p != path]
    app_settings().setValue("recent/casussen", [str(p) for p in [path, *items][:MAX_RECENT]])


def save_geometry(key: str, geometry: QByteArray) -> None:
    app_settings().setValue(f"venster/{key}", geometry)


def load_geometry(key: str) -> QByteArray | None:
    value = app_settings().value(f"venster/{key}")
    return value if isinstance(value, QByteArray) else None
