"""The Bouwen page keeps the build's checking workers ready between builds, lets them go
after a while without a build, and when the window closes."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import copy_example, ready_example, type_text, window_fixture  # noqa: F401 (fixture)

from dossier_app.processes import parallel_workers
from dossier_app.ui.build_page import IDLE_MS

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(parallel_workers(2) < 2, reason="needs two cores for worker processes")]


def _build(w, qtbot, out) -> None:
    type_text(w.build.out, str(out))
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.build.handle is not None and not w.build.handle.running, timeout=180000)
    assert w.build.result is not None, w.build.error.text()


def test_a_second_build_uses_the_workers_of_the_first_until_the_window_closes(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    ready_example(w, qtbot)
    w.go_to(w.pages.index(w.build))
    _build(w, qtbot, tmp_path / "een.pdf")
    workers = w.build.workers
    checker, gater = workers.checker(), workers.gater()
    assert w.build.idle.isActive()  # let go after a while without a build
    _build(w, qtbot, tmp_path / "twee.pdf")
    assert (workers.checker(), workers.gater()) == (checker, gater)
    w.build.idle.setInterval(10)
    w.build.idle.start()
    qtbot.waitUntil(lambda: not workers.active, timeout=10000)
    # back to the page's own interval, or the short one lets the new workers go again
    # before the next line looks (seen in CI)
    w.build.idle.setInterval(IDLE_MS)
    _build(w, qtbot, tmp_path / "drie.pdf")  # started again when needed
    assert workers.active
    assert workers.checker() is not checker
    w.close()
    assert not workers.active


def _pid(pool) -> int:
    return pool.submit(os.getpid).result(timeout=120)


def test_the_workers_start_when_the_page_is_shown_and_the_first_build_uses_them(window, qtbot,
                                                                                tmp_path):
    """While the user chooses where the bundle goes, the checking workers import what the
    checks need and load the name detector: the first build starts no process."""
    w = window(copy_example(tmp_path))
    workers = w.build.workers
    w.go_to(w.pages.index(w.build))  # nothing prepared yet: no bundle can be made
    assert not w.build.build_button.isEnabled()
    qtbot.wait(500)
    assert not workers.active
    ready_example(w, qtbot)
    assert not workers.active  # not before the Bouwen page is shown
    w.go_to(w.pages.index(w.build))
    qtbot.waitUntil(lambda: workers.active and w.build.idle.isActive(), timeout=30000)
    checker, gater = workers.checker(), workers.gater()
    pids = (_pid(checker), _pid(gater))
    _build(w, qtbot, tmp_path / "een.pdf")
    assert (workers.checker(), workers.gater()) == (checker, gater)
    assert (_pid(checker), _pid(gater)) == pids  # the same processes did the checks
    assert w.build.idle.isActive()
    w.close()
    assert not workers.active
