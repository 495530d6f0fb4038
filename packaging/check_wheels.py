"""Check that every dependency has a win_amd64 wheel for the Pythons the Windows build may use.

Run where a package registry is reachable (it downloads, into a temporary folder):

    .venv/bin/python packaging/check_wheels.py [3.11 3.12 3.13]

For each Python it asks pip to download the dependencies of pyproject.toml (with the
`namen` extra) as wheels only (`--only-binary :all:`) for `win_amd64`. pip evaluates the
environment markers of dependencies for the machine it runs on, not for the target, so
the markers are applied here with Windows' values: a dependency only Windows needs
(pywin32, pywin32-ctypes for keyring) is fetched in a further round, until the wheels
fetched ask for nothing more. Prints one line per Python; exits 1 when a dependency has
no Windows wheel (the Windows build would need a compiler) or pip fails.
"""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
EXTRAS = ("namen",)


def windows_environment(python: str) -> dict[str, str]:
    """Marker values of CPython `python` on 64-bit Windows."""
    return {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
            "platform_machine": "AMD64", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "python_version": python,
            "python_full_version": f"{python}.0", "platform_release": "10",
            "implementation_version": f"{python}.0", "platform_version": "10.0.19045"}


def applies(requirement: Requirement, python: str, extras: tuple[str, ...] = ()) -> bool:
    """Whether `requirement` is needed on Windows with this Python (and these extras)."""
    if requirement.marker is None:
        return True
    env = windows_environment(python)
    return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in ("", *extras))


def project_requirements(python: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS:
        wanted += project["optional-dependencies"][extra]
    return [_without_marker(Requirement(r)) for r in wanted if applies(Requirement(r), python)]


def _without_marker(requirement: Requirement) -> str:
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def _download(requirements: list[str], python: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--only-binary", ":all:", "--platform", "win_amd64", "--implementation", "cp",
         "--python-version", python, "--dest", str(folder), *requirements],
        capture_output=True, text=True, check=False)


def _wheels(folder: Path) -> dict[str, Path]:
    return {canonicalize_name(w.name.split("-")[0]): w for w in folder.glob("*.whl")}


def missing_for_windows(folder: Path, python: str) -> list[str]:
    """Requirements the downloaded wheels have on Windows that are not downloaded yet."""
    have = _wheels(folder)
    missing = []
    for wheel in have.values():
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))
        for line in metadata.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if (canonicalize_name(requirement.name) not in have and applies(requirement, python)
                    and not _only_for_extras(requirement)):
                missing.append(_without_marker(requirement))
    return sorted(set(missing))


def _only_for_extras(requirement: Requirement) -> bool:
    return requirement.marker is not None and re.search(r"\bextra\b", str(requirement.marker)) is not None


def check(python: str) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="tafeldossier-wheels-") as tmp:
        folder = Path(tmp)
        wanted = project_requirements(python)
        for _round in range(5):
            done = _download(wanted, python, folder)
            if done.returncode != 0:
                return False, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "pip faalde"
            wanted = missing_for_windows(folder, python)
            if not wanted:
                break
        not_wheels = sorted(p.name for p in folder.iterdir() if p.suffix != ".whl")
        if not_wheels:
            return False, f"geen wheel: {', '.join(not_wheels)}"
        have = _wheels(folder)
        direct = [canonicalize_name(Requirement(r).name) for r in project_requirements(python)]
        absent = [name for name in direct if name not in have]
        if absent:
            return False, f"niet gevonden: {', '.join(absent)}"
        binary = sorted(n for n, w in have.items() if not w.name.endswith("-none-any.whl"))
        return True, f"{len(have)} wheels, met win_amd64-code: {', '.join(binary)}"


def main(argv: list[str]) -> int:
    pythons = argv or list(PYTHONS)
    failed = False
    for python in pythons:
        ok, detail = check(python)
        failed |= not ok
        print(f"Python {python} win_amd64: {'in orde' if ok else 'ONTBREEKT'} - {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
