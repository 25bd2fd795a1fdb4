"""Background work for the GUI: progress and results on the GUI thread, cancel, wait on quit."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from imb_tracker.gui.tasks import BackgroundTasks, Reporter


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = BackgroundTasks()
    seen: list[tuple[int, int, str, bool]] = []
    gui_thread = QThread.currentThread()

    def work(reporter: Reporter) -> str:
        assert threading.current_thread() is not threading.main_thread()
        for i in range(1, 4):
            reporter.progress(i, 3, f"step {i}")
        return "done"

    def on_progress(done: int, total: int, text: str) -> None:
        seen.append((done, total, text, QThread.currentThread() is gui_thread))

    results: list[object] = []
    tasks.run(work, on_progress=on_progress, on_done=results.append)
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][:3] == (3, 3, "step 3"))
    # progress is coalesced (at most 20 reports a second) but the first and the last always arrive
    assert seen[0][:3] == (1, 3, "step 1") and len(seen) <= 3
    assert all(s[3] for s in seen)
    assert tasks.wait_all(5.0)


def test_errors_are_handed_back_not_swallowed(qtbot: QtBot) -> None:
    tasks = BackgroundTasks()

    def work(reporter: Reporter) -> None:
        raise ValueError("bad input in row 3")

    errors: list[BaseException] = []
    tasks.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert isinstance(errors[0], ValueError) and "row 3" in str(errors[0])
    assert tasks.wait_all(5.0)


def test_cancel_and_wait_on_quit(qtbot: QtBot) -> None:
    tasks = BackgroundTasks()
    steps: list[int] = []

    def work(reporter: Reporter) -> int:
        n = 0
        while reporter.progress(n, 0, "") and n < 10_000:
            n += 1
            steps.append(n)
            time.sleep(0.005)
        return n

    handle = tasks.run(work)
    qtbot.waitUntil(lambda: len(steps) > 3, timeout=5000)
    assert tasks.running() == 1
    tasks.cancel_all()
    assert tasks.wait_all(5.0)
    assert handle.cancelled and tasks.running() == 0
    assert len(steps) < 10_000


def test_an_expected_failure_is_logged_in_one_line_an_unexpected_one_with_its_traceback(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 15: a cancel or a bad field is an outcome, not an 'ERROR … traceback' in the log."""
    import logging

    from imb_tracker.errors import CancelledError

    tasks = BackgroundTasks()
    failures: list[BaseException] = []
    caplog.set_level(logging.INFO, logger="imb_tracker.gui.tasks")

    def cancelled(_r: object) -> None:
        raise CancelledError("the user cancelled")

    def broken(_r: object) -> None:
        raise ZeroDivisionError("a bug")

    tasks.run(cancelled, on_error=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5000)
    tasks.run(broken, on_error=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    quiet = [r for r in caplog.records if "the user cancelled" in r.getMessage()]
    loud = [r for r in caplog.records if r.exc_info and "ZeroDivisionError" in str(r.exc_info[0])]
    assert quiet and quiet[0].levelno == logging.INFO and quiet[0].exc_info is None
    assert loud and loud[0].levelno == logging.ERROR


def test_a_task_that_outlives_its_window_ends_quietly(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window (and the signals object it owned) is gone when the work ends: no traceback."""
    import shiboken6

    from imb_tracker.gui.tasks import TaskSignals, _Runnable

    for outcome in ("result", "failure"):
        signals = TaskSignals()
        ended: list[bool] = []

        def work(_reporter: Reporter, outcome: str = outcome) -> str:
            if outcome == "failure":
                raise ValueError("the list is gone")
            return "done"

        runnable = _Runnable(work, signals, threading.Event(), lambda ended=ended: ended.append(True))
        shiboken6.delete(signals)
        runnable.run()  # as the pool thread would, after the window closed
        assert ended == [True]
    assert "Traceback" not in capsys.readouterr().err
