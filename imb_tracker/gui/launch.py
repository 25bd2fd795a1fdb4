"""Start the desktop app (the ``imb-tracker-gui`` entry point and ``imb-tracker`` with no command)."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)


#: GIL switch interval for the window's process (Python's default is 5 ms).  With background
#: threads busy in Python, the GUI thread waited up to 150 ms for the GIL at 5 ms, 35 ms at 1 ms
#: (measured with three busy threads); switching more often costs the workers very little.
SWITCH_INTERVAL_S = 0.001


def tune_interpreter() -> None:
    """Settings that keep the GUI thread responsive while workers run Python code."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def settle() -> None:
    """After start-up: move the objects that live as long as the app out of the garbage collector's way.

    A full collection scanned them all (about 90,000) and held the GIL for up to 80 ms while a
    refresh was running (measured); frozen, they are no longer scanned.
    """
    gc.collect()
    gc.freeze()


#: The reverse-DNS id of the desktop entry and AppStream metainfo the installers write.
APP_ID = "io.github.imbtracker.ImbTracker"


def app_icon() -> Any:
    """The app icon (``resources/icons``, drawn by ``tools/make_icons.py``) at every size it has."""
    from PySide6.QtGui import QIcon  # noqa: PLC0415

    from imb_tracker.app import resource_dir  # noqa: PLC0415

    icon = QIcon()
    for png in sorted((resource_dir() / "icons").glob("imb-tracker-*.png")):
        icon.addFile(str(png))
    return icon


#: Benchmarks set this to a file path: the wall-clock time (``time.time()``) of the main window's
#: first paint is written there, so launch-to-window can be measured from outside the process.
SHOWN_STAMP_ENV = "IMB_TRACKER_SHOWN_STAMP"
#: Likewise for the moment the pages are built and the database is open (``pages_built``).
READY_STAMP_ENV = "IMB_TRACKER_READY_STAMP"


def _write_stamp(path: str) -> None:
    with open(path, "w", encoding="ascii") as stamp:
        stamp.write(f"{time.time():.6f}\n")


def run_gui(
    argv: Sequence[str],
    *,
    dev_dir: str | None = None,
    db: str | None = None,
    quit_after_ms: int | None = None,
) -> int:
    """Create the application and main window (first-start wizard when nothing is set up) and run."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from imb_tracker.app import app_paths, configure_logging  # noqa: PLC0415

    from .first_frame import after_first_frame  # noqa: PLC0415
    from .main_window import MainWindow, apply_palette  # noqa: PLC0415
    from .refcount_fix import apply as keep_singletons_alive  # noqa: PLC0415

    tune_interpreter()
    paths = app_paths(dev_dir).ensure()
    configure_logging(0, paths.logs)
    keep_singletons_alive()  # does nothing on the PySide6 the app ships (a fallback for a bad install)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName("IMb Tracker")
    app.setOrganizationName("imb-tracker")
    app.setDesktopFileName(APP_ID)  # ties the window to the installed desktop entry (Wayland, docks)
    app.setWindowIcon(app_icon())
    from imb_tracker.settings import SettingsFile  # noqa: PLC0415 - standard library only

    try:
        theme = SettingsFile(paths.config).load().theme
    except Exception:  # an unreadable settings file: the window says so later; colours follow the system
        theme = "system"
    apply_palette(app, theme)
    # The window shows first; its pages, the database and the heavy imports follow its first frame.
    window = MainWindow(paths, db, deferred=True)
    from .crash import install as install_crash_handler  # noqa: PLC0415

    install_crash_handler(lambda: window, paths.logs / "imb-tracker.log")
    stamp = os.environ.get(SHOWN_STAMP_ENV)
    if stamp:
        after_first_frame(window, lambda: _write_stamp(stamp), fallback_ms=None)

    def started() -> None:
        ready = os.environ.get(READY_STAMP_ENV)
        if ready:
            _write_stamp(ready)
        settle()
        if quit_after_ms is not None:
            QTimer.singleShot(quit_after_ms, window.close)
        elif not window.ensure_setup():
            window.close()  # the last window: the event loop ends

    window.pages_built.connect(started)
    window.show()
    return int(app.exec())


def main() -> int:
    """GUI-script entry point."""
    return run_gui(sys.argv)
