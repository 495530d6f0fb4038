"""No identifier in any file the product writes outside the outputs asked for.

The hidden-identifier example case is built, a document anonymised, the case exported,
a draft saved and the desktop program opened (it autosaves), all as subprocesses with
HOME, the data folder and TMPDIR inside one temporary home. Then every file under that
home is searched for the pupil's and parents' data, in file names and contents, in
UTF-8 and UTF-16, as written and in lower and upper case."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

CASE_DIR = REPO / "examples" / "adviestafel-den-haag"
LONG = ("Aaliyah", "el Amrani", "Amrani", "123456782", "1234 56 782", "2015-11-17", "17-11-2015",
        "17 november 2015", "20151117", "Weimarstraat", "Fatima", "Youssef", "Bouzid",
        "06-41528376", "0641528376", "070-3456789", "f.elamrani", "elamrani")
SHORT = ("Noor", "2562 HK")  # too short to search in random ciphertext; names and text only
PASSWORD = "een lange wachtwoordzin"


def _variants(token: str) -> list[bytes]:
    out = []
    for text in {token, token.lower(), token.upper()}:
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            out.append(text.encode(enc))
    return out


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(home), USERPROFILE=str(home), TMPDIR=str(home / "tmp"),
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_RUNTIME_DIR=str(home / "run"),
               TAFELDOSSIER_DATA=str(home / ".local" / "share" / "Tafeldossier"),
               TAFELDOSSIER_WACHTWOORD=PASSWORD, QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="filekeyring.FileKeyring", PYTHONPATH=str(REPO / "tests"),
               TAFELDOSSIER_TEST_KEYRING=str(home / "test-keyring.json"))
    return env


def _dossier(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dossier_app", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def _open_app_until_autosaved(env: dict[str, str], case: Path, data: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "dossier_app.ui.app", "--open", str(case)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list((data / "concepten").glob("*/case.bin")) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.terminate()
    proc.wait(timeout=30)
    assert list((data / "concepten").glob("*/case.bin")), "the program did not autosave"


# deduce (the name detector) unpacks its own word lists, which contain common first
# names such as "Noor"; a copy of the library's data, not written from the case.
LIBRARY_DATA = ("deduce-",)


def _leaks(home: Path) -> list[str]:
    found = []
    for path in home.rglob("*"):
        rel = str(path.relative_to(home))
        if any(part.startswith(LIBRARY_DATA) for part in path.relative_to(home).parts):
            continue
        found += [f"name {rel}: {t}" for t in (*LONG, *SHORT) if t.lower() in rel.lower()]
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        found += [f"{rel}: {t}" for t in LONG if any(v in data for v in _variants(t))]
        try:
            text = data.decode("utf-8").lower()
        except UnicodeDecodeError:
            continue
        found += [f"{rel}: {t}" for t in SHORT if t.lower() in text]
    return found


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="HOME layout of Linux")
def test_no_identifier_in_any_file_the_product_wrote(tmp_path):
    home, work, out = tmp_path / "home", tmp_path / "invoer", tmp_path / "uitvoer"
    for folder in (home / "tmp", home / "run", out):
        folder.mkdir(parents=True)
    os.chmod(home / "run", 0o700)
    shutil.copytree(CASE_DIR, work)
    case = work / "casus.toml"
    env = _env(home)
    data = Path(env["TAFELDOSSIER_DATA"])
    steps = [
        ("build", case, "-o", out / "bundel.pdf", "--stil", "--converter", "builtin"),
        ("build", case, "-o", out / "beveiligd.pdf", "--stil", "--converter", "builtin", "--wachtwoord"),
        ("anonimiseer", "--case", case, work / "stukken" / "opp.pdf", "-o", out / "opp.pdf"),
        ("export", case, "-o", out / "casus.tafeldossier"),
        ("check", case),
    ]
    for args in steps:
        res = _dossier(env, *args)
        assert res.returncode == 0, (args[0], res.stderr)
    _open_app_until_autosaved(env, case, data)
    assert (data / "logs" / "tafeldossier.log").is_file()
    assert list((data / "cache" / "documenten").glob("*.bin")), "the cache was not used"
    assert _leaks(home) == []
    assert not list((data / "werk").glob("job-*"))  # temporary folders removed after each job


def test_the_search_would_find_a_leak(tmp_path):
    (tmp_path / "a.txt").write_text("x noor y", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes("EL AMRANI".encode("utf-16-le"))
    (tmp_path / "Aaliyah.pdf").write_bytes(b"")
    leaks = _leaks(tmp_path)
    assert any("a.txt: Noor" in x for x in leaks) and any("b.bin" in x for x in leaks)
    assert any(x.startswith("name Aaliyah.pdf") for x in leaks)
