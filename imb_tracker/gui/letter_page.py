"""One letter: type an address, see the envelope to scale with its IMb, then print or save the PDF.

The preview is the layout service's own placement (the same ``layout_piece``
the PDF uses) painted with QPainter, with the bars from ``imb.geometry``; the
rule check's messages show beside it.  The piece is stored with a fresh
serial before the PDF is written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.catalog import (
    ADDRESS_FIELDS,
    envelope_template,
    get_mailer,
    layout_piece,
    placement_rules,
    return_block,
)
from imb_tracker.actions.letters import (
    check_letter,
    letter_preview,
    print_letter,
    reprint,
    same_recipient_today,
)
from imb_tracker.actions.printing import RulesBrokenError, envelope_options
from imb_tracker.imb import NOMINAL, ImbError, barcode_geometry, stid_table
from imb_tracker.layout.envelopes import EnvelopeOptions, PieceLayout
from imb_tracker.layout.templates import EnvelopeTemplate
from imb_tracker.records import StoredPiece
from imb_tracker.store.errors import SerialReuseError, StoreError

from .context import AppContext
from .widgets import (
    confirm_reuse,
    envelope_combo,
    error_text,
    file_stem,
    ok_text,
    position_combo,
    warning_text,
)

log = logging.getLogger(__name__)

LABELS = {
    "name": "&Name",
    "company": "C&ompany",
    "address1": "Street a&ddress",
    "address2": "Apt / suite",
    "city": "Cit&y",
    "state": "St&ate",
    "zip": "&ZIP",
    "zip4": "ZIP+&4",
    "delivery_point": "Delivery point",
}


class EnvelopePreview(QWidget):
    """The envelope scaled to fit, drawn from the same layout the PDF uses.

    One letter shows an outbound piece (``show_piece``); the reply editor shows a reply piece
    (``show_reply``: FIM, legend, bars, frames and the reply address from ``layout.replies``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template: EnvelopeTemplate | None = None
        self.options = EnvelopeOptions()
        self.layout_: PieceLayout | None = None
        self.reply: Any = None  # a layout.replies.ReplyLayout while the reply editor shows one
        self.setMinimumSize(QSize(360, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Envelope preview")

    def show_piece(
        self, template: EnvelopeTemplate, options: EnvelopeOptions, layout: PieceLayout | None
    ) -> None:
        self.template, self.options, self.layout_ = template, options, layout
        self.reply = None
        self.update()

    def show_reply(self, template: EnvelopeTemplate, layout: Any) -> None:
        """A reply piece as ``layout_reply`` placed it (the same placement the PDF uses)."""
        self.template, self.layout_, self.reply = template, None, layout
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().window())
        if self.template is None:
            p.end()
            return
        w, h = self.template.width, self.template.height
        scale = min((self.width() - 20) / w, (self.height() - 20) / h)  # pixels per inch
        ox, oy = (self.width() - w * scale) / 2, (self.height() - h * scale) / 2

        def rect(x: float, y: float, rw: float, rh: float) -> QRectF:  # inches, y up from the bottom edge
            return QRectF(ox + x * scale, oy + (h - y - rh) * scale, rw * scale, rh * scale)

        p.fillRect(rect(0, 0, w, h), QColor("#fffdf7"))
        p.setPen(QPen(QColor("#9a9a9a"), 1))
        p.drawRect(rect(0, 0, w, h))
        # the barcode clear zone, so the user sees why the address may not go there
        clear = rect(
            w - placement_rules.CLEAR_ZONE_WIDTH,
            0,
            placement_rules.CLEAR_ZONE_WIDTH,
            placement_rules.CLEAR_ZONE_HEIGHT,
        )
        p.setPen(QPen(QColor("#c9d6e8"), 1, Qt.PenStyle.DashLine))
        p.drawRect(clear)
        p.setPen(QColor("#7d8da1"))
        small = QFont(self.font())
        small.setPixelSize(max(8, int(0.09 * scale)))
        p.setFont(small)
        p.drawText(
            clear.adjusted(4, 2, -4, -2),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            "barcode clear zone",
        )
        if self.reply is not None:
            lines = list(self.reply.texts) + list(self.reply.address)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("black"))
            for box in list(self.reply.fim) + list(self.reply.rules_bars):
                p.drawRect(rect(box.x, box.y, box.width, box.height))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor("black"), max(1.0, scale / 96)))
            for box in self.reply.frames:
                p.drawRect(rect(box.x, box.y, box.width, box.height))
        else:
            block = return_block(self.template, self.options, None)
            lines = list(block.lines) + (self.layout_.address if self.layout_ else [])
        p.setPen(QColor("black"))
        for line in lines:
            font = QFont("Helvetica")
            font.setStyleHint(QFont.StyleHint.SansSerif)
            font.setPixelSize(max(4, round(line.size / 72 * scale)))
            font.setBold("Bold" in line.font)
            p.setFont(font)
            p.drawText(round(ox + line.x * scale), round(oy + (h - line.baseline) * scale), line.text)
        placed = self.reply if self.reply is not None else self.layout_
        if placed is not None and placed.bars:
            geo = barcode_geometry(placed.bars, NOMINAL)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("black"))
            for bar in geo.bars:
                p.drawRect(
                    rect(
                        placed.bars_x + bar.x / 72,
                        placed.bars_y + bar.y / 72,
                        bar.width / 72,
                        bar.height / 72,
                    )
                )
        p.setPen(QColor("#7d8da1"))
        p.setFont(small)
        p.drawText(
            rect(0, 0, w, h).adjusted(6, 4, -6, -4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            f"{self.template.name}, {w:g} × {h:g} in (to scale)",
        )
        p.end()


class LetterPage(QWidget):
    """Address form, preview, rule check, then Print or Save PDF (``printed`` carries the PDF path)."""

    message = Signal(str, int)
    pdf_ready = Signal(str, str)  # path, title
    show_in_letters = Signal(str)  # the mailing the stored letter went into

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        box = QGroupBox("Recipient")
        form = QFormLayout(box)
        self.edits: dict[str, QLineEdit] = {}
        for name in ADDRESS_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(LABELS[name].replace("&", ""))
            edit.textChanged.connect(self._changed)
            self.edits[name] = edit
            form.addRow(LABELS[name], edit)
        self.edits["state"].setMaxLength(20)
        self.edits["zip"].setPlaceholderText("5 digits, or ZIP+4 as 12345-6789")
        left.addWidget(box)
        opts = QGroupBox("Envelope")
        oform = QFormLayout(opts)
        self.template = envelope_combo("Envelope template")
        self.position = position_combo("Barcode position")
        self.digits = QCheckBox("Print the barcode's digits with it")
        self.digits.setAccessibleName("Print barcode digits")
        oform.addRow("&Template", self.template)
        oform.addRow("&Barcode", self.position)
        oform.addRow(self.digits)
        left.addWidget(opts)
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setAccessibleName("Rule check messages")
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.checks)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save PDF")
        self.save_button.setAccessibleName("Store the letter and save its PDF")
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Store the letter and print it")
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Clear the form")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        # After the letter is stored: what it became, and what to do next
        self.stored_box = QGroupBox("Stored")
        stored_layout = QVBoxLayout(self.stored_box)
        self.stored_label = QLabel()
        self.stored_label.setWordWrap(True)
        self.stored_label.setAccessibleName("Stored letter")
        stored_layout.addWidget(self.stored_label)
        again = QHBoxLayout()
        self.again_button = QPushButton("Print a&gain")
        self.again_button.setAccessibleName("Print the stored letter again, same serial")
        self.new_button = QPushButton("Ne&w letter")
        self.new_button.setAccessibleName("Clear the form for a new letter")
        self.open_button = QPushButton("Open in Lett&ers")
        self.open_button.setAccessibleName("Show the letter in the Letters table")
        for button in (self.again_button, self.new_button, self.open_button):
            again.addWidget(button)
        again.addStretch(1)
        stored_layout.addLayout(again)
        self.stored_box.hide()
        left.addWidget(self.stored_box)
        self.stored: StoredPiece | None = None
        self.stored_pdf: Path | None = None
        self.again_button.clicked.connect(lambda: self.print_again())  # noqa: PLW0108 - not clicked(bool)
        self.new_button.clicked.connect(self.clear)
        self.open_button.clicked.connect(
            lambda: self.show_in_letters.emit(self.stored.mailing) if self.stored else None
        )
        left.addStretch(1)
        panel = QWidget()
        panel.setLayout(left)
        panel.setMinimumWidth(400)
        outer.addWidget(panel, 2)
        self.preview = EnvelopePreview()
        outer.addWidget(self.preview, 3)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.update_preview)
        self.template.currentIndexChanged.connect(self._changed)
        self.position.currentIndexChanged.connect(self._changed)
        self.digits.toggled.connect(self._changed)
        self.save_button.clicked.connect(lambda: self.make_pdf(show=True))
        self.print_button.clicked.connect(lambda: self.make_pdf(show=True, print_now=True))
        self.clear_button.clicked.connect(self.clear)
        ctx.data_changed.connect(self.apply_settings)
        self.apply_settings()

    def apply_settings(self) -> None:
        s = self.ctx.settings
        self.template.setCurrentIndex(max(self.template.findData(s.envelope_template), 0))
        self.position.setCurrentIndex(max(self.position.findData(s.imb_position), 0))
        self.digits.setChecked(s.human_readable)
        self.update_preview()

    def _changed(self) -> None:
        if self.stored is not None and self._record_now() != self.stored.address.as_fields():
            self._set_stored(None)  # the form no longer shows the stored letter: the next print stores anew
        self._timer.start()

    def _record_now(self) -> dict[str, str] | None:
        record, _ = check_letter(self.fields())
        return record.as_fields() if record is not None else None

    def _set_stored(self, piece: StoredPiece | None, pdf: Path | None = None) -> None:
        self.stored, self.stored_pdf = piece, pdf
        self.stored_box.setVisible(piece is not None)
        for button in (self.save_button, self.print_button):
            button.setVisible(piece is None)
        if piece is not None:
            self.stored_label.setText(
                ok_text(f"Stored as serial {piece.serial} in {piece.mailing!r}.")
                + (f"<br>PDF: {pdf}" if pdf else "")
            )

    def fields(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.edits.items()}

    def options(self) -> EnvelopeOptions:
        return envelope_options(self.ctx.settings, str(self.position.currentData()), self.digits.isChecked())

    def current_template(self) -> EnvelopeTemplate:
        return envelope_template(str(self.template.currentData()))

    def update_preview(self) -> None:
        """Validate the address, lay it out and show the rule check (the serial shown is a placeholder)."""
        template, options = self.current_template(), self.options()
        fields = self.fields()
        record, problems = check_letter(fields) if any(v.strip() for v in fields.values()) else (None, [])
        for name, edit in self.edits.items():
            bad = any(p.column == name and p.severity == "error" for p in problems)
            edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }" if bad else "")
        messages = [
            (error_text if p.severity == "error" else warning_text)(
                f"{LABELS.get(p.column, p.column).replace('&', '')}: {p.problem} — {p.fix}"
            )
            for p in problems
        ]
        layout = None
        mid = self.ctx.mailer_mid()
        if record is not None and mid and self.ctx.db is not None:
            mailer = get_mailer(self.ctx.db, mid)
            try:
                piece = letter_preview(record, mailer.mid, mailer.default_stid, mailer.barcode_id)
                layout = layout_piece(template, options, piece)
            except ImbError as exc:
                messages.append(error_text(str(exc)))
            else:
                messages += [error_text(f"Placement rule: {v}") for v in layout.violations]
                messages += [warning_text(w) for w in stid_table().warnings(mailer.default_stid)]
                if not layout.violations:
                    messages.append(
                        ok_text(
                            f"Meets the placement rules for {template.name}. The serial is given "
                            "when you print or save."
                        )
                    )
        elif not mid:
            messages.append(error_text("No mailer set up yet: run the setup (Settings → Mailer)."))
        elif record is None and not problems:
            messages.append("Type the recipient's address; the envelope updates as you type.")
        self.checks.setText("<br>".join(messages))
        self.preview.show_piece(template, options, layout)
        ready = layout is not None and not layout.violations
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def make_pdf(self, show: bool = True, print_now: bool = False, out: Path | None = None) -> Path | None:
        """Store the letter (fresh serial), write its PDF, and hand it to the preview/print dialog.

        *Save PDF* asks where (``out`` skips the question); *Print* writes to the output folder.
        A letter already stored today for the same recipient is asked about first.  Nothing is
        stored when the user says no, picks no file, or a rule is broken.
        """
        record, _problems = check_letter(self.fields())
        if record is None or self.ctx.db is None:
            self.message.emit("Fix the fields shown in red first", 5000)
            return None
        if self.stored is not None:  # the same letter again: same serial, nothing new stored
            return self.print_again(print_now, out, show)
        db = self.ctx.db
        earlier = same_recipient_today(db, record)
        if earlier and not self._store_another(earlier[0]):
            return None
        template, options = self.current_template(), self.options()
        safe = file_stem(record.name or record.company, 40)
        folder = self.ctx.output_folder()
        if out is None and not print_now:
            chosen = self.ctx.ask_save_path(
                self, "Save the letter as PDF", f"letter-{safe}.pdf", "PDF (*.pdf)"
            )
            if chosen is None:
                return None
            out = chosen
        allow_reuse = False
        while True:
            try:
                done = print_letter(
                    db,
                    self.ctx.mailer_mid(),
                    record,
                    template,
                    options,
                    out or (lambda piece: folder / f"letter-{safe}-{piece.serial}.pdf"),
                    workstation=self.ctx.workstation,
                    backend=self.ctx.backend,
                    allow_reuse=allow_reuse,
                )
                break
            except RulesBrokenError as exc:
                self._failed(f"{exc}: {exc.problems[0][2]}")
                return None
            except SerialReuseError as exc:
                if allow_reuse or not confirm_reuse(self, exc):
                    self._failed(str(exc).split(". Reusing")[0] + "; nothing was stored")
                    return None
                allow_reuse = True
            except (StoreError, ImbError, OSError) as exc:
                self._failed(f"The letter could not be stored or saved: {exc}")
                return None
        self._set_stored(done.piece, done.pdf)
        self.message.emit(f"Stored the letter (serial {done.piece.serial}) and saved {done.pdf}", 0)
        self.ctx.data_changed.emit()
        if show:
            self.pdf_ready.emit(str(done.pdf), "print" if print_now else "preview")
        return done.pdf

    def print_again(self, print_now: bool = True, out: Path | None = None, show: bool = True) -> Path | None:
        """The stored letter's PDF again (same serial), then the print dialog (``show``)."""
        if self.stored is None or self.stored.id is None or self.ctx.db is None:
            return None
        target = out or self.stored_pdf or self.ctx.output_folder() / f"letter-{self.stored.serial}.pdf"
        try:
            done = reprint(self.ctx.db, self.stored.id, self.current_template(), self.options(), target)
        except (RulesBrokenError, StoreError, ImbError, OSError) as exc:
            self._failed(f"The letter could not be printed again: {exc}")
            return None
        self.stored_pdf = done.pdf
        self.message.emit(f"Serial {done.piece.serial} again: {done.pdf}", 5000)
        if show:
            self.pdf_ready.emit(str(done.pdf), "print" if print_now else "preview")
        return done.pdf

    def _failed(self, text: str) -> None:
        """A failure shown where the user looks (under the form) and in the status bar."""
        self.checks.setText(error_text(text))
        self.message.emit(text, 0)

    def _store_another(self, earlier: StoredPiece) -> bool:
        created = f" at {earlier.created_at:%H:%M}" if earlier.created_at else ""
        answer = QMessageBox.question(
            self,
            "Store another letter?",
            f"A letter to {earlier.name or earlier.company} was already stored today{created} "
            f"(serial {earlier.serial}, {earlier.mailing!r}).\n\nStore another one with a new serial? "
            "To print that one again, choose it in Letters and use Reprint.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def clear(self) -> None:
        self._set_stored(None)
        for edit in self.edits.values():
            edit.clear()
        self.edits["name"].setFocus()

    def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self.edits[name].setText(value)
        self.update_preview()
