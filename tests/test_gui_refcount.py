"""PySide6 must not lose references to None and True: 6.12.0 does on Python 3.11 and the app aborts.

The probe runs in a child process, so a bad combination fails this test loudly
(with the versions in the message) instead of crashing the test run.  Before
the pin the app aborted part-way through a 5,000-letter refresh with
"bool_dealloc: deallocating True or False", and at exit with "none_dealloc".
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
import PySide6
app = QApplication([])
class Source(QObject):
    progress = Signal(int, int, str)
source = Source()
seen = []
source.progress.connect(lambda done, _total, _text: seen.append(done))
label = QLabel()
none0, true0 = sys.getrefcount(None), sys.getrefcount(True)
for i in range(100_000):  # far more than None's or True's whole count at start-up on 3.11
    label.setText("x")
    source.progress.emit(i, 100_000, "x")
print(PySide6.__version__, len(seen), none0 - sys.getrefcount(None), true0 - sys.getrefcount(True))
"""


def test_pyside_keeps_its_references_to_none_and_true() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert run.returncode == 0, (
        f"PySide6 crashed the interpreter (Python {sys.version.split()[0]}): {run.stderr.strip()[-300:]}; "
        "install the pinned release: pip install -c installer/constraints.txt -e ."
    )
    version, seen, none_lost, true_lost = run.stdout.split()
    assert int(seen) == 100_000
    # a few references come and go with the objects made on the way; a leak is one per call
    assert abs(int(none_lost)) < 1000 and abs(int(true_lost)) < 1000, (
        f"PySide6 {version} on Python {sys.version.split()[0]} lost {none_lost} references to None and "
        f"{true_lost} to True in 200,000 calls: a bad combination; use installer/constraints.txt"
    )


def test_the_fallback_does_nothing_on_a_good_pyside() -> None:
    from imb_tracker.gui import refcount_fix

    assert not refcount_fix.pyside_drops_references()
    assert refcount_fix.apply() is False and not refcount_fix._applied
