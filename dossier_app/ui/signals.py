"""Emitting Qt signals from Python, safely with PySide6 6.12.

PySide6 6.12.0's `SignalInstance.emit` returns True without taking a reference to it, so
every emit from Python takes one reference away from True. The wizard emits on every edit,
every autosave and every progress step; after some thousands True is freed and the process
aborts ("deallocating True or False") or, worse, crashes later in unrelated code. `emit`
gives the reference back. Whether that is needed is measured once, at import, on a private
signal: a PySide6 without the bug gets nothing extra (and one with a different bug is not
"corrected" blindly).

Use `emit(obj.signal, *args)` instead of `obj.signal.emit(*args)` everywhere in `ui/`
(tests/test_architecture.py checks that).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_PROBES = 32


class _Probe(QObject):
    ping = Signal()


def _emit_takes_a_reference_from_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    taken = before - sys.getrefcount(True)
    for _ in range(max(taken, 0)):  # give back what the probe itself took
        _give_back_true()
    return taken >= _PROBES // 2  # exactly _PROBES unless another thread ran meanwhile


def _give_back_true() -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))


EMIT_TAKES_A_REFERENCE = _emit_takes_a_reference_from_true()


def emit(signal: Any, *args: object) -> None:
    """`signal.emit(*args)`, without PySide6's reference-count bug."""
    signal.emit(*args)
    if EMIT_TAKES_A_REFERENCE:
        _give_back_true()
