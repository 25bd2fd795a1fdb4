"""Labels, alignment sheets, tray tags and the calibration page, checked on the paper."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from imb_tracker.imb import FieldError, TrayBarcode, decode, encode_tracking
from imb_tracker.layout.calibration import render_bars, render_calibration
from imb_tracker.layout.labels import (
    MARGIN,
    TOP_GAP,
    LabelOptions,
    check_sheet,
    render_alignment_sheet,
    render_labels,
)
from imb_tracker.layout.sheets import SheetOptions, cell_box
from imb_tracker.layout.tags import make_tags, render_tags
from imb_tracker.layout.templates import sheet_template, sheet_templates
from imb_tracker.records import AddressRecord, StoredPiece

from .pdftools import NEEDS_POPPLER, NEEDS_ZBAR, rasterize, read_imb


def pieces(n: int) -> list[StoredPiece]:
    out = []
    for i in range(1, n + 1):
        tracking, routing = f"00270123456{i:09d}", "62704123401"
        address = AddressRecord(
            i, f"Person {i}", "", f"{i} Main St", "", "Springfield", "IL", "62704", "1234", "01"
        )
        out.append(StoredPiece(address, tracking, routing, encode_tracking(tracking, routing)))
    return out


@pytest.mark.parametrize("layout", ["avery-5161", "avery-5162", "avery-5163", "avery-5164", "avery-5159"])
def test_imb_label_layouts_fit(layout: str, tmp_path: Path) -> None:
    sheet = sheet_template(layout)
    check_sheet(sheet, LabelOptions())
    out = tmp_path / "labels.pdf"
    result = render_labels(sheet, LabelOptions(), pieces(sheet.per_sheet + 1), out)
    assert result.pages == 2
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert (page.width, page.height) == (612, 792)
        assert len(page.rects) == 65 * sheet.per_sheet
        for ch in page.chars:  # every character inside some label, and at least 8 pt
            assert ch["size"] >= 8 - 1e-6


def test_5160_refuses_an_imb_and_says_why() -> None:
    with pytest.raises(FieldError) as info:
        check_sheet(sheet_template("avery-5160"), LabelOptions())
    assert "2.625 in wide" in str(info.value) and "avery-5161" in str(info.value)
    check_sheet(sheet_template("8160"), LabelOptions(imb=False))  # alias, without the barcode


@NEEDS_POPPLER
def test_start_cell_and_column_order_and_bars_from_pixels(tmp_path: Path) -> None:
    sheet = sheet_template("avery-5163")
    options = LabelOptions(sheet=SheetOptions(start_cell=4, order="column"))
    out = tmp_path / "labels.pdf"
    items = pieces(3)
    render_labels(sheet, options, items, out)
    x, y = cell_box(sheet, 4, "column")  # column order: cell 4 is column 1, row 4
    assert (x, round(y, 4)) == (0.1625, round(11 - (0.5 + 3 * 2.0) - 2.0, 4))
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        # column order: pieces 1-2 go down the left column (cells 4, 5), piece 3 to the top of the right one
        left = [r for r in page.rects if r["x0"] < 4 * 72]
        right = [r for r in page.rects if r["x0"] >= 4 * 72]
        assert len(left) == 130 and len(right) == 65
        highest = min(r["top"] for r in left)
        first_label = [r for r in left if r["top"] < highest + 0.2 * 72]
        assert len(first_label) == 65
        assert abs(min(r["x0"] for r in first_label) / 72 - (x + MARGIN)) < 0.001
        assert abs((792 - highest) / 72 - (y + sheet.height - TOP_GAP)) < 0.001
    img = rasterize(out, 1, 600)
    top = y + sheet.height - TOP_GAP
    bars = read_imb(img, x + MARGIN - 0.06, top - 0.16, x + MARGIN + 3.0, top + 0.01, 11.0)
    assert decode(bars).fields.payload == items[0].imb


def test_alignment_sheet_outlines_every_label(tmp_path: Path) -> None:
    for layout in ("avery-5160", "avery-5162"):
        sheet = sheet_templates()[layout]
        out = tmp_path / f"{layout}.pdf"
        render_alignment_sheet(sheet, SheetOptions(offset_x=0.03), out)
        with pdfplumber.open(out) as pdf:
            page = pdf.pages[0]
            outlines = [r for r in page.rects if r["stroke"]]
            assert len(outlines) == sheet.per_sheet
            first = min(outlines, key=lambda r: (r["top"], r["x0"]))
            assert abs(first["x0"] / 72 - (sheet.x0 + 0.03)) < 0.001
            assert abs(first["width"] / 72 - sheet.width) < 0.001
            assert "Print at 100%" in page.extract_text()


def test_sheet_options_are_checked() -> None:
    with pytest.raises(FieldError, match="start cell must be 1-10"):
        SheetOptions(start_cell=11).validate(sheet_template("avery-5163"))
    with pytest.raises(FieldError):
        SheetOptions(order="diagonal").validate(sheet_template("avery-5163"))


@NEEDS_POPPLER
@NEEDS_ZBAR
@pytest.mark.parametrize("stock", ["avery-5371", "plain"])
def test_tray_tags_read_back_with_zbar(tmp_path: Path, stock: str) -> None:
    codes = [TrayBarcode("62704", "242", "123456", f"{i:08d}", "1", "1") for i in range(1, 13)]
    tags = make_tags(codes, "Springfield IL", "Acme Charity Anytown NY")
    assert tags[0].line1 == "SPRINGFIELD IL 62704" and tags[0].line2 == "FCM LTR 5D BC"
    out = tmp_path / "tags.pdf"
    result = render_tags(sheet_template(stock, "tags"), tags, out)
    assert result.pages == 2
    found = set()
    for page in (1, 2):
        png = tmp_path / f"p{page}"
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-f", str(page), "-l", str(page), str(out), str(png)],
            check=True,
            timeout=60,
        )
        image = next(tmp_path.glob(f"p{page}*.pgm"))
        text = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Scode128.enable", str(image)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
        found |= {line.strip() for line in text.splitlines() if line.strip()}
    assert found == {c.digits for c in codes}
    with pdfplumber.open(out) as pdf:
        module_widths = {round(r["width"] / 72, 4) for r in pdf.pages[0].rects if r["fill"]}
        assert min(module_widths) == 0.015  # exact module width
        words = pdf.pages[0].extract_text()
        assert "FCM LTR 5D BC" in words and "627042421123456000000011" in words


def test_unknown_cin_and_long_lines_are_refused() -> None:
    code = TrayBarcode("62704", "999", "123456", "00000001")
    with pytest.raises(FieldError, match="CIN 999"):
        make_tags([code], "", "X")
    with pytest.raises(FieldError, match="line 3"):
        make_tags([TrayBarcode("62704", "242", "123456", "00000001")], "", "A" * 40)


def test_calibration_page_has_exact_rulers_and_a_nominal_imb(tmp_path: Path) -> None:
    out = tmp_path / "cal.pdf"
    render_calibration(out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        bars = [r for r in page.rects if r["fill"]]
        assert len(bars) == 65
        length = (max(r["x1"] for r in bars) - min(r["x0"] for r in bars)) / 72
        assert abs(length - 2.929) < 0.001
        squares = [r for r in page.rects if r["stroke"]]
        sizes = sorted(round(r["width"] / 72, 3) for r in squares)
        assert sizes == [round(50 / 25.4, 3), 2.0]
        assert re.search(r"2\.929 in", page.extract_text())


def test_any_bar_string_can_be_drawn(tmp_path: Path) -> None:
    out = tmp_path / "bars.pdf"
    render_bars("t" * 65, out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages[0].rects) == 65
        assert "does not decode" in pdf.pages[0].extract_text()
