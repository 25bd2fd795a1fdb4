"""One letter in detail: the scans timeline, USPS's window, the raw payloads, the barcode at scale,
and its reply piece (when one was printed): the reply's state, its own scans and its barcode."""

from __future__ import annotations

import json
from html import escape

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.backend import explain
from imb_tracker.actions.catalog import STAGE_WORDS
from imb_tracker.actions.exports import export_scans
from imb_tracker.actions.lookup import look_up, timeline
from imb_tracker.actions.replies import piece_reply
from imb_tracker.tracking.status import ScanView

from .barcode_view import BarcodeView
from .context import AppContext
from .us_map import UsMap
from .widgets import dialog_buttons, local_time, readonly_table, stage_icon


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
        self.in_home = QLabel()
        self.in_home.setAccessibleName("Estimated in home")
        self.in_home.setWordWrap(True)
        form.addRow("In home (estimated)", self.in_home)
        form.addRow("Days in transit", self.transit)
        layout.addLayout(form)

        tabs = QTabWidget()
        self.table = readonly_table(
            "Scan timeline", ["When (USPS's local time)", "Stage", "Where", "What happened"]
        )
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
        self.map = UsMap("Where USPS scanned it, in order")
        self.map.setAccessibleName("Map of the scans")
        self.map.warm(ctx.tasks)
        tabs.addTab(self.map, "&Map")
        reply_tab = QWidget()
        rl = QVBoxLayout(reply_tab)
        reply_form = QFormLayout()
        self.reply_what = QLabel()
        self.reply_what.setAccessibleName("Reply piece")
        self.reply_status = QLabel()
        self.reply_status.setAccessibleName("Reply status")
        self.reply_when = QLabel()
        self.reply_when.setAccessibleName("Reply scans")
        reply_form.addRow("Reply piece", self.reply_what)
        reply_form.addRow("Reply status", self.reply_status)
        reply_form.addRow("Inbound scans", self.reply_when)
        rl.addLayout(reply_form)
        self.reply_table = readonly_table(
            "Reply scan timeline", ["When (USPS's local time)", "Where", "What happened"]
        )
        rl.addWidget(self.reply_table, 1)
        self.reply_barcode = BarcodeView(reply_tab, zoom=1.5)
        rl.addWidget(self.reply_barcode)
        self.tabs = tabs
        self.reply_index = tabs.addTab(reply_tab, "Re&ply")
        layout.addWidget(tabs, 1)

        self.lookup = QPushButton("&Look up now")
        self.lookup.setAccessibleName("Look up this letter now")
        self.copy = QPushButton("&Copy timeline")
        self.copy.setAccessibleName("Copy timeline")
        self.copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.export = QPushButton("&Export scans…")
        self.export.setAccessibleName("Export scans")
        layout.addLayout(dialog_buttons(self, [self.lookup, self.copy, self.export]))
        self.lookup.clicked.connect(self.look_up)
        self.copy.clicked.connect(self.copy_timeline)
        self.export.clicked.connect(self.export_scans)
        self.load()

    def load(self) -> None:
        db = self.ctx.db
        assert db is not None and self.ctx.backend is not None
        t = timeline(db, self.imb, self.ctx.backend.clock(), self.ctx.settings.stalled_days)
        piece = t.piece
        serial = piece.get("serial") if piece else None
        self.setWindowTitle(
            f"Letter to {t.who} · serial {serial}" if piece and serial is not None else f"Letter {self.imb}"
        )
        if piece:
            self.heading.setText(
                f"<b>{t.who}</b>, {piece['address1']}, {piece['city']} {piece['state']} "
                f"{piece['zip5']}<br>Mailing <b>{piece['mailing']}</b> · IMb {self.imb}"
            )
        else:
            self.heading.setText(f"IMb {self.imb} (not in this database)")
        self.status.setText(t.status)
        self.usps_window.setText(t.window)
        self.expected.setText(
            f"{t.expected:%A %d %B %Y} (USPS's estimate)" if t.expected else "not given by USPS"
        )
        est = t.estimate
        if est is not None and est.in_home is not None:
            flags = [
                "<b style='color:#c62828'>late</b>: more than a delivery day past it, no carrier-sort scan"
            ] * t.late + [
                "<b style='color:#ef6c00'>stalled</b>: no new scan for too many delivery days"
            ] * t.stalled
            self.in_home.setText(
                f"{est.in_home:%A %d %B %Y} — {escape(est.detail)}" + "".join(f"<br>{f}" for f in flags)
            )
        else:
            self.in_home.setText(escape(est.detail) if est else "no estimate (not in this database)")
        if t.transit_days is not None:
            self.transit.setText(f"{t.transit_days:.1f} days from mailing to the last scan")
        elif not t.scans:
            self.transit.setText("no scans yet")
        self.timeline = t.scans
        self.map.set_path(
            [
                (f"{v.when:%b %d %H:%M}  {v.facility.split(',')[0][:44]}", v.facility_zip)
                for v in t.scans
                if not v.implied
            ],
            str(piece["zip5"]) if piece else "",
        )
        self.table.setRowCount(len(self.timeline))
        for r, v in enumerate(self.timeline):
            when = QTableWidgetItem(local_time(v.when))
            when.setToolTip(f"as USPS reported it: {v.when_text}")
            self.table.setItem(r, 0, when)
            self.table.setItem(r, 1, QTableWidgetItem(stage_icon(v.stage), STAGE_WORDS.get(v.stage, v.stage)))
            where = QTableWidgetItem(v.facility)
            where.setToolTip(v.facility)
            self.table.setItem(r, 2, where)
            what = QTableWidgetItem(v.words + (" (implied, not a scan)" if v.implied else ""))
            what.setToolTip(what.text())
            self.table.setItem(r, 3, what)
        self.table.resizeColumnsToContents()
        # the place and the words share the width (full text in the tooltips): no sideways scrolling
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 320))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lookups_text = [
            f"{h.requested_at:%Y-%m-%d %H:%M:%S} UTC  {h.outcome}  HTTP {h.http_status or '-'}  "
            f"{h.scan_count} scan(s) {h.error}"
            for h in t.lookups
        ]
        self.raw.setPlainText(
            "Scans as USPS sent them:\n"
            + json.dumps(t.raw_payloads, indent=2, ensure_ascii=False)
            + "\n\nLookups:\n"
            + "\n".join(lookups_text)
        )
        self.barcode.set_bars(t.bars)
        self.bars.setText(t.bars or "")
        self.show_reply(piece_reply(db, int(piece["id"])) if piece and piece.get("id") is not None else None)

    def show_reply(self, reply: dict[str, object] | None) -> None:
        """The Reply tab: shown only for a letter with a linked reply piece."""
        self.tabs.setTabVisible(self.reply_index, reply is not None)
        if reply is None:
            return
        self.reply_what.setText(
            f"{reply['kind']} · design {reply['design']} · STID {reply['stid']} · IMb {reply['imb']}"
        )
        self.reply_status.setText(str(reply["status"]))
        first, last = reply["first_scan_at"], reply["last_scan_at"]
        checked = reply["looked_up_at"]
        self.reply_when.setText(
            (f"first {local_time(first)}, last {local_time(last)}" if first and last else "none yet")  # type: ignore[arg-type]
            + (f" · last looked up {local_time(checked)} UTC" if checked else " · not looked up yet")  # type: ignore[arg-type]
        )
        views = reply["scans"]
        assert isinstance(views, list)
        self.reply_table.setRowCount(len(views))
        for r, v in enumerate(views):
            self.reply_table.setItem(r, 0, QTableWidgetItem(local_time(v.when)))
            where = QTableWidgetItem(v.facility)
            where.setToolTip(v.facility)
            self.reply_table.setItem(r, 1, where)
            self.reply_table.setItem(r, 2, QTableWidgetItem(v.words))
        self.reply_table.resizeColumnsToContents()
        self.reply_barcode.set_bars(str(reply["bars"]))

    def look_up(self) -> None:
        db, backend = self.ctx.db, self.ctx.backend
        assert db is not None and backend is not None
        imb, stalled_days = self.imb, self.ctx.settings.stalled_days
        if not self.ctx.ensure_sign_in(self):
            return
        self.lookup.setEnabled(False)

        def work(_reporter: object) -> str:
            result = look_up(db, backend, imb, stalled_days=stalled_days)
            if result.error is not None:
                raise result.error
            return result.message

        def done(text: object) -> None:
            self.lookup.setEnabled(True)
            self.heading.setToolTip(str(text))
            self.load()
            self.ctx.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.lookup.setEnabled(True)
            self.load()  # the failed lookup is in the log now
            self.status.setText(explain(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def copy_timeline(self) -> None:
        lines = [f"IMb {self.imb}", self.status.text(), self.usps_window.text()]
        for v in self.timeline:
            lines.append(f"{v.when_text}\t{v.stage}\t{v.words}\t{v.facility}")
        QGuiApplication.clipboard().setText("\n".join(lines))

    def export_scans(self) -> None:
        path = self.ctx.ask_save_path(
            self, "Export scans", f"scans-{self.imb}.csv", "CSV (*.csv);;Excel (*.xlsx)"
        )
        if path is None or self.ctx.db is None:
            return
        try:
            export_scans(self.ctx.db, path, imb=self.imb)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Not exported", f"{path.name}: {exc}")
