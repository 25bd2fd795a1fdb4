"""The one way the GUI runs long work: a QThreadPool task with progress, cancel and a result.

Work runs on a pool thread and talks back only through Qt signals, which Qt
delivers on the GUI thread; only the GUI thread touches widgets.  Every task
is counted so that quitting can cancel and wait for them (a refresh stores
each response before its next request, so waiting loses nothing).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

log = logging.getLogger(__name__)


BACKGROUND_NICE = 10


def lower_thread_priority() -> None:
    """Let the GUI thread win the CPU over this worker thread.

    On a two-core laptop a refresh running flat out (workers parsing and storing
    answers) otherwise takes the CPU from the GUI thread for 60-140 ms at a time
    (measured).  Linux applies ``setpriority`` to one thread when given its id;
    elsewhere Qt's own thread priority is used.
    """
    if hasattr(os, "setpriority") and sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
        except OSError:  # not allowed here: run at normal priority
            log.debug("could not lower a worker thread's priority")
        return
    thread = QThread.currentThread()
    if thread is not None:
        thread.setPriority(QThread.Priority.LowPriority)


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Reporter:
    """Handed to the work function: report progress, and see whether the user cancelled."""

    #: at most this often (seconds) does progress cross to the GUI thread: each crossing is a queued
    #: call that needs the GIL on the GUI thread, and thousands of them kept it from painting (stalls)
    MIN_INTERVAL = 0.05

    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        self._signals = signals
        self.cancel_event = cancel
        self._last = 0.0
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def progress(self, done: int, total: int, text: str = "") -> bool:
        """Report progress (coalesced; the last step always goes through); False once the user cancelled."""
        now = time.monotonic()
        with self._lock:  # several worker threads may report for one task
            due = done >= total or now - self._last >= self.MIN_INTERVAL
            if due:
                self._last = now
        if due:
            self._signals.progress.emit(done, total, text)
        return not self.cancelled


class TaskHandle:
    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        self.signals = signals
        self._cancel = cancel

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Runnable(QRunnable):
    def __init__(
        self,
        fn: Callable[[Reporter], Any],
        signals: TaskSignals,
        cancel: threading.Event,
        done: Callable[[], None],
    ) -> None:
        super().__init__()
        self._fn, self._signals, self._cancel, self._done = fn, signals, cancel, done

    def run(self) -> None:
        lower_thread_priority()
        try:
            result = self._fn(Reporter(self._signals, self._cancel))
        except Exception as exc:  # handed to the GUI to show in words, never swallowed
            if expected_failure(exc):  # a cancel, a bad field, no connection: an outcome, not a bug
                log.info("background task ended: %s: %s", type(exc).__name__, exc)
            else:
                log.exception("background task failed")
            self._emit(self._signals.failed, exc)
        else:
            self._emit(self._signals.finished, result)
        finally:
            self._done()

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        """Hand the outcome over; nobody is listening when its window (and the signals object it
        owned) was deleted while the work ran, and that is no error to print to the terminal."""
        try:
            signal.emit(value)
        except RuntimeError as exc:  # "Signal source has been deleted"
            log.debug("background task outlived its window: %s", exc)


def expected_failure(exc: BaseException) -> bool:
    """Whether a failure is one the user caused or expects (shown in words; no traceback in the log)."""
    from imb_tracker.actions.errors import ActionError  # noqa: PLC0415 - only when something failed
    from imb_tracker.errors import CancelledError, NotFoundError  # noqa: PLC0415
    from imb_tracker.store.errors import StoreError  # noqa: PLC0415
    from imb_tracker.usps.credentials import CredentialsError  # noqa: PLC0415
    from imb_tracker.usps.errors import UspsError  # noqa: PLC0415

    expected = (CancelledError, NotFoundError, ActionError, StoreError, CredentialsError, UspsError)
    return isinstance(exc, (*expected, ValueError, LookupError, OSError))


def _unless_gone(callback: Callable[..., None]) -> Callable[..., None]:
    """``callback``, quiet when the window it updates was closed while the work ran.

    A page closed during a background read (the import wizard's check, say) has no widgets left
    when the result arrives; that is an outcome to drop, not an error to show.
    """

    def call(*args: Any) -> None:
        try:
            callback(*args)
        except RuntimeError as exc:
            if "already deleted" not in str(exc):
                raise
            log.debug("a background result arrived after its window closed: %s", exc)

    return call


class BackgroundTasks(QObject):
    """Submit work, count it, cancel it, and wait for it on quit.

    Create one for the application and call :meth:`cancel_all` then
    :meth:`wait_all` before quitting.
    """

    count_changed = Signal(int)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._running: dict[int, TaskHandle] = {}  # work still executing (updated by the workers)
        self._live: dict[int, tuple[TaskHandle, _Runnable]] = {}  # kept alive until the GUI got the result
        self._next = 0

    def run(
        self,
        fn: Callable[[Reporter], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> TaskHandle:
        """Start ``fn(reporter)`` on a pool thread.

        Pass the callbacks here: they are connected before the work starts, so a
        task that finishes at once cannot be missed (connecting to
        ``handle.signals`` afterwards can be too late).
        """
        signals = TaskSignals()  # created here, so it lives on the GUI thread and its slots run there
        cancel = threading.Event()
        handle = TaskHandle(signals, cancel)
        if on_done is not None:
            signals.finished.connect(_unless_gone(on_done))
        if on_error is not None:
            signals.failed.connect(_unless_gone(on_error))
        if on_progress is not None:
            signals.progress.connect(_unless_gone(on_progress))
        with self._lock:
            key = self._next
            self._next += 1
            self._running[key] = handle
            count = len(self._running)
        # After the caller's slots: let go of the task once its last word reached the GUI thread.
        signals.finished.connect(lambda _result, key=key: self._forget(key))
        signals.failed.connect(lambda _error, key=key: self._forget(key))

        def done() -> None:
            with self._lock:
                self._running.pop(key, None)
                remaining = len(self._running)
                self._idle.notify_all()
            try:
                self.count_changed.emit(remaining)
            except RuntimeError:  # the task list itself was destroyed (app shutting down)
                log.debug("background task finished after its owner was destroyed")

        runnable = _Runnable(fn, signals, cancel, done)
        runnable.setAutoDelete(False)  # Python owns it (kept in _live), not the pool
        self._live[key] = (handle, runnable)
        self.count_changed.emit(count)
        self._pool.start(runnable)
        return handle

    def _forget(self, key: int) -> None:
        self._live.pop(key, None)

    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def cancel_all(self) -> None:
        with self._lock:
            handles = list(self._running.values())
        for handle in handles:
            handle.cancel()

    def wait_all(self, timeout_s: float = 30.0) -> bool:
        """Block until every task's work has finished (call after cancel_all on quit); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout_s)
