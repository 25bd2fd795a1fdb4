"""Pallet placards: 8 × 11 in on letter paper, Lines 1-3 at least 1/2 in high, the 99M container barcode.

The Intelligent Mail container barcode (IMcb) is GS1-128: FNC1, then ``99M`` + MID +
serial (21 characters).  Its limits (``../shared/reference/containers.md`` §2.4):
X 0.0225-0.0275 in, bars 0.75-1.1 in tall, quiet zones of 10 X, overall length at
most 7.25 in and 6.25-7.25 in recommended.

The choice of encoding and X, worked out from the module arithmetic there:

* Letting Code 128 pack the 18 digits in code set C gives 189 modules: 4.25 in at
  X = 0.0225, 5.20 in at 0.0275 — never inside the recommended 6.25-7.25 in.
* Keeping every character in code set B gives 277 modules.  At X = 0.0235 in the
  bars are 6.51 in long and, with both 10 X quiet zones, 6.98 in: inside
  6.25-7.25 in whether or not the quiet zones count, and X inside its limits.

So the placard prints the set-B symbol at X = 0.0235 in, 1.0 in tall, through
reportlab's Code 128 encoder (``draw.code128_pattern`` with ``set_b``).  Two
placards per pallet (one for each of two adjacent sides), "1 of 2" / "2 of 2" in
small print well outside the quiet zones.  White stock (First-Class Mail and
USPS Marketing Mail) is the user's paper; nothing here is coloured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from imb_tracker.imb import ContainerBarcode

from .draw import INCH, cap_height, code128_width, draw_code128, text_width
from .envelopes import JobResult
from .pdfwriter import Content, PdfWriter

PAGE_W, PAGE_H = 8.5, 11.0  # letter paper
PLACARD_W, PLACARD_H = 8.0, 11.0
MODULE = 0.0235  # inches (see the module docstring)
BAR_HEIGHT = 1.0
QUIET = 10 * MODULE
LINE_SIZE = 52.0  # points: Helvetica-Bold capitals 0.518 in high (at least 1/2 in)
LINE_MIN_CAP = 0.5
MARGIN = 0.375


@dataclass(frozen=True)
class Placard:
    barcode: ContainerBarcode
    line1: str
    line2: str
    line3: str


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Words on as many rows as it takes at ``size`` (never smaller: the 1/2 in rule)."""
    rows: list[str] = []
    for word in text.upper().split():
        if rows and text_width(rows[-1] + " " + word, "Helvetica-Bold", size) / INCH <= width:
            rows[-1] += " " + word
        else:
            rows.append(word)
    return rows or [""]


def symbol_length(barcode: ContainerBarcode) -> float:
    """The bars' length in inches (quiet zones not included)."""
    return code128_width("\xf1" + barcode.data, MODULE * INCH, set_b=True) / INCH


def render_placards(placards: Sequence[Placard], out: Path) -> JobResult:
    """Two pages per pallet (adjacent sides), each an 8 × 11 in placard centred on letter paper."""
    left = (PAGE_W - PLACARD_W) / 2
    pages = 0
    with PdfWriter(out, title="IMb Tracker pallet placards") as writer:
        for placard in placards:
            for side in (1, 2):
                writer.add_page(_placard_page(placard, side, left), PAGE_W * INCH, PAGE_H * INCH)
                pages += 1
    return JobResult(pages, out)


def _placard_page(placard: Placard, side: int, left: float) -> Content:
    content = Content()
    content.stroke_rect(left * INCH, 0, PLACARD_W * INCH, PLACARD_H * INCH, 0.3, 0.6)  # the cut line
    y = PLACARD_H - MARGIN - 0.15 - cap_height(LINE_SIZE) / INCH
    for label, text in (("LINE 1", placard.line1), ("LINE 2", placard.line2), ("LINE 3", placard.line3)):
        content.text(
            (left + MARGIN) * INCH, (y + cap_height(LINE_SIZE) / INCH + 0.08) * INCH, label, "Helvetica", 7
        )
        for row in _wrap(text, PLACARD_W - 2 * MARGIN, LINE_SIZE):
            content.text((left + MARGIN) * INCH, y * INCH, row, "Helvetica-Bold", LINE_SIZE)
            y -= 0.85
        y -= 0.25
    data = "\xf1" + placard.barcode.data
    length = symbol_length(placard.barcode)
    bar_x = left + (PLACARD_W - length) / 2
    bar_y = 2.0
    draw_code128(content, data, bar_x * INCH, bar_y * INCH, MODULE * INCH, BAR_HEIGHT * INCH, set_b=True)
    human = f"99M {placard.barcode.mailer_id} {placard.barcode.serial}"
    hx = left + (PLACARD_W - text_width(human, "Helvetica-Bold", 16) / INCH) / 2
    content.text(hx * INCH, (bar_y - 0.35) * INCH, human, "Helvetica-Bold", 16)
    content.text((left + MARGIN) * INCH, 0.5 * INCH, f"{side} of 2", "Helvetica", 9)
    return content
