"""The last line of defence: an exception nobody caught becomes a short apology, never a dead window.

Installed by :func:`imb_tracker.gui.launch.run_gui` for ``sys.excepthook`` (exceptions in Qt slots
arrive there too) and ``threading.excepthook``.  The traceback goes to the log file only; the
user sees what happened in one sentence, where the details are, and a *Copy details* button for a
bug report.  The window stays usable: the box is not modal to the rest of the app's work.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)

#: every exception that reached the hook in this process (the walk-through test asserts it is empty)
seen: list[str] = []


class _Relay(QObject):
    """Carries a crash from any thread to the GUI thread, where the message box may be shown."""

    crashed = Signal(str, str)


_relay: _Relay | None = None
_parent: Callable[[], QWidget | None] = lambda: None  # noqa: E731
_log_file: Path | None = None


def _details(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(kind, value, tb))


def _show(summary: str, details: str) -> None:
    parent = _parent()
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Something went wrong")
    where = f" The details are in {_log_file}." if _log_file else ""
    box.setText(
        f"Sorry — IMb Tracker hit a problem it did not expect: {summary}.\n\n"
        f"Your data is safe and the window still works; try again, or report it.{where}"
    )
    box.setDetailedText(details)
    copy = box.addButton("&Copy details and close", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def report(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback (file only) and show the apology on the GUI thread."""
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    details = _details(kind, value, tb)
    seen.append(details)
    log.info("an exception reached the window's last handler:\n%s", details)  # the log file, not stderr
    summary = f"{kind.__name__}: {value}"[:300]
    if _relay is not None:
        _relay.crashed.emit(summary, details)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        report(args.exc_type, args.exc_value, args.exc_traceback)


def install(parent: Callable[[], QWidget | None], log_file: Path | None = None) -> Any:
    """Route uncaught exceptions (GUI thread and others) to :func:`report`; returns the old hook."""
    global _relay, _parent, _log_file
    _relay = _Relay()
    _relay.crashed.connect(_show, Qt.ConnectionType.QueuedConnection)
    _parent, _log_file = parent, log_file
    previous = sys.excepthook
    sys.excepthook = report
    threading.excepthook = _thread_hook
    return previous
