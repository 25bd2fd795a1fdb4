"""Start-up of the installed app: launch to first window, against a bare PySide6 window started the same way.

Both are PyInstaller one-folder programs (the bare one is built here from ``BARE_WINDOW`` with
the same Python, PyInstaller and PySide6), launched as new processes on the same display, in
alternating pairs (which side starts first swaps) after one warm-up launch each; the ratio is
the median of the pairs' ratios, printed with its min and max.  Each writes the wall-clock
time of its first frame to a file (the app through ``IMB_TRACKER_SHOWN_STAMP``); the time counted is from just
before the process is started to that frame.  Also reported, not budgeted: when the app's pages
are built and its database is open (``IMB_TRACKER_READY_STAMP``).  The app starts set up, in
demo mode, as a user's would after the first-start wizard.

Run (needs a display; on a server use Xvfb):
    xvfb-run -a build/installer/venv/bin/python benchmarks/bench_startup.py --app /usr/bin/imb-tracker
Required (issue 8): first window within 3x the bare window's time; aim 2x.  Exit code 1 above --max-ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imb_tracker.app import app_paths
from imb_tracker.gui.settings import Settings, SettingsStore

#: The baseline: a window with a label, stamped at its first frame exactly as the app is.
BARE_WINDOW = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.setCentralWidget(QLabel("bare PySide6 window"))
window.resize(1180, 760)
stamp = os.environ["IMB_TRACKER_SHOWN_STAMP"]


def write():
    with open(stamp, "w") as out:
        out.write(f"{time.time():.6f}\\n")


class FirstExpose(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Expose and watched.isExposed():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, write)
        return False


window.winId()
handle = window.windowHandle()
watcher = FirstExpose(handle)
handle.installEventFilter(watcher)
window.show()
QTimer.singleShot(int(sys.argv[1]) if len(sys.argv) > 1 else 300, app.quit)
sys.exit(app.exec())
"""


def build_bare(python: str, work: Path) -> Path:
    """Freeze BARE_WINDOW with PyInstaller (one folder, like the app); returns the program."""
    work.mkdir(parents=True, exist_ok=True)
    source = work / "bare_window.py"
    source.write_text(BARE_WINDOW, encoding="utf-8")
    subprocess.run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--onedir",
            "--log-level",
            "WARN",
            "--name",
            "bare-window",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            "--specpath",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return work / "dist" / "bare-window" / "bare-window"


def launch(command: list[str], stamps: Path) -> tuple[float, float | None]:
    """(seconds to the first frame, seconds to 'ready' or None) of one launch."""
    shown, ready = stamps / "shown", stamps / "ready"
    for stamp in (shown, ready):
        stamp.unlink(missing_ok=True)
    env = dict(os.environ, IMB_TRACKER_SHOWN_STAMP=str(shown), IMB_TRACKER_READY_STAMP=str(ready))
    started = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not shown.exists():
        raise SystemExit(f"{command[0]} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    first = float(shown.read_text()) - started
    return first, (float(ready.read_text()) - started) if ready.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--app", default="imb-tracker", help="the installed program (default: imb-tracker on PATH)"
    )
    parser.add_argument("--bare", help="an already frozen bare-window program (default: build one)")
    parser.add_argument(
        "--python", default=sys.executable, help="Python with PyInstaller and PySide6 for the bare build"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-ratio", type=float, default=3.0)
    args = parser.parse_args()
    if not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise SystemExit("bench_startup: no display; run it under xvfb-run -a")

    with tempfile.TemporaryDirectory(prefix="imb-startup-") as tmp:
        work = Path(tmp)
        bare = Path(args.bare) if args.bare else build_bare(args.python, work / "bare")
        home = work / "home"
        paths = app_paths(home).ensure()
        SettingsStore(paths.config).save(Settings(configured=True, usps_env="demo"))  # set up in demo mode
        app_cmd = [args.app, "--dev-dir", str(home), "gui", "--quit-after-ms", "200"]
        bare_cmd = [str(bare), "200"]
        launch(app_cmd, work)  # warm-up: disk cache, and the demo database is created once
        launch(bare_cmd, work)
        app_first: list[float] = []
        app_ready: list[float] = []
        bare_first: list[float] = []
        for run in range(args.runs):  # pairs, swapping which side starts first
            for side in ("app", "bare") if run % 2 == 0 else ("bare", "app"):
                if side == "bare":
                    bare_first.append(launch(bare_cmd, work)[0])
                    continue
                first, ready = launch(app_cmd, work)
                app_first.append(first)
                if ready is not None:
                    app_ready.append(ready)

    platform = os.environ.get("QT_QPA_PLATFORM") or (
        "wayland" if os.environ.get("WAYLAND_DISPLAY") else "xcb"
    )
    app_median, bare_median = statistics.median(app_first), statistics.median(bare_first)
    ratios = [a / b for a, b in zip(app_first, bare_first, strict=True)]
    ratio = statistics.median(ratios)
    print(
        f"start-up, launch to first window ({args.runs} alternating runs after a warm-up, {platform}, "
        f"{os.cpu_count()} CPUs)"
    )
    print(
        f"  bare PySide6 window   median {bare_median * 1000:6.0f} ms   min {min(bare_first) * 1000:6.0f} ms"
    )
    print(f"  IMb Tracker window    median {app_median * 1000:6.0f} ms   min {min(app_first) * 1000:6.0f} ms")
    if app_ready:
        print(
            f"  IMb Tracker ready     median {statistics.median(app_ready) * 1000:6.0f} ms   "
            "(pages built, demo database open)"
        )
    verdict = "ok" if ratio <= args.max_ratio else "over budget"
    print(f"  ratio per pair, min / median / max: {min(ratios):.2f} / {ratio:.2f} / {max(ratios):.2f}x")
    print(
        f"ratio first window / bare window: {ratio:.2f}x (required <= {args.max_ratio:g}x, aim 2x): {verdict}"
    )
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
