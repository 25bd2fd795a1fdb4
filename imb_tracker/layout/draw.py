"""Drawing helpers shared by every layout: IMb bars, Code 128, text metrics.

The IMb is drawn only from :mod:`imb_tracker.imb.geometry`, as one filled
path of rectangles in pure black with no stroke.  Code 128 uses reportlab's
encoder (its ``decomposed`` bar/space widths) at an exact module width.
"""

from __future__ import annotations

from functools import cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from imb_tracker.imb import NOMINAL, BarcodeGeometry, BarSpec, barcode_geometry

from .pdfwriter import Content

INCH = 72.0


def text_width(text: str, font: str = "Helvetica", size: float = 10) -> float:
    return float(stringWidth(text, font, size))


@cache
def wrap(text: str, font: str, size: float, width_in: float) -> list[str]:
    """``text`` in lines no wider than ``width_in`` inches (words kept whole)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(trial, font, size) / INCH <= width_in:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def ascent_descent(font: str, size: float) -> tuple[float, float]:
    """Ascent above and descent below the baseline (descent positive), in points."""
    ascent, descent = getAscentDescent(font, size)
    return float(ascent), float(-descent)


def cap_height(size: float) -> float:
    """Helvetica's cap height (718/1000 em): what the 0.080 in USPS minimum is measured on."""
    return 0.718 * size


def draw_imb(content: Content, bars: str, x: float, y: float, spec: BarSpec = NOMINAL) -> BarcodeGeometry:
    """Draw an IMb with bar 1's left edge at ``x`` and the bottom of the full bars at ``y``."""
    geo = barcode_geometry(bars, spec)
    content.fill_rects((b.x + x, b.y + y, b.width, b.height) for b in geo.bars)
    return geo


class _Code128SetB(Code128):  # type: ignore[misc]
    """reportlab's Code 128 with its switch to code set C turned off: every character in set B.

    The pallet placard's container barcode wants a long symbol (see ``layout.placards``); the
    encoding tables and the check character stay reportlab's.
    """

    def _try_TO_C(self, l: list[str]) -> list[str]:  # noqa: E741, N802 - reportlab's names
        return l


@cache
def code128_pattern(data: str, set_b: bool = False) -> tuple[tuple[bool, int], ...]:
    """(is_bar, modules) runs of the Code 128 symbol for ``data`` (quiet zones excluded).

    ``\xf1`` in ``data`` is FNC1 (GS1-128); ``set_b`` keeps every character in code set B.
    """
    kind = _Code128SetB if set_b else Code128
    symbol = kind(data, barWidth=1, quiet=0, humanReadable=0)
    symbol.validate()
    symbol.encode()
    symbol.decompose()
    runs = []
    for ch in symbol.decomposed:
        runs.append((ch.isupper(), ord(ch.upper()) - ord("A") + 1))
    return tuple(runs)


def code128_width(data: str, module: float, set_b: bool = False) -> float:
    return sum(n for _, n in code128_pattern(data, set_b)) * module


def draw_code128(
    content: Content, data: str, x: float, y: float, module: float, height: float, set_b: bool = False
) -> float:
    """Draw Code 128 bars starting at (x, y); returns the symbol width (points)."""
    rects = []
    pos = x
    for is_bar, n in code128_pattern(data, set_b):
        if is_bar:
            rects.append((pos, y, n * module, height))
        pos += n * module
    content.fill_rects(rects)
    return pos - x
