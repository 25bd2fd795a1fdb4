"""Entry point of the frozen app: ``imb-tracker`` with no arguments opens the window, otherwise the CLI."""

import sys

import imb_tracker.gui  # noqa: F401 - applies the PySide reference-count fix before any Qt use
from imb_tracker.cli import main

if __name__ == "__main__":
    sys.exit(main())
