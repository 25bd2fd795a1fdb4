"""Start the desktop app (the ``imb-tracker-gui`` entry point and ``imb-tracker`` with no command)."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence

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


def run_gui(argv: Sequence[str], *, dev_dir: str | None = None, db: str | None = None,
            quit_after_ms: int | None = None) -> int:  # fmt: skip
    """Create the application and main window (first-start wizard when nothing is set up) and run."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from imb_tracker.app import app_paths, configure_logging  # noqa: PLC0415

    from .main_window import MainWindow, apply_palette  # noqa: PLC0415

    tune_interpreter()
    paths = app_paths(dev_dir).ensure()
    configure_logging(0, paths.logs)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName("IMb Tracker")
    app.setOrganizationName("imb-tracker")
    apply_palette(app)
    window = MainWindow(paths, db)
    window.show()
    settle()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    elif not window.ensure_setup():
        window.close()
        return 0
    return int(app.exec())


def main() -> int:
    """GUI-script entry point."""
    return run_gui(sys.argv)
