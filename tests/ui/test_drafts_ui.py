"""Autosave in the wizard, "Casus verwijderen", recovery, and SIGKILL of the real program."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from keyringhelpers import file_keyring_contents, memory_keyring, no_keyring
from uihelpers import REPO, copy_example, window_fixture  # noqa: F401 (fixture)

from dossier_app.logs import data_dir
from dossier_app.store import drafts as drafts_mod
from dossier_app.store.drafts import DraftStore
from dossier_app.ui import drafts_ui


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    monkeypatch.setattr(drafts_ui, "DEBOUNCE_MS", 50)
    monkeypatch.setattr(drafts_ui.DraftController, "ask", False)


@pytest.fixture
def keyring_mem():
    with memory_keyring() as store:
        yield store


def test_autosave_after_an_edit(keyring_mem, window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    qtbot.waitUntil(lambda: w.drafts.saves >= 1, timeout=10_000)
    saved = w.drafts.saves
    w.state.update_casus(ot_nummer="OT-7777777")
    qtbot.waitUntil(lambda: w.drafts.saves > saved, timeout=10_000)
    store = DraftStore.open_default()
    loaded = store.load(w.drafts.draft_id)
    assert loaded.case.casus.ot_nummer == "OT-7777777"
    assert len(loaded.documenten) == len(w.state.case.documenten)
    w.drafts.refresh()
    assert "OT-7777777" in w.drafts.panel.list.item(0).text()
    assert "Noor" not in w.drafts.panel.list.item(0).text()


def test_edits_in_a_row_are_saved_once_debounced(keyring_mem, window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    qtbot.waitUntil(lambda: w.drafts.saves >= 1, timeout=10_000)
    saved = w.drafts.saves
    for n in range(5):
        w.state.update_casus(ot_nummer=f"OT-100000{n}")
    qtbot.waitUntil(lambda: w.drafts.saves > saved, timeout=10_000)
    qtbot.wait(300)
    assert w.drafts.saves == saved + 1


def test_delete_case_removes_the_draft(keyring_mem, window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    qtbot.waitUntil(lambda: w.drafts.saves >= 1, timeout=10_000)
    draft_id = w.drafts.draft_id
    w.drafts.refresh()
    w.drafts.panel.list.setCurrentRow(0)
    w.drafts.panel.delete_button.click()
    assert not (data_dir() / "concepten" / draft_id).exists()
    assert w.state.path is None and w.drafts.draft_id is None


def test_resume_a_draft(keyring_mem, window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.state.update_casus(ot_nummer="OT-5555555")
    qtbot.waitUntil(lambda: w.drafts.saves >= 1 and not w.drafts._saving, timeout=10_000)
    draft_id = w.drafts.draft_id
    w.state.start_new()
    assert w.drafts.draft_id is None
    assert w.drafts.resume(draft_id)
    assert w.state.case.casus.ot_nummer == "OT-5555555" and w.drafts.draft_id == draft_id


def test_recovery_and_retention_offered_at_start(keyring_mem, window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window(copy_example(tmp_path))
    qtbot.waitUntil(lambda: w.drafts.saves >= 1, timeout=10_000)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a: asked.append(title) or QMessageBox.StandardButton.No)
    monkeypatch.setattr(drafts_mod, "_pid_alive", lambda pid: False)
    monkeypatch.setattr(drafts_ui, "retention_days", lambda: 0)
    monkeypatch.setattr(drafts_ui.DraftController, "ask", True)
    w.drafts.start()
    assert asked == ["Werk herstellen?", "Oude concepten verwijderen?"]


def test_without_keyring_nothing_is_stored(window, qtbot, tmp_path):
    with no_keyring():
        w = window(copy_example(tmp_path))
        assert w.drafts.store is None
        w.drafts.autosave()
        assert not list((data_dir() / "concepten").glob("*/case.bin"))
        assert "geen sleutelbos" in w.drafts.panel.list.item(0).text()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_of_the_program_keeps_the_autosaved_draft(tmp_path):
    case = copy_example(tmp_path)
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="filekeyring.FileKeyring",
               PYTHONPATH=str(REPO / "tests"), TAFELDOSSIER_TEST_KEYRING=str(tmp_path / "k.json"))
    proc = subprocess.Popen([sys.executable, "-m", "dossier_app.ui.app", "--open", str(case)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = data_dir() / "concepten"
    deadline = time.monotonic() + 60
    while not list(root.glob("*/meta.bin")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with memory_keyring(file_keyring_contents(tmp_path / "k.json")):
        store = DraftStore.open_default()
        store.cleanup()
        [info] = store.recoverable()
        loaded = store.load(info.id)
        assert loaded.case.casus.ot_nummer == "OT-1234567"
        assert loaded.case.leerling.roepnaam == "Noor"
        assert len(loaded.documenten) == 6
    assert not [p for p in data_dir().rglob("*") if p.name.endswith(".tmp")]
