"""PDF pages as QImages, rendered by PDFium (pypdfium2), for the print preview and printing at 100 %.

QtPdf comes only in the PySide6-Pdf wheel, which exists for PySide6 6.12.0
alone, and that release loses references to ``None`` and ``True`` on Python
3.11 (see ``tests/test_pyside_refcounts.py``).  PDFium is the same engine
QtPdf uses, in a small well-kept wheel with no Qt of its own, so the app can
stay on a PySide6 release that keeps its reference counts.

PDFium is not thread-safe: every call into it takes :data:`PDFIUM_LOCK`, so
the preview (GUI thread) and a print job (a worker) can share it.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtGui import QImage

#: one PDFium call at a time in the whole process
PDFIUM_LOCK = threading.RLock()


class PdfOpenError(RuntimeError):
    """The file is not a PDF we can read; the message names it."""


class PdfPages:
    """One open PDF: its page count, page sizes in points, and pages rendered to QImages."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            with PDFIUM_LOCK:
                self._doc = pdfium.PdfDocument(str(self.path))
                self._count = len(self._doc)
            self._sizes: dict[int, tuple[float, float]] = {}
        except (pdfium.PdfiumError, OSError) as exc:
            raise PdfOpenError(f"could not open {self.path.name} ({exc})") from None

    def __len__(self) -> int:
        return self._count

    def page_size(self, index: int) -> tuple[float, float]:
        """Width and height of page ``index`` in points (1/72 in)."""
        found = self._sizes.get(index)
        if found is None:
            with PDFIUM_LOCK:
                page = self._doc[index]
                try:
                    width, height = page.get_size()
                finally:
                    page.close()
            found = self._sizes[index] = (float(width), float(height))
        return found

    def render(self, index: int, width_px: int, height_px: int, *, aliased: bool = False) -> QImage:
        """Page ``index`` drawn onto exactly ``width_px`` × ``height_px`` pixels of white paper (RGB32).

        PDFium draws straight into the QImage's memory (no copy of a 56 MB page at 600 dpi).
        ``aliased`` turns off smoothing of paths and text: printers get crisp bar edges, with no
        grey pixels that a driver might dither into a wider bar.
        """
        image = QImage(width_px, height_px, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        # BGRx bytes are QImage's RGB32 (0xffRRGGBB words) on little-endian machines: every
        # platform the app is built for
        memory = (ctypes.c_ubyte * image.sizeInBytes()).from_buffer(image.bits())
        flags = pdfium_c.FPDF_ANNOT
        if aliased:
            flags |= pdfium_c.FPDF_RENDER_NO_SMOOTHPATH | pdfium_c.FPDF_RENDER_NO_SMOOTHTEXT
            flags |= pdfium_c.FPDF_RENDER_NO_SMOOTHIMAGE
        with PDFIUM_LOCK:
            page = self._doc[index]
            bitmap = pdfium_c.FPDFBitmap_CreateEx(
                width_px, height_px, pdfium_c.FPDFBitmap_BGRx, memory, image.bytesPerLine()
            )
            try:
                pdfium_c.FPDF_RenderPageBitmap(bitmap, page.raw, 0, 0, width_px, height_px, 0, flags)
            finally:
                pdfium_c.FPDFBitmap_Destroy(bitmap)
                page.close()
        return image

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()
