"""A map of the United States painted with Qt from offline data: where a letter was scanned, in
order, or how many days each destination 3-digit ZIP took to reach the carrier.

The country is a dot field of every ZIP centroid (``mail.geo``), drawn once per size into an
image; the path or the areas are painted over it.  No tiles, no network, no plotting library.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from imb_tracker.actions.catalog import MAP_WIDTH, dot_field, position, project

#: days to the carrier → colour, green (quick) to red (slow)
DAY_COLOURS = ("#2e7d32", "#7cb342", "#fbc02d", "#fb8c00", "#e53935", "#8e24aa")


def day_colour(days: float) -> QColor:
    return QColor(DAY_COLOURS[max(0, min(int(days), len(DAY_COLOURS) - 1))])


class UsMap(QWidget):
    """The map; ``set_path`` for one letter's scans, ``set_areas`` for a mailing's days by 3-digit ZIP.

    The ZIP list takes about a second to read, so :meth:`warm` reads it on a worker thread the
    first time; until then the map says it is being drawn.
    """

    _ready: ClassVar[bool] = False
    _waiting: ClassVar[list[UsMap]] = []

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.path: list[tuple[str, str]] = []  # (label, ZIP) in scan order
        self.destination = ""
        self.areas: dict[str, tuple[float, int]] = {}  # 3-digit ZIP → (median days, letters)
        self.note = ""
        self._field: QImage | None = None
        self.setMinimumSize(320, 210)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(560, 360)

    def warm(self, tasks: Any) -> None:
        """Read the ZIP list in the background (once per process), then paint."""
        if UsMap._ready:
            return
        first = not UsMap._waiting
        UsMap._waiting.append(self)
        if first:

            def done(_result: object) -> None:
                UsMap._ready = True
                for view in UsMap._waiting:
                    with contextlib.suppress(RuntimeError):  # a map closed meanwhile
                        view.update()
                UsMap._waiting.clear()

            tasks.run(lambda _reporter: (dot_field(), position("00000")), on_done=done, on_error=done)

    def set_path(self, stops: list[tuple[str, str]], destination: str) -> None:
        """The facilities a letter was scanned at, oldest first (repeats of one place kept once)."""
        path: list[tuple[str, str]] = []
        for label, zip_code in stops:
            if zip_code and (not path or path[-1][1] != zip_code):
                path.append((label, zip_code))
        self.path, self.destination, self.areas = path, destination, {}
        if not path:
            self.note = "USPS gave no facility ZIP Codes for these scans" if stops else "no scans yet"
        elif not any(position(z) is not None for _l, z in path):
            self.note = "the scan places are not in the offline ZIP list"
        else:
            self.note = ""
        self.setAccessibleDescription(
            "Scanned at " + ", then ".join(label for label, _z in path) if path else self.note
        )
        self.update()

    def set_areas(self, areas: dict[str, tuple[float, int]]) -> None:
        self.areas, self.path, self.destination = dict(areas), [], ""
        self.note = "" if areas else "no letter has reached the carrier yet"
        self.setAccessibleDescription(f"Days to the carrier for {len(areas)} destination 3-digit ZIP Codes")
        self.update()

    # ---------------------------------------------------------------- painting

    def _box(self) -> tuple[float, float, float]:
        """(scale, x offset, y offset) that fit the map box in the widget, below the title."""
        top = 18.0 if self.title else 4.0
        w, h = self.width() - 8.0, self.height() - top - 22.0
        scale = max(min(w / MAP_WIDTH, h / 1.04), 1.0)
        return scale, 4.0 + (w - MAP_WIDTH * scale) / 2, top

    def _at(self, zip_code: str) -> QPointF | None:
        where = position(zip_code)
        point = project(*where) if where else None
        if point is None:
            return None
        scale, x0, y0 = self._box()
        return QPointF(x0 + point[0] * scale, y0 + point[1] * scale)

    def _dots(self) -> QImage:
        size = self.size()
        if self._field is None or self._field.size() != size:
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setPen(QPen(self.palette().mid().color(), 1.2))
            scale, x0, y0 = self._box()
            painter.drawPoints(QPolygonF([QPointF(x0 + x * scale, y0 + y * scale) for x, y in dot_field()]))
            painter.end()
            self._field = image
        return self._field

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not UsMap._ready:
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "Drawing the map…")
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().text().color()
        if self.title:
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(ink)
            painter.drawText(QRectF(4, 0, self.width() - 8, 18), Qt.AlignmentFlag.AlignLeft, self.title)
            painter.setFont(self.font())
        painter.drawImage(0, 0, self._dots())
        if self.areas:
            self._paint_areas(painter)
        else:
            self._paint_path(painter, ink)
        if self.note:
            painter.setPen(ink)
            painter.drawText(
                QRectF(4, self.height() - 20, self.width() - 8, 18), Qt.AlignmentFlag.AlignLeft, self.note
            )
        painter.end()

    def _paint_path(self, painter: QPainter, ink: QColor) -> None:
        points = [(label, self._at(z)) for label, z in self.path]
        placed = [(label, p) for label, p in points if p is not None]
        accent = QColor("#1565c0")
        if len(placed) > 1:
            painter.setPen(QPen(accent, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPolyline(QPolygonF([p for _l, p in placed]))
        end = self._at(self.destination) if self.destination else None
        if end is not None:
            painter.setPen(QPen(QColor("#2e7d32"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(end, 9, 9)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1, 7))
        painter.setFont(small)
        for n, (_label, p) in enumerate(placed, 1):
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(accent)
            painter.drawEllipse(p, 7, 7)
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(p.x() - 7, p.y() - 7, 14, 14), Qt.AlignmentFlag.AlignCenter, str(n))
        painter.setPen(ink)
        top = 20.0 if self.title else 4.0  # the legend, top right: over Canada and the Atlantic
        for n, (label, _p) in enumerate(placed[:6], 1):
            painter.drawText(
                QRectF(8, top + 16 * (n - 1), self.width() - 16, 16),
                Qt.AlignmentFlag.AlignRight,
                f"{n}  {label}",
            )
        if end is not None:
            painter.setPen(QColor("#2e7d32"))
            painter.drawText(QRectF(end.x() + 11, end.y() - 8, 160, 16), "recipient's ZIP")

    def _paint_areas(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        most = max((n for _d, n in self.areas.values()), default=1)
        for zip3, (days, count) in sorted(self.areas.items(), key=lambda kv: -kv[1][1]):
            p = self._at(zip3)
            if p is None:
                continue
            colour = day_colour(days)
            colour.setAlpha(210)
            painter.setBrush(colour)
            radius = 4 + 8 * (count / most) ** 0.5
            painter.drawEllipse(p, radius, radius)
        x = self.width() - 6.0 - 28 * len(DAY_COLOURS)
        y = self.height() - 18.0
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(x - 120, y, 116, 16), Qt.AlignmentFlag.AlignRight, "days to the carrier:")
        for i, _c in enumerate(DAY_COLOURS):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(day_colour(i))
            painter.drawRect(QRectF(x + 28 * i, y + 3, 12, 10))
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(x + 28 * i + 13, y, 16, 16), f"{i}" + ("+" if i == len(DAY_COLOURS) - 1 else "")
            )
