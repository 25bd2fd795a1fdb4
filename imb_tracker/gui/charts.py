"""Small charts drawn with QPainter (no chart library): a bar chart that also paints into a PDF printer."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class BarChart(QWidget):
    """Labelled vertical bars; ``paint_into`` lets the PDF export draw the same chart."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, float, str]] = []  # label, value, colour
        self.unit = ""
        self.setMinimumSize(QSize(320, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def set_items(self, items: list[tuple[str, float, str]], unit: str = "") -> None:
        # a bar is a count or a number of days: nothing below zero or not finite is drawn as one
        self.items = [(label, value, colour) for label, value, colour in items if math.isfinite(value)]
        self.unit = unit
        self.setAccessibleDescription("; ".join(f"{label}: {value:g}{unit}" for label, value, _ in items))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.paint_into(painter, QRectF(self.rect()), self.palette().text().color())
        painter.end()

    def paint_into(self, p: QPainter, area: QRectF, ink: QColor) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = p.fontMetrics()
        line = metrics.height()
        p.setPen(ink)
        p.drawText(
            area.adjusted(4, 2, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.title
        )
        plot = area.adjusted(8, line * 1.6, -8, -line * 2.4)
        if not self.items or plot.width() < 10:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "no data yet")
            return
        top = (max(0, *(v for _, v, _ in self.items)) or 1) * 1.12  # headroom for the value labels
        slot = plot.width() / len(self.items)
        bar_w = max(slot * 0.7, 2)
        for i, (label, value, colour) in enumerate(self.items):
            h = plot.height() * max(value, 0) / top
            x = plot.left() + i * slot + (slot - bar_w) / 2
            p.fillRect(QRectF(x, plot.bottom() - h, bar_w, h), QColor(colour))
            p.setPen(ink)
            text = f"{value:g}{self.unit}"
            p.drawText(
                QRectF(x - 20, plot.bottom() - h - line, bar_w + 40, line), Qt.AlignmentFlag.AlignCenter, text
            )
            # labels wrap onto two lines before they are shortened (they were cut off)
            box = QRectF(plot.left() + i * slot, plot.bottom() + 2, slot, line * 2.2)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            fits = metrics.boundingRect(box.toRect(), int(flags), label).height() <= box.height()
            text_label = (
                label if fits else metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot * 1.8))
            )
            p.drawText(box, flags, text_label)
        p.setPen(QColor("#9a9a9a"))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
