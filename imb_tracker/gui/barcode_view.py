"""A widget that draws an IMb from :mod:`imb_tracker.imb.geometry`, to scale."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from imb_tracker.imb import NOMINAL, BarcodeGeometry, barcode_geometry
from imb_tracker.imb.geometry import POINTS_PER_INCH


class BarcodeView(QWidget):
    """Shows 65 bars at ``zoom`` × real size (1.0 = actual size on a correctly set-up screen).

    The bars are filled rectangles, black on a white quiet zone, exactly as the
    geometry gives them; nothing here decides sizes.
    """

    def __init__(self, parent: QWidget | None = None, zoom: float = 3.0) -> None:
        super().__init__(parent)
        self._geometry: BarcodeGeometry | None = None
        self._zoom = zoom
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Barcode preview")

    def set_bars(self, bars: str | None) -> None:
        """Show these bars, or an empty quiet zone when ``bars`` is None."""
        self._geometry = barcode_geometry(bars, NOMINAL) if bars else None
        self.setAccessibleDescription(bars or "no barcode")
        self.updateGeometry()
        self.update()

    def bars(self) -> str:
        return "".join(b.letter for b in self._geometry.bars) if self._geometry else ""

    def _scale(self) -> float:
        return self.logicalDpiX() / POINTS_PER_INCH * self._zoom

    def sizeHint(self) -> QSize:
        geo = self._geometry or barcode_geometry("T" * 65, NOMINAL)
        s = self._scale()
        return QSize(int(geo.quiet_zone.width * s) + 2, int(geo.quiet_zone.height * s) + 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        s = self._scale()
        geo = self._geometry or barcode_geometry("T" * 65, NOMINAL)
        qz = geo.quiet_zone
        # Centre the quiet zone in the widget; Qt's y axis points down.
        ox = (self.width() - qz.width * s) / 2 - qz.x * s
        oy = (self.height() - qz.height * s) / 2 + qz.top * s - geo.height * s
        painter.fillRect(
            QRectF(ox + qz.x * s, oy - (qz.top - geo.height) * s, qz.width * s, qz.height * s),
            QColor("white"),
        )
        if self._geometry is None:
            painter.setPen(QColor("#888"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no valid barcode")
            painter.end()
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for bar in geo.bars:
            painter.drawRect(QRectF(ox + bar.x * s, oy + bar.y_from_top * s, bar.width * s, bar.height * s))
        painter.end()
