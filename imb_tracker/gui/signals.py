"""Emit Qt signals from Python without PySide6 6.12's reference-count bug on Python 3.11.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a
reference to it, so every emit from Python drops one reference to ``True``.
On Python 3.12+ ``True`` is immortal and nothing happens; on 3.11 a few
thousand emits (a refresh of 5,000 letters reports progress 5,000 times)
free ``True`` and the interpreter aborts with "bool_dealloc: deallocating
True or False".  Signals Qt emits from C++ (clicks, edits, timers) are not
affected.  :func:`emit` measures the bug once and gives the reference back
when, and only when, this PySide has it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


def _emit_drops_a_reference() -> bool:
    """True when one Python-side emit costs ``True`` a reference (measured three times to be sure)."""
    probe = _Probe()
    drops = []
    for _ in range(3):
        before = sys.getrefcount(True)
        probe.fired.emit()
        drops.append(before - sys.getrefcount(True))
    return all(d == 1 for d in drops)


LEAKS = _emit_drops_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, repairing the dropped reference where PySide drops one."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]  # PySide returns a bool
    if LEAKS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
