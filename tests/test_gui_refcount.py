"""Regression: PySide6 6.12 drops references to None (void calls) and True (emit) on Python 3.11.

Before the fix the app aborted part-way through a 5,000-letter refresh with
"bool_dealloc: deallocating True or False", and at exit with "none_dealloc".
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

import imb_tracker.gui  # noqa: F401 - applies the fix
from imb_tracker.gui import refcount_fix


class Source(QObject):
    progress = Signal(int, int, str)


def test_a_hundred_thousand_calls_leave_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    source = Source()
    seen: list[int] = []
    source.progress.connect(lambda done, _total, _text: seen.append(done))
    for i in range(100_000):  # far more than None's or True's whole count at start-up on 3.11
        label.setText("x")
        source.progress.emit(i, 100_000, "x")
    assert len(seen) == 100_000
    assert sys.getrefcount(None) > 1000 and sys.getrefcount(True) > 1000
    if sys.version_info < (3, 12) and refcount_fix.pyside_drops_references():
        assert refcount_fix._applied
