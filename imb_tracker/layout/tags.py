"""Tray and sack tags: three required lines and the 24-digit Intelligent Mail tray barcode.

Line 1 destination, Line 2 content (from the CIN), Line 3 origin (mailer);
the IMtb in Code 128 set C at X = 0.015 in (2.505 in for 24 digits), 0.5 in
tall with 10 X quiet zones, and the digits under it.  Line 1 starts at
least 1/8 in below the top so it is visible in the tray's label holder.
Tags go on Avery 5371/8371 business-card stock or on plain paper with cut
lines (USPS accepts only non-adhesive tray labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from imb_tracker.imb import FieldError, TrayBarcode

from .draw import INCH, cap_height, code128_width, draw_code128, text_width
from .envelopes import JobResult
from .pdfwriter import Content
from .sheets import Cell, SheetOptions, write_sheets
from .templates import SheetTemplate, cin_table

MODULE = 0.015  # inches
BAR_HEIGHT = 0.5
QUIET = 10 * MODULE
LINE_MAX = 30  # characters, Mail.dat's Destination/Contents line width
LINE1_TOP = 0.125 + 0.015  # inches from the tag's top to Line 1's cap height


@dataclass(frozen=True)
class TrayTag:
    barcode: TrayBarcode
    line1: str
    line2: str
    line3: str


def content_line(cin: str, table: dict[str, str] | None = None) -> str:
    text = (table if table is not None else cin_table()).get(cin)
    if text is None:
        raise FieldError(
            "content_id",
            cin,
            f"CIN {cin} is not in the tray-label table",
            "e.g. 242 FCM LTR 5D BC, 244 FCM LTR 3D BC, 245 FCM LTR AADC BC, 246 FCM LTR BC WKG",
        )
    return text


def make_tags(
    barcodes: Sequence[TrayBarcode], destination: str, origin: str, table: dict[str, str] | None = None
) -> list[TrayTag]:
    """Tags for reserved tray barcodes; Line 1 is the destination text plus the ZIP."""
    out = []
    for code in barcodes:
        line1 = " ".join(p for p in (destination.strip().upper(), code.destination_zip) if p)
        line2 = content_line(code.content_id, table)
        line3 = origin.strip().upper()
        for number, line in ((1, line1), (3, line3)):
            if len(line) > LINE_MAX:
                raise FieldError(
                    f"line{number}",
                    line,
                    f"tray tag line {number} has {len(line)} characters; at most {LINE_MAX} fit",
                    "abbreviate it",
                )
        out.append(TrayTag(code, line1, line2, line3))
    return out


def draw_tag(
    content: Content, tag: TrayTag, x: float, y: float, width: float, height: float, outline: bool
) -> None:
    """One tag with its bottom-left corner at (x, y), inches."""
    if outline:
        content.stroke_rect(x * INCH, y * INCH, width * INCH, height * INCH, 0.3, 0.6)
    left = x + 0.15
    # Line 1's ink at least 1/8 in below the tag's top (DMM M031: visible in the holder); round
    # capitals overshoot the cap height, so the line sits a further 0.015 in lower
    base1 = y + height - LINE1_TOP - cap_height(12) / INCH
    content.text(left * INCH, base1 * INCH, tag.line1, "Helvetica-Bold", 12)
    base2 = base1 - 0.2
    content.text(left * INCH, base2 * INCH, tag.line2, "Helvetica-Bold", 12)
    content.text(left * INCH, (base2 - 0.18) * INCH, tag.line3, "Helvetica", 9)
    digits = tag.barcode.digits
    symbol = code128_width(digits, MODULE * INCH) / INCH
    bar_x = x + (width - symbol) / 2
    bar_y = y + 0.32
    draw_code128(content, digits, bar_x * INCH, bar_y * INCH, MODULE * INCH, BAR_HEIGHT * INCH)
    text_x = x + (width - text_width(digits, "Helvetica", 8) / INCH) / 2
    content.text(text_x * INCH, (y + 0.16) * INCH, digits, "Helvetica", 8)


def check_tag_sheet(sheet: SheetTemplate) -> None:
    symbol = code128_width("0" * 24, MODULE * INCH) / INCH + 2 * QUIET
    if sheet.width < symbol:
        raise FieldError(
            "layout",
            sheet.id,
            f"{sheet.name} is {sheet.width:g} in wide; the tray barcode needs {symbol:.2f} in",
        )


def render_tags(
    sheet: SheetTemplate, tags: Sequence[TrayTag], out: Path, options: SheetOptions | None = None
) -> JobResult:
    options = options or SheetOptions()
    check_tag_sheet(sheet)
    options.validate(sheet)

    def draw(content: Content, cell: Cell, tag: TrayTag) -> None:
        draw_tag(content, tag, cell.x, cell.y, cell.width, cell.height, sheet.outline)

    pages, _ = write_sheets(out, "IMb Tracker tray tags", sheet, options, tags, draw)
    return JobResult(pages, out)
