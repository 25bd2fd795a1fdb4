"""Start the desktop app (the ``imb-tracker-gui`` entry point and ``imb-tracker`` with no command)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_gui(argv: Sequence[str]) -> int:
    """Create the application and main window and run the event loop."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from .main_window import MainWindow  # noqa: PLC0415

    app = QApplication.instance() or QApplication(list(argv))
    app.setApplicationName("IMb Tracker")
    app.setOrganizationName("imb-tracker")
    window = MainWindow()
    window.resize(760, 560)
    window.show()
    return int(app.exec())


def main() -> int:
    """GUI-script entry point."""
    return run_gui(sys.argv)
