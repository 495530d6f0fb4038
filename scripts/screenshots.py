"""Save a screenshot of every page of Tafeldossier to docs/screenshots/.

Loads the example case examples/adviestafel-den-haag/casus.toml, prepares the documents
for review, builds the bundle into a temporary folder and opens it in the loket window.
The pictures in docs/ are taken as a school laptop shows them: on a 1366x768 screen under
Xvfb with a window manager (openbox), the window maximised, the whole screen grabbed:

    Xvfb :99 -screen 0 1366x768x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshots.py

Without a display it runs offscreen and grabs each window at 1366x768.
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
SIZE = (1366, 768)


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
    on_screen = os.environ.get("QT_QPA_PLATFORM") == "xcb"
    if on_screen:
        window.showMaximized()
    else:
        window.resize(*SIZE)
        window.show()

    def shot(name: str, widget=None) -> None:
        end = time.monotonic() + 0.4  # let the window manager and repaints settle
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)
        if on_screen:
            (widget or window).screen().grabWindow(0).save(str(OUT / name))
        else:
            (widget or window).grab().save(str(OUT / name))
        print(OUT / name)

    shot("01-start.png")
    window.open_case(EXAMPLE, step=1)
    shot("02-casus.png")
    window.go_to(2)
    shot("03-leerling-en-personen.png")
    window.personen.geboorte.set_text("29-02-2015")  # as typed: a date that does not exist
    window.go_to(3)  # refused: the field shows why
    shot("03b-datum-bestaat-niet.png")
    window.personen.geboorte.set_text("17-11-2015")
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
        for page in range(1, window.review.page_spin.maximum() + 1):
            window.review.page_spin.setValue(page)
        window.review.confirm_all_visible()
    window.go_to(2)  # the birth date changes after preparing: the review is stale
    window.personen.geboorte.set_text("18-11-2015")
    window.go_to(5)
    shot("06b-controleren-verouderd.png")
    window.go_to(2)
    window.personen.geboorte.set_text("17-11-2015")
    window.go_to(5)
    wait_until(app, lambda: not window.state.stale_documents() and window.review.prepare_all.isEnabled())
    window.go_to(6)
    out = Path(tempfile.mkdtemp(prefix="bundel-")) / "bundel-OT-1234567.pdf"
    window.build.out.setText(str(out))
    window.build.build_button.click()
    # While it works: the progress bar and the step it is at (the documents, the final check).
    working = ("Anonimiseren", "Eindcontrole")
    wait_until(app, lambda: window.build.result is not None or (
        window.build.progress.isVisible() and window.build.step.text().startswith(working)), 60)
    shot("07-bouwen-bezig.png")
    wait_until(app, lambda: window.build.result is not None or bool(window.build.error.text()))
    shot("08-bouwen-klaar.png")
    loket = LoketWindow(window.runner)
    if on_screen:
        loket.showMaximized()
    else:
        loket.resize(*SIZE)
        loket.show()
    loket.open_bundle(out)
    wait_until(app, lambda: loket.report is not None or bool(loket.error.text()))
    loket.tree.setCurrentItem(loket.tree.topLevelItem(0).child(0))
    shot("09-loket.png", loket)
    inbox_shot(app, loket, out, shot)
    loket.close()
    dialogs(app, window, shot)
    window.close()
    return 0


def inbox_shot(app, loket, bundle: Path, shot) -> None:
    """A folder as a loket receives it: good bundles, one cut short, one that is no bundle."""
    import shutil

    import pikepdf

    folder = Path(tempfile.mkdtemp(prefix="postvak-"))
    for n in range(3):
        shutil.copy(bundle, folder / f"bundel-{n + 1}.pdf")
    with pikepdf.open(bundle) as pdf:
        del pdf.pages[2]
        pdf.save(folder / "bundel-ingekort.pdf")
    (folder / "scan-brief.pdf").write_bytes(b"geen pdf")
    inbox = loket.open_inbox(folder)
    wait_until(app, lambda: inbox.job is not None and not inbox.job.running and len(inbox.rows) == 5)
    shot("15-postvak.png", inbox)
    inbox.close()


def dialogs(app, window, shot) -> None:
    """The dialogs a user meets, each shown without blocking and photographed."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

    from dossier_app.ui.help import over_text
    from dossier_app.ui.onderdelen_page import WACHTWOORD_FOUT
    from dossier_app.ui.secrets_dialog import CONCEPTEN_NIEUW, SecretDialog

    window.go_to(3)
    ask = QInputDialog(window)
    ask.setWindowTitle("Wachtwoord nodig")
    ask.setLabelText(f"{WACHTWOORD_FOUT}\n\n'verslag-jeugdarts.pdf' is beveiligd met een wachtwoord.\n"
                     "Typ het wachtwoord; Tafeldossier bewaart het niet.")
    ask.setTextEchoMode(QLineEdit.EchoMode.Password)
    ask.show()
    shot("10-wachtwoord-klopt-niet.png")
    ask.close()
    secret = SecretDialog(CONCEPTEN_NIEUW, window)
    secret.show()
    shot("11-wachtwoordzin-concepten.png")
    secret.close()
    window.state.dirty = True
    close = window._close_box()
    close.show()
    shot("12-afsluiten.png")
    close.close()
    guide = window.open_handleiding()
    shot("13-handleiding.png")
    guide.close()
    about = QMessageBox(QMessageBox.Icon.Information, "Over Tafeldossier", over_text(window.state.case),
                        parent=window)
    about.show()
    shot("14-over.png")
    about.close()


if __name__ == "__main__":
    sys.exit(main())
