"""Mailings: every mailing with its counts, and what to do with one (print, mark mailed, export, report)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import envelope_template, list_mailings, sheet_template, sheet_templates
from imb_tracker.actions.errors import ActionError
from imb_tracker.actions.mailings import MailedAfterScanError, mark_mailed
from imb_tracker.actions.printing import RulesBrokenError, envelope_options, print_envelopes, print_labels
from imb_tracker.imb import ImbError
from imb_tracker.layout.labels import LabelOptions
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.store.errors import StoreError
from imb_tracker.store.mailings import MailingSummary

from .context import AppContext
from .exports import export_dialog
from .tasks import Reporter
from .widgets import envelope_combo, error_text, file_stem, position_combo

log = logging.getLogger(__name__)


class MailingsPage(QWidget):
    message = Signal(str, int)
    busy = Signal(str, int, int)
    pdf_ready = Signal(str, str)
    show_report = Signal(str)
    show_letters = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mailings: list[MailingSummary] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.import_button = QPushButton("&Import a list…")
        self.import_button.setAccessibleName("Import a mailing list")
        top.addWidget(self.import_button)
        top.addStretch(1)
        layout.addLayout(top)
        self.table = QTableWidget(0, 6)
        self.table.setAccessibleName("Mailings")
        self.table.setHorizontalHeaderLabels(
            ["Mailing", "Pieces", "Mailer ID", "STID", "Created (UTC)", "Status"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)

        box = QGroupBox("Print the selected mailing")
        form = QFormLayout(box)
        env_row = QHBoxLayout()
        self.template = envelope_combo("Envelope template")
        self.position = position_combo("Barcode position")
        self.envelopes_button = QPushButton("Print &envelopes…")
        self.envelopes_button.setAccessibleName("Print envelopes")
        env_row.addWidget(self.template)
        env_row.addWidget(self.position)
        env_row.addWidget(self.envelopes_button)
        label_row = QHBoxLayout()
        self.layout_combo = QComboBox()
        self.layout_combo.setAccessibleName("Label sheet")
        for sid, sheet in sheet_templates().items():
            self.layout_combo.addItem(f"{sheet.name}" + ("" if sheet.imb else " (no room for the IMb)"), sid)
        self.start_cell = QSpinBox()
        self.start_cell.setRange(1, 80)
        self.start_cell.setPrefix("start at label ")
        self.start_cell.setAccessibleName("Start cell")
        self.labels_button = QPushButton("Print &labels…")
        self.labels_button.setAccessibleName("Print labels")
        label_row.addWidget(self.layout_combo)
        label_row.addWidget(self.start_cell)
        label_row.addWidget(self.labels_button)
        form.addRow("Envelopes", env_row)
        form.addRow("Labels", label_row)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Print problems")
        form.addRow(self.problems)
        layout.addWidget(box)

        more = QHBoxLayout()
        self.mailed_button = QPushButton("Mark as &mailed today")
        self.mailed_button.setAccessibleName("Mark as mailed")
        self.letters_button = QPushButton("Show its letter&s")
        self.report_button = QPushButton("&Report")
        self.trays_button = QPushButton("&Trays…")
        self.trays_button.setToolTip(
            "The mailing's trays: build them, their tags, manifest and pallet placards"
        )
        self.export_button = QPushButton("E&xport pieces…")
        self.export_scans_button = QPushButton("Export s&cans…")
        for b in (
            self.mailed_button,
            self.letters_button,
            self.report_button,
            self.trays_button,
            self.export_button,
            self.export_scans_button,
        ):
            b.setAccessibleName(b.text().replace("&", "").replace("…", ""))
            more.addWidget(b)
        more.addStretch(1)
        layout.addLayout(more)

        self.envelopes_button.clicked.connect(self.print_envelopes)
        self.labels_button.clicked.connect(self.print_labels)
        self.mailed_button.clicked.connect(self.mark_mailed)
        self.letters_button.clicked.connect(lambda: self.show_letters.emit(self.selected()))
        self.report_button.clicked.connect(lambda: self.show_report.emit(self.selected()))
        self.trays_button.clicked.connect(self.open_trays)
        self.export_button.clicked.connect(lambda: self.export(False))
        self.export_scans_button.clicked.connect(lambda: self.export(True))
        self.table.itemSelectionChanged.connect(self._selection)
        ctx.data_changed.connect(self.reload)

    def reload(self) -> None:
        if self.ctx.db is None:
            return
        current = self.selected()
        s = self.ctx.settings
        self.template.setCurrentIndex(max(self.template.findData(s.envelope_template), 0))
        self.position.setCurrentIndex(max(self.position.findData(s.imb_position), 0))
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(s.label_layout), 0))
        self.mailings = list(reversed(list_mailings(self.ctx.db)))
        self.table.setRowCount(len(self.mailings))
        for r, m in enumerate(self.mailings):
            values = (
                m.name,
                f"{m.piece_count:,}",
                m.mid,
                m.stid,
                f"{m.created_at:%Y-%m-%d %H:%M}",
                f"mailed {m.mailed_at:%Y-%m-%d}" if m.mailed_at else m.status,
            )
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()
        self.select(current or (self.mailings[0].name if self.mailings else ""))
        self._selection()

    def open_trays(self) -> object:
        """The selected mailing's trays (a dialog owned by this page); returns it, for tests."""
        from .trays_dialog import TraysDialog  # noqa: PLC0415

        name = self.selected()
        if not name:
            return None
        dialog = TraysDialog(self.ctx, name, self)
        dialog.pdf_ready.connect(self.pdf_ready)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def select(self, name: str) -> None:
        for r, m in enumerate(self.mailings):
            if m.name == name:
                self.table.selectRow(r)
                return

    def selected(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.mailings[rows[0].row()].name if rows else ""

    def _selection(self) -> None:
        on = bool(self.selected())
        for b in (
            self.envelopes_button,
            self.labels_button,
            self.mailed_button,
            self.letters_button,
            self.report_button,
            self.trays_button,
            self.export_button,
            self.export_scans_button,
        ):
            b.setEnabled(on)

    def _out(self, kind: str) -> Path:
        safe = file_stem(self.selected(), 60)
        return self.ctx.output_folder() / f"{safe}-{kind}.pdf"

    def _run_print(self, kind: str, job: Callable[[Reporter], object]) -> None:
        mailing = self.selected()
        out = self._out(kind)
        self.problems.setText("")
        self.busy.emit(f"Writing {kind} for {mailing}", 0, 1)

        def done(result: object) -> None:
            self.busy.emit("", 0, 0)
            self.message.emit(f"Wrote {getattr(result, 'pages', 0):,} page(s) to {out}", 0)
            self.pdf_ready.emit(str(out), "preview")

        def failed(exc: BaseException) -> None:
            self.busy.emit("", 0, 0)
            if isinstance(exc, RulesBrokenError):
                shown = "<br>".join(f"{who}: {text}" for _n, who, text in exc.problems[:8])
                self.problems.setText(error_text(str(exc)) + "<br>" + shown)
            else:
                self.problems.setText(error_text(str(exc)))

        self.ctx.tasks.run(
            job,
            on_done=done,
            on_error=failed,
            on_progress=lambda d, t, _x: self.busy.emit(f"Writing {kind}", d, t),
        )

    def print_envelopes(self) -> None:
        db, mailing, s = self.ctx.db, self.selected(), self.ctx.settings
        template = envelope_template(str(self.template.currentData()))
        options = envelope_options(s, str(self.position.currentData()), s.human_readable)
        out = self._out("envelopes")
        assert db is not None

        def job(reporter: Reporter) -> object:
            return print_envelopes(
                db, mailing, template, options, out, lambda d, t: reporter.progress(d, t, "envelopes")
            )

        self._run_print("envelopes", job)

    def print_labels(self) -> None:
        db, mailing = self.ctx.db, self.selected()
        try:
            sheet = sheet_template(str(self.layout_combo.currentData()))
            options = LabelOptions(imb=sheet.imb, sheet=SheetOptions(start_cell=self.start_cell.value()))
            options.sheet.validate(sheet)
        except (ImbError, ValueError) as exc:
            self.problems.setText(error_text(str(exc)))
            return
        out = self._out("labels")
        assert db is not None

        def job(reporter: Reporter) -> object:
            return print_labels(
                db, mailing, sheet, options, out, lambda d, t: reporter.progress(d, t, "labels")
            )

        self._run_print("labels", job)

    def mark_mailed(self) -> None:
        assert self.ctx.db is not None and self.ctx.backend is not None
        name = self.selected()
        try:
            when = mark_mailed(self.ctx.db, name, backend=self.ctx.backend)
        except MailedAfterScanError as exc:
            answer = QMessageBox.question(
                self,
                "Mailed earlier?",
                f"USPS first scanned a letter of {name!r} on {exc.first_scan:%a %d %b %Y}, so it was mailed "
                f"before today.\n\nUse {exc.first_scan:%d %b %Y} as the mailed date?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.problems.setText(error_text(str(exc)))
                return
            when = mark_mailed(self.ctx.db, name, exc.first_scan, backend=self.ctx.backend)
        except (StoreError, ActionError) as exc:
            self.problems.setText(error_text(str(exc)))
            return
        self.message.emit(f"{name} marked as mailed on {when:%d %b %Y}; delivery times count from then", 5000)
        self.ctx.data_changed.emit()

    def export(self, scans: bool) -> None:
        kind = "scans" if scans else "pieces"
        export_dialog(
            self,
            self.ctx,
            scans,
            self.selected(),
            self._out(kind).with_suffix(".csv"),
            lambda text: self.message.emit(text, 0),
            lambda text: self.problems.setText(error_text(text)),
        )
