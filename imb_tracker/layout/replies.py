"""Reply envelopes and cards: FIM, legends, permit lines, the reply IMb; the rule check; the PDF jobs.

Layout in inches from the bottom-left of the piece (``reply-mail.md`` §1.3-1.4,
``printing.md`` §1.3-1.5):

* the FIM in its clear zone at the top edge, rightmost bar 2 in from the right
  edge, bars 1/32 in wide and 5/8 in tall at a 1/16 in pitch;
* a right-hand column at most 1 3/4 in from the right edge: BRM's "NO POSTAGE
  NECESSARY …" endorsement and its horizontal bars, CRM's stamp box, the PRM
  permit imprint, or the Share Mail marking;
* BRM and QBRM: "BUSINESS REPLY MAIL" with capitals at least 3/16 in tall, the
  permit line and "POSTAGE WILL BE PAID BY ADDRESSEE" above the address;
* the reply address (upper case, last line city/state/ZIP+4), with the IMb
  above or below it, or in the lower-right barcode clear zone.

Every reply piece of a design looks the same but for its bars, so one layout
is checked and reused for a whole job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from imb_tracker.imb import NOMINAL, BarSpec
from imb_tracker.imb.reply import FIM_BAR_WIDTH, FIM_RIGHT, FIM_ZONE, FimBar, fim_bars, reply_kind
from imb_tracker.records import StoredPiece

from . import rules
from .draw import INCH, ascent_descent, cap_height, draw_imb, text_width
from .envelopes import (
    POSITIONS,
    EnvelopeOptions,
    JobResult,
    TextLine,
    _return_form,
    barcode_position_violations,
    draw_piece,
    layout_piece,
    render_job,
)
from .pdfwriter import Content, PdfWriter
from .rules import Box, Violation
from .templates import EnvelopeTemplate

log = logging.getLogger(__name__)

LEGEND = "BUSINESS REPLY MAIL"
LEGEND_MIN_CAP = 3 / 16  # inches: "at 3/16 inch high" (read: at least)
LEGEND_SIZE = 20.0  # points: capitals 0.199 in
PAID_LINE = "POSTAGE WILL BE PAID BY ADDRESSEE"
ENDORSEMENT = ("NO POSTAGE", "NECESSARY", "IF MAILED", "IN THE", "UNITED STATES")
COLUMN = 1.75  # the right-hand column: at most this far from the right edge
COLUMN_IN = 0.2  # its left edge, inside that limit
COLUMN_RIGHT = 0.25  # its right edge, from the piece's right edge
BAR_THICKNESS = 0.125  # BRM horizontal bars: 1/16 to 3/16 in thick, at least 1 in long, evenly spaced
BAR_PITCH = 0.25
CRM_CITY_LINE = (5 / 8, 2.25)  # CRM: city/state/ZIP line this far above the bottom edge
ADDRESS_SIZE = 10.0
MIN_ADDRESS_SIZE = 8.0
BLOCK_GAP = 0.06

Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class ReplyArt:
    """What a reply piece prints besides its bars (from a stored design)."""

    kind: str
    lines: tuple[str, ...]
    permit: str = ""
    permit_city: str = ""
    fim: str = ""
    bars: bool = True
    stamp_box: bool = True
    position: str = "address-above"
    spec: BarSpec = NOMINAL


@dataclass
class ReplyLayout:
    """Where everything of a reply piece goes (inches), and what breaks the rules."""

    width: float
    height: float
    texts: list[TextLine]
    address: list[TextLine]
    fim: list[FimBar]
    rules_bars: list[Box]  # BRM horizontal bars
    frames: list[Box]  # stroked boxes (stamp box, permit imprint)
    bars_x: float
    bars_y: float
    bars: str
    legend: TextLine | None = None
    violations: list[Violation] = field(default_factory=list)

    def with_bars(self, bars: str) -> ReplyLayout:
        """The same piece with another reply's bars (every reply of a design is laid out alike)."""
        return replace(self, bars=bars)


def _centered(text: str, left: float, right: float, baseline: float, size: float, what: str) -> TextLine:
    width = text_width(text, "Helvetica-Bold", size) / INCH
    return TextLine(text, left + (right - left - width) / 2, baseline, size, "Helvetica-Bold", what)


def layout_reply(template: EnvelopeTemplate, art: ReplyArt, bars: str) -> ReplyLayout:
    """Place one reply piece and check it against the rules (``violations``)."""
    kind = reply_kind(art.kind)
    w, h = template.width, template.height
    spec = art.spec
    col_left, col_right = w - COLUMN + COLUMN_IN, w - COLUMN_RIGHT
    texts: list[TextLine] = []
    frames: list[Box] = []
    legend: TextLine | None = None
    lines = [" ".join(t.split()).upper() for t in art.lines]

    # -- the right-hand column
    column_bottom = h - COLUMN_RIGHT
    if kind.key in ("brm", "qbrm", "share"):
        words = ENDORSEMENT if kind.key != "share" else ("SHARE MAIL", "NO POSTAGE", "NECESSARY")
        size = 7.5
        baseline = h - 0.3 - cap_height(size) / INCH
        for text in words:
            texts.append(_centered(text, col_left, col_right, baseline, size, "endorsement"))
            baseline -= size * 1.2 / INCH
        column_bottom = baseline + size * 1.2 / INCH - ascent_descent("Helvetica-Bold", size)[1] / INCH
    elif kind.key == "crm" and art.stamp_box:
        box = Box(w - 1.45, h - 1.35, 1.2, 1.1, "the stamp box")
        frames.append(box)
        size = 7.0
        baseline = box.y + box.height / 2 + cap_height(size) / INCH * 1.7
        for text in ("PLACE", "STAMP", "HERE"):
            texts.append(_centered(text, box.x, box.right, baseline, size, "stamp box"))
            baseline -= size * 1.3 / INCH
        column_bottom = box.y
    elif kind.key == "prm":
        box = Box(col_left, h - 1.15, col_right - col_left, 0.9, "the permit imprint")
        frames.append(box)
        size = 6.5
        imprint = (
            "FIRST-CLASS MAIL",
            "U.S. POSTAGE PAID",
            art.permit_city.upper(),
            f"PERMIT NO. {art.permit}",
        )
        baseline = box.top - 0.12 - cap_height(size) / INCH
        for text in imprint:
            texts.append(_centered(text, box.x, box.right, baseline, size, "permit imprint"))
            baseline -= size * 1.45 / INCH
        column_bottom = box.y

    # -- the legend and permit lines (BRM, QBRM)
    headers: list[tuple[str, str, float]] = []
    if kind.key in ("brm", "qbrm"):
        headers = [
            (LEGEND, "Helvetica-Bold", LEGEND_SIZE),
            (f"FIRST-CLASS MAIL PERMIT NO. {art.permit} {art.permit_city.upper()}", "Helvetica-Bold", 9.0),
            (PAID_LINE, "Helvetica", 8.0),
        ]
    size = ADDRESS_SIZE
    limit = col_left - 0.12  # everything of the block stays left of the column
    in_block = art.position != "clear-zone"
    widest = max(
        [text_width(t, f, s) / INCH for t, f, s in headers]
        + [text_width(t, "Helvetica", size) / INCH for t in lines]
        + ([spec.length + 0.125] if in_block else [0.0])
    )
    x = max(rules.OCR_LEFT, min(round(w * 0.3 / 0.05) * 0.05, limit - widest))
    while size > MIN_ADDRESS_SIZE and max(text_width(t, "Helvetica", size) for t in lines) / INCH > limit - x:
        size -= 0.5
    cursor = h - FIM_ZONE[2] - 0.15  # below the FIM clear zone
    for i, (text, font, fsize) in enumerate(headers):
        line = TextLine(
            text, x, cursor - cap_height(fsize) / INCH, fsize, font, "legend" if i == 0 else "permit line"
        )
        texts.append(line)
        if i == 0:
            legend = line
        cursor = line.baseline - ascent_descent(font, fsize)[1] / INCH - 0.07
    # -- the address block, inside the OCR read area
    leading = size * 1.2 / INCH
    cap = cap_height(size) / INCH
    descent = ascent_descent("Helvetica", size)[1] / INCH
    bar_h = spec.full_height
    block_h = (len(lines) - 1) * leading + cap + ((bar_h + BLOCK_GAP) if in_block else 0.0)
    low, high = rules.OCR_BOTTOM + 0.1, rules.OCR_TOP - 0.08
    top = min(cursor - 0.05, high) if headers else min(high, cursor, (low + high) / 2 + block_h / 2)
    if kind.key == "crm":  # the city/state/ZIP line no higher than 2 1/4 in above the bottom
        top = min(
            top,
            CRM_CITY_LINE[1]
            - 0.05
            + (len(lines) - 1) * leading
            + ((bar_h + BLOCK_GAP) if art.position == "address-above" else 0),
        )
    cursor = top
    bars_x, bars_y = x, 0.0
    if art.position == "address-above":
        bars_y = cursor - bar_h
        cursor = bars_y - BLOCK_GAP
    address = []
    baseline = cursor - cap
    for text in lines:
        address.append(TextLine(text, x, baseline, size, what="reply address line"))
        baseline -= leading
    if art.position == "address-below":
        bars_y = address[-1].baseline - descent - BLOCK_GAP - bar_h
    elif art.position == "clear-zone":
        bars_x, bars_y = w - 4.0, 0.25

    # -- BRM horizontal bars: below the endorsement, not below the delivery address line
    rules_bars: list[Box] = []
    if kind.key in ("brm", "qbrm") and art.bars:
        delivery_line = address[-2].baseline if len(address) >= 2 else address[-1].baseline
        floor = max(delivery_line, rules.CLEAR_ZONE_HEIGHT + 0.1)
        y_top = column_bottom - 0.12
        while y_top - BAR_THICKNESS >= floor - rules.EPS:
            rules_bars.append(
                Box(col_left, y_top - BAR_THICKNESS, col_right - col_left, BAR_THICKNESS, "a horizontal bar")
            )
            y_top -= BAR_PITCH

    fim = fim_bars(art.fim, w, h) if art.fim else []
    layout = ReplyLayout(w, h, texts, address, fim, rules_bars, frames, bars_x, bars_y, bars, legend)
    layout.violations.extend(check_reply(kind.key, art, layout, size))
    return layout


def check_reply(kind: str, art: ReplyArt, layout: ReplyLayout, size: float) -> list[Violation]:
    """Every placement rule of a reply piece (printing.md §1.3-1.5, reply-mail.md §1.3-1.4)."""
    w, h = layout.width, layout.height
    out = rules.check_letter_size(w, h)
    spec = art.spec
    piece = Box(0, 0, w, h, "the piece")
    zone = rules.clear_zone(w)
    ocr = rules.ocr_area(w)
    fim_zone = Box(
        w - FIM_ZONE[0], h - FIM_ZONE[2], FIM_ZONE[0] - FIM_ZONE[1], FIM_ZONE[2], "the FIM clear zone"
    )
    bars = Box(layout.bars_x, layout.bars_y, spec.length, spec.full_height, "the barcode")
    quiet = Box(
        bars.x - 0.125,
        bars.y - 0.028,
        spec.length + 0.25,
        spec.full_height + 0.056,
        "the barcode's quiet zone",
    )
    address = [t.box() for t in layout.address]
    others = [t.box() for t in layout.texts] + layout.frames + layout.rules_bars
    # the FIM
    if layout.fim:
        right = max(b.x + b.width for b in layout.fim)
        if abs((w - right) - FIM_RIGHT) > 1 / 8 + rules.EPS:
            out.append(
                Violation(
                    "fim",
                    f"the FIM's rightmost bar is {w - right:.3f} in from the right edge; it must be 2 in ± 1/8",
                )
            )
        for b in layout.fim:
            if not Box(b.x, b.y, b.width, b.height, "a FIM bar").inside(fim_zone):
                out.append(
                    Violation(
                        "fim",
                        "a FIM bar leaves the FIM clear zone (3 to 1 3/4 in from the right, top 5/8 in)",
                    )
                )
                break
        if any(abs(b.width - FIM_BAR_WIDTH) > 0.008 for b in layout.fim):
            out.append(Violation("fim", "FIM bars must be 1/32 in ± 0.008 in wide"))
    elif kind in ("brm", "qbrm", "crm"):
        out.append(
            Violation("fim", f"{reply_kind(kind).name} needs its FIM ({reply_kind(kind).fim}) for automation")
        )
    for box in address + others + [quiet]:
        if box.overlaps(fim_zone):
            out.append(
                Violation(
                    "fim-zone", f"{box.what} is printed in the FIM clear zone; only the FIM may be there"
                )
            )
    # the legend
    if kind in ("brm", "qbrm"):
        legend = layout.legend
        if legend is None or cap_height(legend.size) / INCH < LEGEND_MIN_CAP - rules.EPS:
            out.append(Violation("legend", "the 'BUSINESS REPLY MAIL' legend must be at least 3/16 in tall"))
        for bar in layout.rules_bars:
            if bar.width < 1 - rules.EPS or not 1 / 16 - rules.EPS <= bar.height <= 3 / 16 + rules.EPS:
                out.append(
                    Violation("bars", "horizontal bars must be at least 1 in long and 1/16 to 3/16 in thick")
                )
                break
        if layout.rules_bars and len(layout.address) >= 2:
            floor = layout.address[-2].baseline
            if min(r.y for r in layout.rules_bars) < floor - rules.EPS:
                out.append(Violation("bars", "the horizontal bars reach below the delivery address line"))
    # the right-hand column
    for box in [
        t.box() for t in layout.texts if t.what in ("endorsement", "stamp box", "permit imprint")
    ] + layout.frames:
        if box.x < w - COLUMN - rules.EPS:
            out.append(
                Violation("postage-area", f"{box.what} reaches more than 1 3/4 in from the right edge")
            )
    # the address
    if cap_height(size) / INCH < rules.MIN_CAP_HEIGHT - rules.EPS:
        out.append(
            Violation("type-size", f"address type {size:g} pt is smaller than the USPS minimum (8 pt)")
        )
    for box in address:
        if not box.inside(ocr):
            out.append(
                Violation(
                    "ocr-area",
                    f"{box.what} leaves the OCR read area (0.5 in from the sides, 0.625-2.75 in above the bottom)",
                )
            )
    if kind == "crm" and address:
        last = address[-1]
        lo, hi = CRM_CITY_LINE
        if last.y < lo - rules.EPS or last.top > hi + rules.EPS:
            out.append(
                Violation(
                    "city-line",
                    "the city/state/ZIP line must be 5/8 in to 2 1/4 in above the bottom edge (Pub 25)",
                )
            )
    # the barcode
    for box in address + others:
        if box.overlaps(zone):
            out.append(
                Violation(
                    "clear-zone",
                    f"{box.what} is printed in the barcode clear zone (lower-right 4 3/4 x 5/8 in)",
                )
            )
        if box.overlaps(quiet):
            out.append(Violation("quiet-zone", f"{box.what} is inside the barcode's quiet zone"))
    printed = address + others
    for i, first in enumerate(printed):
        if not first.inside(piece):
            out.append(Violation("piece", f"{first.what} runs off the piece"))
        for second in printed[i + 1 :]:
            if first.overlaps(second) and not _framed(first, second):
                out.append(Violation("overlap", f"{first.what} is printed across {second.what}"))
    if not quiet.inside(piece):
        out.append(Violation("quiet-zone", "the barcode's quiet zone runs off the piece"))
    out.extend(barcode_position_violations(bars, art.position, w, ocr, address))
    return out


def _framed(first: Box, second: Box) -> bool:
    """A frame and the words printed inside it (the stamp box's "PLACE STAMP HERE")."""
    for frame, words in ((first, second), (second, first)):
        for name in ("stamp box", "permit imprint"):
            if frame.what == f"the {name}" and words.what.startswith(f"{name} "):
                return True
    return False


def check_reply_template(template: EnvelopeTemplate, art: ReplyArt) -> list[Violation]:
    """The rule check of a design on a template (the bars do not change where anything goes)."""
    sample = "FTAFFTDTTFADTDADATFAATAATTTDFFTDTDFDTTTTTFDTDTDFDDFTDAADDTFADAATD"
    return layout_reply(template, art, sample).violations


def draw_reply(content: Content, layout: ReplyLayout, spec: BarSpec) -> None:
    if layout.fim:
        content.fill_rects((b.x * INCH, b.y * INCH, b.width * INCH, b.height * INCH) for b in layout.fim)
    if layout.rules_bars:
        content.fill_rects(
            (b.x * INCH, b.y * INCH, b.width * INCH, b.height * INCH) for b in layout.rules_bars
        )
    for box in layout.frames:
        content.stroke_rect(box.x * INCH, box.y * INCH, box.width * INCH, box.height * INCH, 0.75)
    for t in [*layout.texts, *layout.address]:
        content.text(t.x * INCH, t.baseline * INCH, t.text, t.font, t.size)
    draw_imb(content, layout.bars, layout.bars_x * INCH, layout.bars_y * INCH, spec)


def render_replies(
    template: EnvelopeTemplate,
    art: ReplyArt,
    bars: Iterable[str],
    out: Path,
    total: int = 0,
    progress: Progress | None = None,
) -> JobResult:
    """One reply piece per bar string, in order; ``progress`` may cancel (file removed)."""
    base: ReplyLayout | None = None

    def draw(writer: PdfWriter, code: str) -> int:
        nonlocal base
        base = layout_reply(template, art, code) if base is None else base.with_bars(code)
        content = Content()
        draw_reply(content, base, art.spec)
        writer.add_page(content, template.width * INCH, template.height * INCH)
        return 1

    title = f"IMb Tracker reply pieces ({template.name})"
    return render_job(out, title, bars, draw, total=total, progress=progress)


def render_interleaved(
    envelope: EnvelopeTemplate,
    options: EnvelopeOptions,
    template: EnvelopeTemplate,
    art: ReplyArt,
    pairs: Iterable[tuple[StoredPiece, str]],
    out: Path,
    total: int = 0,
    progress: Progress | None = None,
) -> JobResult:
    """Each outbound envelope followed by its reply piece: one stack to insert from."""
    base: ReplyLayout | None = None
    has_return = False

    def setup(writer: PdfWriter) -> None:
        nonlocal has_return
        has_return = _return_form(envelope, options, writer)

    def draw(writer: PdfWriter, pair: tuple[StoredPiece, str]) -> int:
        nonlocal base
        piece, code = pair
        content = Content()
        draw_piece(content, layout_piece(envelope, options, piece), options.spec, has_return, options)
        writer.add_page(content, envelope.width * INCH, envelope.height * INCH)
        base = layout_reply(template, art, code) if base is None else base.with_bars(code)
        content = Content()
        draw_reply(content, base, art.spec)
        writer.add_page(content, template.width * INCH, template.height * INCH)
        return 2

    title = f"IMb Tracker envelopes with reply pieces ({envelope.name}, {template.name})"
    return render_job(out, title, pairs, draw, total=total, progress=progress, setup=setup)


__all__ = [
    "POSITIONS",
    "ReplyArt",
    "ReplyLayout",
    "check_reply_template",
    "layout_reply",
    "render_interleaved",
    "render_replies",
]
