"""An optional password on the bundle, for transport outside the platform (AES-256).

PDF standard security handler revision 6 (AES-256, PDF 2.0 / ISO 32000-2). The owner
password is random and thrown away: never the empty default, which would let anyone
lift the protection. The attached manifest and the metadata are encrypted too."""

from __future__ import annotations

import secrets
from pathlib import Path

import pikepdf

from dossier_app.errors import InputError, UsageError
from dossier_app.fileio import atomic_copy
from dossier_app.logs import get_logger

MIN_LENGTH = 8
log = get_logger("protect")


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UsageError(f"Kies een wachtwoord voor de bundel van minstens {MIN_LENGTH} tekens. "
                         "Geef het wachtwoord via een ander kanaal door dan de bundel (bijvoorbeeld "
                         "telefonisch).")


def encryption_for(password: str) -> pikepdf.Encryption:
    return pikepdf.Encryption(user=password, owner=secrets.token_urlsafe(32), R=6, aes=True,
                              metadata=True)


def protect_pdf(src: Path, dst: Path, password: str, workdir: Path) -> None:
    """Write `src` encrypted with `password` to `dst` (atomically), then prove it opens."""
    check_password(password)
    tmp = workdir / "beveiligd.pdf"
    try:
        with pikepdf.open(src) as pdf:
            pdf.save(tmp, encryption=encryption_for(password))
        _check_encrypted(tmp, password)
    except pikepdf.PdfError as exc:
        raise InputError("De bundel kon niet worden beveiligd met een wachtwoord. Er is niets "
                         "geschreven; probeer het opnieuw.", code="BEVEILIGEN_MISLUKT") from exc
    atomic_copy(tmp, dst)
    log.info("bundel beveiligd met wachtwoord (AES-256)")


def _check_encrypted(path: Path, password: str) -> None:
    with pikepdf.open(path, password=password) as pdf:
        info = pdf.encryption
        if not pdf.is_encrypted or info.R < 6 or info.stream_method.name != "aesv3":
            raise pikepdf.PdfError("not AES-256")
    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError:
        return
    raise pikepdf.PdfError("opens without a password")
