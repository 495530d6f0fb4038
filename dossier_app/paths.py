"""Where the product's own data files live, in a source tree, a wheel and a frozen build."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The `resources/` folder: next to the package (source tree), inside it (wheel) or
    in the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "resources"] if frozen else []
    here = Path(__file__).resolve().parent
    candidates += [here / "resources", here.parent / "resources"]
    for candidate in candidates:
        if (candidate / "routeboek").is_dir():
            return candidate
    raise FileNotFoundError("resources/routeboek niet gevonden; de installatie is onvolledig")


@cache
def handleiding() -> Path | None:
    """The Dutch user guide (docs/handleiding.md with its screenshots), shipped with the
    program; None in an installation that lacks it."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "docs"] if frozen else []
    here = Path(__file__).resolve().parent
    candidates += [here / "docs", here.parent / "docs"]
    for candidate in candidates:
        if (candidate / "handleiding.md").is_file():
            return candidate / "handleiding.md"
    return None
