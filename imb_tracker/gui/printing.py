"""Preview a PDF and print it at exactly 100 %: never fit-to-page, page size checked after the dialog.

Printing renders each PDF page with PDFium (:mod:`.pdf_pages`) at the printer's resolution and
draws it 1:1 on a full-page QPrinter (printing.md §6.2).  The page layout is
set *after* the print dialog, because some drivers reset it (§6.5), and a
printer that will not take the PDF's paper size is refused in words instead
of silently scaled.  Big jobs can go to the system's print spooler as the PDF
itself ("send to the system printer", with scaling off).  The PDF is always
saved first.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QTransform,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.printing import print_calibration as render_calibration

from .context import AppContext
from .pdf_pages import PdfOpenError, PdfPages
from .tasks import Reporter

log = logging.getLogger(__name__)

BIG_JOB_PAGES = 200  # above this, suggest the system printer path (rasterising takes a while)


class PageSizeError(RuntimeError):
    """The printer would not take the PDF's paper size: nothing was printed."""


def set_exact_page(printer: QPrinter, width_pt: float, height_pt: float) -> None:
    """Give the printer the PDF's own paper, zero margins, full page; raise if the driver substitutes another."""
    short, long_ = sorted((width_pt, height_pt))
    size = QPageSize(
        QSizeF(short, long_),
        QPageSize.Unit.Point,
        f"{short / 72:g} x {long_ / 72:g} in",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    orientation = (
        QPageLayout.Orientation.Landscape if width_pt > height_pt else QPageLayout.Orientation.Portrait
    )
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)
    full = printer.pageLayout().fullRectPoints()
    if abs(full.width() - width_pt) > 1 or abs(full.height() - height_pt) > 1:
        raise PageSizeError(
            f"the printer uses {full.width() / 72:.2f} × {full.height() / 72:.2f} in paper instead of "
            f"{width_pt / 72:.2f} × {height_pt / 72:.2f} in; nothing was printed. Choose the envelope or label "
            "size in the printer's settings, or send the PDF to the system printer at 100 %"
        )


def print_pdf(pdf: Path, printer: QPrinter, reporter: Reporter | None = None, rotate: bool = False) -> int:
    """Print every page of ``pdf`` at actual size on an already chosen printer; returns pages printed.

    Runs on a worker thread (QPainter may paint on a QPrinter from any one thread).
    ``rotate`` turns the content a quarter turn for envelope feeds whose driver does not.
    """
    doc = PdfPages(pdf)
    try:
        width, height = doc.page_size(0)
        if rotate:
            set_exact_page(printer, height, width)
        else:
            set_exact_page(printer, width, height)
        dpi = printer.resolution()
        pixels = (round(width * dpi / 72), round(height * dpi / 72))
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError("the printer could not be opened")
        pages = len(doc)
        printed = 0
        try:
            for i in range(pages):
                if reporter is not None and not reporter.progress(i, pages, f"page {i + 1} of {pages}"):
                    break
                if i:
                    printer.newPage()
                image = doc.render(i, *pixels, aliased=True)
                if rotate:  # the page is portrait on the printer; turn the landscape content into it
                    painter.setTransform(QTransform().translate(pixels[1], 0).rotate(90))
                painter.drawImage(QPointF(0, 0), image)  # 1:1, never into a "fit" rectangle
                printed += 1
        finally:
            painter.end()
    finally:
        doc.close()
    return printed


class PageView(QWidget):
    """One PDF page drawn to fit the widget (paper on grey), re-rendered sharp at the size shown."""

    def __init__(self, doc: PdfPages | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.index = 0
        self._image: QImage | None = None
        self._key: tuple[int, int, int] | None = None
        self.setMinimumSize(200, 120)
        self.setAutoFillBackground(False)

    def show_page(self, index: int) -> None:
        if self.doc is None or not 0 <= index < len(self.doc):
            return
        self.index = index
        self._key = None
        self.update()

    def _fitted(self) -> tuple[int, int, int, int]:
        """x, y, width, height of the page in the widget (8 px margin, aspect kept)."""
        assert self.doc is not None
        w_pt, h_pt = self.doc.page_size(self.index)
        room_w, room_h = max(self.width() - 16, 1), max(self.height() - 16, 1)
        scale = min(room_w / w_pt, room_h / h_pt)
        w, h = max(round(w_pt * scale), 1), max(round(h_pt * scale), 1)
        return (self.width() - w) // 2, (self.height() - h) // 2, w, h

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.gray)
        if self.doc is not None and len(self.doc):
            x, y, w, h = self._fitted()
            ratio = self.devicePixelRatioF()
            key = (self.index, round(w * ratio), round(h * ratio))
            if key != self._key or self._image is None:
                self._image = self.doc.render(self.index, key[1], key[2])
                self._image.setDevicePixelRatio(ratio)
                self._key = key
            painter.drawImage(QPointF(x, y), self._image)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._key = None
        super().resizeEvent(event)


def system_print_command(pdf: Path, width_in: float, height_in: float, printer: str = "") -> list[str] | None:
    """The spooler command that prints the PDF at 100 % (CUPS ``lp``), or None where there is none."""
    lp = shutil.which("lp")
    if lp is None:
        return None
    command = [lp]
    if printer:
        command += ["-d", printer]
    command += [
        "-o",
        f"media=Custom.{min(width_in, height_in):g}x{max(width_in, height_in):g}in",
        "-o",
        "print-scaling=none",
        "-o",
        "fit-to-page=false",
    ]
    if width_in > height_in:
        command += ["-o", "landscape"]
    return [*command, str(pdf)]


def print_hint(page_size_in: tuple[float, float]) -> str:
    """What to know before printing this PDF: a sheet (labels, tags, a calibration page) or envelopes."""
    width, height = page_size_in
    if (round(width, 1), round(height, 1)) in ((8.5, 11.0), (8.3, 11.7)):
        return (
            "Sheets (labels, tags, the calibration page): print at 100 % on plain paper first and hold it "
            "against a sheet to the light; if the boxes do not line up, set the printer offsets in Settings "
            "→ Printing. Load label stock the way the printer's manual shows for labels."
        )
    return (
        "Envelopes: most printers take them short edge first through the manual feed; if the address "
        "comes out sideways, set Settings → Printing → envelope feed to “rotate”. Thick envelopes need "
        "the straight-through path."
    )


def open_folder(parent: QWidget | None, folder: Path) -> bool:
    """Open ``folder`` in the file manager; say so, with the path, when the desktop cannot."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    QMessageBox.information(
        parent,
        "Could not open the folder",
        f"This desktop has no file manager to open folders with. The files are in:\n\n{folder}",
    )
    return False


class PrintPreview(QDialog):
    """The PDF's pages (PDFium), with Print at 100 %, Send to system printer, Open folder, Calibration page."""

    def __init__(self, ctx: AppContext, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pdf = Path(pdf)
        self._printer: QPrinter | None = None
        self.release_when_idle = False  # the window let go of it while it printed
        self.setWindowTitle(f"Print preview — {self.pdf.name}")
        self.setAccessibleName("Print preview")
        self.resize(980, 720)
        layout = QVBoxLayout(self)
        try:
            self.document: PdfPages | None = PdfPages(self.pdf)
        except PdfOpenError as exc:
            log.warning("%s", exc)
            self.document = None
        self.view = PageView(self.document, self)
        self.view.setAccessibleName("PDF pages")
        pages = len(self.document) if self.document is not None else 0
        size = self.document.page_size(0) if pages and self.document is not None else (0.0, 0.0)
        self.page_size = (size[0] / 72, size[1] / 72)
        info = QHBoxLayout()
        self.info = QLabel(
            f"{pages:,} page(s), {self.page_size[0]:.3g} × {self.page_size[1]:.3g} in. Saved as "
            f"{self.pdf}. Print at 100 % (actual size), never “fit to page”."
        )
        self.info.setWordWrap(True)
        self.info.setAccessibleName("PDF summary")
        self.page = QSpinBox()
        self.page.setRange(1, max(pages, 1))
        self.page.setPrefix("Page ")
        self.page.setSuffix(f" of {pages:,}")
        self.page.setAccessibleName("Go to page")
        self.page.valueChanged.connect(lambda n: self.view.show_page(n - 1))
        QShortcut(QKeySequence(QKeySequence.StandardKey.MoveToNextPage), self, lambda: self.page.stepBy(1))
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.MoveToPreviousPage), self, lambda: self.page.stepBy(-1)
        )
        info.addWidget(self.info, 1)
        info.addWidget(self.page)
        layout.addLayout(info)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&Print at 100 %…")
        self.print_button.setAccessibleName("Print at actual size")
        self.spool_button = QPushButton("Send PDF to the &system printer")
        self.spool_button.setAccessibleName("Send the PDF to the system printer")
        self.spool_button.setToolTip(
            "Fast for big jobs: the printer gets the PDF itself, with scaling turned off"
        )
        self.folder_button = QPushButton("Open &folder")
        self.folder_button.setAccessibleName("Open the PDF's folder")
        self.calibration_button = QPushButton("&Calibration page")
        self.calibration_button.setAccessibleName("Make a calibration page")
        self.close_button = QPushButton("Close")
        for b in (self.print_button, self.spool_button, self.folder_button, self.calibration_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        feed = QLabel(print_hint(self.page_size))
        feed.setWordWrap(True)
        layout.addWidget(feed)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.spool_button.clicked.connect(self.send_to_spooler)
        self.folder_button.clicked.connect(lambda: open_folder(self, self.pdf.parent))
        self.calibration_button.clicked.connect(self.calibration)
        self.close_button.clicked.connect(self.accept)
        if pages > BIG_JOB_PAGES:
            self.print_button.setToolTip(
                f"{pages:,} pages: sending the PDF to the system printer is much faster"
            )

    def busy(self) -> bool:
        """A print job is still painting on this dialog's printer."""
        return self._printer is not None

    def _print_ended(self) -> None:
        self._printer = None
        if self.release_when_idle:
            self.done(0)
            self.deleteLater()

    def done(self, result: int) -> None:
        """Closing the preview closes the PDF (a big job's file stays open no longer than its window)."""
        if self.document is not None and self._printer is None:
            self.view.doc = None
            self.document.close()
            self.document = None
        super().done(result)

    def print_with_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.start_print(printer)

    def start_print(self, printer: QPrinter) -> None:
        """Print in the background (the printer was chosen already); progress in the status bar."""
        rotate = self.ctx.settings.printer(printer.printerName()).feed == "rotate"
        pdf = self.pdf
        self.print_button.setEnabled(False)

        def work(reporter: Reporter) -> int:
            return print_pdf(pdf, printer, reporter, rotate)

        def done(pages: object) -> None:
            self.print_button.setEnabled(True)
            self.info.setText(
                f"Sent {pages} page(s) to {printer.printerName() or printer.outputFileName()} at 100 %."
            )
            self._print_ended()

        def failed(exc: BaseException) -> None:
            self.print_button.setEnabled(True)
            if not self.release_when_idle:
                QMessageBox.warning(self, "Not printed", str(exc))
            self._print_ended()

        self._printer = printer  # kept alive while the worker paints on it
        self.ctx.tasks.run(
            work,
            on_done=done,
            on_error=failed,
            on_progress=lambda d, t, text: self.info.setText(f"Printing {text} …"),
        )

    def send_to_spooler(self) -> None:
        command = system_print_command(self.pdf, *self.page_size)
        if command is None:
            if sys.platform.startswith("win"):
                text = (
                    "Windows has no built-in way to print a PDF without scaling. Open the saved PDF in your PDF "
                    "reader and print it at “Actual size”."
                )
            else:
                text = "No system print command (lp) was found. Open the saved PDF and print it at “Actual size”."
            QMessageBox.information(self, "Print the PDF", text)
            return
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        except OSError as exc:
            QMessageBox.warning(self, "Not printed", f"{command[0]} failed: {exc}")
            return
        if result.returncode:
            QMessageBox.warning(
                self, "Not printed", f"The system printer refused the job: {result.stderr.strip()}"
            )
        else:
            self.info.setText(f"Sent to the system printer at 100 %: {result.stdout.strip()}")

    def calibration(self) -> None:
        open_calibration(self.ctx, self.parentWidget())


def open_calibration(ctx: AppContext, parent: QWidget | None) -> Any:
    """Write the calibration page to the output folder and preview it."""
    out = ctx.output_folder() / "calibration.pdf"
    render_calibration(out)
    return open_preview(ctx, out, parent)


def open_preview(ctx: AppContext, pdf: str | Path, parent: QWidget | None, print_now: bool = False) -> Any:
    dialog = PrintPreview(ctx, Path(pdf), parent)
    dialog.setModal(False)
    dialog.show()
    if print_now:
        dialog.print_with_dialog()
    return dialog
