"""A mailing from a list: pick the file → map columns (with a preview) → per-row report → ZIP+4 → create.

Every step calls the same mail/store/tracking functions as ``imb-tracker
import``; reading, checking, ZIP+4 completion and saving run in the
background with progress, and the mailing is written all or nothing.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from imb_tracker.actions import importing
from imb_tracker.actions.backend import explain
from imb_tracker.actions.catalog import FIELDS, check_mapping, detect_mapping, report_csv
from imb_tracker.errors import CancelledError
from imb_tracker.imb.resources import resource_path
from imb_tracker.mail import ListError, ListResult
from imb_tracker.store.errors import SerialReuseError, StoreError
from imb_tracker.store.mailings import MailingSummary
from imb_tracker.tracking.addresses import CompletionSummary

from .context import AppContext
from .tasks import Reporter, TaskHandle
from .widgets import confirm_reuse, error_text, ok_text, warning_text

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "address1": "Street address",
    "address2": "Apt / suite",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "zip4": "ZIP+4",
    "delivery_point": "Delivery point",
}
PREVIEW_ROWS = 8
DELIMITER_CHOICES = (
    ("Detected", ""),
    ("Comma ,", ","),
    ("Tab", "\t"),
    ("Semicolon ;", ";"),
    ("Pipe |", "|"),
)


def sample_list() -> Path:
    return resource_path("sample", "demo_list.csv")


class FilePage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Choose the list")
        self.setSubTitle(
            "A CSV, TSV/TXT (any common encoding) or Excel .xlsx file with one recipient per row."
        )
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("List file")
        browse = QPushButton("B&rowse…")
        browse.setAccessibleName("Browse for the list file")
        sample = QPushButton("Use the &sample list")
        sample.setAccessibleName("Use the sample list")
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        row.addWidget(sample)
        self.name = QLineEdit()
        self.name.setAccessibleName("Mailing name")
        self.name.setPlaceholderText("e.g. Spring appeal 2026")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        file_label = QLabel("List &file")
        file_label.setBuddy(self.path)  # a label on a row of widgets has no buddy of its own: "&File" showed
        form.addRow(file_label, row)
        form.addRow("Mailing na&me", self.name)
        form.addRow(self.problem)
        browse.clicked.connect(self.browse)
        sample.clicked.connect(lambda: self.path.setText(str(sample_list())))
        self.path.textChanged.connect(self._changed)
        self.name.textChanged.connect(self._changed)

    def browse(self) -> None:
        path = self.ctx.ask_open_path(
            self, "Choose the list", "Lists (*.csv *.tsv *.txt *.xlsx);;All files (*)"
        )
        if path is not None:
            self.path.setText(str(path))

    def _changed(self) -> None:
        path = Path(self.path.text().strip())
        if self.path.text().strip() and not self.name.text().strip() and path.is_file():
            self.name.setText(path.stem.replace("_", " ").title())
        self.problem.setText(
            error_text(self.why_not()) if self.path.text().strip() and self.why_not() else ""
        )
        self.completeChanged.emit()

    def why_not(self) -> str:
        path = Path(self.path.text().strip())
        if not path.is_file():
            return f"{path} does not exist"
        if not self.name.text().strip():
            return "Give the mailing a name"
        if self.ctx.db is not None:
            try:
                importing.check_name(self.ctx.db, self.ctx.mailer_mid(), self.name.text().strip())
            except (StoreError, ValueError) as exc:
                return str(exc)
        return ""

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self.why_not()


class MappingPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Match the columns")
        self.setSubTitle("Which column holds what. Detected from the headers; change any that are wrong.")
        layout = QVBoxLayout(self)
        how = QHBoxLayout()
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Worksheet to read")
        self.sheet_label = QLabel("&Sheet")
        self.sheet_label.setBuddy(self.sheet)
        self.delimiter = QComboBox()
        self.delimiter.setAccessibleName("Delimiter")
        for text, value in DELIMITER_CHOICES:
            self.delimiter.addItem(text, value)
        self.delimiter_label = QLabel("&Delimiter")
        self.delimiter_label.setBuddy(self.delimiter)
        for widget in (self.sheet_label, self.sheet, self.delimiter_label, self.delimiter):
            how.addWidget(widget)
        how.addStretch(1)
        self.check_zips = QCheckBox(
            "Check each ZIP against its city and state (offline ZIP list, no account)"
        )
        self.check_zips.setAccessibleName("Check ZIP Codes offline")
        self.check_zips.setChecked(True)
        how.addWidget(self.check_zips)
        layout.addLayout(how)
        self.sheet.currentIndexChanged.connect(self._reread)
        self.delimiter.currentIndexChanged.connect(self._reread)
        self._path = ""
        grid = QGridLayout()
        self.combos: dict[str, QComboBox] = {}
        for i, field in enumerate(FIELDS):
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {FIELD_LABELS[field]}")
            combo.currentIndexChanged.connect(self._changed)
            self.combos[field] = combo
            grid.addWidget(QLabel(FIELD_LABELS[field]), i // 3, (i % 3) * 2)
            grid.addWidget(combo, i // 3, (i % 3) * 2 + 1)
        layout.addLayout(grid)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.preview = QTableWidget()
        self.preview.setAccessibleName("First rows of the list")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(QLabel(f"The first {PREVIEW_ROWS} rows:"))
        layout.addWidget(self.preview, 1)
        self.headers: list[str] = []
        self.info = ""

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        path = wizard.file_page.path.text().strip()
        if path != self._path:  # a new file: its sheets, and the delimiter detected again
            self._path = path
            for combo in (self.sheet, self.delimiter):
                combo.blockSignals(True)
            self.sheet.clear()
            try:
                names = importing.sheets(path)
            except (ListError, OSError):
                names = []
            for name in names:
                self.sheet.addItem(name, name)
            self.delimiter.setCurrentIndex(0)
            for combo in (self.sheet, self.delimiter):
                combo.blockSignals(False)
            workbook = bool(names)
            for widget in (self.sheet_label, self.sheet):
                widget.setVisible(workbook and len(names) > 1)
            for widget in (self.delimiter_label, self.delimiter):
                widget.setVisible(not workbook)
        self._load(path)

    def options(self) -> importing.ReadOptions:
        """The sheet and delimiter chosen above the columns (None: the reader's own choice)."""
        sheet = self.sheet.currentData() if self.sheet.isVisibleTo(self) and self.sheet.count() else None
        delimiter = self.delimiter.currentData() if self.delimiter.isVisibleTo(self) else None
        return importing.ReadOptions(
            sheet=sheet, delimiter=delimiter or None, check_zips=self.check_zips.isChecked()
        )

    def _reread(self) -> None:
        if self._path:
            self._load(self._path)

    def _load(self, path: str) -> None:
        try:
            table = importing.preview(path, self.options())
        except (ListError, OSError) as exc:
            self.problem.setText(error_text(str(exc)))
            self.headers = []
            self.completeChanged.emit()
            return
        self.headers = table.headers
        rows = [cells for _, cells in itertools.islice(table.rows, PREVIEW_ROWS)]
        self.info = f"read as {table.encoding}" + (
            f", sheet {table.sheet!r}" if table.sheet else f", delimiter {table.delimiter!r}"
        )
        detected = detect_mapping(table.headers)
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("(none)", -1)
            for i, header in enumerate(table.headers):
                combo.addItem(header or f"column {i + 1}", i)
            combo.setCurrentIndex(combo.findData(detected.get(field, -1)))
            combo.blockSignals(False)
        self.preview.setColumnCount(len(table.headers))
        self.preview.setHorizontalHeaderLabels(table.headers)
        self.preview.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells[: len(table.headers)]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()
        self._changed()

    def mapping(self) -> dict[str, int]:
        return {
            f: int(c.currentData())
            for f, c in self.combos.items()
            if c.currentData() is not None and int(c.currentData()) >= 0
        }

    def why_not(self) -> str:
        if not self.headers:
            return "the list could not be read"
        mapping = self.mapping()
        used = list(mapping.values())
        if len(used) != len(set(used)):
            return "one column is chosen for two fields; a column feeds one field only"
        try:
            check_mapping(self.headers, mapping)
        except ListError as exc:
            return str(exc).split(". Name them with")[0]
        return ""

    def _changed(self) -> None:
        problem = self.why_not()
        self.problem.setText(
            error_text(problem) if problem else ok_text(f"Columns look right ({self.info}).")
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.why_not()


class CheckPage(QWizardPage):
    """Reads and validates every row in the background; shows the per-row report with a filter."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Check the addresses")
        self.setSubTitle(
            "Every row checked: errors are left out of the mailing, warnings go in (look at them)."
        )
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Check summary")
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.severity = QComboBox()
        self.severity.setAccessibleName("Show problems")
        self.severity.addItem("All problems", "")
        self.severity.addItem("Errors (rows left out)", "error")
        self.severity.addItem("Warnings", "warning")
        self.save_report = QPushButton("Save the &report…")
        self.save_report.setAccessibleName("Save the report as CSV")
        row.addWidget(self.severity)
        row.addStretch(1)
        row.addWidget(self.save_report)
        layout.addLayout(row)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Problems by row")
        self.table.setHorizontalHeaderLabels(["Severity", "Row", "Column", "Problem", "Fix"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.zip4 = QCheckBox("Complete missing ZIP+4 and delivery points with the USPS Addresses service")
        self.zip4.setAccessibleName("Complete ZIP+4")
        layout.addWidget(self.zip4)
        self.zip4_later = QCheckBox(
            "… after the mailing is created, in the background (print once it is done)"
        )
        self.zip4_later.setAccessibleName("Complete ZIP+4 in the background")
        self.zip4_later.setEnabled(False)
        self.zip4.toggled.connect(self.zip4_later.setEnabled)
        layout.addWidget(self.zip4_later)
        self.zip4_note = QLabel(
            "Optional. Since 12 July 2026 the USPS Addresses service is a paid, licensed product: it needs "
            "your own API key (Settings → USPS). Letters mail fine with the 5-digit ZIP."
        )
        self.zip4_note.setWordWrap(True)
        self.zip4_note.setAccessibleName("About ZIP+4 completion")
        layout.addWidget(self.zip4_note)
        self.result: ListResult | None = None
        self.task: TaskHandle | None = None
        self.severity.currentIndexChanged.connect(self.fill)
        self.save_report.clicked.connect(self.write_report)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        path, mapping = Path(wizard.file_page.path.text().strip()), wizard.mapping_page.mapping()
        options = wizard.mapping_page.options()
        self.result = None
        self.summary.setText("Reading and checking every row …")
        self.completeChanged.emit()

        def work(_reporter: Reporter) -> ListResult:
            return importing.read(path, mapping, options)

        def done(result: object) -> None:
            assert isinstance(result, ListResult)
            self.result = result
            errors = len(result.invalid_rows)
            text = (
                f"{result.rows_read:,} row(s) read: <b>{len(result.records):,}</b> go into the mailing, "
                f"<b>{errors:,}</b> left out because of errors, {len(result.warnings):,} warning(s)."
            )
            self.summary.setText(
                text if result.records else error_text("No valid recipient rows: nothing to import.")
            )
            self.zip4.setText(self.zip4_estimate(result))
            self.fill()
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            self.summary.setText(error_text(str(exc)))

        self.task = self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def zip4_estimate(self, result: ListResult) -> str:
        """The ZIP+4 choice with how many lookups it takes and how long, before anything starts."""
        missing = sum(1 for r in result.records if not r.zip4)
        base = "Complete missing ZIP+4 and delivery points with the USPS Addresses service"
        if not missing:
            return base + " (every row has its ZIP+4 already)"
        backend = self.ctx.backend
        if backend is not None and backend.demo:
            return base + f" — {missing:,} lookups, a few seconds with the demo stand-in"
        per_hour = max(self.ctx.settings.addresses_quota_per_hour, 1)
        hours = missing / per_hour
        took = f"about {hours * 60:.0f} minutes" if hours < 1.5 else f"about {hours:.1f} hours"
        return base + f" — {missing:,} lookups at {per_hour:,} an hour: {took}"

    def fill(self) -> None:
        if self.result is None:
            return
        wanted = self.severity.currentData()
        problems = [p for p in self.result.problems if not wanted or p.severity == wanted]
        self.table.setRowCount(len(problems))
        for r, p in enumerate(problems):
            shade = QColor("#fde7e7" if p.severity == "error" else "#fff6d6")
            where = str(p.row) if p.row else "file"
            for c, value in enumerate((p.severity, where, p.column, p.problem, p.fix)):
                item = QTableWidgetItem(value)
                item.setBackground(shade)
                item.setForeground(QColor("#7a1010" if p.severity == "error" else "#5c4300"))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def write_report(self) -> None:
        if self.result is None:
            return

        path = self.ctx.ask_save_path(self, "Save the report", "report.csv", "CSV (*.csv)")
        if path is None:
            return
        try:
            path.write_text(report_csv(self.result), encoding="utf-8-sig")
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"{path} could not be written: {exc.strerror or exc}")

    def isComplete(self) -> bool:
        return self.result is not None and bool(self.result.records)


class CreatePage(QWizardPage):
    """Optional ZIP+4 completion, then the mailing is created (all or nothing), both with progress and cancel."""

    created = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Create the mailing")
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Import progress")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress bar")
        self.cancel = QPushButton("&Cancel")
        self.cancel.setAccessibleName("Cancel the import")
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel)
        self.later_status = QLabel()
        self.later_status.setWordWrap(True)
        self.later_status.setAccessibleName("ZIP+4 completion in the background")
        self.later_progress = QProgressBar()
        self.later_progress.setAccessibleName("ZIP+4 completion progress")
        self.later_status.hide()
        self.later_progress.hide()
        self.later_task: TaskHandle | None = None
        layout.addWidget(self.later_status)
        layout.addWidget(self.later_progress)
        layout.addStretch(1)
        self.summary: MailingSummary | None = None
        self.task: TaskHandle | None = None
        self.cancel.clicked.connect(lambda: self.task.cancel() if self.task else None)

    def initializePage(self) -> None:
        if self.summary is not None:  # back and forward again after it was made: never a second mailing
            return
        self.start(allow_reuse=False)

    def _busy(self, busy: bool) -> None:
        """While saving: no Back (the page must not be left half-way); after it, Back is there again."""
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(not busy and self.summary is None)

    def start(self, allow_reuse: bool) -> None:
        """Save the mailing in the background; ``allow_reuse`` once the user confirmed a serial wrap."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        check = wizard.check_page
        assert check.result is not None and self.ctx.db is not None and self.ctx.backend is not None
        result = check.result
        later = check.zip4.isChecked() and check.zip4_later.isChecked()
        zip4 = check.zip4.isChecked() and not later
        db, backend = self.ctx.db, self.ctx.backend
        mid, name = self.ctx.mailer_mid(), wizard.file_page.name.text().strip()
        source, workstation = wizard.file_page.path.text().strip(), self.ctx.workstation
        skipped = len(check.result.invalid_rows)
        self.summary = None
        self.cancel.setEnabled(True)
        self._busy(True)

        def work(reporter: Reporter) -> tuple[MailingSummary, CompletionSummary | None]:
            done = importing.save(
                db,
                result,
                mid,
                name,
                source=source,
                complete_zip4=zip4,
                backend=backend,
                workstation=workstation,
                cancel=reporter.cancel_event,
                progress=reporter.progress,
                allow_reuse=allow_reuse,
            )
            assert done.summary is not None
            return done.summary, done.completion

        def progress(done: int, total: int, text: str) -> None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
            self.status.setText(f"{text}: {done:,} of {total:,}")

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            summary: MailingSummary = result[0]
            completion: CompletionSummary | None = result[1]
            self.summary = summary
            self.cancel.setEnabled(False)
            self._busy(False)
            lines = [
                f"Created mailing <b>{summary.name}</b>: {summary.piece_count:,} pieces, serials "
                f"{summary.first_serial}-{summary.last_serial}."
            ]
            if skipped:
                lines.append(warning_text(f"{skipped:,} row(s) with errors were left out (see the report)."))
            if completion is not None:
                lines.append(completion.line())
            if later:
                lines.append("Completing ZIP+4 in the background (below); print once it is done.")
            lines.append("Next: print envelopes or labels from the Mailings page.")
            self.status.setText("<br>".join(lines))
            if later:
                self.complete_in_background(summary.name)
            self.progress.setValue(self.progress.maximum())
            self.ctx.data_changed.emit()
            self.created.emit(summary)
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            self.cancel.setEnabled(False)
            self._busy(False)
            if isinstance(exc, SerialReuseError) and confirm_reuse(self, exc):
                self.start(allow_reuse=True)
                return
            text = (
                str(exc)
                if isinstance(exc, (StoreError, ValueError, LookupError, CancelledError))
                else explain(exc)
            )
            self.status.setText(
                error_text(text)
                + "<br>Nothing was saved. Go <b>Back</b> to change the choices and try again."
            )

        self.status.setText("Working …")
        self.task = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=progress)

    def complete_in_background(self, mailing: str) -> None:
        """ZIP+4 for the mailing just made, with its own progress; it goes on if the wizard is closed."""
        db, backend = self.ctx.db, self.ctx.backend
        assert db is not None and backend is not None
        self.later_status.show()
        self.later_progress.show()
        self.later_status.setText("ZIP+4 lookups starting …")

        def work(reporter: Reporter) -> CompletionSummary:
            return importing.complete_later(
                db, backend, mailing, progress=reporter.progress, cancel=reporter.cancel_event
            )

        def progress(done: int, total: int, _text: str) -> None:
            self.later_progress.setMaximum(max(total, 1))
            self.later_progress.setValue(done)
            self.later_status.setText(f"ZIP+4 lookups: {done:,} of {total:,}")

        def done(result: object) -> None:
            assert isinstance(result, CompletionSummary)
            self.later_progress.setValue(self.later_progress.maximum())
            self.later_status.setText(ok_text(result.line() + " — the mailing is ready to print."))
            self.ctx.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.later_status.setText(
                error_text(explain(exc) + " The mailing is saved; it prints with 5-digit ZIPs.")
            )

        self.later_task = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=progress)

    def isComplete(self) -> bool:
        return self.summary is not None


class ImportWizard(QWizard):
    created = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, path: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a mailing list")
        self.setAccessibleName("Import wizard")
        self.file_page = FilePage(ctx)
        self.mapping_page = MappingPage()
        self.check_page = CheckPage(ctx)
        self.create_page = CreatePage(ctx)
        for page in (self.file_page, self.mapping_page, self.check_page, self.create_page):
            self.addPage(page)
        self.create_page.created.connect(self.created)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        if path:
            self.file_page.path.setText(path)
        self.resize(900, 640)
