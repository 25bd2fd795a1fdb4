"""Draw the app icon: an envelope with Intelligent Mail bars on a blue tile.

Writes ``resources/icons/``: ``imb-tracker.svg`` (hicolor scalable), PNGs at the hicolor sizes,
``imb-tracker.ico`` (Windows) and ``imb-tracker.icns`` (macOS), all from the same shapes.
Run once after changing the design: ``.venv/bin/python tools/make_icons.py``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

log = logging.getLogger("make_icons")

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
TILE, PAPER, FLAP, INK = "#1f5fa8", "#ffffff", "#c9d6e8", "#14233a"
# Bars in a 256-unit box: F full, A ascender, D descender, T tracker (the four IMb states).
BARS = "FADTFDATFTADF"
BAR_X0, BAR_STEP, BAR_W = 56.0, 12.0, 6.0
TRACK_TOP, TRACK_BOTTOM, REACH = 150.0, 162.0, 14.0


def bar_span(state: str) -> tuple[float, float]:
    top = TRACK_TOP - (REACH if state in "FA" else 0)
    bottom = TRACK_BOTTOM + (REACH if state in "FD" else 0)
    return top, bottom


def svg() -> str:
    bars = "".join(
        f'<rect x="{BAR_X0 + i * BAR_STEP:g}" y="{bar_span(s)[0]:g}" width="{BAR_W:g}" '
        f'height="{bar_span(s)[1] - bar_span(s)[0]:g}" fill="{INK}"/>'
        for i, s in enumerate(BARS)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">\n'
        f'<rect x="8" y="8" width="240" height="240" rx="48" fill="{TILE}"/>\n'
        f'<rect x="28" y="62" width="200" height="132" rx="10" fill="{PAPER}"/>\n'
        f'<path d="M34 68 L128 122 L222 68" fill="none" stroke="{FLAP}" stroke-width="8" '
        'stroke-linejoin="round" stroke-linecap="round"/>\n'
        f"{bars}\n</svg>\n"
    )


def png(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(TILE))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)
    p.setBrush(QColor(PAPER))
    p.drawRoundedRect(QRectF(28, 62, 200, 132), 10, 10)
    flap = QPainterPath()
    flap.moveTo(34, 68)
    flap.lineTo(128, 122)
    flap.lineTo(222, 68)
    pen = QPen(QColor(FLAP), 8)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(flap)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(INK))
    for i, state in enumerate(BARS):
        top, bottom = bar_span(state)
        p.drawRect(QRectF(BAR_X0 + i * BAR_STEP, top, BAR_W, bottom - top))
    p.end()
    return image


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = QGuiApplication([*sys.argv[:1], "-platform", "offscreen"])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "imb-tracker.svg").write_text(svg(), encoding="utf-8")
    for size in SIZES:
        png(size).save(str(OUT / f"imb-tracker-{size}.png"))
    big = Image.open(OUT / "imb-tracker-512.png")
    big.save(OUT / "imb-tracker.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(OUT / "imb-tracker.icns")
    log.info("wrote %s", ", ".join(sorted(f.name for f in OUT.iterdir())))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
