"""The Help menu: the Dutch user guide shipped with the program, and which version and
routeboek are in use. Nothing is fetched: the guide is a file of the installation."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from dossier_app import __version__
from dossier_app.case_model import Case
from dossier_app.dates import datum_nl
from dossier_app.errors import DossierError
from dossier_app.paths import handleiding
from dossier_app.rules import ruleset_for
from dossier_app.ui.widgets import place_window

IMAGE_WIDTH = 720


class HandleidingDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Handleiding Tafeldossier")
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)  # the product does not go on the internet
        self.browser.setAccessibleName("Handleiding")
        lay.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        guide = handleiding()
        if guide is None:
            self.browser.setPlainText("De handleiding ontbreekt in deze installatie. Installeer "
                                      "Tafeldossier opnieuw, of vraag uw beheerder om de handleiding.")
        else:
            self.browser.setSearchPaths([str(guide.parent)])
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(guide.parent) + "/"))
            self.browser.setMarkdown(guide.read_text(encoding="utf-8"))
            _shrink_images(self.browser.document(), IMAGE_WIDTH)
        place_window(self, "handleiding")


def _shrink_images(document: QTextDocument, width: int) -> None:
    """The screenshots are taken at 1366 pixels: shown at `width`, so the guide never
    scrolls sideways (the height follows the picture's proportions)."""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fragment.isValid() and fmt.isImageFormat():
                image = fmt.toImageFormat()
                image.setWidth(width)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            it += 1
        block = block.next()


def over_text(case: Case) -> str:
    """Version of the program and the routeboek the open case is checked against."""
    lines = [f"Tafeldossier {__version__}",
             "Helpt scholen een aanmelding voor de tafels van het Routeboek verzuim en thuiszitters "
             "voor te bereiden, te anonimiseren en te controleren. Alles gebeurt op deze computer; "
             "Tafeldossier gebruikt geen internet.", ""]
    casus = case.casus
    try:
        ruleset = ruleset_for(casus.onderwijs, casus.aanmelddatum)
    except DossierError as exc:
        lines.append(exc.message)
    else:
        lines.append(f"Routeboek in gebruik voor deze aanmelding: {ruleset.naam} (versie "
                     f"{ruleset.versie}), gekozen op de aanmelddatum {datum_nl(casus.aanmelddatum)}.")
    lines += ["", "Licentie: EUPL-1.2. Onderdelen van derden en hun licenties staan in "
              "THIRD_PARTY_NOTICES.md bij het programma."]
    return "\n".join(lines)


def show_over(parent: QWidget, case: Case) -> None:
    QMessageBox.about(parent, "Over Tafeldossier", over_text(case))
