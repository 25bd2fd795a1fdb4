"""Regression: PySide6 6.12's emit() drops a reference to True on Python 3.11 (the app aborted mid-refresh)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from imb_tracker.gui.signals import emit


class Source(QObject):
    progress = Signal(int, int, str)


def test_many_emits_keep_true_alive() -> None:
    source = Source()
    seen: list[int] = []
    source.progress.connect(lambda done, _total, _text: seen.append(done))
    before = sys.getrefcount(True)
    for i in range(20_000):  # more than True's whole reference count at start-up on 3.11
        emit(source.progress, i, 20_000, "x")
    assert len(seen) == 20_000
    assert abs(sys.getrefcount(True) - before) < 50
