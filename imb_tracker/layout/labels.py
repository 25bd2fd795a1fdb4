"""Address labels with the IMb above the name line (Pub 28 §342) on Avery sheets.

The IMb needs 2.93 in plus 1/8 in clear on each side, so it is offered only on
4-in-wide stock (5161, 5162, 5163, 5164, 5159); 5160/8160 labels are 2 5/8 in
wide and get the address alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from imb_tracker.imb import NOMINAL, BarSpec, FieldError
from imb_tracker.mail.pub28 import address_lines
from imb_tracker.records import StoredPiece

from .draw import INCH, ascent_descent, cap_height, draw_imb, text_width
from .envelopes import JobResult, Progress
from .pdfwriter import Content, PdfWriter
from .rules import Box, Violation
from .sheets import Cell, SheetOptions, alignment_sheet, cells, write_sheets
from .templates import SheetTemplate

MARGIN = 0.15  # inches from the label edge to the text and bars (>= the 1/8 in quiet zone)
TOP_GAP = 0.09  # label top edge to the top of the bars (>= 0.028 in)
BAR_GAP = 0.06  # bars to the first line's capitals (0.028-0.625 in)


@dataclass(frozen=True)
class LabelOptions:
    imb: bool = True
    uppercase: bool = True
    spec: BarSpec = NOMINAL
    sheet: SheetOptions = field(default_factory=SheetOptions)


def check_sheet(sheet: SheetTemplate, options: LabelOptions) -> None:
    """Refuse an IMb on labels too narrow for it, in words."""
    options.sheet.validate(sheet)
    need = options.spec.length + 2 * 0.125
    if options.imb and (not sheet.imb or sheet.width < need):
        raise FieldError(
            "layout",
            sheet.id,
            f"{sheet.name} labels are {sheet.width:g} in wide, but an Intelligent Mail barcode needs "
            f"{options.spec.length:.3f} in plus 1/8 in clear on each side ({need:.2f} in)",
            "use 4-in-wide labels (avery-5161, 5162, 5163, 5164 or 5159), or print without the barcode (--no-imb)",
        )


def label_layout(
    cell: Cell, piece: StoredPiece, options: LabelOptions
) -> tuple[list[tuple[str, float, float, float]], float | None, list[Violation]]:
    """Lines as (text, x, baseline, size) and the bars' bottom y, in inches; plus rule violations."""
    violations: list[Violation] = []
    lines = address_lines(piece, uppercase=options.uppercase)
    x = cell.x + MARGIN
    room_w = cell.width - 2 * MARGIN
    bars_y = None
    top = cell.top - 0.1
    if options.imb:
        bars_y = cell.top - TOP_GAP - options.spec.full_height
        top = bars_y - BAR_GAP
    bottom = cell.y + 0.06
    size = 10.0
    while size > 8.0:
        leading = size * 1.15 / INCH
        tall = (
            cap_height(size) / INCH + (len(lines) - 1) * leading + ascent_descent("Helvetica", size)[1] / INCH
        )
        wide = max(text_width(t, "Helvetica", size) for t in lines) / INCH
        if tall <= top - bottom and wide <= room_w:
            break
        size -= 0.5
    leading = size * 1.15 / INCH
    out = []
    baseline = top - cap_height(size) / INCH
    for text in lines:
        out.append((text, x, baseline, size))
        if text_width(text, "Helvetica", size) / INCH > room_w + 0.005:
            violations.append(
                Violation(
                    "line-length",
                    f"label line {text!r} is {text_width(text, 'Helvetica', size) / INCH:.2f} in wide even at "
                    f"{size:g} pt (the smallest USPS reads); only {room_w:.2f} in fit on a {cell.width:g} in "
                    "label — shorten it (Pub 28 abbreviations)",
                )
            )
        if baseline - ascent_descent("Helvetica", size)[1] / INCH < cell.y - 0.001:
            violations.append(
                Violation("label-height", f"label line {text!r} runs off the bottom of the label")
            )
        baseline -= leading
    if bars_y is not None:
        quiet = Box(
            x - 0.125,
            bars_y - 0.028,
            options.spec.length + 0.25,
            options.spec.full_height + 0.056,
            "quiet zone",
        )
        if not quiet.inside(Box(cell.x, cell.y, cell.width, cell.height, "label")):
            violations.append(Violation("quiet-zone", "the barcode's quiet zone does not fit on the label"))
    return out, bars_y, violations


def check_labels(
    sheet: SheetTemplate, options: LabelOptions, pieces: Iterable[StoredPiece]
) -> Iterator[tuple[int, StoredPiece, Violation]]:
    """Every rule broken, label by label (1-based piece number), before anything is printed."""
    check_sheet(sheet, options)
    page = Box(0, 0, sheet.page_width, sheet.page_height, "the sheet")
    for number, (cell, piece) in enumerate(zip(cells(sheet, options.sheet), pieces, strict=False), start=1):
        _, _, violations = label_layout(cell, piece, options)
        yield from ((number, piece, v) for v in violations)
        if not Box(cell.x, cell.y, cell.width, cell.height, "label").inside(page):
            yield (
                number,
                piece,
                Violation("off-sheet", f"label {cell.number} lands off the sheet with these offsets"),
            )


def render_labels(
    sheet: SheetTemplate,
    options: LabelOptions,
    pieces: Iterable[StoredPiece],
    out: Path,
    total: int = 0,
    progress: Progress | None = None,
) -> JobResult:
    """Write the label sheets; a label that breaks a rule stops the job (the partial file is removed).

    Call :func:`check_labels` first to report every broken rule at once.
    """
    check_sheet(sheet, options)

    def draw(content: Content, cell: Cell, piece: StoredPiece) -> None:
        lines, bars_y, violations = label_layout(cell, piece, options)
        if violations:
            raise FieldError("label", piece.name or piece.company, str(violations[0]), "shorten the address")
        for text, x, baseline, size in lines:
            content.text(x * INCH, baseline * INCH, text, "Helvetica", size)
        if bars_y is not None:
            draw_imb(content, piece.bars, (cell.x + MARGIN) * INCH, bars_y * INCH, options.spec)

    def report(count: int) -> bool:
        return progress is None or progress(count, total) is not False

    pages, cancelled = write_sheets(
        out, f"IMb Tracker labels ({sheet.name})", sheet, options.sheet, pieces, draw, report
    )
    return JobResult(pages, out, cancelled)


def render_alignment_sheet(sheet: SheetTemplate, options: SheetOptions, out: Path) -> JobResult:
    with PdfWriter(out, title=f"Alignment test ({sheet.name})") as writer:
        writer.add_page(alignment_sheet(sheet, options), sheet.page_width * INCH, sheet.page_height * INCH)
    return JobResult(1, out)
