"""The calibration page (rulers and a nominal IMb) and a page for any bar string."""

from __future__ import annotations

from pathlib import Path

from imb_tracker.imb import NOMINAL, BarSpec, ImbError, decode, normalize_bars

from .draw import INCH, draw_imb, wrap
from .envelopes import JobResult
from .pdfwriter import Content, PdfWriter

PAGE_W, PAGE_H = 8.5 * INCH, 11 * INCH
TEXT_WIDTH = 7.0  # inches of text from the 0.75 in left margin
SAMPLE_BARS = "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"  # USPS-B-3200 Appendix C


def _ruler_inches(c: Content, x: float, y: float, inches: int) -> None:
    c.line(x, y, x + inches * INCH, y, 0.5)
    for i in range(inches * 8 + 1):
        tick = 14 if i % 8 == 0 else 9 if i % 4 == 0 else 6 if i % 2 == 0 else 4
        c.line(x + i * INCH / 8, y, x + i * INCH / 8, y + tick, 0.4)
        if i % 8 == 0:
            c.text(x + i * INCH / 8 + 1.5, y + 15, f"{i // 8}", "Helvetica", 7)
    c.text(x, y - 10, f"inches: {inches} in from the first to the last long tick", "Helvetica", 7)


def _ruler_mm(c: Content, x: float, y: float, mm: int) -> None:
    unit = INCH / 25.4
    c.line(x, y, x + mm * unit, y, 0.5)
    for i in range(mm + 1):
        tick = 14 if i % 10 == 0 else 9 if i % 5 == 0 else 5
        c.line(x + i * unit, y, x + i * unit, y - tick, 0.4)
        if i % 10 == 0:
            c.text(x + i * unit + 1.5, y - 22, f"{i // 10}", "Helvetica", 7)
    c.text(x, y + 6, f"centimetres: {mm} mm from the first to the last long tick", "Helvetica", 7)


def calibration_page(spec: BarSpec = NOMINAL) -> Content:
    c = Content()
    c.text(0.75 * INCH, 10.3 * INCH, "IMb Tracker printer calibration", "Helvetica-Bold", 14)
    c.text(
        0.75 * INCH,
        10.05 * INCH,
        "Print this page at 100% (actual size, no fit to page). Then measure:",
        "Helvetica",
        9,
    )
    _ruler_inches(c, 0.75 * INCH, 9.3 * INCH, 7)
    _ruler_mm(c, 0.75 * INCH, 8.6 * INCH, 180)
    c.stroke_rect(0.75 * INCH, 5.5 * INCH, 2 * INCH, 2 * INCH, 0.5)
    c.text(0.75 * INCH, 5.3 * INCH, "square: exactly 2 x 2 in", "Helvetica", 8)
    c.stroke_rect(3.5 * INCH, 5.5 * INCH, 50 / 25.4 * INCH, 50 / 25.4 * INCH, 0.5)
    c.text(3.5 * INCH, 5.3 * INCH, "square: exactly 50 x 50 mm", "Helvetica", 8)
    draw_imb(c, SAMPLE_BARS, 0.75 * INCH, 3.8 * INCH, spec)
    c.text(
        0.75 * INCH,
        3.55 * INCH,
        f"Intelligent Mail barcode at {spec.bar_width:.3f} in bars, {1 / spec.pitch:.1f} bars per inch: "
        f"{spec.length:.3f} in from the left edge of the first bar to the right edge of the last,",
        "Helvetica",
        8,
    )
    c.text(
        0.75 * INCH,
        3.4 * INCH,
        f"full bars {spec.full_height:.3f} in tall. USPS allows 2.68-3.23 in and 0.125-0.165 in.",
        "Helvetica",
        8,
    )
    advice = (
        "If a ruler or square is off, turn off 'fit to page' / 'scale' in the print dialog; if it is still "
        "off, set the printer offsets in Settings."
    )
    for i, line in enumerate(wrap(advice, "Helvetica", 8, TEXT_WIDTH)):
        c.text(0.75 * INCH, (2.9 - i * 0.15) * INCH, line, "Helvetica", 8)
    return c


def render_calibration(out: Path, spec: BarSpec = NOMINAL) -> JobResult:
    with PdfWriter(out, title="IMb Tracker calibration") as writer:
        writer.add_page(calibration_page(spec), PAGE_W, PAGE_H)
    return JobResult(1, out)


def render_bars(bars: str, out: Path, spec: BarSpec = NOMINAL) -> JobResult:
    """Any 65-letter bar string at exact size on a letter page, with what it decodes to (if it does)."""
    text = normalize_bars(bars)
    c = Content()
    c.text(1 * INCH, 10 * INCH, "Intelligent Mail barcode", "Helvetica-Bold", 12)
    draw_imb(c, text, 1 * INCH, 9.3 * INCH, spec)
    c.text(1 * INCH, 9.05 * INCH, text, "Helvetica", 7)
    try:
        message = f"decodes to: {decode(text).fields.human_readable()}"
    except ImbError as exc:
        message = f"does not decode: {exc}"
    # the whole message, wrapped inside the page's 1 in margins (it was cut mid-sentence at 8.35 in)
    for i, line in enumerate(wrap(message, "Helvetica", 8, PAGE_W / INCH - 2.0)):
        c.text(1 * INCH, (8.85 - i * 0.15) * INCH, line, "Helvetica", 8)
    with PdfWriter(out, title="IMb Tracker barcode") as writer:
        writer.add_page(c, PAGE_W, PAGE_H)
    return JobResult(1, out)
