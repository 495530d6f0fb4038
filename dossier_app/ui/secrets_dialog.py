"""Asking for a password or passphrase: hidden input, typed twice when it is new.

The secret only lives in the dialog's fields until the caller takes it; the fields are
cleared when the dialog closes. It is never written to settings or the log.

Pages do not call `SecretDialog.exec` themselves: they call an `ask_secret` attribute
(default `ask_secret` below), so tests can inject the answer without a modal loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dossier_app.bundle.protect import check_password
from dossier_app.errors import DossierError
from dossier_app.store.passphrase import check_strength
from dossier_app.ui.widgets import message_label, show_message


@dataclass(frozen=True)
class SecretRequest:
    """What to ask: the texts of the dialog and the core's check on a new secret."""

    title: str
    uitleg: str
    label: str  # "Wachtwoord" or "Wachtwoordzin"
    met_lidwoord: str  # "het wachtwoord", "de wachtwoordzin"
    meervoud: str  # "wachtwoorden", "wachtwoordzinnen"
    confirm: bool  # a new secret: type it twice and check its length
    check: Callable[[str], None] | None = None  # raises DossierError with Dutch text


BUNDEL_WACHTWOORD = SecretRequest(
    title="Bundel beveiligen met een wachtwoord",
    uitleg=("Kies een wachtwoord van minstens 8 tekens. Tafeldossier schrijft alleen de beveiligde "
            "bundel weg; zonder dit wachtwoord kan niemand hem openen. Stuur het wachtwoord apart "
            "naar de ontvanger, bijvoorbeeld telefonisch of per sms, en nooit in dezelfde e-mail "
            "als de bundel. Tafeldossier bewaart het wachtwoord niet."),
    label="Wachtwoord", met_lidwoord="het wachtwoord", meervoud="wachtwoorden", confirm=True,
    check=check_password)

EXPORT_WACHTWOORDZIN = SecretRequest(
    title="Casus exporteren",
    uitleg=("Kies een wachtwoordzin van minstens 10 tekens, bijvoorbeeld vier losse woorden. Uw "
            "collega heeft die nodig om de casus te importeren. Geef de wachtwoordzin via een ander "
            "kanaal door dan het bestand (bijvoorbeeld telefonisch). Tafeldossier bewaart hem niet."),
    label="Wachtwoordzin", met_lidwoord="de wachtwoordzin", meervoud="wachtwoordzinnen",
    confirm=True, check=check_strength)

IMPORT_WACHTWOORDZIN = SecretRequest(
    title="Casus importeren",
    uitleg="Typ de wachtwoordzin die u van uw collega hebt gekregen.",
    label="Wachtwoordzin", met_lidwoord="de wachtwoordzin", meervoud="wachtwoordzinnen",
    confirm=False)

CONCEPTEN_NIEUW = SecretRequest(
    title="Wachtwoordzin voor uw concepten",
    uitleg=("Op deze computer is geen beveiligde sleutelbos beschikbaar (zoals Windows "
            "Referentiebeheer). Tafeldossier bewaart uw werk alleen versleuteld. Kies een "
            "wachtwoordzin van minstens 10 tekens, bijvoorbeeld vier losse woorden, om uw werk toch "
            "automatisch te bewaren; u hebt hem nodig elke keer dat u Tafeldossier start.\n\n"
            "Vergeet u de wachtwoordzin, dan kan niemand de concepten nog openen, ook uw beheerder "
            "niet: u begint dan opnieuw vanuit uw eigen documenten (die blijven gewoon staan). "
            "Kiest u Annuleren, dan bewaart Tafeldossier niets vanzelf; sla de casus dan zelf op."),
    label="Wachtwoordzin", met_lidwoord="de wachtwoordzin", meervoud="wachtwoordzinnen",
    confirm=True, check=check_strength)

CONCEPTEN_OPENEN = SecretRequest(
    title="Wachtwoordzin voor uw concepten",
    uitleg=("Uw automatisch bewaarde werk is beveiligd met een wachtwoordzin. Typ die om verder te "
            "werken. Weet u hem niet meer, kies dan Annuleren: uw concepten blijven dicht, en u "
            "begint opnieuw vanuit uw eigen documenten."),
    label="Wachtwoordzin", met_lidwoord="de wachtwoordzin", meervoud="wachtwoordzinnen",
    confirm=False)

AskSecret = Callable[[QWidget | None, SecretRequest], "str | None"]


def validation_error(request: SecretRequest, secret: str, again: str) -> str | None:
    """The Dutch message for what is wrong with the typed secret, or None when it is fine."""
    if not secret:
        return f"Typ eerst {request.met_lidwoord} in het eerste vak."
    if not request.confirm:
        return None
    if request.check is not None:
        try:
            request.check(secret)
        except DossierError as exc:
            return exc.message
    if not again:
        return f"Typ {request.met_lidwoord} nog een keer in het tweede vak, ter controle."
    if again != secret:
        return (f"De twee {request.meervoud} zijn niet gelijk. Typ in beide vakken precies "
                f"hetzelfde; let op hoofdletters en spaties.")
    return None


class SecretDialog(QDialog):
    def __init__(self, request: SecretRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.setWindowTitle(request.title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.setMinimumWidth(520)
        uitleg = QLabel(request.uitleg)
        uitleg.setWordWrap(True)
        layout.addWidget(uitleg)
        form = QFormLayout()
        self.first = self._field(request.label)
        form.addRow(f"&{request.label}:", self.first)
        self.second = self._field(f"{request.label} nogmaals")
        if request.confirm:
            form.addRow("&Nogmaals ter controle:", self.second)
        layout.addLayout(form)
        self.show_chars = QCheckBox("&Tekens tonen")
        self.show_chars.setAccessibleName(f"{request.label} zichtbaar maken")
        self.show_chars.toggled.connect(self._toggle_echo)
        layout.addWidget(self.show_chars)
        self.error = message_label()
        self.error.setAccessibleName("Melding bij het wachtwoord")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.first.setFocus()
        self.finished.connect(lambda _r: self._forget_later())
        self._secret = ""
        self._fit()

    @staticmethod
    def _field(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        return edit

    def _toggle_echo(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)

    def validate(self) -> str | None:
        message = validation_error(self.request, self.first.text(), self.second.text())
        show_message(self.error, message or "")
        self._fit()
        return message

    def _fit(self) -> None:
        """Grow to the height the wrapped texts need at this width (the explanation, a
        message that has just appeared): otherwise their last lines are cut off."""
        width = (self.width() if self.isVisible()
                 else max(self.sizeHint().width(), self.minimumWidth()))
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        self.resize(width, layout.totalHeightForWidth(width))

    def accept(self) -> None:
        if self.validate() is not None:
            first_ok = validation_error(self.request, self.first.text(), self.first.text()) is None
            (self.second if first_ok else self.first).setFocus()
            return
        self._secret = self.first.text()
        super().accept()

    def take_secret(self) -> str:
        """The accepted secret, once; afterwards the dialog holds nothing."""
        secret, self._secret = self._secret, ""
        return secret

    def _forget_later(self) -> None:
        self.first.clear()
        self.second.clear()


def ask_secret(parent: QWidget | None, request: SecretRequest) -> str | None:
    """Show the dialog modally; the secret, or None when the user cancels."""
    dialog = SecretDialog(request, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.take_secret()
        return None
    finally:
        dialog.take_secret()
        dialog.deleteLater()
