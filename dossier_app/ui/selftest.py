"""Headless self-test of an installed or frozen Tafeldossier.

`dossier-app --zelftest` or `python -m dossier_app.ui.selftest`: builds the example case's
bundle with the built-in Word converter into a temporary folder, checks that bundle as the
loket would, opens the main window offscreen on the example case and closes it. Prints
"Zelftest geslaagd" and exits 0, or prints what failed (in Dutch) and exits 1.

The bundle goes to a temporary folder and the document cache is not used; like any run,
the test uses the normal data folder for its work folder and the support log.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from dossier_app.taal import n_paginas, seconden

EXAMPLE = Path("examples") / "adviestafel-den-haag"
GESLAAGD = "Zelftest geslaagd"


class ZelftestAction(argparse.Action):
    """`--zelftest` for an argparse parser: run the self-test and exit with its code."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "controleer de installatie zonder venster en stop "
                                  "(exitcode 0: in orde)")
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        parser.exit(main())


class SelftestError(Exception):
    """One failed step; the message is Dutch and shown to the person running the test."""


def example_folder() -> Path:
    """The example case: inside a frozen build, or in the source tree."""
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / EXAMPLE)
    candidates.append(Path(__file__).resolve().parents[2] / EXAMPLE)  # dossier_app/ui/ -> repo
    for folder in candidates:
        if (folder / "casus.toml").is_file():
            return folder
    raise SelftestError("de voorbeeldcasus is niet gevonden; de installatie is onvolledig")


def _step_resources(say: Callable[[str], None]) -> None:
    from dossier_app.paths import resources_dir

    try:
        folder = resources_dir()
    except FileNotFoundError as exc:
        raise SelftestError(str(exc)) from exc
    for needed in ("fonts/DejaVuSans.ttf", "fonts/LICENSE-DejaVu.txt"):
        if not (folder / needed).is_file():
            raise SelftestError(f"{needed} ontbreekt in {folder}; de installatie is onvolledig")
    say(f"Gegevensbestanden: {folder}")
    if importlib.util.find_spec("dossier_app.forms") is not None:  # blank forms, when present
        from dossier_app import forms

        try:
            names = forms.form_names()
        except forms.FormError as exc:
            raise SelftestError(exc.message) from exc
        say(f"Formulieren: {len(names)}")


def _step_protection(say: Callable[[str], None]) -> None:
    """Two text engines beside PDFium, OCR in the program, on Windows pywin32 and
    Credential Manager (dossier_app/installcheck.py)."""
    from dossier_app.installcheck import InstallCheckError, checks

    for check in checks():
        try:
            say(check())
        except InstallCheckError as exc:
            raise SelftestError(exc.message) from exc


def _step_build_and_verify(work: Path, say: Callable[[str], None]) -> None:
    from dossier_app.bundle.build import BuildOptions, build_bundle
    from dossier_app.bundle.verify import verify_bundle
    from dossier_app.case import read_case
    from dossier_app.errors import DossierError

    case_dir = work / "voorbeeld"
    shutil.copytree(example_folder(), case_dir, ignore=shutil.ignore_patterns("*.py"))
    out = work / "bundel.pdf"
    try:
        case = read_case(case_dir / "casus.toml", bestand="casus.toml")
        result = build_bundle(case, out, BuildOptions(converter="builtin", cache=False))
        say(f"Bundel gemaakt: {n_paginas(result.paginas)} in {seconden(result.seconden)}")
        report = verify_bundle(out, bestand=out.name)
    except DossierError as exc:
        raise SelftestError(f"de voorbeeldbundel kon niet worden gemaakt of gecontroleerd: "
                            f"{exc.message}") from exc
    if not report.ok:
        raise SelftestError("de controle van de voorbeeldbundel vond problemen")
    say("Bundel gecontroleerd: in orde")


def _step_window(work: Path, say: Callable[[str], None]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QLibraryInfo
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from dossier_app.ui.app import MainWindow, install_dutch_translations

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "dossier-app"])
    if not isinstance(app, QApplication):
        raise SelftestError("er draait al een Qt-toepassing zonder vensters")
    if getattr(sys, "frozen", False):
        _check_native_platform_plugin(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    install_dutch_translations(app)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    if box.button(QDialogButtonBox.StandardButton.Cancel).text() != "Annuleren":
        raise SelftestError("de Nederlandse vertalingen van Qt ontbreken")
    box.deleteLater()
    window = MainWindow(work / "voorbeeld" / "casus.toml")
    window.ask_before_close = False
    window.show()
    QCoreApplication.processEvents()
    title, status = window.windowTitle(), window.status.text()
    window.close()
    window.deleteLater()
    QCoreApplication.processEvents()
    if title != "Tafeldossier" or "compleet" not in status:
        raise SelftestError("het hoofdvenster toonde de voorbeeldcasus niet goed")
    say(f"Hoofdvenster geopend en gesloten (Qt-platform {app.platformName()})")


def _check_native_platform_plugin(plugins: str) -> None:
    """The offscreen test does not load the real platform plugin: check it is there."""
    names = {"win32": "qwindows.dll", "darwin": "libqcocoa.dylib"}
    name = names.get(sys.platform, "libqxcb.so")
    if not (Path(plugins) / "platforms" / name).is_file():
        raise SelftestError(f"het Qt-onderdeel {name} ontbreekt; vensters kunnen niet openen")


def _console() -> TextIO | None:
    """stdout, also for the windowed Windows program (which has none): then write to the
    console of the command prompt that started it, if there is one."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform == "win32":
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            return open("CONOUT$", "w", encoding="utf-8", errors="replace")
    return None


def run(say: Callable[[str], None]) -> None:
    """All steps; raises SelftestError on the first that fails."""
    from dossier_app import __version__

    say(f"Tafeldossier {__version__}: zelftest")
    with tempfile.TemporaryDirectory(prefix="tafeldossier-zelftest-",
                                     ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        _step_resources(say)
        _step_protection(say)
        _step_build_and_verify(work, say)
        _step_window(work, say)


def main(argv: Sequence[str] | None = None) -> int:
    del argv  # no options
    out = _console()

    def say(line: str) -> None:
        if out is not None:
            print(line, file=out, flush=True)

    try:
        run(say)
    except SelftestError as exc:
        say(f"Zelftest mislukt: {exc}")
        return 1
    except Exception as exc:  # a bug or a broken installation: name the type, not the text
        from dossier_app.logs import log_internal_error

        log_internal_error(exc)
        say(f"Zelftest mislukt: interne fout ({type(exc).__name__}). De installatie is "
            "mogelijk beschadigd; installeer Tafeldossier opnieuw of meld dit bij de beheerder.")
        return 1
    say(GESLAAGD)
    return 0


if __name__ == "__main__":
    sys.exit(main())
