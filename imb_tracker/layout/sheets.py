"""Label and tag sheets: grid math (start cell, row or column order, printer offsets) and the alignment sheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from imb_tracker.imb import FieldError

from .draw import INCH, cap_height, wrap
from .pdfwriter import Content, PdfWriter
from .templates import SheetTemplate


@dataclass(frozen=True)
class SheetOptions:
    start_cell: int = 1  # 1-based: skip the used labels of a partly used sheet
    order: str = "row"  # "row": left to right, then down; "column": down, then right (peel order)
    offset_x: float = 0.0  # inches, + moves right (per printer)
    offset_y: float = 0.0  # inches, + moves up

    def validate(self, sheet: SheetTemplate) -> None:
        if not 1 <= self.start_cell <= sheet.per_sheet:
            raise FieldError(
                "start_cell",
                self.start_cell,
                f"start cell must be 1-{sheet.per_sheet} on {sheet.name} (got {self.start_cell})",
            )
        if self.order not in ("row", "column"):
            raise FieldError("order", self.order, "order must be 'row' or 'column'")
        if abs(self.offset_x) > 0.5 or abs(self.offset_y) > 0.5:
            raise FieldError(
                "offset",
                (self.offset_x, self.offset_y),
                "printer offsets above 1/2 in mean the wrong paper or layout was chosen",
            )


@dataclass(frozen=True)
class Cell:
    """One label on the page: page number (0-based), index on the sheet (1-based), box in inches from bottom-left."""

    page: int
    number: int
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


def cell_box(sheet: SheetTemplate, number: int, order: str = "row") -> tuple[float, float]:
    """Bottom-left corner (inches from the page's bottom-left) of cell ``number`` (1-based)."""
    index = number - 1
    if order == "row":
        row, col = divmod(index, sheet.cols)
    else:
        col, row = divmod(index, sheet.rows)
    x = sheet.x0 + col * sheet.dx
    top = sheet.page_height - (sheet.y0 + row * sheet.dy)
    return x, top - sheet.height


def cells(sheet: SheetTemplate, options: SheetOptions) -> Iterator[Cell]:
    """Endless stream of cells: the rest of the first sheet from the start cell, then whole sheets."""
    page = 0
    number = options.start_cell
    while True:
        x, y = cell_box(sheet, number, options.order)
        yield Cell(page, number, x + options.offset_x, y + options.offset_y, sheet.width, sheet.height)
        number += 1
        if number > sheet.per_sheet:
            number = 1
            page += 1


ALIGNMENT_HELP = (
    "Print at 100% (actual size, no fit to page). Hold against a label sheet to the light; "
    "adjust the printer offsets if the boxes do not match."
)


CROSS = 0.15  # half the centre mark, inches


def _alignment_text(content: Content, title: str, x: float, top: float, width: float, floor: float) -> None:
    """The title and the instructions from ``top`` down, wrapped to ``width``, smaller until above ``floor``."""
    for size in (7.0, 6.5, 6.0, 5.5, 5.0):
        title_lines = wrap(title, "Helvetica-Bold", size + 2, width)
        help_lines = wrap(ALIGNMENT_HELP, "Helvetica", size, width)
        first = top - cap_height(size + 2) / INCH
        bottom = (
            first - (len(title_lines) - 1) * (size + 2) * 1.15 / INCH - len(help_lines) * size * 1.2 / INCH
        )
        if bottom - 0.03 >= floor or size == 5.0:
            break
    baseline = first
    for i, line in enumerate(title_lines):
        if i:
            baseline -= (size + 2) * 1.15 / INCH
        content.text(x * INCH, baseline * INCH, line, "Helvetica-Bold", size + 2)
    for line in help_lines:
        baseline -= size * 1.2 / INCH
        content.text(x * INCH, baseline * INCH, line, "Helvetica", size)


def alignment_sheet(sheet: SheetTemplate, options: SheetOptions) -> Content:
    """Every cell outlined at 0.5 pt with its number and corner marks; print on plain paper and hold to a sheet.

    The title and the instructions go in the top margin when it is tall enough, else inside the
    first label (wrapped to its width), so no text ever crosses a label outline (5159 has 1/4 in).
    """
    content = Content()
    offsets = f"offsets: x {options.offset_x:+.3f} in, y {options.offset_y:+.3f} in; order {options.order}"
    top_band = sheet.y0
    bottom_band = sheet.page_height - (sheet.y0 + (sheet.rows - 1) * sheet.dy + sheet.height)
    if top_band >= 0.48:
        _alignment_text(
            content,
            f"Alignment test: {sheet.name}",
            0.5,
            sheet.page_height - 0.1,
            sheet.page_width - 1.0,
            0.1,
        )
    else:  # inside label 1, above its centre mark (its number moves below the mark)
        x, y = cell_box(sheet, 1, options.order)
        x, y = x + options.offset_x, y + options.offset_y
        floor = y + sheet.height / 2 + CROSS + 0.04
        _alignment_text(
            content, f"Alignment test: {sheet.id}", x + 0.1, y + sheet.height - 0.06, sheet.width - 0.2, floor
        )
    if bottom_band >= 0.3:
        content.text(0.5 * INCH, (bottom_band / 2 - 0.03) * INCH, offsets, "Helvetica", 7)
    else:  # inside the last label, along its bottom edge
        lx, ly = cell_box(sheet, sheet.per_sheet, options.order)
        content.text(
            (lx + 0.1 + options.offset_x) * INCH,
            (ly + 0.08 + options.offset_y) * INCH,
            offsets,
            "Helvetica",
            6,
        )
    for number in range(1, sheet.per_sheet + 1):
        x, y = cell_box(sheet, number, options.order)
        x += options.offset_x
        y += options.offset_y
        content.stroke_rect(x * INCH, y * INCH, sheet.width * INCH, sheet.height * INCH, 0.5)
        number_y = y + sheet.height / 2 - 0.05
        if number == 1 and top_band < 0.48:  # the instructions fill the top of label 1
            number_y = y + sheet.height / 2 - CROSS - 0.2
        content.text((x + 0.1) * INCH, number_y * INCH, str(number), "Helvetica-Bold", 14)
        mark = CROSS * INCH
        cx, cy = (x + sheet.width / 2) * INCH, (y + sheet.height / 2) * INCH
        content.line(cx - mark, cy, cx + mark, cy, 0.3)
        content.line(cx, cy - mark, cx, cy + mark, 0.3)
    return content


T = TypeVar("T")


def write_sheets(
    out: Path,
    title: str,
    sheet: SheetTemplate,
    options: SheetOptions,
    items: Iterable[T],
    draw: Callable[[Content, Cell, T], None],
    progress: Callable[[int], bool] | None = None,
) -> tuple[int, bool]:
    """Lay ``items`` into cells, one PDF page per sheet, streamed to ``out``.

    ``progress(count)`` is called every 500 items; False cancels (the partial
    file is removed). Returns (sheets written, cancelled).
    """
    writer = PdfWriter(out, title=title)
    width, height = sheet.page_width * INCH, sheet.page_height * INCH
    content: Content | None = None
    page = -1
    count = 0
    try:
        for cell, item in zip(cells(sheet, options), items, strict=False):
            if cell.page != page:
                if content is not None:
                    writer.add_page(content, width, height)
                content = Content()
                page = cell.page
            assert content is not None
            draw(content, cell, item)
            count += 1
            if progress is not None and count % 500 == 0 and progress(count) is False:
                writer.abort()
                out.unlink(missing_ok=True)
                return writer.page_count, True
        if content is not None:
            writer.add_page(content, width, height)
        writer.close()
    except BaseException:
        writer.abort()
        out.unlink(missing_ok=True)
        raise
    return writer.page_count, False
