"""Small pieces the pages share: message colours, the STID chooser, status colours and icons."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)

from imb_tracker.imb import describe_stid, stid_table
from imb_tracker.store.errors import SerialReuseError

ERROR = "#c62828"
WARNING = "#b26a00"
OK = "#1b7f3b"

#: stage key -> (colour, icon shape); colours read on light and dark palettes
STAGE_STYLE = {
    "": ("#8a8f98", "ring"),
    "not_seen": ("#8a8f98", "ring"),
    "origin": ("#1e88e5", "dot"),
    "transit": ("#1e88e5", "dot"),
    "destination": ("#3949ab", "dot"),
    "carrier_sort": ("#2e7d32", "check"),
    "expected_delivered": ("#2e7d32", "check"),
    "delivery_implied": ("#2e7d32", "check"),
    "forwarding": ("#8e24aa", "dot"),
    "stalled": ("#ef6c00", "warn"),
    "failed": ("#c62828", "warn"),
    "expired": ("#6d4c41", "ring"),
    "window_passed": ("#6d4c41", "ring"),
    "void": ("#9e9e9e", "ring"),
    "unknown": ("#546e7a", "dot"),
}
_ICONS: dict[str, QIcon] = {}


def error_text(text: str) -> str:
    return f"<span style='color:{ERROR}'>{html.escape(text)}</span>"


def warning_text(text: str) -> str:
    return f"<span style='color:{WARNING}'>{html.escape(text)}</span>"


def ok_text(text: str) -> str:
    return f"<span style='color:{OK}'>{html.escape(text)}</span>"


#: the service types a letter mailer needs, first in every list, each in one sentence
COMMON_STIDS = {
    "270": "First-Class Mail, Full-Service, with tracking (IV): the usual choice for tracked letters.",
    "310": "First-Class Mail, Basic, with tracking (IV): tracked letters without Full-Service discounts.",
    "271": "USPS Marketing Mail, Full-Service, with tracking (IV): appeals and newsletters, tracked.",
    "311": "USPS Marketing Mail, Basic, with tracking (IV): bulk mail, tracked, no Full-Service.",
}


def stid_combo(parent: QWidget | None = None, current: str = "270", show_all: bool = False) -> QComboBox:
    """Service types in plain words (the code is the item data): the common four, or every current one.

    A current code outside the four (a setting from before) is listed too, so it is never lost.
    """
    combo = QComboBox(parent)
    combo.setAccessibleName("Service type (STID)")
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(30)
    fill_stids(combo, current, show_all)
    return combo


def fill_stids(combo: QComboBox, current: str, show_all: bool) -> None:
    combo.blockSignals(True)
    combo.clear()
    table = stid_table()
    for code in COMMON_STIDS:
        info = table.get(code)
        if info is not None:
            combo.addItem(f"{code} — {info.describe()}", code)
    for info in table.all():
        if info.status == "current" and info.code not in COMMON_STIDS and (show_all or info.code == current):
            combo.addItem(f"{info.code} — {info.describe()}", info.code)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


def stid_explanation(code: str) -> str:
    """One sentence about the service type (the common four), or its description."""
    if code in COMMON_STIDS:
        return COMMON_STIDS[code]
    return describe_stid(code)


def stid_of(combo: QComboBox) -> str:
    return str(combo.currentData() or combo.currentText().split(" ", 1)[0])


#: where the IMb goes on an envelope (layout.envelopes positions), in words
POSITIONS = {
    "address-above": "Above the address",
    "address-below": "Below the address",
    "clear-zone": "In the barcode clear zone (bottom right)",
}


def envelope_combo(name: str, with_size: bool = True) -> QComboBox:
    """The envelope templates; the template id is the item data."""
    from imb_tracker.actions.catalog import envelope_templates  # noqa: PLC0415

    combo = QComboBox()
    combo.setAccessibleName(name)
    for tid, t in envelope_templates().items():
        combo.addItem(f"{t.name} ({t.width:g} × {t.height:g} in)" if with_size else t.name, tid)
    return combo


def position_combo(name: str) -> QComboBox:
    """Where the barcode goes; the position key is the item data."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    for key, label in POSITIONS.items():
        combo.addItem(label, key)
    return combo


def file_stem(text: str, limit: int) -> str:
    """A name safe in any file system, from a person's or mailing's name."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:limit]


def stage_icon(stage: str) -> QIcon:
    """A small coloured icon per stage, so status is not told by colour alone."""
    if stage in _ICONS:
        return _ICONS[stage]
    colour, shape = STAGE_STYLE.get(stage, STAGE_STYLE["unknown"])
    pix = QPixmap(16, 16)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    if shape == "ring":
        p.setPen(c)
        p.drawEllipse(3, 3, 10, 10)
    elif shape == "dot":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        p.drawEllipse(3, 3, 10, 10)
    elif shape == "check":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        p.drawEllipse(1, 1, 14, 14)
        pen = p.pen()
        pen.setColor(QColor("white"))
        pen.setWidth(2)
        pen.setStyle(Qt.PenStyle.SolidLine)
        p.setPen(pen)
        p.drawLine(4, 8, 7, 11)
        p.drawLine(7, 11, 12, 5)
    else:  # warn: a triangle
        from PySide6.QtCore import QPointF  # noqa: PLC0415
        from PySide6.QtGui import QPolygonF  # noqa: PLC0415

        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        p.drawPolygon(QPolygonF([QPointF(8, 1), QPointF(15, 14), QPointF(1, 14)]))
        p.setPen(QColor("white"))
        p.drawLine(8, 5, 8, 9)
        p.drawPoint(8, 12)
    p.end()
    _ICONS[stage] = QIcon(pix)
    return _ICONS[stage]


def confirm_reuse(parent: QWidget | None, exc: SerialReuseError) -> bool:
    """Ask before serials issued before are handed out again (the dates named); No is the default."""
    answer = QMessageBox.question(
        parent,
        "Reuse serial numbers?",
        f"The next serial numbers for Mailer ID {exc.mid} were issued before, last on "
        f"{exc.last_issued:%Y-%m-%d}. This computer's clock says today is {exc.now:%Y-%m-%d}.\n\n"
        "Reusing them is right only if that date really is past the uniqueness window. If the clock "
        "is wrong, answer No and set it right first.\n\nReuse them?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def local_time(when: datetime | None) -> str:
    """A time as people read it in their language ("Thu 26 Nov, 11:06"): the day, date and clock time.

    USPS reports scan times in the facility's local time; callers label them so.
    """
    if when is None:
        return ""
    from PySide6.QtCore import QDate, QLocale, QTime  # noqa: PLC0415

    locale = QLocale()
    day = locale.toString(QDate(when.year, when.month, when.day), "ddd d MMM")
    clock = locale.toString(QTime(when.hour, when.minute), QLocale.FormatType.ShortFormat)
    year = f" {when.year}" if when.year != datetime.now().year else ""
    return f"{day}{year}, {clock}"


def readonly_table(name: str, headers: list[str]) -> QTableWidget:
    """A table that shows rows (no editing, no row numbers), its last column taking the spare width."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def dialog_buttons(dialog: QDialog, buttons: list[QPushButton]) -> QHBoxLayout:
    """A dialog's bottom row: its own buttons on the left, Close on the right."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    close.rejected.connect(dialog.reject)
    row.addWidget(close)
    return row


class ShownPage(QWidget):
    """A page that reads its data only while it is shown (reading takes a while, and other pages
    change it): ``reload`` while hidden only marks it stale, and showing it reads it then.
    Subclasses put the reading in ``load``."""

    _stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.load()

    def load(self) -> None:
        raise NotImplementedError
