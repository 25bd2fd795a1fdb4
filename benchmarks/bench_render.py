"""PDF pages to pixels: PDFium through pypdfium2 (what the app uses now) against QtPdf (what it used).

Both render the same envelope PDF, in alternating pairs (benchmarks/pairs.py), at the printer's
600 dpi (the print path, aliased) and at a preview size (about 900 px wide,
smoothed).  Prints the median time per page of each and the ratio's min / median / max.  QtPdf
exists only for PySide6 6.12.0 (the PySide6-Pdf wheel), so run this in an
environment that has it:

    python -m venv /tmp/v612 && /tmp/v612/bin/pip install "PySide6-Essentials==6.12.0" PySide6-Pdf pypdfium2 reportlab
    PYTHONPATH=. QT_QPA_PLATFORM=offscreen /tmp/v612/bin/python benchmarks/bench_render.py

Without QtPdf it times PDFium alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pairs import alternate
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from imb_tracker.gui import refcount_fix
from imb_tracker.gui.pdf_pages import PdfPages
from imb_tracker.imb import encode_tracking
from imb_tracker.layout.envelopes import EnvelopeOptions, render_envelopes
from imb_tracker.layout.templates import envelope_template
from imb_tracker.records import AddressRecord, StoredPiece


def make_pdf(path: Path, pages: int) -> None:
    pieces = []
    for i in range(1, pages + 1):
        tracking, routing = f"00270123456{i:09d}", "62704123401"
        address = AddressRecord(
            i, f"Person {i}", "", f"{i} Main St", "Apt 2", "Springfield", "IL", "62704", "1234", "01"
        )
        pieces.append(StoredPiece(address, tracking, routing, encode_tracking(tracking, routing)))
    options = EnvelopeOptions(return_lines=("ACME", "PO BOX 1", "SPRINGFIELD IL 62704"), human_readable=True)
    render_envelopes(envelope_template("10"), options, pieces, path, pages)


def time_pdfium(pdf: Path, size: tuple[int, int], aliased: bool, pages: int) -> float:
    doc = PdfPages(pdf)
    start = time.perf_counter()
    for i in range(pages):
        doc.render(i, *size, aliased=aliased)
    doc.close()
    return (time.perf_counter() - start) / pages


def time_qtpdf(pdf: Path, size: tuple[int, int], aliased: bool, pages: int) -> float:
    from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions  # noqa: PLC0415

    doc = QPdfDocument()
    doc.load(str(pdf))
    options = QPdfDocumentRenderOptions()
    if aliased:
        options.setRenderFlags(
            QPdfDocumentRenderOptions.RenderFlag.PathAliased
            | QPdfDocumentRenderOptions.RenderFlag.TextAliased
        )
    start = time.perf_counter()
    for i in range(pages):
        doc.render(i, QSize(*size), options)
    doc.close()
    return (time.perf_counter() - start) / pages


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - QtPdf needs one
    refcount_fix.apply()  # QtPdf is only on PySide6 6.12.0: keep the interpreter alive for the run
    try:
        import PySide6.QtPdf  # noqa: PLC0415

        have_qtpdf = True
    except ImportError:
        have_qtpdf = False
    import PySide6  # noqa: PLC0415

    print(f"PySide6 {PySide6.__version__}; QtPdf {'available' if have_qtpdf else 'not installed'}")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "envelopes.pdf"
        make_pdf(pdf, args.pages)
        for label, size, aliased in (
            ("print, 600 dpi #10 (5700 x 2475 px, aliased)", (5700, 2475), True),
            ("preview (900 x 391 px, smoothed)", (900, 391), False),
        ):
            if not have_qtpdf:
                times = [time_pdfium(pdf, size, aliased, args.pages) for _ in range(args.rounds)]
                print(f"{label}: PDFium (pypdfium2) {statistics.median(times) * 1000:.1f} ms/page")
                continue
            pairs = alternate(  # each side times itself per page, in alternating pairs
                lambda size=size, aliased=aliased: time_pdfium(pdf, size, aliased, args.pages),
                lambda size=size, aliased=aliased: time_qtpdf(pdf, size, aliased, args.pages),
                args.rounds,
            )
            print(
                f"{label}: PDFium (pypdfium2) {pairs.ours_median * 1000:.1f} ms/page, QtPdf "
                f"{pairs.base_median * 1000:.1f} ms/page; ratio min / median / max {pairs.spread()}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
