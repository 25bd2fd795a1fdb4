"""A guarded fallback for PySide6 6.12.0 on Python 3.11, which loses references to ``None`` and ``True``.

The app does not need this: ``pyproject.toml`` leaves 6.12.0 out and the
installers are built with ``installer/constraints.txt`` (6.11.3, measured
clean).  Should a bad combination be installed anyway (a user's own pip
install), :func:`apply` is called once by the launcher, never as a side effect
of an import.  It measures first, and only when this PySide really drops
references on this Python does it do what Python 3.12 does for these three
objects: give them a reference count so large that no number of dropped
references reaches zero.  It refuses debug builds of Python (whose reference
accounting it would corrupt) and logs what it did.
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
    """Keep None/True/False alive if, and only if, this Python and PySide need it; True when applied."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _applied
    if not pyside_drops_references():
        return False
    import PySide6  # noqa: PLC0415

    if hasattr(sys, "gettotalrefcount"):  # a debug build: its reference totals would go wrong
        log.error(
            "PySide6 %s loses references on this debug build of Python %s; not patched: install "
            "PySide6-Essentials 6.11.3 (pip install -c installer/constraints.txt)",
            PySide6.__version__,
            sys.version.split()[0],
        )
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM
    _applied = True
    log.warning(
        "PySide6 %s loses references to None/True on Python %s; gave None, True and False a "
        "permanent count so the app does not crash. Install PySide6-Essentials 6.11.3 to avoid this",
        PySide6.__version__,
        sys.version.split()[0],
    )
    return True
