"""Helpers for tests that look at the paper: rasterize with pdftoppm, read IMb bars back from pixels."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed"
)
NEEDS_ZBAR = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) not installed")


class Gray:
    """An 8-bit grayscale page image."""

    def __init__(self, width: int, height: int, data: bytes, dpi: int) -> None:
        self.width, self.height, self.data, self.dpi = width, height, data, dpi

    def dark(self, x: int, y: int) -> bool:
        return self.data[y * self.width + x] < 128


def rasterize(pdf: Path, page: int = 1, dpi: int = 600) -> Gray:
    """Page ``page`` of ``pdf`` as grayscale pixels, via poppler's pdftoppm."""
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    # PGM "P5\n<w> <h>\n255\n" header
    parts = out.split(b"\n", 3)
    assert parts[0] == b"P5"
    width, height = map(int, parts[1].split())
    return Gray(width, height, parts[3][: width * height], dpi)


def read_imb(img: Gray, x0_in: float, y0_in: float, x1_in: float, y1_in: float, page_h_in: float) -> str:
    """Read the 65 bar letters inside a box (inches from the page's bottom-left) from pixels.

    Finds each run of dark columns (a bar), measures its top and bottom, and
    classifies it against the tallest bars: reaches the top → ascender,
    reaches the bottom → descender.
    """
    d = img.dpi
    left, right = int(x0_in * d), int(x1_in * d)
    top, bottom = int((page_h_in - y1_in) * d), int((page_h_in - y0_in) * d)
    extents = []
    in_bar = False
    for x in range(left, right):
        rows = [y for y in range(top, bottom) if img.dark(x, y)]
        if rows and not in_bar:
            extents.append([x, x, min(rows), max(rows)])
            in_bar = True
        elif rows:
            bar = extents[-1]
            bar[1], bar[2], bar[3] = x, min(bar[2], *rows), max(bar[3], *rows)
        else:
            in_bar = False
    assert len(extents) == 65, f"found {len(extents)} bars"
    highest = min(e[2] for e in extents)
    lowest = max(e[3] for e in extents)
    tolerance = 0.012 * d  # well under the 0.0485 in extender
    letters = []
    for _x0, _x1, t, b in extents:
        asc = t - highest < tolerance
        desc = lowest - b < tolerance
        letters.append("TDAF"[int(desc) + 2 * int(asc)])
    return "".join(letters)


def bar_widths_in(img: Gray, x0_in: float, x1_in: float, y_in: float, page_h_in: float) -> list[float]:
    """Widths (inches) of the dark runs along one pixel row (through the tracker band)."""
    d = img.dpi
    y = int((page_h_in - y_in) * d)
    widths, run = [], 0
    for x in range(int(x0_in * d), int(x1_in * d)):
        if img.dark(x, y):
            run += 1
        elif run:
            widths.append(run / d)
            run = 0
    return widths
