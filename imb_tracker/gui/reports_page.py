"""Reports per mailing: counts by stage, days to carrier sort, by destination state, stalled pieces,
and, when the mailing carried reply pieces, the reply rate, replies per day and who replied.

The figures are ``tracking.report.mailing_report`` (the same as ``imb-tracker
report``), computed in the background; charts are QPainter drawings that the
PDF export paints again onto a QPdfWriter page.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import (
    STAGE_WORDS,
    histogram,
    list_mailings,
    mailing_report,
    report_lines,
)
from imb_tracker.actions.exports import write_report
from imb_tracker.actions.replies import ReplySummary, reply_summary
from imb_tracker.tracking.report import MailingReport

from .charts import BarChart
from .context import AppContext
from .tasks import Reporter
from .us_map import UsMap
from .widgets import STAGE_STYLE, ShownPage, error_text


class ReportsPage(ShownPage):
    message = Signal(str, int)
    open_piece = Signal(str)  # a stalled letter double-clicked: its IMb

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: MailingReport | None = None
        self.replies: ReplySummary | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.mailing = QComboBox()
        self.mailing.setAccessibleName("Mailing for the report")
        self.mailing.setMinimumContentsLength(24)
        self.stalled = QSpinBox()
        self.stalled.setRange(1, 30)
        self.stalled.setValue(ctx.settings.stalled_days)
        self.stalled.setPrefix("stalled after ")
        self.stalled.setSuffix(" delivery days without a scan")
        self.stalled.setAccessibleName("Days without a scan before a letter counts as stalled")
        self.refresh_button = QPushButton("&Update")
        self.refresh_button.setAccessibleName("Update the report")
        self.csv_button = QPushButton("Export &CSV…")
        self.csv_button.setAccessibleName("Export the report as CSV")
        self.pdf_button = QPushButton("Export &PDF…")
        self.pdf_button.setAccessibleName("Export the report as PDF")
        for w in (self.mailing, self.stalled, self.refresh_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Report summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        grid = QGridLayout()
        self.stage_chart = BarChart("Letters by stage")
        self.days_chart = BarChart("Days from mailing to carrier sort (letters per day)")
        self.state_chart = BarChart("Median days to carrier sort, by destination state")
        self.stalled_table = QTableWidget(0, 4)
        self.stalled_table.setAccessibleName("Late and stalled letters")
        self.stalled_table.setHorizontalHeaderLabels(
            ["Late or stalled letter (double-click to open)", "Name", "Flag", "Status"]
        )
        self.map = UsMap("Days from mailing to carrier sort, by destination 3-digit ZIP")
        self.map.setAccessibleName("Map of days to carrier sort")
        self.state_tabs = QTabWidget()
        self.state_tabs.addTab(self.state_chart, "By state")
        self.state_tabs.addTab(self.map, "Map")
        self.stalled_table.cellDoubleClicked.connect(self._open_stalled)
        self.stalled_table.horizontalHeader().setStretchLastSection(True)
        self.stalled_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.reply_chart = BarChart("Replies per day since mailing")
        self.replied_table = QTableWidget(0, 4)
        self.replied_table.setAccessibleName("Who replied")
        self.replied_table.setHorizontalHeaderLabels(["Who replied", "First reply scan", "From", "Reply"])
        self.replied_table.setToolTip("Double-click a name to open the letter")
        self.replied_table.verticalHeader().setVisible(False)
        self.replied_table.cellDoubleClicked.connect(self._open_replied)
        self.replied_table.horizontalHeader().setStretchLastSection(True)
        self.replied_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        grid.addWidget(self.stage_chart, 0, 0)
        grid.addWidget(self.days_chart, 0, 1)
        grid.addWidget(self.state_tabs, 1, 0)
        grid.addWidget(self.stalled_table, 1, 1)
        grid.addWidget(self.reply_chart, 2, 0)
        grid.addWidget(self.replied_table, 2, 1)
        self.reply_chart.hide()
        self.replied_table.hide()
        layout.addLayout(grid, 1)
        self.mailing.currentIndexChanged.connect(lambda _i: self.update_report())
        self.refresh_button.clicked.connect(self.update_report)
        self.stalled.valueChanged.connect(lambda _v: self.update_report())
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button.clicked.connect(self.export_pdf)
        ctx.data_changed.connect(self.reload)

    def load(self) -> None:
        """Re-read the mailings and the report, but only while the page is shown (reports take a while)."""
        if self.ctx.db is None:
            return
        current = self.mailing.currentData()
        self.mailing.blockSignals(True)
        self.mailing.clear()
        for m in reversed(list_mailings(self.ctx.db)):
            self.mailing.addItem(f"{m.name} ({m.piece_count:,})", m.name)
        self.mailing.setCurrentIndex(max(self.mailing.findData(current), 0))
        self.mailing.blockSignals(False)
        self.update_report()

    def show_mailing(self, name: str) -> None:
        if self._stale:
            self.reload()
        self.mailing.setCurrentIndex(max(self.mailing.findData(name), 0))
        self.update_report()

    def update_report(self) -> None:
        name = self.mailing.currentData()
        if not name or self.ctx.db is None or self.ctx.backend is None:
            self.summary.setText("No mailings yet: import a list first.")
            return
        db, now, stalled = self.ctx.db, self.ctx.backend.clock(), self.stalled.value()

        def work(_reporter: Reporter) -> tuple[MailingReport, ReplySummary]:
            return mailing_report(db, str(name), now, stalled), reply_summary(db, str(name))

        self.summary.setText("Working …")
        self.ctx.tasks.run(
            work, on_done=self.show_report, on_error=lambda e: self.summary.setText(error_text(str(e)))
        )

    def show_report(self, result: object) -> None:
        assert isinstance(result, tuple)
        report, replies = result
        assert isinstance(report, MailingReport) and isinstance(replies, ReplySummary)
        self.report, self.replies = report, replies
        reply_line = [replies.lines()[0]] if replies.has_replies else []
        self.summary.setText(
            "<br>".join(
                report_lines(report)[:1]
                + [
                    line
                    for line in report_lines(report)[1:]
                    if line.startswith(
                        (
                            "first scan",
                            "days from",
                            "estimated in-home",
                            "on time",
                            "late",
                            "stalled",
                            "  some letters",
                        )
                    )
                ]
                + reply_line
            )
        )
        self.reply_chart.setVisible(replies.has_replies)
        self.replied_table.setVisible(replies.has_replies)
        self.reply_chart.set_items([(str(day), n, "#2e7d32") for day, n in replies.curve])
        self.replied_table.setRowCount(len(replies.who))
        for r, w in enumerate(replies.who):
            cells = (
                w["name"] or w["company"],
                w["first_inbound_scan"] or "",
                f"{w['city']} {w['state']}",
                w["status"],
            )
            for c, v in enumerate(cells):
                item = QTableWidgetItem(str(v))
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, w["serial"])
                self.replied_table.setItem(r, c, item)
        self.replied_table.resizeColumnsToContents()
        stages = sorted(report.by_stage.items(), key=lambda kv: -kv[1])
        self.stage_chart.set_items(
            [
                (STAGE_WORDS.get(s, s).split(" (")[0], n, STAGE_STYLE.get(s, STAGE_STYLE["unknown"])[0])
                for s, n in stages
            ]
        )
        self.days_chart.set_items(
            [(label, n, "#1e88e5") for label, n in histogram(report.days_to_carrier_sort)]
        )
        by_state = sorted(report.by_state.items())
        self.state_chart.set_items([(s, round(statistics.median(v), 1), "#3949ab") for s, v in by_state])
        self.map.warm(self.ctx.tasks)
        self.map.set_areas(report.by_zip3())
        flagged = [(s, "late") for s in report.late] + [
            (s, "stalled") for s in report.stalled if not s.late
        ]  # every one of them: the lists are the report's point
        self.stalled_table.setRowCount(len(flagged))
        for r, (s, flag) in enumerate(flagged):
            est = s.estimate
            words = (
                f"estimated {est.in_home:%Y-%m-%d} ({est.basis}); {s.words}"
                if flag == "late" and est and est.in_home
                else s.words
            )
            for c, v in enumerate(
                (
                    s.imb,
                    s.name,
                    "late and stalled" if flag == "late" and s.stage == "stalled" else flag,
                    words,
                )
            ):
                self.stalled_table.setItem(r, c, QTableWidgetItem(v))

    def _open_stalled(self, row: int, _column: int) -> None:
        item = self.stalled_table.item(row, 0)
        if item is not None and item.text():
            self.open_piece.emit(item.text())

    def _open_replied(self, row: int, _column: int) -> None:
        item = self.replied_table.item(row, 0)
        if item is None or self.replies is None:
            return
        serial = item.data(Qt.ItemDataRole.UserRole)
        imb = next((w["letter_imb"] for w in self.replies.who if w["serial"] == serial), "")
        if imb:
            self.open_piece.emit(imb)

    def export_csv(self) -> None:
        if self.report is None:
            return
        path = self.ctx.ask_save_path(self, "Export the report", "report.csv", "CSV (*.csv)")
        if path is None:
            return
        try:
            with open(path, "w", newline="", encoding="utf-8-sig") as handle:
                write_report(self.report, handle, self.ctx.db.identity() if self.ctx.db else "")
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"{path} could not be written: {exc.strerror or exc}")
            return
        self.message.emit(f"Saved {path}", 5000)

    def export_pdf(self) -> None:
        if self.report is None:
            return
        path = self.ctx.ask_save_path(self, "Export the report", "report.pdf", "PDF (*.pdf)")
        if path is None:
            return
        self.write_pdf(path)
        if not path.is_file():
            QMessageBox.warning(self, "Not saved", f"{path} could not be written; choose another folder")
            return
        self.message.emit(f"Saved {path}", 5000)

    def write_pdf(self, path: Path) -> None:
        """The summary lines and the three charts on US Letter pages."""
        assert self.report is not None
        writer = QPdfWriter(str(path))
        writer.setTitle(f"IMb Tracker report: {self.report.mailing}")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.Letter),
                QPageLayout.Orientation.Portrait,
                QMarginsF(36, 36, 36, 36),
            )
        )
        writer.setResolution(144)
        painter = QPainter(writer)
        page = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
        page.moveTo(0, 0)
        ink = QColor("black")
        y = 0.0
        line = painter.fontMetrics().height() * 1.2
        extra = self.replies.lines() if self.replies is not None and self.replies.has_replies else []
        for text in report_lines(self.report) + extra:
            if y + line > page.height():
                writer.newPage()
                y = 0.0
            painter.drawText(QRectF(0, y, page.width(), line), Qt.AlignmentFlag.AlignLeft, text)
            y += line
        chart_h = page.height() / 3.2
        writer.newPage()
        charts = [self.stage_chart, self.days_chart, self.state_chart]
        if self.replies is not None and self.replies.has_replies:
            charts.append(self.reply_chart)
        for i, chart in enumerate(charts):
            if i and i % 3 == 0:
                writer.newPage()
            chart.paint_into(painter, QRectF(0, (i % 3) * (chart_h + 10), page.width(), chart_h), ink)
        painter.end()
