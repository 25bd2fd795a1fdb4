"""Reply mail: design a BRM, CRM, PRM or Share Mail reply piece with a live preview, then print it.

The form is read into ``actions.replies.draft_design`` on every change (the same
checks as saving, nothing stored), and the piece is drawn by the One letter
page's ``EnvelopePreview`` from the same layout the PDF uses.  Printing replies
for a mailing runs in the background and writes one reply per letter, in the
envelopes' order (or each after its letter, interleaved).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import list_mailers, list_mailings
from imb_tracker.actions.printing import RulesBrokenError, envelope_options
from imb_tracker.actions.replies import (
    KIND_NAMES,
    ReplyDesign,
    ReplyOptions,
    ReplyPrint,
    add_reply_design,
    delete_design,
    draft_design,
    list_designs,
    print_replies,
    save_design_options,
)

from .context import AppContext
from .letter_page import EnvelopePreview
from .tasks import Reporter
from .widgets import ShownPage, error_text, file_stem, ok_text, position_combo, warning_text

log = logging.getLogger(__name__)

#: the reply templates offered first (any envelope template can be chosen)
REPLY_TEMPLATES = {"9": "#9 envelope (inside a #10)", "6-3/4": "#6¾ envelope", "card": "Card 6 × 4.25 in"}


class ReplyPage(ShownPage):
    """The design (chosen at the top, or a new one) with its form, its live preview, and Print replies."""

    message = Signal(str, int)
    busy = Signal(str, int, int)  # text, done, total (total 0: finished)
    pdf_ready = Signal(str, str)  # path, "preview"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: ReplyDesign | None = None  # the stored design shown, None while drafting a new one
        outer = QHBoxLayout(self)

        middle = QVBoxLayout()
        self.designs = QComboBox()
        self.designs.setAccessibleName("Reply designs")
        self.designs.setMinimumContentsLength(14)
        self.designs.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.new_button = QPushButton("Ne&w design")
        self.new_button.setAccessibleName("New reply design")
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setAccessibleName("Delete reply design")
        row = QHBoxLayout()
        designs_label = QLabel("Repl&y design")
        designs_label.setBuddy(self.designs)
        row.addWidget(designs_label)
        row.addWidget(self.designs, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        middle.addLayout(row)
        box = QGroupBox("The reply piece")
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setAccessibleName("Design name")
        self.name.setPlaceholderText("e.g. Spring appeal BRM")
        self.mailer = QComboBox()
        self.mailer.setAccessibleName("Mailer ID of the reply")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Reply kind")
        for key, words in KIND_NAMES.items():
            self.kind.addItem(words, key)
        self.lines = QPlainTextEdit()
        self.lines.setAccessibleName("Reply address lines")
        self.lines.setPlaceholderText("ACME FUND\nPO BOX 1234\nSPRINGFIELD IL 62704-1234")
        self.lines.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        self.zip = QLineEdit()
        self.zip.setAccessibleName("Reply ZIP+4 or 11-digit delivery point")
        self.zip.setPlaceholderText("ZIP+4 (BRM, QBRM) or 11 digits (CRM)")
        self.permit = QLineEdit()
        self.permit.setAccessibleName("Permit number")
        self.permit_city = QLineEdit()
        self.permit_city.setAccessibleName("Permit city and state")
        self.permit_city.setPlaceholderText("CITY ST")
        self.by_zip = QCheckBox("Trace by ZIP")
        self.by_zip.setAccessibleName("Trace by ZIP")
        self.by_zip.setToolTip(
            "Use the kind's 'by ZIP' service type: IV shows the scans to whoever it entitles to the reply "
            "ZIP+4, not to the owner of the Mailer ID"
        )
        self.static = QCheckBox("Static IMb (counts only)")
        self.static.setAccessibleName("Static reply IMb")
        self.static.setToolTip(
            "One IMb for the whole print run: you learn how many replied and when, not who"
        )
        form.addRow("&Name", self.name)
        form.addRow("&Mailer ID", self.mailer)
        form.addRow("K&ind", self.kind)
        form.addRow("&Address", self.lines)
        form.addRow("&ZIP", self.zip)
        form.addRow("Permi&t", self.permit)
        form.addRow("Permit &city", self.permit_city)
        modes = QHBoxLayout()
        modes.addWidget(self.by_zip)
        modes.addWidget(self.static)
        modes.addStretch(1)
        form.addRow("", modes)
        middle.addWidget(box)
        look = QGroupBox("How it prints")
        lf = QFormLayout(look)
        self.template = QComboBox()
        self.template.setAccessibleName("Reply template")
        for tid, label in REPLY_TEMPLATES.items():
            self.template.addItem(label, tid)
        self.position = position_combo("Reply barcode position")
        self.bars = QCheckBox("Bars (BRM)")
        self.bars.setToolTip("The horizontal bars under the endorsement (optional with an IMb)")
        self.bars.setChecked(True)
        self.stamp_box = QCheckBox("Stamp box (CRM)")
        self.stamp_box.setToolTip("A 'place stamp here' box, within 1¾ in of the right edge")
        self.stamp_box.setChecked(True)
        lf.addRow("T&emplate", self.template)
        lf.addRow("&Barcode", self.position)
        checks = QHBoxLayout()
        checks.addWidget(self.bars)
        checks.addWidget(self.stamp_box)
        checks.addStretch(1)
        lf.addRow("", checks)
        middle.addWidget(look)
        self.save_button = QPushButton("&Save design")
        self.save_button.setAccessibleName("Save reply design")
        middle.addWidget(self.save_button)
        middle.addStretch(1)
        outer.addLayout(middle, 4)

        right = QVBoxLayout()
        self.preview = EnvelopePreview()
        self.preview.setAccessibleName("Reply preview")
        right.addWidget(self.preview, 3)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Reply rule check")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.problems, 1)
        job = QGroupBox("Print replies for a mailing")
        jl = QFormLayout(job)
        self.mailing = QComboBox()
        self.mailing.setAccessibleName("Mailing to print replies for")
        for combo in (self.mailing, self.mailer, self.template, self.position, self.kind):
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.interleave = QCheckBox("Interleave with the envelopes")
        self.interleave.setToolTip("Each letter's envelope, then its reply piece, in one PDF")
        self.interleave.setAccessibleName("Interleave envelopes and replies")
        self.print_button = QPushButton("P&rint replies…")
        self.print_button.setAccessibleName("Print replies for the mailing")
        jl.addRow("Mai&ling", self.mailing)
        jl.addRow("", self.interleave)
        jl.addRow("", self.print_button)
        right.addWidget(job)
        outer.addLayout(right, 5)

        #: what a stored design's IMbs depend on (fixed once stored), and how it prints (changeable)
        self._barcode_fields: tuple[QWidget, ...] = (
            self.name,
            self.mailer,
            self.kind,
            self.lines,
            self.zip,
            self.permit,
            self.permit_city,
            self.by_zip,
            self.static,
        )
        self._print_fields: tuple[QWidget, ...] = (self.template, self.position, self.bars, self.stamp_box)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.update_preview)
        for edit in (self.name, self.zip, self.permit, self.permit_city):
            edit.textChanged.connect(lambda _t: self._debounce.start())
        self.lines.textChanged.connect(self._debounce.start)
        for combo in (self.mailer, self.kind, self.template, self.position):
            combo.currentIndexChanged.connect(lambda _i: self._debounce.start())
        for check in (self.by_zip, self.static, self.bars, self.stamp_box):
            check.toggled.connect(lambda _on: self._debounce.start())
        self.designs.activated.connect(lambda index: self.show_design(self.designs.itemData(index)))
        self.new_button.clicked.connect(self.new_design)
        self.delete_button.clicked.connect(self.delete_current)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_for_mailing)
        ctx.data_changed.connect(self.reload)

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        """Re-read mailers, mailings and designs (only while shown: other pages change them)."""
        db = self.ctx.db
        if db is None:
            return
        keep_mailer, keep_mailing = self.mailer.currentData(), self.mailing.currentData()
        keep_design = self.current.name if self.current else None
        for combo in (self.mailer, self.mailing):
            combo.blockSignals(True)
            combo.clear()
        for m in list_mailers(db):
            self.mailer.addItem(f"{m.mid} {m.name}" + (" (Share Mail)" if m.share_mail else ""), m.mid)
        for mailing in reversed(list_mailings(db)):
            self.mailing.addItem(f"{mailing.name} ({mailing.piece_count:,})", mailing.name)
        self.mailer.setCurrentIndex(max(self.mailer.findData(keep_mailer), 0))
        self.mailing.setCurrentIndex(max(self.mailing.findData(keep_mailing), 0))
        for combo in (self.mailer, self.mailing):
            combo.blockSignals(False)
        self.designs.blockSignals(True)
        self.designs.clear()
        selected: ReplyDesign | None = None
        stored = list_designs(db)
        for d in stored:
            self.designs.addItem(f"{d.name} ({d.kind_name}, STID {d.stid}, {d.mode})", d)
            if d.name == keep_design:
                selected = d
        self.designs.addItem("(a new design)", None)
        self.designs.blockSignals(False)
        drafting = self.current is None and self.name.isEnabled() and self.name.text().strip()
        if selected is None and stored and not drafting:
            selected = stored[0]  # first visit, or the shown design was deleted: show the first one
        if selected is not None:
            self.show_design(selected)  # the stored design (just saved, or shown before)
        else:
            self.designs.setCurrentIndex(self.designs.count() - 1)
            self.update_preview()

    def show_design(self, design: object) -> None:
        """Fill the form from a stored design; its barcode fields are fixed (its IMbs exist)."""
        if not isinstance(design, ReplyDesign):
            self.new_design()  # "(a new design)" chosen
            return
        self.current = design
        self.designs.blockSignals(True)
        self.designs.setCurrentIndex(max(self.designs.findText(design.name, Qt.MatchFlag.MatchStartsWith), 0))
        self.designs.blockSignals(False)
        fields = (*self._barcode_fields, *self._print_fields)
        for w in fields:  # filling the form is not an edit: one preview at the end
            w.blockSignals(True)
        self.name.setText(design.name)
        self.mailer.setCurrentIndex(max(self.mailer.findData(design.mid), 0))
        self.kind.setCurrentIndex(max(self.kind.findData(design.kind), 0))
        self.lines.setPlainText("\n".join(design.lines))
        self.zip.setText(design.routing)
        self.permit.setText(design.permit)
        self.permit_city.setText(design.permit_city)
        self.static.setChecked(design.mode == "static")
        self.by_zip.setChecked(design.stid[1:2] == "5")
        o = design.options
        if self.template.findData(o.template) < 0:
            self.template.addItem(o.template, o.template)
        self.template.setCurrentIndex(self.template.findData(o.template))
        self.position.setCurrentIndex(max(self.position.findData(o.imb_position), 0))
        self.bars.setChecked(o.bars)
        self.stamp_box.setChecked(o.stamp_box)
        for w in fields:
            w.blockSignals(False)
        for w in self._barcode_fields:
            w.setEnabled(False)
        self.save_button.setText("&Save print options")
        self.update_preview()

    def new_design(self) -> None:
        """An empty form for a new design (the stored ones stay in the list)."""
        self.current = None
        self.designs.blockSignals(True)
        self.designs.setCurrentIndex(self.designs.count() - 1)
        self.designs.blockSignals(False)
        for edit in (self.name, self.zip, self.permit, self.permit_city):
            edit.clear()
        self.lines.clear()
        for field in self._barcode_fields:
            field.setEnabled(True)
        self.save_button.setText("&Save design")
        self.name.setFocus()
        self.update_preview()

    # ------------------------------------------------------------ preview and save

    def _options(self) -> ReplyOptions:
        return ReplyOptions(
            template=str(self.template.currentData() or "9"),
            imb_position=str(self.position.currentData() or "address-above"),
            bars=self.bars.isChecked(),
            stamp_box=self.stamp_box.isChecked(),
            arrival_zips=self.current.options.arrival_zips if self.current else (),
        )

    def _lines(self) -> list[str]:
        return [line for line in self.lines.toPlainText().splitlines() if line.strip()]

    def update_preview(self) -> None:
        db = self.ctx.db
        if db is None:
            return
        try:
            draft = draft_design(
                db,
                str(self.mailer.currentData() or ""),
                str(self.kind.currentData() or "brm"),
                self._lines(),
                self.zip.text(),
                name=self.name.text(),
                permit=self.permit.text(),
                permit_city=self.permit_city.text(),
                stid=self.current.stid if self.current else None,
                static=self.static.isChecked(),
                by_zip=self.by_zip.isChecked(),
                options=self._options(),
            )
        except (ValueError, LookupError) as exc:  # e.g. an unknown template in a stored design
            self.problems.setText(error_text(str(exc)))
            return
        self.preview.show_reply(draft.template, draft.layout)
        kind = draft.design.kind_name
        head = f"{kind}, STID {draft.design.stid}, FIM {draft.design.fim or 'none'}"
        if draft.problems:
            shown = "<br>".join(error_text(p) for p in draft.problems[:6])
            self.problems.setText(f"{head}<br>{shown}")
        else:
            self.problems.setText(f"{head}<br>{ok_text('Every rule checked passes')}")
        if draft.warnings:
            self.problems.setText(
                self.problems.text() + "<br>" + "<br>".join(warning_text(w) for w in draft.warnings)
            )

    def save(self) -> None:
        db = self.ctx.db
        if db is None:
            return
        try:
            if self.current is not None:
                saved = save_design_options(db, self.current.name, self._options())
                words = f"Saved how {saved.name!r} prints"
            else:
                saved, warnings = add_reply_design(
                    db,
                    str(self.mailer.currentData() or ""),
                    self.name.text(),
                    str(self.kind.currentData() or "brm"),
                    self._lines(),
                    self.zip.text(),
                    permit=self.permit.text(),
                    permit_city=self.permit_city.text(),
                    static=self.static.isChecked(),
                    by_zip=self.by_zip.isChecked(),
                    options=self._options(),
                    workstation=self.ctx.settings.workstation,
                )
                words = f"Saved reply design {saved.name!r} (STID {saved.stid})" + (
                    "; " + "; ".join(warnings) if warnings else ""
                )
        except RulesBrokenError as exc:
            QMessageBox.warning(
                self, "Not saved", f"{exc}\n\n" + "\n".join(p for _, _, p in exc.problems[:6])
            )
            return
        except (ValueError, LookupError) as exc:  # FieldError, NotFoundError, ConflictError …
            QMessageBox.warning(self, "Not saved", str(exc))
            return
        self.current = saved
        self.message.emit(words, 8000)
        self.ctx.data_changed.emit()

    def delete_current(self) -> None:
        db = self.ctx.db
        if db is None or self.current is None:
            return
        name = self.current.name
        answer = QMessageBox.question(self, "Delete reply design", f"Delete the reply design {name!r}?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_design(db, name)
        except (ValueError, LookupError) as exc:  # it has printed replies, for one
            QMessageBox.warning(self, "Not deleted", str(exc))
            return
        self.current = None
        self.message.emit(f"Deleted reply design {name!r}", 5000)
        self.ctx.data_changed.emit()

    # ------------------------------------------------------------ printing

    def print_for_mailing(self) -> None:
        db, mailing = self.ctx.db, self.mailing.currentData()
        if db is None or self.current is None or not mailing:
            self.message.emit("Save the design and pick a mailing first", 6000)
            return
        stem = file_stem(f"replies-{mailing}-{self.current.name}", 80)
        path = self.ctx.ask_save_path(self, "Save the reply pieces", f"{stem}.pdf", "PDF (*.pdf)")
        if path is None:
            return
        design, backend = self.current.name, self.ctx.backend
        interleave = envelope_options(self.ctx.settings) if self.interleave.isChecked() else None
        workstation = self.ctx.settings.workstation

        def work(reporter: Reporter) -> ReplyPrint:
            return print_replies(
                db,
                str(mailing),
                design,
                Path(path),
                interleave=interleave,
                workstation=workstation,
                progress=reporter.progress,
                backend=backend,
            )

        def done(result: object) -> None:
            assert isinstance(result, ReplyPrint)
            self.busy.emit("", 0, 0)
            self.print_button.setEnabled(True)
            if result.cancelled:
                self.message.emit("Cancelled; no reply PDF was kept", 6000)
                return
            self.message.emit(
                f"Wrote {result.pieces:,} reply piece(s) to {result.path} ({result.linked_now:,} new reply IMbs)",
                0,
            )
            self.pdf_ready.emit(str(result.path), "preview")
            self.ctx.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.busy.emit("", 0, 0)
            self.print_button.setEnabled(True)
            if isinstance(exc, RulesBrokenError):
                QMessageBox.warning(
                    self, "Not printed", f"{exc}\n\n" + "\n".join(p for _, _, p in exc.problems[:6])
                )
            else:
                QMessageBox.warning(self, "Not printed", str(exc))

        self.print_button.setEnabled(False)
        self.ctx.tasks.run(
            work,
            on_done=done,
            on_error=failed,
            on_progress=lambda n, total, _text: self.busy.emit("Reply pieces", n, total),
        )
