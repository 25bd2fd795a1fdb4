"""A streaming PDF writer: each page goes to the file as soon as it is finished.

reportlab's canvas keeps every page in memory until ``save()`` (about 8 KB
per envelope page: 460 MB for 50,000 envelopes, measured), so a big mailing
could not be printed on a modest PC.  This writer keeps only two integers
per page.  It produces plain PDF 1.4 with the base-14 Helvetica fonts
(WinAnsi), filled and stroked paths, form XObjects for content shared by
every page (return address, logo) and images.  reportlab still does what it
is good at: font metrics, image decoding and Code 128 encoding, in
:mod:`.draw`.

Coordinates are PDF points, origin at the bottom-left of the page.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from anyascii import anyascii

FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier"}  # Courier: digests, fixed width
FONT_BY_NAME = {v: k for k, v in FONTS.items()}


def _num(value: float) -> str:
    """A number as PDF wants it: short, no exponent, no '-0'."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pdf_string(text: str) -> str:
    """A literal PDF string in WinAnsi encoding; a character WinAnsi lacks is transliterated, never '?'."""
    try:
        raw = text.encode("cp1252").decode("latin-1")
    except UnicodeEncodeError:
        raw = "".join(_winansi(ch) for ch in text)
    return (
        "("
        + raw.replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
        .replace("\r", " ")
        .replace("\n", " ")
        + ")"
    )


def _winansi(ch: str) -> str:
    try:
        return ch.encode("cp1252").decode("latin-1")
    except UnicodeEncodeError:
        return anyascii(ch)


class Content:
    """Operators of one page or form, built up as text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.forms: set[str] = set()
        self.images: set[str] = set()

    def raw(self, op: str) -> None:
        self.parts.append(op)

    def text(self, x: float, y: float, text: str, font: str = "Helvetica", size: float = 10) -> None:
        """One line of text with its baseline starting at (x, y)."""
        self.parts.append(
            f"BT /{FONT_BY_NAME[font]} {_num(size)} Tf {_num(x)} {_num(y)} Td {pdf_string(text)} Tj ET"
        )

    def fill_rects(self, rects: Iterable[tuple[float, float, float, float]], gray: float = 0.0) -> None:
        """Fill rectangles as one path, with no stroke (an IMb's bars; never widened by a line)."""
        ops = [f"{_num(x)} {_num(y)} {_num(w)} {_num(h)} re" for x, y, w, h in rects]
        if ops:
            self.parts.append(f"q {_num(gray)} g " + " ".join(ops) + " f Q")

    def stroke_rect(
        self, x: float, y: float, w: float, h: float, width: float = 0.5, gray: float = 0.0
    ) -> None:
        self.parts.append(f"q {_num(width)} w {_num(gray)} G {_num(x)} {_num(y)} {_num(w)} {_num(h)} re S Q")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5, gray: float = 0.0) -> None:
        self.parts.append(
            f"q {_num(width)} w {_num(gray)} G {_num(x1)} {_num(y1)} m {_num(x2)} {_num(y2)} l S Q"
        )

    def form(self, name: str, x: float = 0, y: float = 0) -> None:
        """Draw a form XObject (added to the writer beforehand) with its origin at (x, y)."""
        self.forms.add(name)
        self.parts.append(f"q 1 0 0 1 {_num(x)} {_num(y)} cm /{name} Do Q")

    def image(self, name: str, x: float, y: float, w: float, h: float) -> None:
        self.images.add(name)
        self.parts.append(f"q {_num(w)} 0 0 {_num(h)} {_num(x)} {_num(y)} cm /{name} Do Q")

    def data(self) -> bytes:
        return "\n".join(self.parts).encode("latin-1")


class PdfWriter:
    """Write a PDF page by page; call :meth:`close` (or use ``with``) to finish the file."""

    def __init__(self, target: str | Path | BinaryIO, *, title: str = "", compress: bool = True) -> None:
        self._own = isinstance(target, str | Path)
        self._out: BinaryIO | None = open(target, "wb") if isinstance(target, str | Path) else target  # noqa: SIM115
        self._compress = compress
        self._offsets: dict[int, int] = {}
        self._next = 1
        self._pos = 0
        self._kids: list[int] = []
        self._xobjects: dict[str, int] = {}
        self.title = title
        self._catalog = self._reserve()
        self._pages = self._reserve()
        self._fonts = {key: self._reserve() for key in FONTS}
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for key, num in self._fonts.items():
            self._object(
                num,
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{FONTS[key]} /Encoding /WinAnsiEncoding >>".encode(),
            )

    @property
    def page_count(self) -> int:
        return len(self._kids)

    def _reserve(self) -> int:
        num = self._next
        self._next += 1
        return num

    def _write(self, data: bytes) -> None:
        if self._out is None:
            raise ValueError("the PDF is already closed")
        self._out.write(data)
        self._pos += len(data)

    def _object(self, num: int, body: bytes) -> None:
        self._offsets[num] = self._pos
        self._write(f"{num} 0 obj\n".encode() + body + b"\nendobj\n")

    def _stream(self, num: int, data: bytes, extra: str = "") -> None:
        if self._compress:
            data = zlib.compress(data, 6)
            extra += " /Filter /FlateDecode"
        self._object(num, f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream")

    def _resources(self, content: Content) -> str:
        fonts = " ".join(f"/{k} {n} 0 R" for k, n in self._fonts.items())
        names = sorted(content.forms | content.images)
        missing = [n for n in names if n not in self._xobjects]
        if missing:
            raise KeyError(f"form or image not added to the PDF: {missing}")
        xobj = " ".join(f"/{n} {self._xobjects[n]} 0 R" for n in names)
        return f"<< /Font << {fonts} >>" + (f" /XObject << {xobj} >>" if xobj else "") + " >>"

    def add_form(self, name: str, content: Content, width: float, height: float) -> None:
        """Content drawn once and placed on many pages (the PDF stores it once)."""
        num = self._reserve()
        self._xobjects[name] = num
        extra = (
            f" /Type /XObject /Subtype /Form /BBox [0 0 {_num(width)} {_num(height)}]"
            f" /Resources {self._resources(content)}"
        )
        self._stream(num, content.data(), extra)

    def add_image(self, name: str, path: str | Path) -> tuple[int, int]:
        """Embed a PNG or JPEG logo (transparent parts become white); returns its pixel size."""
        from PIL import Image  # noqa: PLC0415 - Pillow comes with reportlab

        with Image.open(path) as img:
            rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = Image.alpha_composite(white, rgba).convert("RGB")
        width, height = rgb.size
        num = self._reserve()
        self._xobjects[name] = num
        self._stream(
            num,
            rgb.tobytes(),
            f" /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB"
            " /BitsPerComponent 8",
        )
        return width, height

    def add_page(self, content: Content, width: float, height: float) -> None:
        """Write one finished page to the file now."""
        contents = self._reserve()
        page = self._reserve()
        self._stream(contents, content.data())
        self._object(
            page,
            (
                f"<< /Type /Page /Parent {self._pages} 0 R /MediaBox [0 0 {_num(width)} {_num(height)}]"
                f" /Contents {contents} 0 R /Resources {self._resources(content)} >>"
            ).encode(),
        )
        self._kids.append(page)

    def close(self) -> None:
        """Write the page tree, catalogue and cross-reference table; close the file if we opened it."""
        if self._out is None:
            return
        kids = io.StringIO()
        for i, kid in enumerate(self._kids):
            kids.write(f"{kid} 0 R")
            kids.write("\n" if i % 16 == 15 else " ")
        self._object(
            self._pages, f"<< /Type /Pages /Count {len(self._kids)} /Kids [{kids.getvalue()}] >>".encode()
        )
        self._object(
            self._catalog,
            f"<< /Type /Catalog /Pages {self._pages} 0 R /ViewerPreferences << /PrintScaling /None >> >>".encode(),
        )
        info = self._reserve()
        title = pdf_string(self.title or "IMb Tracker")
        self._object(info, f"<< /Producer (IMb Tracker) /Title {title} >>".encode())
        xref_at = self._pos
        lines = [f"xref\n0 {self._next}\n", "0000000000 65535 f \n"]
        for num in range(1, self._next):
            lines.append(f"{self._offsets[num]:010d} 00000 n \n")
        self._write("".join(lines).encode())
        self._write(
            f"trailer\n<< /Size {self._next} /Root {self._catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
        )
        if self._own and self._out is not None:
            self._out.close()
        self._out = None

    def abort(self) -> None:
        """Stop without finishing (the caller deletes the partial file)."""
        if self._own and self._out is not None:
            self._out.close()
        self._out = None

    def __enter__(self) -> PdfWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
