"""Addressed envelopes: layout of one piece, rule check, and the streaming PDF job.

Layout, in inches from the bottom-left of the piece as addressed:

* return address top-left (9 pt), optional logo and endorsement line, drawn
  once as a form XObject shared by every page;
* delivery address per Pub 28 (10 pt, upper case, no punctuation), centred
  vertically in the OCR read area, left edge at about 0.4 × the length;
* the IMb above the address, below it, or in the lower-right clear zone
  (leftmost bar 4 in from the right edge, bars 1/4 in above the bottom);
* optional human-readable digits (7 pt), never in the clear zone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TypeVar

from imb_tracker.imb import NOMINAL, BarSpec, FieldError
from imb_tracker.mail.pub28 import address_lines, drop_optional_lines
from imb_tracker.records import AddressRecord, StoredPiece

from . import rules
from .draw import INCH, ascent_descent, cap_height, draw_imb, text_width
from .pdfwriter import Content, PdfWriter
from .rules import Box, Violation
from .templates import EnvelopeTemplate

log = logging.getLogger(__name__)

POSITIONS = ("address-above", "address-below", "clear-zone")
BLOCK_GAP = 0.06  # inches between the IMb and the nearest address line (rule: 0.028 to 0.625)
DIGITS_SIZE = 7.0
DIGITS_GAP = 0.06
MIN_ADDRESS_SIZE = 8.0
MAX_LINES = 6
MAX_OFFSET = 0.5  # inches: more is the wrong paper or a typo, never printer drift

#: progress(done, total) → False to cancel
Progress = Callable[[int, int], bool | None]
T = TypeVar("T")


@dataclass(frozen=True)
class EnvelopeOptions:
    position: str = "address-above"
    human_readable: bool = False
    uppercase: bool = True
    return_lines: tuple[str, ...] = ()
    endorsement: str = ""
    logo: Path | None = None
    spec: BarSpec = NOMINAL
    offset_x: float = 0.0  # per-printer nudge, inches (positive = right)
    offset_y: float = 0.0  # inches (positive = up)

    def __post_init__(self) -> None:
        for name, value in (("offset_x", self.offset_x), ("offset_y", self.offset_y)):
            if not abs(value) <= MAX_OFFSET:  # also refuses NaN
                raise FieldError(
                    name,
                    value,
                    f"a printer offset of {value:g} in is more than any printer drifts (at most {MAX_OFFSET:g} in "
                    "either way); it would move the address and barcode off their places",
                    "measure the drift on the calibration page and give the offset in inches, e.g. 0.05",
                )


@dataclass
class TextLine:
    text: str
    x: float  # inches
    baseline: float
    size: float
    font: str = "Helvetica"
    what: str = "address line"

    def box(self) -> Box:
        ascent, descent = ascent_descent(self.font, self.size)
        return Box(
            self.x,
            self.baseline - descent / INCH,
            text_width(self.text, self.font, self.size) / INCH,
            (ascent + descent) / INCH,
            f"{self.what} {self.text!r}",
        )


@dataclass
class PieceLayout:
    """Where everything of one envelope goes (inches), and what breaks the rules."""

    width: float
    height: float
    address: list[TextLine]
    bars_x: float
    bars_y: float
    bars: str
    digits: TextLine | None
    violations: list[Violation] = field(default_factory=list)

    def shifted(self, dx: float, dy: float) -> PieceLayout:
        """Where everything lands on paper after a printer offset (the rules are checked there)."""

        def move(t: TextLine) -> TextLine:
            return replace(t, x=t.x + dx, baseline=t.baseline + dy)

        return PieceLayout(
            self.width,
            self.height,
            [move(t) for t in self.address],
            self.bars_x + dx,
            self.bars_y + dy,
            self.bars,
            move(self.digits) if self.digits else None,
        )


@dataclass(frozen=True)
class ReturnBlock:
    """Laid out once per job (cached) and shared: never mutated."""

    lines: tuple[TextLine, ...]
    logo_box: Box | None


@cache
def logo_pixels(path: Path) -> tuple[int, int]:
    """A logo's size in pixels, read once: the rule check and the printout must place it the same way."""
    from PIL import Image  # noqa: PLC0415 - Pillow comes with reportlab

    with Image.open(path) as img:
        width, height = img.size
    return int(width), int(height)


@cache
def return_block(
    template: EnvelopeTemplate, options: EnvelopeOptions, logo_size: tuple[int, int] | None
) -> ReturnBlock:
    size = template.return_size
    x = template.return_x
    logo_box = None
    if options.logo is not None and logo_size:
        px_w, px_h = logo_size
        h = 0.55
        w = min(h * px_w / max(px_h, 1), 1.5)
        h = w * px_h / max(px_w, 1)
        logo_box = Box(x, template.height - 0.25 - h, w, h, "the logo")
        x += w + 0.12
    lines = []
    baseline = template.height - 0.25 - cap_height(size) / INCH
    for text in options.return_lines:
        lines.append(TextLine(text, x, baseline, size, what="return address line"))
        baseline -= size * 1.15 / INCH
    if options.endorsement:
        # Beside the logo (under the return lines, right of the logo); below it when the return
        # lines end above the logo's bottom would leave no room: never across the logo.
        cap = cap_height(8.0) / INCH
        ex, ey = x, baseline - 0.02
        if logo_box is not None and not lines:
            ex, ey = template.return_x, logo_box.y - 0.06 - cap
        lines.append(TextLine(options.endorsement.upper(), ex, ey, 8.0, "Helvetica-Bold", "endorsement"))
    return ReturnBlock(tuple(lines), logo_box)


def layout_piece(template: EnvelopeTemplate, options: EnvelopeOptions, piece: StoredPiece) -> PieceLayout:
    """Place one piece's address and barcode, and check the result against the rules."""
    w, h = template.width, template.height
    spec = options.spec
    bar_h = spec.full_height
    bar_len = spec.length
    violations: list[Violation] = []
    x = template.address_x if template.address_x is not None else round(w * 0.395 / 0.05) * 0.05
    lines = address_lines(piece, uppercase=options.uppercase)
    lines = drop_optional_lines(lines, bool(piece.name), bool(piece.company), MAX_LINES)
    size = template.address_size
    max_width = (w - rules.OCR_LEFT - x) * INCH
    while size > MIN_ADDRESS_SIZE and max(text_width(t, "Helvetica", size) for t in lines) > max_width:
        size -= 0.5
    for t in lines:
        if text_width(t, "Helvetica", size) > max_width + 0.01:
            violations.append(
                Violation(
                    "line-length",
                    (
                        f"address line {t!r} is {text_width(t, 'Helvetica', size) / INCH:.2f} in wide at {size:g} pt; "
                        f"only {max_width / INCH:.2f} in fit inside the OCR read area — shorten it (Pub 28 abbreviations)"
                    ),
                )
            )
    leading = size * 1.2 / INCH
    cap = cap_height(size) / INCH
    descent = ascent_descent("Helvetica", size)[1] / INCH
    digits_cap = cap_height(DIGITS_SIZE) / INCH
    in_block = options.position != "clear-zone"
    digits_h = (digits_cap + DIGITS_GAP) if options.human_readable else 0.0
    text_h = (len(lines) - 1) * leading + cap + (descent if options.position == "address-below" else 0)
    block_h = text_h + digits_h + ((bar_h + BLOCK_GAP) if in_block else 0)
    low = rules.OCR_BOTTOM + 0.1
    high = rules.OCR_TOP - 0.08
    top = min(high, (low + high) / 2 + block_h / 2)
    cursor = top
    digits: TextLine | None = None
    payload = piece.imb
    if options.position == "address-above":
        if options.human_readable:
            digits = TextLine(payload, x, cursor - digits_cap, DIGITS_SIZE, what="barcode digits")
            cursor -= digits_cap + DIGITS_GAP
        bars_y = cursor - bar_h
        bars_x = x
        cursor = bars_y - BLOCK_GAP
    elif options.position == "clear-zone" and options.human_readable:
        # The digits go above the delivery address (never in the clear zone, never below the address)
        digits = TextLine(payload, x, cursor - digits_cap, DIGITS_SIZE, what="barcode digits")
        cursor -= digits_cap + DIGITS_GAP
    address: list[TextLine] = []
    baseline = cursor - cap
    for text in lines:
        address.append(TextLine(text, x, baseline, size))
        baseline -= leading
    last = address[-1].baseline
    if options.position == "address-below":
        bars_x = x
        bars_y = last - descent - BLOCK_GAP - bar_h
        if options.human_readable:
            digits = TextLine(
                payload, x, bars_y - DIGITS_GAP - digits_cap, DIGITS_SIZE, what="barcode digits"
            )
    elif options.position == "clear-zone":
        bars_x = w - 4.0
        bars_y = 0.25
    layout = PieceLayout(w, h, address, bars_x, bars_y, piece.bars, digits, violations)
    # The rules hold for the paper: checked where the printer offset puts everything.
    on_paper = (
        layout.shifted(options.offset_x, options.offset_y) if options.offset_x or options.offset_y else layout
    )
    layout.violations.extend(check_piece(template, options, on_paper, size, bar_len, bar_h))
    return layout


def check_piece(
    template: EnvelopeTemplate,
    options: EnvelopeOptions,
    layout: PieceLayout,
    size: float,
    bar_len: float,
    bar_h: float,
) -> list[Violation]:
    """Every placement rule for one laid-out piece."""
    w, h = layout.width, layout.height
    out = rules.check_letter_size(w, h)
    ocr, zone, postage = rules.ocr_area(w), rules.clear_zone(w), rules.postage_area(w, h)
    bars = Box(layout.bars_x, layout.bars_y, bar_len, bar_h, "the barcode")
    quiet = Box(bars.x - 0.125, bars.y - 0.028, bar_len + 0.25, bar_h + 0.056, "the barcode's quiet zone")
    ret = return_block(template, options, logo_pixels(options.logo) if options.logo else None)
    address_boxes = [t.box() for t in layout.address]
    # the return block lands where the printer offset puts it, like everything else
    dx, dy = options.offset_x, options.offset_y
    ret_boxes = [_moved(t.box(), dx, dy) for t in ret.lines] + (
        [_moved(ret.logo_box, dx, dy)] if ret.logo_box else []
    )
    other_boxes = list(ret_boxes)
    out.extend(_return_block_rules(ret_boxes, w, h))
    if layout.digits is not None:
        other_boxes.append(layout.digits.box())
    if cap_height(size) / INCH < rules.MIN_CAP_HEIGHT - rules.EPS:
        out.append(
            Violation(
                "type-size",
                f"address type {size:g} pt is smaller than the USPS minimum (0.080 in capitals, 8 pt)",
            )
        )
    for box in address_boxes:
        if not box.inside(ocr):
            out.append(
                Violation(
                    "ocr-area",
                    f"{box.what} leaves the OCR read area (0.5 in from the sides, 0.625-2.75 in above the bottom)",
                )
            )
    for box in address_boxes + other_boxes:
        if box.overlaps(zone):
            out.append(
                Violation(
                    "clear-zone",
                    f"{box.what} is printed in the barcode clear zone (lower-right 4 3/4 x 5/8 in); only the barcode may be there",
                )
            )
        if box.overlaps(quiet):
            out.append(
                Violation(
                    "quiet-zone",
                    f"{box.what} is inside the barcode's quiet zone (1/8 in left and right, 0.028 in above and below)",
                )
            )
        if box.overlaps(postage):
            out.append(Violation("postage-area", f"{box.what} is in the postage area (top-right corner)"))
    for box in other_boxes:
        if box.what.startswith(("return", "the logo", "endorsement")) and box.y < rules.OCR_TOP - rules.EPS:
            out.append(
                Violation(
                    "return-address",
                    f"{box.what} reaches into the OCR read area (below 2.75 in); shorten the return address",
                )
            )
    if not quiet.inside(Box(0, 0, w, h, "the piece")):
        out.append(Violation("quiet-zone", "the barcode's quiet zone runs off the piece"))
    out.extend(barcode_position_violations(bars, options.position, w, ocr, address_boxes))
    return out


def barcode_position_violations(
    bars: Box, position: str, width: float, ocr: Box, address: list[Box]
) -> list[Violation]:
    """Where the IMb is against the rules for its position (outbound envelopes and reply pieces alike).

    In the barcode clear zone: its leftmost bar 3.5-4.25 in from the right edge, its bottom
    3/16-1/2 in above the bottom edge, inside the bottom 5/8 in.  In the address block: inside
    the OCR read area, 0.028-0.625 in from the nearest address line.
    """
    out: list[Violation] = []
    w = width
    if position == "clear-zone":
        from_right = w - bars.x
        lo, hi = rules.CLEAR_ZONE_BAR_FROM_RIGHT
        if not lo - rules.EPS <= from_right <= hi + rules.EPS:
            out.append(
                Violation(
                    "imb-position",
                    f"leftmost bar is {from_right:.3f} in from the right edge; it must be 3.5-4.25 in",
                )
            )
        lo, hi = rules.CLEAR_ZONE_BAR_BOTTOM
        if not lo - rules.EPS <= bars.y <= hi + rules.EPS or bars.top > rules.CLEAR_ZONE_HEIGHT + rules.EPS:
            out.append(
                Violation(
                    "imb-position",
                    f"barcode bottom at {bars.y:.3f} in; it must be 3/16-1/2 in above the bottom edge and stay inside the bottom 5/8 in",
                )
            )
    else:
        if not bars.inside(ocr):
            out.append(Violation("imb-position", "the barcode in the address block leaves the OCR read area"))
        gaps = [max(b.y - bars.top, bars.y - b.top) for b in address]
        nearest = min(gaps) if gaps else 0.0
        lo, hi = rules.BLOCK_CLEARANCE
        if not lo - rules.EPS <= nearest <= hi + rules.EPS:
            out.append(
                Violation(
                    "imb-clearance",
                    f"barcode is {nearest:.3f} in from the nearest address line; it must be 0.028-0.625 in",
                )
            )
    return out


def _moved(box: Box, dx: float, dy: float) -> Box:
    return Box(box.x + dx, box.y + dy, box.width, box.height, box.what)


def _return_block_rules(boxes: list[Box], w: float, h: float) -> list[Violation]:
    """The return address, logo and endorsement: on the piece, apart, and in the left half."""
    out = []
    piece = Box(0, 0, w, h, "the piece")
    for box in boxes:
        if not box.inside(piece):
            out.append(Violation("return-address", f"{box.what} runs off the piece"))
        if box.x + box.width > w / 2 + rules.EPS:
            out.append(
                Violation(
                    "return-address",
                    f"{box.what} reaches {box.x + box.width:.2f} in from the left edge; the return address "
                    f"may take at most half the envelope's length ({w / 2:.2f} in): shorten it",
                )
            )
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            if first.overlaps(second):
                out.append(Violation("return-address", f"{first.what} is printed across {second.what}"))
    return out


def check_template(template: EnvelopeTemplate, options: EnvelopeOptions) -> list[Violation]:
    """Rule check with a typical long address: what a template does before any real piece."""
    sample = StoredPiece(
        address=AddressRecord(
            row=0,
            name="ALEXANDRA CUNNINGHAM-WORTHINGTON",
            company="NORTHSIDE COMMUNITY FOOD PANTRY",
            address1="12345 NORTHWESTERN PARKWAY",
            address2="STE 1200",
            city="SPRINGFIELD",
            state="IL",
            zip5="62704",
            zip4="1234",
            delivery_point="01",
        ),
        tracking="00270123456000000001",
        routing="62704123401",
        bars="FTAFFTDTTFADTDADATFAATAATTTDFFTDTDFDTTTTTFDTDTDFDDFTDAADDTFADAATD",
    )
    return layout_piece(template, options, sample).violations


def _return_form(template: EnvelopeTemplate, options: EnvelopeOptions, writer: PdfWriter) -> bool:
    if not options.return_lines and not options.endorsement and options.logo is None:
        return False
    if options.logo is not None:
        writer.add_image("Logo", options.logo)
    block = return_block(template, options, logo_pixels(options.logo) if options.logo else None)
    form = Content()
    if block.logo_box is not None:
        b = block.logo_box
        form.image("Logo", b.x * INCH, b.y * INCH, b.width * INCH, b.height * INCH)
    for t in block.lines:
        form.text(t.x * INCH, t.baseline * INCH, t.text, t.font, t.size)
    writer.add_form("ReturnAddress", form, template.width * INCH, template.height * INCH)
    return True


def draw_piece(
    content: Content, layout: PieceLayout, spec: BarSpec, has_return: bool, options: EnvelopeOptions
) -> None:
    if options.offset_x or options.offset_y:
        content.raw(f"q 1 0 0 1 {options.offset_x * INCH:.3f} {options.offset_y * INCH:.3f} cm")
    if has_return:
        content.form("ReturnAddress")
    for t in layout.address:
        content.text(t.x * INCH, t.baseline * INCH, t.text, t.font, t.size)
    if layout.digits is not None:
        d = layout.digits
        content.text(d.x * INCH, d.baseline * INCH, d.text, d.font, d.size)
    draw_imb(content, layout.bars, layout.bars_x * INCH, layout.bars_y * INCH, spec)
    if options.offset_x or options.offset_y:
        content.raw("Q")


@dataclass
class JobResult:
    pages: int
    path: Path
    cancelled: bool = False


def check_envelopes(
    template: EnvelopeTemplate, options: EnvelopeOptions, pieces: Iterable[StoredPiece]
) -> Iterator[tuple[int, StoredPiece, Violation]]:
    """Every rule broken, piece by piece (1-based piece number), before anything is printed."""
    for violation in rules.check_letter_size(template.width, template.height):
        blank = AddressRecord(
            row=0, name="", company="", address1="", address2="", city="", state="", zip5=""
        )
        yield 0, StoredPiece(address=blank, tracking="", routing="", bars=""), violation
    for number, piece in enumerate(pieces, start=1):
        for violation in layout_piece(template, options, piece).violations:
            yield number, piece, violation


def render_envelopes(
    template: EnvelopeTemplate,
    options: EnvelopeOptions,
    pieces: Iterable[StoredPiece],
    out: Path,
    total: int = 0,
    progress: Progress | None = None,
) -> JobResult:
    """Write one page per piece to ``out`` as it is laid out; ``progress`` may cancel (file removed)."""
    width, height = template.width * INCH, template.height * INCH
    has_return = False

    def setup(writer: PdfWriter) -> None:
        nonlocal has_return
        has_return = _return_form(template, options, writer)

    def draw(writer: PdfWriter, piece: StoredPiece) -> int:
        content = Content()
        draw_piece(content, layout_piece(template, options, piece), options.spec, has_return, options)
        writer.add_page(content, width, height)
        return 1

    title = f"IMb Tracker envelopes ({template.name})"
    return render_job(out, title, pieces, draw, total=total, progress=progress, setup=setup)


def render_job(
    out: Path,
    title: str,
    items: Iterable[T],
    draw: Callable[[PdfWriter, T], int],
    *,
    total: int = 0,
    progress: Progress | None = None,
    setup: Callable[[PdfWriter], None] | None = None,
) -> JobResult:
    """A print job streamed to ``out``: ``draw`` adds each item's pages (and says how many).

    ``progress(items done, total)`` is told every 250 items and may cancel; a cancel or an error
    leaves no file behind.  Envelopes, reply pieces and interleaved jobs all run through here.
    """
    writer = PdfWriter(out, title=title)
    pages = done = 0
    try:
        if setup is not None:
            setup(writer)
        for item in items:
            pages += draw(writer, item)
            done += 1
            if progress is not None and done % 250 == 0 and progress(done, total) is False:
                writer.abort()
                out.unlink(missing_ok=True)
                return JobResult(pages, out, cancelled=True)
        writer.close()
    except BaseException:
        writer.abort()
        out.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(done, total or done)
    return JobResult(pages, out)
