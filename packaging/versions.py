"""The numeric version Windows needs, from the version in pyproject.toml (PEP 440).

Windows Installer compares ProductVersion as major.minor.build (255.255.65535) and
ignores anything after; the file version of the programs has four numbers. Taking the
first three numbers of the version is wrong for pre-releases: `2.0rc1` would become
2.0.1, above the final 2.0.0, and `1.2.0rc1` would equal its final, so the final would
not replace it. Here the third number carries the patch level and the release stage:

    build = patch * 1000 + stage
    stage: .devN -> N, aN -> 100 + N, bN -> 300 + N, rcN -> 500 + N, final -> 900,
           .postN -> 900 + N                                      (N at most 99)

so 1.2.0.dev1 < 1.2.0a1 < 1.2.0b2 < 1.2.0rc1 < 1.2.0 < 1.2.0.post1 < 1.2.1a1, and a
pre-release sorts below its final. A version this scheme cannot map stops the build.

Used by packaging/windows/build.ps1 (MSI ProductVersion, Inno Setup VersionInfoVersion)
and packaging/tafeldossier.spec (file version of both programs).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_PEP440 = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?"
                     r"(?:\+[a-z0-9.]+)?", re.IGNORECASE)
_STAGE = {"a": 100, "b": 300, "rc": 500}
FINAL = 900
MAX_N = 99


def numeric_version(version: str) -> tuple[int, int, int]:
    """(major, minor, build) for Windows Installer; ValueError when it cannot be mapped."""
    match = _PEP440.fullmatch(version.strip())
    if not match:
        raise ValueError(f"versie {version!r} volgt PEP 440 niet zoals hier verwacht")
    major, minor, patch, pre, pre_n, post, dev = match.groups()
    numbers = [int(n) for n in (pre_n, post, dev) if n is not None]
    if any(n > MAX_N for n in numbers) or (dev is not None and (pre or post)):
        raise ValueError(f"versie {version!r} is niet om te zetten naar een Windows-versie")
    if pre:
        stage = _STAGE[pre.lower()] + int(pre_n)
    elif post is not None:
        stage = FINAL + int(post)
    elif dev is not None:
        stage = int(dev)
    else:
        stage = FINAL
    build = int(patch or 0) * 1000 + stage
    if int(major) > 255 or int(minor) > 255 or build > 65535:
        raise ValueError(f"versie {version!r} is te groot voor Windows Installer")
    return int(major), int(minor), build


def project_version(root: Path) -> str:
    with open(root / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


if __name__ == "__main__":  # prints the version and its numeric form (build.ps1)
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    version = project_version(root)
    print(version)
    print(".".join(str(n) for n in numeric_version(version)))
