"""Entry point of the frozen app: ``imb-tracker`` with no arguments opens the window, otherwise the CLI."""

import os
import sys


def _restore_library_path() -> None:
    """Give programs the app starts (the file manager, ``lp``, a browser) the user's library path.

    PyInstaller's launcher puts the bundle first on ``LD_LIBRARY_PATH`` for this process; the
    dynamic loader has read it already, so undoing it only affects child processes, which
    must use their own system's libraries.
    """
    if not getattr(sys, "frozen", False) or not sys.platform.startswith("linux"):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original


_restore_library_path()

import imb_tracker.gui  # noqa: E402, F401 - applies the PySide reference-count fix before any Qt use
from imb_tracker.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
