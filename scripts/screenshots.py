"""Save a screenshot of every page of Tafeldossier to docs/screenshots/.

Runs offscreen (no display needed) and grabs each widget; loads the example case
examples/adviestafel-den-haag/casus.toml, prepares the documents for review, builds the
bundle into a temporary folder and opens it in the loket window.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
EXAMPLE = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"
SIZE = (1280, 960)


def wait_until(app, condition, timeout: float = 180.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("Tijd verstreken bij het wachten op de achtergrondtaak.")
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("TAFELDOSSIER_DATA", tempfile.mkdtemp(prefix="tafeldossier-shots-"))
    from PySide6.QtWidgets import QApplication

    from dossier_app.ui.app import MainWindow, install_dutch_translations
    from dossier_app.ui.loket import LoketWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_dutch_translations(app)
    OUT.mkdir(parents=True, exist_ok=True)
    MainWindow.ask_before_close = False
    window = MainWindow()
    window.resize(*SIZE)
    window.show()

    def shot(name: str, widget=None) -> None:
        app.processEvents()
        (widget or window).grab().save(str(OUT / name))
        print(OUT / name)

    shot("01-start.png")
    window.open_case(EXAMPLE, step=1)
    shot("02-casus.png")
    window.go_to(2)
    shot("03-leerling-en-personen.png")
    window.go_to(3)
    shot("04-onderdelen.png")
    window.go_to(4)
    shot("05-voorblad-en-offerte.png")
    window.go_to(5)
    window.review.prepare_all.click()
    wait_until(app, lambda: len(window.state.reviews) == len(window.state.documents_in_bundle()))
    window.review.docs.setCurrentRow(0)
    shot("06-controleren.png")
    for row in range(window.review.docs.count()):
        window.review.docs.setCurrentRow(row)
        window.review.confirm_all_visible()
    window.go_to(6)
    out = Path(tempfile.mkdtemp(prefix="bundel-")) / "bundel-OT-1234567.pdf"
    window.build.out.setText(str(out))
    window.build.build_button.click()
    wait_until(app, lambda: "(" in window.build.step.text() or window.build.result is not None, 60)
    shot("07-bouwen-bezig.png")
    wait_until(app, lambda: window.build.result is not None or bool(window.build.error.text()))
    shot("08-bouwen-klaar.png")
    loket = LoketWindow(window.runner)
    loket.resize(*SIZE)
    loket.show()
    loket.open_bundle(out)
    wait_until(app, lambda: loket.report is not None or bool(loket.error.text()))
    loket.tree.setCurrentItem(loket.tree.topLevelItem(0).child(0))
    shot("09-loket.png", loket)
    loket.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
