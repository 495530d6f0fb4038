"""Keyrings for tests: an in-memory one for this process, a file-backed one for
subprocesses (selected there with PYTHON_KEYRING_BACKEND=filekeyring.FileKeyring).

Defining a KeyringBackend subclass registers it for automatic selection, so the class
is made inside `memory_keyring()` and removed from the registry afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend


@contextmanager
def memory_keyring(preload: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    store: dict[str, str] = dict(preload or {})
    # Asked before the class below exists: defining a backend class registers it, and a
    # keyring not chosen yet would then choose it, and "restore" it afterwards (seen: the
    # tests after the first one that used this ran with its keyring, their documents cached).
    previous = keyring.get_keyring()

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get(f"{service}/{username}")

        def set_password(self, service: str, username: str, password: str) -> None:
            store[f"{service}/{username}"] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop(f"{service}/{username}", None)

    keyring.set_keyring(MemoryKeyring())
    try:
        yield store
    finally:
        keyring.set_keyring(previous)
        getattr(KeyringBackend, "_classes", set()).discard(MemoryKeyring)


@contextmanager
def no_keyring() -> Iterator[None]:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def file_keyring_contents(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="ascii")) if path.is_file() else {}
