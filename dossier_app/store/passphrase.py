"""Keys derived from a passphrase (scrypt), for when no secure keyring is usable and for
files that travel between colleagues.

The salt and the scrypt parameters are stored next to what they protect (they are not
secret). A verifier -- a known text sealed with the derived key -- tells a wrong
passphrase apart from a damaged file, so the user gets a clear message."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from dossier_app.errors import InputError, UsageError
from dossier_app.fileio import atomic_write_bytes
from dossier_app.store.vault import KEY_BYTES, VaultError, open_sealed, seal

PARAMS_FILE = "wachtwoordzin.json"
MIN_LENGTH = 10
SALT_BYTES = 16
_VERIFIER = b"tafeldossier-wachtwoordzin-ok"
_VERIFIER_AAD = b"tafeldossier-passphrase-verifier-v1"


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost: n=2**17, r=8 needs 128 MiB and about half a second on a school laptop."""

    n: int = 2 ** 17
    r: int = 8
    p: int = 1
    salt: str = ""  # base64

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


DEFAULT_PARAMS = KdfParams()


class WrongPassphraseError(InputError):
    def __init__(self) -> None:
        super().__init__("De wachtwoordzin klopt niet. Controleer hoofdletters en spaties en "
                         "probeer het opnieuw.", code="WACHTWOORDZIN_ONJUIST")


def check_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise UsageError(f"Kies een wachtwoordzin van minstens {MIN_LENGTH} tekens, bijvoorbeeld "
                         "vier losse woorden.")


def new_params(base: KdfParams | None = None) -> KdfParams:
    base = base or DEFAULT_PARAMS
    salt = base64.b64encode(os.urandom(SALT_BYTES)).decode("ascii")
    return KdfParams(n=base.n, r=base.r, p=base.p, salt=salt)


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    kdf = Scrypt(salt=base64.b64decode(params.salt), length=KEY_BYTES, n=params.n, r=params.r,
                 p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def params_from_dict(data: dict[str, object]) -> KdfParams:
    try:
        params = KdfParams(n=int(data["n"]), r=int(data["r"]),  # type: ignore[call-overload]
                           p=int(data["p"]), salt=str(data["salt"]))  # type: ignore[call-overload]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("De instellingen van de wachtwoordzin zijn beschadigd.",
                         code="WACHTWOORDZIN_BESCHADIGD") from exc
    if not _as_written(params):
        raise InputError("De instellingen van de wachtwoordzin zijn ongeldig.",
                         code="WACHTWOORDZIN_BESCHADIGD")
    return params


def _as_written(params: KdfParams) -> bool:
    """Only what Tafeldossier writes: these values are read before the passphrase is checked,
    so a tampered file must not make scrypt spend minutes and gigabytes (n <= the default:
    at most 128 MiB), nor reach scrypt with values it rejects (n not a power of two)."""
    n_ok = 2 ** 10 <= params.n <= DEFAULT_PARAMS.n and params.n & (params.n - 1) == 0
    try:
        salt = base64.b64decode(params.salt, validate=True)
    except ValueError:
        return False
    return n_ok and params.r == DEFAULT_PARAMS.r and params.p == DEFAULT_PARAMS.p and 8 <= len(salt) <= 64


# --- a passphrase for a folder (drafts without a keyring) ---------------------------------

def is_configured(root: Path) -> bool:
    return (root / PARAMS_FILE).is_file()


def create(root: Path, passphrase: str, base: KdfParams | None = None) -> bytes:
    """Set up a new passphrase for `root`; returns the derived key."""
    check_strength(passphrase)
    params = new_params(base)
    key = derive_key(passphrase, params)
    verifier = base64.b64encode(seal(key, _VERIFIER, _VERIFIER_AAD)).decode("ascii")
    data = json.dumps({"versie": 1, "kdf": "scrypt", **params.as_dict(), "controle": verifier})
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_bytes(root / PARAMS_FILE, data.encode("ascii"))
    return key


def unlock(root: Path, passphrase: str) -> bytes:
    """The key for `root`; WrongPassphraseError when the passphrase does not match."""
    try:
        data = json.loads((root / PARAMS_FILE).read_text(encoding="ascii"))
        verifier = base64.b64decode(data["controle"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError("De instellingen van de wachtwoordzin ontbreken of zijn beschadigd.",
                         code="WACHTWOORDZIN_BESCHADIGD") from exc
    key = derive_key(passphrase, params_from_dict(data))
    try:
        open_sealed(key, verifier, _VERIFIER_AAD)
    except VaultError as exc:
        raise WrongPassphraseError() from exc
    return key
