"""Integration: our keys module against a real Secret Service (gnome-keyring on D-Bus).

Needs the Debian packages gnome-keyring and dbus (scripts/system-deps.sh); skipped
without them. A private session bus runs the daemon, unlocked with a throw-away
password, and a child Python stores and reads a key through dossier_app.store.keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

CHILD = """
import keyring
from keyring.backends.SecretService import Keyring
keyring.set_keyring(Keyring())
from dossier_app.store import keys
assert keys.keyring_available()
first = keys.get_or_create_key("test-concepten")
again = keys.get_or_create_key("test-concepten")
assert first is not None and len(first) == 32 and first == again
keys.delete_key("test-concepten")
print("OK")
"""


@pytest.mark.skipif(not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
                    reason="dbus-run-session of gnome-keyring-daemon ontbreekt")
def test_key_round_trip_in_gnome_keyring(tmp_path):
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True)
    os.chmod(home / "run", 0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS",
                                                           "PYTHON_KEYRING_BACKEND")}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"),
               XDG_DATA_HOME=str(home / "data"), PYTHONPATH=str(REPO))
    script = (f"echo -n testwachtwoord | gnome-keyring-daemon --unlock --components=secrets "
              f">/dev/null; {sys.executable} -c \"$CHILD\"")
    env["CHILD"] = CHILD
    res = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr[-2000:]
