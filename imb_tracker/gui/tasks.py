"""The one way the GUI runs long work: a QThreadPool task with progress, cancel and a result.

Work runs on a pool thread and talks back only through Qt signals, which Qt
delivers on the GUI thread; only the GUI thread touches widgets.  Every task
is counted so that quitting can cancel and wait for them (a refresh stores
each response before its next request, so waiting loses nothing).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Reporter:
    """Handed to the work function: report progress, and see whether the user cancelled."""

    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        self._signals = signals
        self.cancel_event = cancel

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def progress(self, done: int, total: int, text: str = "") -> bool:
        """Report progress; returns False once the user has cancelled (the work should stop)."""
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
    def __init__(self, fn: Callable[[Reporter], Any], signals: TaskSignals, cancel: threading.Event,
                 done: Callable[[], None]) -> None:  # fmt: skip
        super().__init__()
        self._fn, self._signals, self._cancel, self._done = fn, signals, cancel, done

    def run(self) -> None:
        try:
            result = self._fn(Reporter(self._signals, self._cancel))
        except Exception as exc:  # handed to the GUI to show in words, never swallowed
            log.exception("background task failed")
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)
        finally:
            self._done()


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
            signals.finished.connect(on_done)
        if on_error is not None:
            signals.failed.connect(on_error)
        if on_progress is not None:
            signals.progress.connect(on_progress)
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
