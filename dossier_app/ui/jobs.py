"""Background work: run one job in a worker thread, deliver its outcome on the main thread.

Every slow call of the core (intake, document processing, build, verify) goes through
`JobRunner.start`. The job is a plain function that receives a `JobContext`; it reports
progress and polls `ctx.cancelled()`. The outcome arrives through queued signals on a
`JobHandle` that lives in the main thread, so callbacks may touch widgets.

Jobs run one at a time (one worker thread): PDFium, used by the core, is not
thread-safe, and a school's laptop is better off doing one heavy thing at once.

Error messages: a `DossierError` carries complete Dutch text and is shown as is. Any
other exception is a bug: it is logged without its message (which may quote document
text) and the user sees a generic Dutch message, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from dossier_app.errors import CancelledError, DossierError
from dossier_app.logs import log_internal_error

ALGEMENE_FOUT = ("Er ging onverwacht iets mis. Er is niets gewijzigd aan uw bestanden. Probeer het "
                 "opnieuw; gebeurt het weer, neem dan contact op met uw beheerder en vermeld het "
                 "tijdstip (details staan in het logboek van Tafeldossier, zonder gegevens van de "
                 "leerling).")
AFGEBROKEN = "Afgebroken. Er is niets weggeschreven."


class JobContext:
    """What a running job may use: report progress and ask whether to stop."""

    def __init__(self, signals: _Signals, cancel_flag: threading.Event) -> None:
        self._signals = signals
        self._cancel = cancel_flag

    def progress(self, label: str, done: int, total: int) -> None:
        self._signals.progress.emit(label, done, total)

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    """Emitted in the worker thread; received by the handle in the main thread."""

    progress = Signal(str, int, int)
    done = Signal(object)
    # int, not bool: a bool sent through a queued connection trips a reference-count bug
    # in PySide6 ("deallocating True or False") at interpreter exit.
    failed = Signal(str, int)  # message, cancelled (0/1)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], signals: _Signals,
                 cancel_flag: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals
        self._cancel = cancel_flag

    def run(self) -> None:
        ctx = JobContext(self._signals, self._cancel)
        try:
            if self._cancel.is_set():
                raise CancelledError(AFGEBROKEN)
            result = self._fn(ctx)
        except CancelledError as exc:
            self._signals.failed.emit(exc.message or AFGEBROKEN, 1)
        except DossierError as exc:
            self._signals.failed.emit(exc.message, 0)
        except Exception as exc:  # a bug: log where, never the message
            log_internal_error(exc)
            self._signals.failed.emit(ALGEMENE_FOUT, 0)
        else:
            if self._cancel.is_set():
                self._signals.failed.emit(AFGEBROKEN, 1)
            else:
                self._signals.done.emit(result)


class JobHandle(QObject):
    """One started job, seen from the main thread."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str, int)  # message, cancelled (0/1)
    finished = Signal()  # after succeeded or failed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.running = True
        # Created here and owned by the handle: it lives, and is deleted, in the main
        # thread, even when the worker's runnable drops the last Python reference to it.
        self.signals = _Signals(self)
        queued = Qt.ConnectionType.QueuedConnection
        self.signals.progress.connect(self._on_progress, queued)
        self.signals.done.connect(self._on_done, queued)
        self.signals.failed.connect(self._on_failed, queued)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @Slot(str, int, int)
    def _on_progress(self, label: str, done: int, total: int) -> None:
        if self.running:
            self.progressed.emit(label, done, total)

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self.running = False
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(str, int)
    def _on_failed(self, message: str, cancelled: int) -> None:
        self.running = False
        self.failed.emit(message, cancelled)
        self.finished.emit()


class JobRunner(QObject):
    """Starts jobs on one worker thread and keeps their handles alive until they end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._handles: set[JobHandle] = set()

    def start(self, fn: Callable[[JobContext], Any], *,
              on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[str, bool], None] | None = None,
              on_progress: Callable[[str, int, int], None] | None = None) -> JobHandle:
        handle = JobHandle()  # owned by Python through _handles, not by the runner
        if on_done:
            handle.succeeded.connect(on_done)
        if on_error:
            handle.failed.connect(on_error)
        if on_progress:
            handle.progressed.connect(on_progress)
        handle.finished.connect(self._forget_sender)
        self._handles.add(handle)
        self._pool.start(_Runnable(fn, handle.signals, handle._cancel))
        return handle

    @property
    def busy(self) -> bool:
        return any(h.running for h in self._handles)

    def cancel_all(self) -> None:
        for handle in list(self._handles):
            handle.cancel()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker is idle (used when the window closes)."""
        return self._pool.waitForDone(msecs)

    @Slot()
    def _forget_sender(self) -> None:
        handle = self.sender()
        if isinstance(handle, JobHandle):
            # Not here: this runs inside the handle's own `finished` signal, and dropping
            # the last reference now would delete it while Qt is still delivering it.
            QTimer.singleShot(0, self, lambda: self._handles.discard(handle))
