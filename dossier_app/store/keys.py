"""Keys in the operating system's keyring (Windows Credential Manager, Secret Service).

Only keyrings that keep secrets encrypted are used; a plaintext or failing backend
counts as "no keyring", and the caller must then not store anything."""

from __future__ import annotations

import base64
import logging

from dossier_app.store.vault import KEY_BYTES, new_key

SERVICE = "Tafeldossier"
# Every key the product stores (drafts, document cache). The per-user uninstaller removes
# each from Windows Credential Manager: packaging/windows/tafeldossier.iss.
KEY_NAMES = ("concepten", "document-cache")
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
log = logging.getLogger("tafeldossier.keys")


def _usable_backend():  # -> keyring backend or None
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend
    except ImportError:
        return None
    backend = keyring.get_keyring()
    parts = backend.backends if isinstance(backend, ChainerBackend) else [backend]
    secure = [b for b in parts if not type(b).__module__.startswith(_INSECURE_MODULES)]
    return backend if secure else None


def keyring_available() -> bool:
    return _usable_backend() is not None


def get_or_create_key(name: str) -> bytes | None:
    """The named 256-bit key, created on first use; None when no secure keyring works."""
    backend = _usable_backend()
    if backend is None:
        return None
    try:
        stored = backend.get_password(SERVICE, name)
        if stored:
            key = base64.b64decode(stored)
            if len(key) == KEY_BYTES:
                return key
        key = new_key()
        backend.set_password(SERVICE, name, base64.b64encode(key).decode("ascii"))
        return key
    except Exception as exc:  # any keyring failure: behave as if there is none
        log.warning("sleutelbos niet bruikbaar (%s)", type(exc).__name__)
        return None


def windows_credential_targets() -> list[str]:
    """The Credential Manager entries keyring's Windows backend makes for KEY_NAMES: the
    key stored last sits under the service name, each earlier one moves to "key@service"."""
    return [SERVICE, *(f"{name}@{SERVICE}" for name in KEY_NAMES)]


def delete_key(name: str) -> None:
    backend = _usable_backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, name)
    except Exception as exc:
        log.info("sleutel niet verwijderd (%s)", type(exc).__name__)
