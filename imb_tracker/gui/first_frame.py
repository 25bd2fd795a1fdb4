"""Run something just after a window's first frame is on screen.

The installed app shows its window before it imports the store, the PDF layout and the USPS
clients (about a second of imports on a slow disk); this is the hook that says "now".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstExpose(QObject):
    """Event filter on a native window: queues ``fire`` once, after the first expose is handled."""

    def __init__(self, parent: QObject, fire: Callable[[], None]) -> None:
        super().__init__(parent)
        self._fire = fire

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and getattr(watched, "isExposed", lambda: False)():
            watched.removeEventFilter(self)
            # Qt paints the window while handling the expose event; a zero timer runs after that.
            QTimer.singleShot(0, self, self._fire)
        return False


def after_first_frame(widget: QWidget, callback: Callable[[], None], fallback_ms: int | None = 1500) -> None:
    """Call ``callback`` once, right after ``widget``'s window is first exposed and painted.

    Call before ``show()``.  ``fallback_ms``: call it anyway after this long, for a window that
    is never exposed (started minimised, or on a platform that sends no expose event).
    """
    done = False

    def fire() -> None:
        nonlocal done
        if not done:
            done = True
            callback()

    widget.winId()  # creates the native window, whose expose events are watched
    handle = widget.windowHandle()
    handle.installEventFilter(_FirstExpose(handle, fire))
    if fallback_ms is not None:
        QTimer.singleShot(fallback_ms, widget, fire)
