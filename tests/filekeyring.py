"""A keyring kept in a JSON file, for test subprocesses only (see keyringhelpers.py).

Selected with PYTHON_KEYRING_BACKEND=filekeyring.FileKeyring and PYTHONPATH=tests; the
file is TAFELDOSSIER_TEST_KEYRING. Never imported by the test process itself."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["TAFELDOSSIER_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text(encoding="ascii")) if path.is_file() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        tmp = self._path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="ascii")
        os.replace(tmp, self._path())

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self._path().write_text(json.dumps(data), encoding="ascii")
