"""One letter in detail: the scans timeline, USPS's window, the raw payloads, the barcode at scale."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.backend import explain
from imb_tracker.actions.jobs import export_scans
from imb_tracker.imb import ImbError, encode_tracking
from imb_tracker.store.scans import find_piece, lookups_for, scans_for, status_of
from imb_tracker.tracking.ingest import ingest_result, log_failure
from imb_tracker.tracking.report import scan_views
from imb_tracker.tracking.status import ScanView, in_order, piece_status

from .barcode_view import BarcodeView
from .context import AppContext
from .widgets import stage_icon


class PieceDetail(QDialog):
    """Opened by double-click (or Enter) on a letter; Look up again from here too."""

    def __init__(self, ctx: AppContext, imb: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.imb = imb
        self.timeline: list[ScanView] = []
        self.setWindowTitle(f"Letter {imb}")
        self.setAccessibleName("Letter detail")
        self.resize(900, 620)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Letter summary")
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.usps_window = QLabel()
        self.usps_window.setAccessibleName("USPS window")
        self.expected = QLabel()
        self.expected.setAccessibleName("Expected delivery")
        self.transit = QLabel()
        self.transit.setAccessibleName("Days in transit")
        form.addRow("Status", self.status)
        form.addRow("USPS data", self.usps_window)
        form.addRow("Expected delivery", self.expected)
        form.addRow("Days in transit", self.transit)
        layout.addLayout(form)

        tabs = QTabWidget()
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Scan timeline")
        self.table.setHorizontalHeaderLabels(
            ["Time (as reported by USPS)", "Stage", "What happened", "Facility"]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        tabs.addTab(self.table, "&Timeline")
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName("Raw USPS payloads")
        tabs.addTab(self.raw, "&Raw USPS data")
        barcode_tab = QWidget()
        bl = QVBoxLayout(barcode_tab)
        self.barcode = BarcodeView(barcode_tab, zoom=2.0)
        self.bars = QLabel()
        self.bars.setAccessibleName("Bar letters")
        bl.addWidget(self.barcode)
        bl.addWidget(self.bars)
        bl.addStretch(1)
        tabs.addTab(barcode_tab, "&Barcode")
        layout.addWidget(tabs, 1)

        buttons = QHBoxLayout()
        self.lookup = QPushButton("&Look up now")
        self.lookup.setAccessibleName("Look up this letter now")
        self.copy = QPushButton("&Copy timeline")
        self.copy.setAccessibleName("Copy timeline")
        self.copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.export = QPushButton("&Export scans…")
        self.export.setAccessibleName("Export scans")
        for b in (self.lookup, self.copy, self.export):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.lookup.clicked.connect(self.look_up)
        self.copy.clicked.connect(self.copy_timeline)
        self.export.clicked.connect(self.export_scans)
        self.load()

    def load(self) -> None:
        db = self.ctx.db
        assert db is not None and self.ctx.backend is not None
        now = self.ctx.backend.clock()
        piece = find_piece(db, self.imb)
        mailed = (piece["mailed_at"] or piece["created_at"]) if piece else None
        if piece:
            who = piece["name"] or piece["company"]
            self.heading.setText(f"<b>{who}</b>, {piece['address1']}, {piece['city']} {piece['state']} "
                                 f"{piece['zip5']}<br>Mailing <b>{piece['mailing']}</b> · IMb {self.imb}")  # fmt: skip
        else:
            self.heading.setText(f"IMb {self.imb} (not in this database)")
        rows = scans_for(db, self.imb)
        views = scan_views(rows)
        history = lookups_for(db, self.imb)
        not_found = bool(history) and history[-1]["outcome"] == "not_found"
        expected_text = ""
        if piece:
            with db.read() as conn:
                st = status_of(conn, int(piece["id"]))
            expected_text = str(st["expected_delivery"]) if st else ""
        expected = datetime.fromisoformat(expected_text).date() if expected_text else None
        status = piece_status(views, now, mailed, expected, not_found, self.ctx.settings.stalled_days)
        self.status.setText(status.words)
        self.usps_window.setText(status.window)
        self.expected.setText(
            f"{expected:%A %d %B %Y} (USPS's estimate)" if expected else "not given by USPS"
        )
        first = min((v.when for v in views), default=None)
        last = max((v.when for v in views), default=None)
        if mailed and last:
            self.transit.setText(
                f"{(last - mailed).total_seconds() / 86400:.1f} days from mailing to the last scan"
            )
        elif first is None:
            self.transit.setText("no scans yet")
        self.timeline = in_order(views)
        self.table.setRowCount(len(self.timeline))
        for r, v in enumerate(self.timeline):
            self.table.setItem(r, 0, QTableWidgetItem(v.when_text))
            self.table.setItem(r, 1, QTableWidgetItem(stage_icon(v.stage), v.stage.replace("_", " ")))
            self.table.setItem(
                r, 2, QTableWidgetItem(v.words + (" (implied, not a scan)" if v.implied else ""))
            )
            self.table.setItem(r, 3, QTableWidgetItem(v.facility))
        self.table.resizeColumnsToContents()
        raw = [
            json.loads(r["raw_payload"]) if r["raw_payload"].startswith("{") else r["raw_payload"]
            for r in rows
        ]
        lookups_text = [f"{h['requested_at']:%Y-%m-%d %H:%M:%S} UTC  {h['outcome']}  HTTP {h['http_status'] or '-'}  "
                        f"{h['scan_count']} scan(s) {h['error']}" for h in history]  # fmt: skip
        self.raw.setPlainText("Scans as USPS sent them:\n" + json.dumps(raw, indent=2, ensure_ascii=False)
                              + "\n\nLookups:\n" + "\n".join(lookups_text))  # fmt: skip
        try:
            bars: str | None = encode_tracking(self.imb[:20], self.imb[20:])
        except ImbError:
            bars = None
        self.barcode.set_bars(bars)
        self.bars.setText(bars or "")

    def look_up(self) -> None:
        db, backend = self.ctx.db, self.ctx.backend
        assert db is not None and backend is not None
        imb = self.imb
        self.lookup.setEnabled(False)

        def work(_reporter: object) -> str:
            client = backend.iv_client()
            requested = backend.clock()
            try:
                result = client.lookup(imb)
            except Exception as exc:
                log_failure(db, imb, requested, type(exc).__name__, str(exc))
                raise
            finally:
                client.close()
            returned, new = ingest_result(db, result, requested)
            return (
                f"USPS returned {returned} scan(s), {new} new"
                if result.found
                else "USPS has no data for it yet"
            )

        def done(text: object) -> None:
            self.lookup.setEnabled(True)
            self.heading.setToolTip(str(text))
            self.load()
            self.ctx.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.lookup.setEnabled(True)
            self.status.setText(explain(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def copy_timeline(self) -> None:
        lines = [f"IMb {self.imb}", self.status.text(), self.usps_window.text()]
        for v in self.timeline:
            lines.append(f"{v.when_text}\t{v.stage}\t{v.words}\t{v.facility}")
        QGuiApplication.clipboard().setText("\n".join(lines))

    def export_scans(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export scans", str(self.ctx.output_folder() / f"scans-{self.imb}.csv"),
                                              "CSV (*.csv);;Excel (*.xlsx)")  # fmt: skip
        if path:
            assert self.ctx.db is not None
            export_scans(self.ctx.db, Path(path), imb=self.imb)
