"""The barcode tool page: build an IMb from its fields, see it to scale, decode (and repair) one back.

Every check is the core's own validation, shown beside the form in the core's words.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.imb import ImbError, ImbFields, clean_zip, decode, describe_stid, encode, stid_table

from .barcode_view import BarcodeView

log = logging.getLogger(__name__)


class BarcodePage(QWidget):
    """Encode and decode Intelligent Mail barcodes."""

    status_message = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        central = self
        layout = QVBoxLayout(central)

        encode_box = QGroupBox("Make a barcode", central)
        form = QFormLayout(encode_box)
        self.barcode_id = self._line("00", "Barcode ID", "00 for letters")
        self.stid = QComboBox(encode_box)
        self.stid.setEditable(True)
        self.stid.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.stid.setMinimumContentsLength(30)  # long plain-words names must not widen the window
        self.stid.setAccessibleName("Service type ID")
        for info in stid_table().all():
            if info.status == "current":
                self.stid.addItem(f"{info.code} — {info.describe()}", info.code)
        index = self.stid.findData("270")
        self.stid.setCurrentIndex(max(index, 0))
        self.mailer_id = self._line("", "Mailer ID", "6 digits starting 0-8, or 9 digits starting with 9")
        self.serial = self._line("", "Serial", "9 digits with a 6-digit Mailer ID, 6 with a 9-digit one")
        self.routing = self._line("", "Routing ZIP", "ZIP, ZIP+4 or ZIP+4 + delivery point; may be empty")
        form.addRow("&Barcode ID", self.barcode_id)
        form.addRow("&Service type (STID)", self.stid)
        form.addRow("&Mailer ID", self.mailer_id)
        form.addRow("S&erial", self.serial)
        form.addRow("&Routing ZIP", self.routing)
        self.message = QLabel(encode_box)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Validation message")
        form.addRow(self.message)
        layout.addWidget(encode_box)

        self.view = BarcodeView(central)
        layout.addWidget(self.view)
        self.bars_label = QLabel(central)
        self.bars_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.bars_label.setFont(mono)
        self.bars_label.setAccessibleName("Bar letters")
        layout.addWidget(self.bars_label)
        copy_row = QHBoxLayout()
        self.copy_button = QPushButton("&Copy bars", central)
        self.copy_button.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_button.setAccessibleName("Copy bar letters")
        self.copy_button.clicked.connect(self._copy_bars)
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        layout.addLayout(copy_row)

        decode_box = QGroupBox("Read a barcode", central)
        dform = QFormLayout(decode_box)
        self.decode_input = self._line("", "Bars to decode", "65 letters A, D, F, T")
        self.repair = QCheckBox("Try to repair one damaged bar", decode_box)
        self.repair.setAccessibleName("Repair damaged bars")
        self.decode_result = QLabel(decode_box)
        self.decode_result.setWordWrap(True)
        self.decode_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decode_result.setAccessibleName("Decode result")
        dform.addRow("B&ars", self.decode_input)
        dform.addRow(self.repair)
        dform.addRow(self.decode_result)
        layout.addWidget(decode_box)
        layout.addStretch(1)

        for widget in (self.barcode_id, self.mailer_id, self.serial, self.routing):
            widget.textChanged.connect(self.refresh)
        self.stid.currentTextChanged.connect(self.refresh)
        self.decode_input.textChanged.connect(self.refresh_decode)
        self.repair.toggled.connect(self.refresh_decode)
        self.refresh()

    def _line(self, text: str, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(placeholder)
        return edit

    def _stid_code(self) -> str:
        data = self.stid.currentData()
        text = self.stid.currentText().strip()
        if data is not None and text.startswith(str(data)):
            return str(data)
        return text.split(" ", 1)[0]

    def current_fields(self) -> ImbFields:
        """The form's fields, validated by the core (raises ImbError)."""
        return ImbFields(
            self.barcode_id.text(),
            self._stid_code(),
            self.mailer_id.text(),
            self.serial.text(),
            clean_zip(self.routing.text()),
        )

    def refresh(self) -> None:
        """Re-validate and redraw after any edit."""
        try:
            fields = self.current_fields()
        except ImbError as exc:
            self.view.set_bars(None)
            self.bars_label.setText("")
            self.copy_button.setEnabled(False)
            self.message.setText(f"<span style='color:#b00020'>{exc}</span>")
            self.status_message.emit("Fix the field shown in red to see the barcode", 0)
            return
        bars = encode(fields)
        self.view.set_bars(bars)
        self.bars_label.setText(f"{bars}\n{fields.human_readable()}")
        self.copy_button.setEnabled(True)
        warnings = stid_table().warnings(fields.service_type)
        if warnings:
            self.message.setText("<br>".join(f"<span style='color:#a15c00'>{w}</span>" for w in warnings))
        else:
            self.message.setText(
                f"Valid IMb — STID {fields.service_type}: {describe_stid(fields.service_type)}"
            )
        self.status_message.emit(f"IMb {fields.payload} ({len(fields.payload)} digits)", 0)

    def refresh_decode(self) -> None:
        text = self.decode_input.text()
        if not text.strip():
            self.decode_result.setText("")
            return
        try:
            result = decode(text, repair=self.repair.isChecked())
        except ImbError as exc:
            self.decode_result.setText(f"<span style='color:#b00020'>{exc}</span>")
            return
        f = result.fields
        lines = [
            f"Barcode ID {f.barcode_id} · STID {f.service_type} · Mailer ID {f.mailer_id} · "
            f"serial {f.serial} · routing {f.routing or '(none)'}",
            describe_stid(f.service_type),
        ]
        if result.upside_down:
            lines.append("Read upside down.")
        if result.repaired_positions:
            lines.append(f"Repaired bar {', '.join(map(str, result.repaired_positions))}: {result.bars}")
        self.decode_result.setText("<br>".join(lines))

    def _copy_bars(self) -> None:
        QGuiApplication.clipboard().setText(self.view.bars())
        self.status_message.emit("Bars copied", 3000)
