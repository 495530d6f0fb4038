"""A keystroke costs the work of its own field: pages out of sight do not refresh, the
checks run after a pause, and the autosave keeps up with typing that never pauses."""

from __future__ import annotations

import pytest
from keyringhelpers import memory_keyring
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import copy_example, type_text, window_fixture  # noqa: F401 (fixture)

from dossier_app.store.drafts import DraftStore

pytestmark = pytest.mark.gui


def _count_calls(monkeypatch, obj, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(obj, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, counted)
    return calls


def test_typing_on_voorblad_refreshes_no_other_page(window, qtbot, tmp_path, monkeypatch):
    from dossier_app.ui.build_page import BuildPage
    from dossier_app.ui.casus_page import CasusPage
    from dossier_app.ui.onderdelen_page import OnderdelenPage
    from dossier_app.ui.review_page import ReviewPage

    pages = {"casus": CasusPage, "onderdelen": OnderdelenPage, "review": ReviewPage, "build": BuildPage}
    hidden = {name: _count_calls(monkeypatch, cls, "refresh") for name, cls in pages.items()}
    w = window(copy_example(tmp_path))
    w.go_to(4)
    qtbot.wait(50)
    for calls in hidden.values():
        calls.clear()
    from dossier_app.ui import state as state_module

    checks = _count_calls(monkeypatch, state_module, "check_case")
    edit = w.voorblad.edits["samenvatting"]
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(edit, " De leerling kwam twee ochtenden en daarna niet meer.", replace=False)
    assert w.state.case.voorblad.samenvatting.endswith("daarna niet meer.")  # in the case at once
    assert w.state.typing_pending
    assert sum(len(c) for c in hidden.values()) == 0 and not checks
    qtbot.waitUntil(lambda: not w.state.typing_pending, timeout=3000)  # the pause
    assert sum(len(c) for c in hidden.values()) == 0  # still out of sight
    assert len(checks) == 1  # the routeboek check ran once, after the pause
    w.go_to(6)
    assert len(hidden["build"]) == 1  # shown: refreshed once


def test_autosave_keeps_up_with_typing_without_a_pause(window, qtbot, tmp_path, monkeypatch):
    from dossier_app.ui import drafts_ui

    with memory_keyring():
        w = window(copy_example(tmp_path))
        qtbot.waitUntil(lambda: w.drafts.saves >= 1 and not w.drafts._saving, timeout=10_000)
        w.drafts.max_wait.setInterval(600)  # the 10 s of the product, shortened for the test
        saved = w.drafts.saves
        w.go_to(4)
        edit = w.voorblad.edits["hoofdvraag"]
        for n in range(12):  # typing on, never pausing 1.5 s
            type_text(edit, f" woord{n}", replace=False)
            qtbot.wait(100)
        qtbot.waitUntil(lambda: w.drafts.saves > saved and not w.drafts._saving, timeout=5000)
        assert drafts_ui.DEBOUNCE_MS > 1200  # so it was the maximum wait that saved
        loaded = DraftStore.open_default().load(w.drafts.draft_id)
        assert "woord" in loaded.case.voorblad.hoofdvraag
        # leaving the field saves what was typed, without waiting for a pause
        saved = w.drafts.saves
        type_text(edit, " laatste", replace=False)
        w.voorblad.edits["aanbod"].setFocus()
        QTest.keyClick(edit, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: w.drafts.saves > saved and not w.drafts._saving, timeout=1000)
        loaded = DraftStore.open_default().load(w.drafts.draft_id)
        assert "woord11 laatste" in loaded.case.voorblad.hoofdvraag
