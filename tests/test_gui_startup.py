"""The app's start: the window is on screen before the store, PDF layout and USPS clients load."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from imb_tracker.app import app_paths
from imb_tracker.gui.main_window import PAGES, MainWindow

HEAVY = ("sqlalchemy", "reportlab", "httpx", "keyring", "openpyxl", "PIL")

SHELL_PROBE = """
import sys
import imb_tracker.gui
from imb_tracker.cli import build_parser
from PySide6.QtWidgets import QApplication
app = QApplication([])
from imb_tracker.app import app_paths
from imb_tracker.gui.main_window import MainWindow
window = MainWindow(app_paths(sys.argv[1]), deferred=True)
window.show()
print(",".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_window_frame_needs_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", SHELL_PROBE, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    loaded = set(out.strip().splitlines()[-1].split(","))
    assert "PySide6" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_deferred_window_builds_its_pages_after_the_first_frame(qtbot: QtBot, tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "home")
    first = MainWindow(paths)  # set up demo mode once, as the wizard would
    qtbot.addWidget(first)
    first.ctx.settings.configured, first.ctx.settings.usps_env = True, "demo"
    first.ctx.save_settings()
    first.close()

    window = MainWindow(paths, deferred=True)
    qtbot.addWidget(window)
    assert not window.pages_ready and not window.act_import.isEnabled()
    assert window.ctx.db is None
    window.go(2)  # the user picks Mailings while the pages load
    with qtbot.waitSignal(window.pages_built, timeout=10_000):
        window.show()
    assert window.pages_ready and window.act_import.isEnabled()
    assert window.stack.count() == len(PAGES) and window.stack.currentWidget() is window.mailings
    window.go(0)
    assert window.stack.currentWidget() is window.letters
    assert window.ctx.db is not None and window.ctx.backend is not None and window.ctx.backend.demo
    window.close()


def test_launch_writes_the_first_frame_stamp_and_quits_cleanly(tmp_path: Path) -> None:
    stamp = tmp_path / "shown"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", IMB_TRACKER_SHOWN_STAMP=str(stamp))
    started = time.time()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "imb_tracker",
            "--dev-dir",
            str(tmp_path / "home"),
            "gui",
            "--quit-after-ms",
            "100",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = float(stamp.read_text())
    assert started < shown < time.time()
