"""`dossier-app`: the desktop application."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from dossier_app import __version__
from dossier_app.errors import DossierError


def install_dutch_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own Dutch texts, so standard buttons read 'Annuleren', 'Volgende'."""
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase_nl", "qt_nl"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


class MainWindow(QMainWindow):
    def __init__(self, case_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Tafeldossier")
        self.resize(900, 640)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.status = QLabel(self._summary(case_path))
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status van de casus")
        layout.addWidget(self.status)
        self.setCentralWidget(body)

    @staticmethod
    def _summary(case_path: Path | None) -> str:
        if case_path is None:
            return (f"Tafeldossier {__version__}\n\nOpen een casus met "
                    "'dossier-app --open casus.toml'.")
        from dossier_app.case import read_case
        from dossier_app.rules.check import check_case
        try:
            result = check_case(read_case(case_path, bestand=case_path.name))
        except DossierError as exc:
            return exc.message
        ontbreekt = ", ".join(result.ontbrekend) or "niets"
        staat = "compleet" if result.compleet else "nog niet compleet"
        return f"Casus {case_path.name}: {staat}.\nOntbrekende onderdelen: {ontbreekt}."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dossier-app", description="Tafeldossier")
    parser.add_argument("--open", metavar="CASUS", type=Path, help="open een casusbestand")
    args, qt_args = parser.parse_known_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    install_dutch_translations(app)
    window = MainWindow(args.open)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
