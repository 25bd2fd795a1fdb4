"""Take screenshots of the app's main screens into docs/screenshots/.

Runs the real window on an X server (Xvfb) and captures what the X server
shows with ``xwd`` (Debian ``x11-apps``) — Qt's own ``grabWindow`` returns a
black image on Xvfb — then crops it to the window and saves a PNG:

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import logging
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from imb_tracker.gui.main_window import MainWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
log = logging.getLogger("screenshots")


def read_xwd(data: bytes) -> QImage:
    """A 24/32-bit ZPixmap XWD dump (what ``xwd -root`` writes on Xvfb) as a QImage."""
    fields = struct.unpack(">25I", data[:100])
    header_size, _version, _fmt, _depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = fields[7], fields[11], fields[12], fields[19]
    formats = {32: QImage.Format.Format_RGB32, 24: QImage.Format.Format_BGR888}
    if bits_per_pixel not in formats or byte_order != 0:
        raise RuntimeError(f"unsupported xwd layout: {bits_per_pixel} bpp, byte order {byte_order}")
    start = header_size + 12 * ncolors
    pixels = data[start : start + bytes_per_line * height]
    return QImage(pixels, width, height, bytes_per_line, formats[bits_per_pixel]).copy()


def shoot(window: QWidget, name: str) -> Path:
    """Capture the window as the X server shows it (call from inside the event loop)."""
    dump = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, check=True).stdout
    frame = window.frameGeometry()
    image = read_xwd(dump).copy(frame.x(), frame.y(), frame.width(), frame.height())
    path = OUT / f"{name}.png"
    image.save(str(path))
    log.warning("saved %s", path)
    return path


def run_steps(app: QApplication, steps: list[Callable[[], object]], pause_ms: int = 1500) -> None:
    """Run each step after a pause inside one event loop, then quit.

    Screens must be captured while the loop runs; a grab taken between two
    ``exec()`` calls comes back black on Xvfb.
    """
    queue = list(steps)

    def next_step() -> None:
        if not queue:
            app.quit()
            return
        try:
            queue.pop(0)()
        except Exception:
            log.exception("screenshot step failed")
            queue.clear()
            app.exit(1)
            return
        QTimer.singleShot(pause_ms, next_step)

    QTimer.singleShot(pause_ms, next_step)
    if app.exec() != 0:
        raise SystemExit(1)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    window = MainWindow()
    window.move(0, 0)
    window.show()

    def fill() -> None:
        window.mailer_id.setText("123456")
        window.serial.setText("000000001")
        window.routing.setText("62704-1234-01")
        window.decode_input.setText("TTTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT")
        window.repair.setChecked(True)

    app.setQuitOnLastWindowClosed(False)
    run_steps(app, [fill, lambda: shoot(window, "encode-decode"), window.close])
    return 0


if __name__ == "__main__":
    sys.exit(main())
