"""Keep ``None``, ``True`` and ``False`` alive under PySide6 6.12 on Python 3.11.

PySide6 6.12.0 (the abi3 wheels) returns ``None`` from void methods
(``setText``, ``processEvents``, ``QTimer.start`` …) and ``True`` from
``Signal.emit`` without taking a reference.  On Python 3.12+ these objects are
immortal and nothing happens.  On 3.11 each such call drops one reference, and
after some thousands of calls (a 5,000-letter refresh is plenty) the
interpreter aborts with "none_dealloc" or "bool_dealloc".  Measured: 200 calls
of ``QLabel.setText`` drop 200 references to ``None``.

The fix does what Python 3.12 does: it gives the three singletons a reference
count so large that no number of dropped references can reach zero.  They are
never freed anyway, so the extra count changes nothing else.  It is applied
only when a probe shows this PySide drops references, and only before 3.12.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

#: added to each singleton's count; 2**40 dropped references would take years of calls
HEADROOM = 1 << 40
_applied = False


def pyside_drops_references() -> bool:
    """Whether a void PySide call costs ``None`` a reference here (measured, three times)."""
    from PySide6.QtCore import QObject  # noqa: PLC0415

    probe = QObject()
    drops = []
    for _ in range(3):
        before = sys.getrefcount(None)
        probe.setObjectName("probe")
        drops.append(before - sys.getrefcount(None))
    return all(d >= 1 for d in drops)


def apply() -> bool:
    """Make None/True/False effectively immortal if this Python and PySide need it; True when applied."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _applied
    if not pyside_drops_references():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM
    _applied = True
    log.info("PySide drops references to None/True on this Python; gave them a permanent count instead")
    return True


apply()
