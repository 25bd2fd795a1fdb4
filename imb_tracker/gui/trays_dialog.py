"""A mailing's trays: build them, see each with its count and status, open one to its pieces, and
print the tags, the manifest and the pallet placards from here.

Everything goes through ``actions.containers`` (the one door); long work runs in the background.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import sheet_template
from imb_tracker.actions.containers import (
    TrayStatus,
    build_trays,
    container_pieces_of,
    content_words,
    print_mailing_tags,
    print_placards,
    set_lines,
    tray_statuses,
    write_manifest_csv,
    write_manifest_pdf,
)
from imb_tracker.store.engine import Database

from .context import AppContext
from .tasks import Reporter
from .widgets import dialog_buttons, error_text, file_stem, local_time, readonly_table

log = logging.getLogger(__name__)

LINE1_COLUMN = 3


class TraysDialog(QDialog):
    """Opened from Mailings › Trays…; ``pdf_ready`` carries a written PDF to the preview."""

    pdf_ready = Signal(str, str)

    def __init__(self, ctx: AppContext, mailing: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mailing = mailing
        self.statuses: list[TrayStatus] = []
        self.setWindowTitle(f"Trays of {mailing}")
        self.setAccessibleName("Trays")
        self.resize(980, 600)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.per_tray = QSpinBox()
        self.per_tray.setRange(0, 5000)
        self.per_tray.setSpecialValueText("as many as fit")
        self.per_tray.setValue(ctx.settings.tray_pieces)
        self.per_tray.setPrefix("letters per tray: ")
        self.per_tray.setAccessibleName("Letters per tray")
        self.per_tray.setToolTip(
            f"0: as many as fit a 1-foot tray at {ctx.settings.piece_thickness:g} in a letter (Settings)"
        )
        self.sack = QCheckBox("Sa&cks")
        self.sack.setToolTip("Sacks instead of trays (flats and parcels; letters go in trays)")
        self.build_button = QPushButton("&Build trays")
        self.build_button.setAccessibleName("Build trays")
        self.summary = QLabel()
        self.summary.setAccessibleName("Trays summary")
        for w in (self.per_tray, self.sack, self.build_button):
            top.addWidget(w)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = readonly_table(
            "Trays table", ["Tray", "Pieces", "Status", "Line 1", "Contents", "Serials", "Barcode"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )  # only Line 1's cells are editable (their flags); the other columns are read-only
        self.table.setToolTip("Double-click a tray's Line 1 to change it (at most 30 characters)")
        self.pieces = readonly_table("Pieces in the tray", ["Serial", "Name", "City", "ZIP", "Status"])
        split.addWidget(self.table)
        split.addWidget(self.pieces)
        layout.addWidget(split, 1)

        self.tags_button = QPushButton("Print &tags…")
        self.tags_button.setAccessibleName("Print the tray tags")
        self.manifest_button = QPushButton("&Manifest…")
        self.manifest_button.setAccessibleName("Tray manifest")
        self.placards_button = QPushButton("&Pallet placards…")
        self.placards_button.setAccessibleName("Pallet placards")
        layout.addLayout(dialog_buttons(self, [self.tags_button, self.manifest_button, self.placards_button]))

        self.build_button.clicked.connect(self.build)
        self.table.itemSelectionChanged.connect(self.show_pieces)
        self.table.itemChanged.connect(self.edit_line1)
        self.tags_button.clicked.connect(self.print_tags)
        self.manifest_button.clicked.connect(self.print_manifest)
        self.placards_button.clicked.connect(self.print_placards)
        self.reload()

    # ------------------------------------------------------------ showing

    def reload(self) -> None:
        db, backend = self.ctx.db, self.ctx.backend
        if db is None or backend is None:
            return
        self.table.blockSignals(True)  # filling the cells is not an edit
        try:
            self._fill(db, backend.clock())
        finally:
            self.table.blockSignals(False)

    def _fill(self, db: Database, now: datetime) -> None:
        self.statuses = tray_statuses(db, self.mailing, now, self.ctx.settings.tray_unseen_days)
        self.table.setRowCount(len(self.statuses))
        for r, s in enumerate(self.statuses):
            c = s.container
            cells = (
                (f"{c.kind} {c.number}", ""),
                (f"{c.pieces:,}", ""),
                (s.words + (f", last scan {local_time(s.last_scan)}" if s.last_scan else ""), ""),
                (c.line1, ""),
                (content_words(c.line2), f"Line 2: {c.line2}"),
                (f"{c.first_serial}-{c.last_serial}" if c.first_serial is not None else "", ""),
                (c.barcode, "the 24-digit tray barcode"),
            )
            for col, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip or text)
                if col != LINE1_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, col, item)
        self.table.resizeColumnsToContents()
        for col in (2, 4):  # status and contents share the width; the whole text is in the tooltip
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), 280))
        have = bool(self.statuses)
        pieces = sum(s.container.pieces for s in self.statuses)
        self.summary.setText(
            f"{len(self.statuses)} tray(s) holding {pieces:,} piece(s)"
            if have
            else "No trays yet: Build trays"
        )
        self.build_button.setText("Re&build trays" if have else "&Build trays")
        for b in (self.tags_button, self.manifest_button, self.placards_button):
            b.setEnabled(have)
        if have:
            self.table.selectRow(0)

    def edit_line1(self, item: QTableWidgetItem) -> None:
        """A tray's Line 1 typed into its cell: stored (upper case, at most 30 characters) or refused."""
        if item.column() != LINE1_COLUMN or self.ctx.db is None:
            return
        tray = self.statuses[item.row()].container
        try:
            set_lines(self.ctx.db, self.mailing, tray.number, kind=tray.kind, line1=item.text())
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, "Line 1 not changed", str(exc))
        self.reload()

    def show_pieces(self) -> None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or self.ctx.db is None:
            self.pieces.setRowCount(0)
            return
        members = container_pieces_of(self.ctx.db, self.statuses[rows[0].row()].container.id)
        self.pieces.setRowCount(len(members))
        for r, m in enumerate(members):
            for col, text in enumerate(
                (
                    str(m["serial"]),
                    m["name"] or m["company"],
                    f"{m['city']} {m['state']}",
                    m["zip5"],
                    m["words"] or "",
                )
            ):
                self.pieces.setItem(r, col, QTableWidgetItem(str(text)))
        self.pieces.resizeColumnsToContents()

    # ------------------------------------------------------------ work

    def build(self) -> None:
        db = self.ctx.db
        if db is None:
            return
        replace = bool(self.statuses)
        if replace:
            answer = QMessageBox.question(
                self,
                "Build the trays again",
                "Build the trays again? The tags already printed for them become void (their barcodes are "
                "never used again), so print the new tags too.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            made = build_trays(
                db,
                self.mailing,
                self.ctx.settings,
                per_tray=self.per_tray.value() or None,
                sack=self.sack.isChecked(),
                replace=replace,
                workstation=self.ctx.settings.workstation,
            )
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, "No trays built", str(exc))
            return
        self.reload()
        self.summary.setText(self.summary.text() + f" — built {len(made)}")

    def _ask(self, title: str, name: str) -> Path | None:
        return self.ctx.ask_save_path(self, title, f"{file_stem(self.mailing, 60)}-{name}.pdf", "PDF (*.pdf)")

    def _run(self, job: object, what: str) -> None:
        def done(path: object) -> None:
            self.reload()
            self.pdf_ready.emit(str(path), "preview")

        def failed(exc: BaseException) -> None:
            self.summary.setText(error_text(f"{what}: {exc}"))

        assert callable(job)
        self.ctx.tasks.run(job, on_done=done, on_error=failed)

    def print_tags(self) -> None:
        path = self._ask("Save the tray tags", "tray-tags")
        if path is None or self.ctx.db is None:
            return
        db, mailing, stock = self.ctx.db, self.mailing, self.ctx.settings.tag_stock or "avery-5371"

        def job(_reporter: Reporter) -> Path:
            print_mailing_tags(db, mailing, sheet_template(stock, "tags"), path)
            return path

        self._run(job, "Tags not printed")

    def print_manifest(self) -> None:
        path = self.ctx.ask_save_path(
            self,
            "Save the tray manifest",
            f"{file_stem(self.mailing, 60)}-manifest.pdf",
            "PDF (*.pdf);;CSV (*.csv)",
        )
        if path is None or self.ctx.db is None:
            return
        db, mailing = self.ctx.db, self.mailing
        if path.suffix.lower() == ".csv":
            try:
                with path.open("w", newline="", encoding="utf-8-sig") as handle:
                    write_manifest_csv(db, mailing, handle, excel=True)
            except OSError as exc:
                QMessageBox.warning(self, "Not saved", f"{path} could not be written: {exc.strerror or exc}")
                return
            self.summary.setText(f"Saved {path}")
            return

        def job(_reporter: Reporter) -> Path:
            write_manifest_pdf(db, mailing, path)
            return path

        self._run(job, "Manifest not written")

    def print_placards(self) -> None:
        path = self._ask("Save the pallet placards", "placards")
        if path is None or self.ctx.db is None:
            return
        db, mailing, settings = self.ctx.db, self.mailing, self.ctx.settings

        def job(_reporter: Reporter) -> Path:
            print_placards(db, path, settings, mailing=mailing, workstation=settings.workstation)
            return path

        self._run(job, "Placards not printed")
