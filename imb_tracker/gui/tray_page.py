"""Tray tags: 24-digit Intelligent Mail tray barcodes (Code 128) with serials from the allocator."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import sheet_template, sheet_templates
from imb_tracker.actions.containers import cin_entries, content_words
from imb_tracker.actions.printing import TrayTagJob, print_tray_tags

from .context import AppContext
from .tasks import Reporter
from .widgets import error_text


class TrayPage(QWidget):
    message = Signal(str, int)
    pdf_ready = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tags for the trays your letters go to the Post Office in. Each tag gets a unique "
            "24-digit tray barcode (serials come from the same allocator as the letters)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.zip = QLineEdit()
        self.zip.setAccessibleName("Destination ZIP")
        self.zip.setPlaceholderText("5-digit destination ZIP of the tray, e.g. 62704")
        self.cin = QComboBox()
        self.cin.setAccessibleName("Content identifier (CIN)")
        for code, text in cin_entries().items():
            self.cin.addItem(f"{content_words(text)} ({code}: {text})", code)
        self.destination = QLineEdit()
        self.destination.setAccessibleName("Destination line")
        self.destination.setPlaceholderText("Line 1 text, e.g. SPRINGFIELD IL")
        self.origin = QLineEdit()
        self.origin.setAccessibleName("Origin line")
        self.origin.setPlaceholderText("Line 3: the mailer's name and city (defaults to the mailer's name)")
        self.count = QSpinBox()
        self.count.setRange(1, 500)
        self.count.setAccessibleName("Number of tags")
        self.stock = QComboBox()
        self.stock.setAccessibleName("Tag stock")
        for sid, sheet in sheet_templates("tags").items():
            self.stock.addItem(sheet.name, sid)
        self.start = QSpinBox()
        self.start.setRange(1, 30)
        self.start.setAccessibleName("Start at tag")
        form.addRow("Destination &ZIP", self.zip)
        form.addRow("&Content (CIN)", self.cin)
        form.addRow("&Line 1 text", self.destination)
        form.addRow("Line &3 text", self.origin)
        form.addRow("How ma&ny", self.count)
        form.addRow("&Stock", self.stock)
        form.addRow("S&tart at tag", self.start)
        layout.addLayout(form)
        self.button = QPushButton("&Make tray tags")
        self.button.setAccessibleName("Make tray tags")
        layout.addWidget(self.button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Tray tag result")
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.button.clicked.connect(self.make)

    def make(self) -> None:
        db = self.ctx.db
        if db is None:
            return
        job = TrayTagJob(
            mid=self.ctx.mailer_mid(),
            zip=self.zip.text().strip(),
            cin=str(self.cin.currentData()),
            count=self.count.value(),
            destination=self.destination.text(),
            origin=self.origin.text(),
            start_cell=self.start.value(),
            processing_code=self.ctx.settings.tray_processing_code,
            label_type=self.ctx.settings.tray_label_type,
            origin_place=self.ctx.settings.return_address[-1] if self.ctx.settings.return_address else "",
        )
        sheet = sheet_template(str(self.stock.currentData()), "tags")
        out = self.ctx.output_folder() / f"tray-tags-{job.zip or 'zip'}-{job.cin}.pdf"
        workstation = self.ctx.workstation

        def work(_reporter: Reporter) -> object:
            return print_tray_tags(db, job, sheet, out, workstation)

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            codes = result[1]
            self.result.setText(f"Wrote {len(codes)} tag(s): {codes[0].digits} … {codes[-1].digits}")
            self.pdf_ready.emit(str(out), "preview")

        self.ctx.tasks.run(work, on_done=done, on_error=lambda e: self.result.setText(error_text(str(e))))
