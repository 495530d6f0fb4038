"""The worker helper: results and errors arrive on the main thread, in Dutch, cancel works."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from dossier_app.errors import DocumentError
from dossier_app.ui.jobs import ALGEMENE_FOUT, JobRunner

pytestmark = pytest.mark.gui


def test_result_arrives_on_the_main_thread(qtbot, qapp):
    runner = JobRunner(qapp)
    seen = {}

    def job(ctx):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        ctx.progress("stap", 1, 2)
        return 42

    def done(value):
        seen["value"] = value
        seen["main"] = QThread.currentThread() is qapp.thread()

    progress = []
    runner.start(job, on_done=done, on_progress=lambda *a: progress.append(a))
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"worker": True, "value": 42, "main": True}
    assert progress == [("stap", 1, 2)]


def test_dossier_error_message_is_shown_as_is(qtbot, qapp):
    runner = JobRunner(qapp)
    got = []

    def job(_ctx):
        raise DocumentError("'x.pdf' is beschadigd. Vraag de afzender om een nieuwe versie.")

    runner.start(job, on_error=lambda msg, cancelled: got.append((msg, cancelled)))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [("'x.pdf' is beschadigd. Vraag de afzender om een nieuwe versie.", False)]


def test_other_exception_gives_generic_dutch_message_without_traceback(qtbot, qapp):
    runner = JobRunner(qapp)
    got = []

    def job(_ctx):
        raise KeyError("geheime-inhoud")

    runner.start(job, on_error=lambda msg, cancelled: got.append(msg))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [ALGEMENE_FOUT]
    assert "Traceback" not in got[0] and "geheime" not in got[0]


def test_cancel_is_seen_by_the_job(qtbot, qapp):
    runner = JobRunner(qapp)
    got = []
    started = threading.Event()

    def job(ctx):
        started.set()
        while not ctx.cancelled():
            time.sleep(0.01)
        return "klaar"

    handle = runner.start(job, on_done=lambda v: got.append(("done", v)),
                          on_error=lambda msg, cancelled: got.append(("error", cancelled)))
    assert started.wait(5)
    assert runner.busy
    handle.cancel()
    qtbot.waitUntil(lambda: bool(got))
    assert got == [("error", True)]
    assert not runner.busy


def test_many_short_jobs_end_cleanly_and_their_handles_are_let_go(qtbot, qapp):
    # A handle is let go after its `finished` signal has been delivered, and its signals
    # object is deleted in the main thread, however fast the worker is done.
    runner = JobRunner(qapp)
    done = []
    for n in range(200):
        runner.start(lambda ctx, n=n: n, on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 200, timeout=20_000)
    qtbot.waitUntil(lambda: not runner._handles, timeout=5_000)
    assert sorted(done) == list(range(200))
    assert runner.wait(5_000)
