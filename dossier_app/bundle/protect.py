"""An optional password on the bundle, for transport outside the platform (AES-256).

PDF standard security handler revision 6 (AES-256, PDF 2.0 / ISO 32000-2). The owner
password is random and thrown away: never the empty default, which would let anyone
lift the protection. The attached manifest and the metadata are encrypted too."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from dossier_app.errors import CancelledError, InputError, UsageError
from dossier_app.fileio import atomic_copy, check_output
from dossier_app.logs import get_logger

if TYPE_CHECKING:
    from dossier_app.bundle.build import BuildOptions, BuildResult, Progress
    from dossier_app.bundle.checker import CheckWorkers
    from dossier_app.case_model import Case

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


def build_protected_bundle(case: Case, out: Path, options: BuildOptions | None, password: str, *,
                           progress: Progress | None = None,
                           cancelled: Callable[[], bool] = lambda: False,
                           workers: CheckWorkers | None = None) -> BuildResult:
    """Build into a private work folder, then write only the encrypted bundle to `out`.

    The unencrypted bundle never reaches `out`'s folder; the work folder is removed
    afterwards. The password is not kept or logged."""
    from dossier_app.bundle.build import BuildOptions, build_bundle
    from dossier_app.store.workdir import private_workdir

    options = options or BuildOptions()
    check_password(password)
    check_output(out, force=options.force)
    with private_workdir() as workdir:
        inner = workdir / "onbeveiligd"
        inner.mkdir(mode=0o700)
        result = build_bundle(case, inner / out.name, options, progress=progress,
                              cancelled=cancelled, workers=workers)
        if cancelled():
            raise CancelledError("Het maken van de bundel is afgebroken. Er is niets weggeschreven.")
        if progress is not None:
            progress("Bundel beveiligen met het wachtwoord", 0, 1)
        protect_pdf(inner / out.name, out, password, workdir)
    result.out = out
    return result


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
