"""While the window is open: refresh on a schedule and say when letters turn late or stalled.

Every ``scheduled_refresh_hours`` (a setting; 0 turns it off) the Letters page's own refresh runs
(the same door as *Refresh all*, with its progress and Cancel), within the lookup quota and the
minimum interval between lookups of a letter.  After any refresh, the late and stalled letters of
each mailing are read in the background (``actions.watch``, the rule ``refresh --watch`` uses)
and the ones newly flagged are announced: a desktop notification through the system tray where
the desktop has one, and always a line at the top of Letters.  Clicking either shows those
letters (the mailing and the Late or Stalled filter).  A scheduled refresh never asks for a
password: when the sign-in is kept only in memory and not given yet, it is skipped quietly.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from imb_tracker.actions.watch import Change, Flags, flag_changes, flags_now

from .context import AppContext
from .tasks import Reporter

log = logging.getLogger(__name__)

HOUR_MS = 3_600_000


class Alerts(QObject):
    """The schedule, the previous round's flags, and where a notification goes."""

    #: a notification for people: its text, the mailing and the filter key ("late" or "stalled")
    announced = Signal(str, str, str)
    clicked = Signal(str, str)  # the desktop notification was clicked: mailing, filter key

    def __init__(self, ctx: AppContext, refresh: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._refresh = refresh  # starts the Letters page's refresh (returns False when one is running)
        self.previous: Flags | None = None
        self.fired: list[Change] = []  # what was announced this run, newest last
        self._target: Change | None = None
        self._checking = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.scheduled)
        self.tray: QSystemTrayIcon | None = None
        self.apply_settings()

    def apply_settings(self) -> None:
        hours = float(self.ctx.settings.scheduled_refresh_hours or 0)
        if hours > 0:
            self.timer.start(max(int(hours * HOUR_MS), 60_000))
        else:
            self.timer.stop()

    def _tray(self) -> QSystemTrayIcon | None:
        """The tray icon that carries notifications, made on first use; None where the desktop has none."""
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            from PySide6.QtWidgets import QApplication  # noqa: PLC0415

            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.setToolTip("IMb Tracker")
            self.tray.messageClicked.connect(self.open_target)
            self.tray.show()
        return self.tray

    def scheduled(self) -> None:
        """The timer: refresh if a sign-in is at hand without asking (the refresh then calls check)."""
        if self.ctx.db is None or self.ctx.backend is None:
            return
        if not self.ctx.backend.demo and self.ctx.settings.password_storage == "ask":
            from imb_tracker.actions.catalog import has_iv  # noqa: PLC0415

            if not has_iv():
                log.info("scheduled refresh skipped: the USPS password is asked for and not given yet")
                return
        self._refresh()

    def check(self) -> None:
        """Read the flags in the background and announce what is new since the last check."""
        db, backend = self.ctx.db, self.ctx.backend
        if db is None or backend is None or self._checking:
            return
        self._checking = True
        days = self.ctx.settings.stalled_days

        def work(_reporter: Reporter) -> Flags:
            return flags_now(db, backend.clock(), days)

        def done(current: object) -> None:
            self._checking = False
            assert isinstance(current, Flags)
            news = flag_changes(self.previous, current)
            self.previous = current
            if news:
                self.announce(news)

        def failed(exc: BaseException) -> None:
            self._checking = False
            log.warning("late and stalled letters not checked: %s", exc)

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def announce(self, news: list[Change]) -> None:
        self.fired.extend(news)
        self._target = news[0]
        text = "\n".join(c.text for c in news[:4]) + (
            f"\n… and {len(news) - 4} more" if len(news) > 4 else ""
        )
        tray = self._tray()
        if tray is not None:
            tray.showMessage("IMb Tracker", text, QSystemTrayIcon.MessageIcon.Warning, 15_000)
        log.info("notified: %s", text.replace("\n", "; "))
        self.announced.emit(text, news[0].mailing, news[0].kind)

    def open_target(self) -> None:
        """The notification was clicked: show its letters."""
        if self._target is not None:
            self.clicked.emit(self._target.mailing, self._target.kind)
