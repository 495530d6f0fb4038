"""PySide6 6.12's emit takes a reference from True each time; `ui.signals.emit` gives it back."""

from __future__ import annotations

import sys

import pytest

from dossier_app.ui import signals
from dossier_app.ui.signals import emit

pytestmark = pytest.mark.gui


def test_the_probe_agrees_with_what_a_plain_emit_does(qapp):
    probe = signals._Probe()
    before = sys.getrefcount(True)
    for _ in range(100):
        probe.ping.emit()
    taken = before - sys.getrefcount(True)
    for _ in range(max(taken, 0)):
        signals._give_back_true()  # do not leave this test process short
    assert (taken >= 50) == signals.EMIT_TAKES_A_REFERENCE, taken


def test_many_emits_through_the_helper_leave_true_alone(qapp):
    probe = signals._Probe()
    calls = []
    probe.ping.connect(lambda: calls.append(1))
    before = sys.getrefcount(True)
    for _ in range(5000):
        emit(probe.ping)
    assert len(calls) == 5000
    assert abs(sys.getrefcount(True) - before) < 50
