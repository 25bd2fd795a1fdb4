"""One icon set for the sidebar and the toolbar, drawn in code so it is sharp at any size and in both themes.

Every icon is the same kind of drawing: round-capped 1.6-unit strokes on a 24-unit grid in the
palette's text colour (so dark mode gets light icons), with one accent colour.  Drawn by this
module; released with the app under its MIT licence (``resources/icons/LICENSE.md``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

ACCENT = "#1f6fd1"
SIZES = (16, 20, 24, 32, 48)


def _envelope(p: QPainter, x: float, y: float, w: float, h: float) -> None:
    p.drawRoundedRect(QRectF(x, y, w, h), 1.5, 1.5)
    path = QPainterPath(QPointF(x + 0.5, y + 0.8))
    path.lineTo(x + w / 2, y + h * 0.55)
    path.lineTo(x + w - 0.5, y + 0.8)
    p.drawPath(path)


def _letters(p: QPainter, accent: QPen) -> None:
    for i, y in enumerate((5.0, 11.0, 17.0)):
        p.drawLine(QPointF(9, y + 1), QPointF(21, y + 1))
        pen = p.pen()
        if i == 0:
            p.setPen(accent)
        p.drawRect(QRectF(3, y - 0.5, 3.5, 3))
        p.setPen(pen)


def _letter(p: QPainter, accent: QPen) -> None:
    _envelope(p, 3, 6, 18, 12)
    p.setPen(accent)
    for i, x in enumerate((6.5, 8.5, 10.5, 12.5)):  # a few IMb bars
        p.drawLine(QPointF(x, 15.5 - (i % 2)), QPointF(x, 16.5))


def _mailings(p: QPainter, accent: QPen) -> None:
    p.drawRoundedRect(QRectF(6, 3.5, 15, 10), 1.5, 1.5)
    p.drawRoundedRect(QRectF(4.5, 6.5, 15, 10), 1.5, 1.5)
    p.setPen(accent)
    _envelope(p, 3, 9.5, 15, 10)


def _tray(p: QPainter, accent: QPen) -> None:
    path = QPainterPath(QPointF(3, 10))
    path.lineTo(5, 19)
    path.lineTo(19, 19)
    path.lineTo(21, 10)
    p.drawPath(path)
    p.drawLine(QPointF(3, 10), QPointF(21, 10))
    p.setPen(accent)
    p.drawRect(QRectF(8, 12.5, 8, 3.5))  # the tag
    for x in (7.0, 10.0, 13.0, 16.0):
        p.drawLine(QPointF(x, 5), QPointF(x, 8))


def _reports(p: QPainter, accent: QPen) -> None:
    p.drawLine(QPointF(3.5, 20), QPointF(20.5, 20))
    for x, top in ((6.0, 13.0), (11.0, 8.0), (16.0, 11.0)):
        p.drawRect(QRectF(x, top, 3, 20 - top))
    p.setPen(accent)
    p.drawLine(QPointF(5, 10), QPointF(11.5, 4.5))
    p.drawLine(QPointF(11.5, 4.5), QPointF(19, 7.5))


def _barcodes(p: QPainter, accent: QPen) -> None:
    states = "FADTFDATFT"
    for i, s in enumerate(states):
        x = 3.5 + i * 1.9
        top = 7.0 if s in "FA" else 10.0
        bottom = 17.0 if s in "FD" else 14.0
        if i in (2, 6):
            pen = p.pen()
            p.setPen(accent)
            p.drawLine(QPointF(x, top), QPointF(x, bottom))
            p.setPen(pen)
        else:
            p.drawLine(QPointF(x, top), QPointF(x, bottom))


def _settings(p: QPainter, accent: QPen) -> None:
    for y, knob in ((6.0, 15.0), (12.0, 8.0), (18.0, 13.0)):
        p.drawLine(QPointF(3.5, y), QPointF(20.5, y))
        pen = p.pen()
        p.setPen(accent)
        p.setBrush(QColor(ACCENT))
        p.drawEllipse(QPointF(knob, y), 1.8, 1.8)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(pen)


def _import(p: QPainter, accent: QPen) -> None:
    p.drawRoundedRect(QRectF(4, 3.5, 12, 17), 1.5, 1.5)
    for y in (8.0, 11.0, 14.0):
        p.drawLine(QPointF(7, y), QPointF(13, y))
    p.setPen(accent)
    p.drawLine(QPointF(14, 12), QPointF(21, 12))
    p.drawLine(QPointF(18, 9), QPointF(21, 12))
    p.drawLine(QPointF(18, 15), QPointF(21, 12))


def _lookup(p: QPainter, accent: QPen) -> None:
    p.drawEllipse(QPointF(10.5, 10.5), 6, 6)
    p.drawLine(QPointF(15, 15), QPointF(20.5, 20.5))
    p.setPen(accent)
    for i, x in enumerate((8.0, 10.0, 12.0)):
        p.drawLine(QPointF(x, 9 - (i % 2)), QPointF(x, 12))


def _refresh(p: QPainter, accent: QPen) -> None:
    path = QPainterPath()
    path.arcMoveTo(QRectF(4, 4, 16, 16), 30)
    path.arcTo(QRectF(4, 4, 16, 16), 30, 280)
    p.drawPath(path)
    p.setPen(accent)
    p.drawLine(QPointF(18.9, 8), QPointF(19.3, 3.8))
    p.drawLine(QPointF(18.9, 8), QPointF(14.8, 7.4))


def _reply(p: QPainter, accent: QPen) -> None:
    _envelope(p, 3, 9, 15, 10)
    p.setPen(accent)  # the return arrow: the piece coming back
    path = QPainterPath(QPointF(21, 11))
    path.lineTo(21, 6)
    path.lineTo(13, 6)
    p.drawPath(path)
    p.drawLine(QPointF(13, 6), QPointF(15.5, 3.5))
    p.drawLine(QPointF(13, 6), QPointF(15.5, 8.5))


DRAWINGS: dict[str, Callable[[QPainter, QPen], None]] = {
    "letters": _letters,
    "letter": _letter,
    "mailings": _mailings,
    "tray": _tray,
    "reply": _reply,
    "reports": _reports,
    "barcodes": _barcodes,
    "settings": _settings,
    "import": _import,
    "lookup": _lookup,
    "refresh": _refresh,
}


def _ink() -> QColor:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.palette().color(QPalette.ColorRole.WindowText)
    return QColor("#202124")


def icon(name: str) -> QIcon:
    """The named icon at every size, in the current palette's text colour (call again after a theme change)."""
    draw = DRAWINGS[name]
    ink = _ink()
    result = QIcon()
    for size in SIZES:
        for scale in (1, 2):
            pixmap = QPixmap(size * scale, size * scale)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size * scale / 24, size * scale / 24)
            pen = QPen(ink, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            accent = QPen(pen)
            accent.setColor(QColor(ACCENT))
            draw(painter, accent)
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            result.addPixmap(pixmap)
    return result
