"""Take screenshots of the app's main screens into docs/screenshots/.

Runs the real window on an X server (Xvfb) and captures what the X server
shows with ``xwd`` (Debian ``x11-apps``) — Qt's own ``grabWindow`` returns a
black image on Xvfb — then crops it to the window and saves a PNG:

    xvfb-run -a -s "-screen 0 1700x1100x24" .venv/bin/python tools/screenshots.py

Besides the walk through the dialogs, every page is taken at 1024×700 and at 1600×1000, in the
light and the dark theme (``page-<name>-<size>-<theme>.png``), and the guide's pictures
(``resources/guide``) are made from them.
"""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from imb_tracker.app import app_paths
from imb_tracker.gui.letters_model import STATUS_COLUMN
from imb_tracker.gui.main_window import PAGES, MainWindow, apply_palette
from imb_tracker.gui.wizard import FirstStartWizard

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
    """Capture the window as the X server shows it (call from inside the event loop).

    Dialogs come out black from the root window on Xvfb (no window manager maps them the same
    way), so those are rendered by Qt itself with ``QWidget.grab``.
    """
    path = OUT / f"{name}.png"
    frame = window.frameGeometry()
    if window.isWindow() and window.parentWidget() is not None:
        window.grab().save(str(path))
    else:
        dump = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, check=True).stdout
        image = read_xwd(dump).copy(frame.x(), frame.y(), frame.width(), frame.height())
        image.save(str(path))
    log.warning("saved %s (%s)", path, frame)
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
    apply_palette(app)
    home = Path(tempfile.mkdtemp(prefix="imb-shots-"))
    window = MainWindow(app_paths(home))
    window.resize(1240, 780)
    window.move(0, 0)
    window.show()
    state: dict[str, Any] = {}
    sample = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"

    def wizard_start() -> None:
        wizard = FirstStartWizard(window.ctx, window)
        wizard.move(60, 40)
        wizard.show()
        state["wizard"] = wizard

    def wizard_mailer() -> None:
        state["wizard"].next()

    def wizard_done() -> None:
        wizard = state["wizard"]
        wizard.next()
        wizard.accept()

    def import_start() -> None:
        wizard = window.import_list()
        wizard.move(40, 30)
        wizard.file_page.path.setText(str(sample))
        wizard.file_page.name.setText("Spring appeal 2026")
        wizard.next()
        state["import"] = wizard

    def import_check() -> None:
        state["import"].next()

    def import_create() -> None:
        state["import"].next()

    def import_close() -> None:
        state["import"].close()
        window.go(0)
        window.next_demo_day(4)  # four simulated days pass, then everything in the window is refreshed

    def letters() -> None:
        window.letters.table.selectRow(2)

    def detail() -> None:
        model = window.letters.model
        rows = [
            r for r in range(model.rowCount()) if "Sorted" in str(model.data(model.index(r, STATUS_COLUMN)))
        ]
        state["detail"] = window.open_piece(model.imb_at(rows[0] if rows else 2))
        state["detail"].move(80, 60)

    def detail_close() -> None:
        state["detail"].close()
        window.go(1)
        window.letter.fill(
            {
                "name": "Jordan Lee",
                "company": "Lee & Partners LLP",
                "address1": "742 Evergreen Ter",
                "address2": "Ste 200",
                "city": "Springfield",
                "state": "IL",
                "zip": "62704-1234",
            }
        )

    def letter_pdf() -> None:
        path = window.letter.make_pdf(show=False, out=home / "letter.pdf")
        state["preview"] = window.preview_pdf(str(path))
        state["preview"].move(60, 40)

    def mailings() -> None:
        state["preview"].close()
        window.go(2)

    def envelopes() -> None:
        window.mailings.print_envelopes()

    def envelopes_preview() -> None:
        for dialog in window.dialogs:
            if dialog.__class__.__name__ == "PrintPreview" and dialog.isVisible():
                dialog.move(40, 30)
                state["preview"] = dialog

    steps: list[Callable[[], object]] = [
        wizard_start,
        lambda: shoot(state["wizard"], "wizard-welcome"),
        wizard_mailer,
        lambda: shoot(state["wizard"], "wizard-mailer"),
        wizard_done,
        import_start,
        lambda: shoot(state["import"], "import-columns"),
        import_check,
        lambda: shoot(state["import"], "import-check"),
        import_create,
        lambda: shoot(state["import"], "import-created"),
        import_close,
        lambda: None,
        lambda: None,
        lambda: None,
        lambda: None,
        letters,
        lambda: shoot(window, "letters"),
        detail,
        lambda: shoot(state["detail"], "piece-detail"),
        detail_close,
        lambda: shoot(window, "one-letter"),
        letter_pdf,
        lambda: shoot(state["preview"], "print-preview"),
        mailings,
        lambda: shoot(window, "mailings"),
        envelopes,
        envelopes_preview,
        lambda: shoot(state["preview"], "envelopes-preview"),
        lambda: state["preview"].close(),  # noqa: PLW0108 - the preview exists only once this step runs
        lambda: window.show_report("Spring appeal 2026"),
        lambda: shoot(window, "reports"),
        lambda: window.go(PAGES.index("Tray tags")),
        lambda: window.tray.zip.setText("62704"),
        lambda: shoot(window, "tray-tags"),
        lambda: window.go(PAGES.index("Reply mail")),
        lambda: shoot(window, "reply-mail"),
        lambda: window.go(PAGES.index("Settings")),
        lambda: shoot(window, "settings"),
        lambda: window.go(PAGES.index("Barcodes")),
        fill_barcodes(window),
        lambda: shoot(window, "encode-decode"),
        *page_steps(app, window),
        guide_pictures,
        window.close,
    ]
    app.setQuitOnLastWindowClosed(False)
    run_steps(app, steps)
    app.processEvents()
    # PySide can crash while Python tears down Qt objects at exit; the screenshots are written by now.
    os._exit(0)


PAGE_NAMES = (
    "letters",
    "one-letter",
    "mailings",
    "tray-tags",
    "reply-mail",
    "reports",
    "barcodes",
    "settings",
)
SIZES = ((1024, 700), (1600, 1000))
REPO = Path(__file__).resolve().parents[1]


def page_steps(app: QApplication, window: MainWindow) -> list[Callable[[], object]]:
    """Every page at both sizes, light then dark: one step to set up, one to shoot (the window repaints)."""
    steps: list[Callable[[], object]] = []
    for theme in ("light", "dark"):
        steps.append(lambda theme=theme: apply_palette(app, theme))
        for width, height in SIZES:
            steps.append(lambda w=width, h=height: window.resize(w, h))
            for index, name in enumerate(PAGE_NAMES):
                steps.append(lambda i=index: window.go(i))
                steps.append(
                    lambda n=name, w=width, h=height, t=theme: shoot(window, f"page-{n}-{w}x{h}-{t}")
                )
    steps.append(lambda: apply_palette(app, "light"))
    return steps


def guide_pictures() -> None:
    """The guide's pictures: the light 1024×700 shots, 600 px wide (the guide ships with the app)."""
    folder = REPO / "resources" / "guide"
    for source, target in (
        ("page-one-letter-1024x700-light", "one-letter"),
        ("page-letters-1024x700-light", "letters"),
        ("import-check", "import-check"),
    ):
        image = QImage(str(OUT / f"{source}.png"))
        if not image.isNull():
            image.scaledToWidth(600, Qt.TransformationMode.SmoothTransformation).save(
                str(folder / f"{target}.png")
            )


def fill_barcodes(window: MainWindow) -> Callable[[], None]:
    def fill() -> None:
        page = window.barcodes
        page.mailer_id.setText("123456")
        page.serial.setText("000000001")
        page.routing.setText("62704-1234-01")
        page.decode_input.setText("TTTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT")
        page.repair.setChecked(True)

    return fill


if __name__ == "__main__":
    sys.exit(main())
