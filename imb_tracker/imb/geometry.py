"""Physical bar geometry: where each of the 65 bars goes, in points.

This is the single source every renderer (reportlab PDFs, the Qt preview,
the printer path) uses, so a barcode is drawn the same size everywhere.
Dimensions come from USPS-B-3200 §2.3 as collected in ``imb-spec.md`` §5.1;
the defaults sit in the middle of each tolerance, which leaves room for
printer ink spread in both directions (reportlab's defaults sit at the
maxima).

Coordinates: x from the left edge of bar 1, y upward from the bottom of the
full-height bars, in PostScript points (72 per inch), as reportlab uses.
Qt-style renderers use :attr:`BarRect.y_from_top`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codec import normalize_bars
from .errors import FieldError

POINTS_PER_INCH = 72.0

# (min, max) in inches.
BAR_WIDTH_RANGE = (0.015, 0.025)
PITCH_RANGE = (1 / 24, 1 / 20)
FULL_HEIGHT_RANGE = (0.125, 0.165)
TRACKER_HEIGHT_RANGE = (0.039, 0.057)
ASCENDER_RANGE = (0.082, 0.111)
SPACE_RANGE = (0.012, 0.040)
QUIET_ZONE_SIDE = 0.125
QUIET_ZONE_VERTICAL = 0.028
_EPS = 1e-9


def _check(field: str, name: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if not (low - _EPS <= value <= high + _EPS):
        raise FieldError(
            field,
            value,
            f"{name} must be between {low:.4f} and {high:.4f} in (got {value:.4f} in)",
            "USPS-B-3200 tolerance; the nominal value is safest",
        )


@dataclass(frozen=True, slots=True)
class BarSpec:
    """Chosen bar dimensions in inches, each inside the USPS tolerance."""

    bar_width: float = 0.020
    pitch: float = 1 / 22
    full_height: float = 0.145
    tracker_height: float = 0.048

    def __post_init__(self) -> None:
        _check("bar_width", "bar width", self.bar_width, BAR_WIDTH_RANGE)
        _check("pitch", "bar pitch", self.pitch, PITCH_RANGE)
        _check("full_height", "full bar height", self.full_height, FULL_HEIGHT_RANGE)
        _check("tracker_height", "tracker height", self.tracker_height, TRACKER_HEIGHT_RANGE)
        _check("full_height", "ascender/descender height", self.ascender_height, ASCENDER_RANGE)
        _check("pitch", "space between bars", self.pitch - self.bar_width, SPACE_RANGE)

    @property
    def ascender_height(self) -> float:
        """Height of an ascender or descender bar, tracker included."""
        return (self.full_height + self.tracker_height) / 2

    @property
    def length(self) -> float:
        """First bar's left edge to last bar's right edge, in inches."""
        return 64 * self.pitch + self.bar_width


NOMINAL = BarSpec()


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle in points (x, y = lower-left corner, y upward)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class BarRect:
    """One bar: its 1-based position, its letter and its rectangle in points."""

    index: int
    letter: str
    x: float
    y: float
    width: float
    height: float
    #: distance from the top of the full-height bars to the top of this bar (for y-down renderers)
    y_from_top: float


@dataclass(frozen=True, slots=True)
class BarcodeGeometry:
    """The 65 bars and the quiet zone around them, relative to the barcode origin."""

    spec: BarSpec
    bars: tuple[BarRect, ...]
    width: float  # points, bar 1's left edge to bar 65's right edge
    height: float  # points, the full bar height
    quiet_zone: Rect  # area that must stay free of any other printing

    def placed(self, x: float, y: float) -> tuple[BarRect, ...]:
        """The bars moved so the barcode origin sits at (x, y)."""
        return tuple(
            BarRect(b.index, b.letter, b.x + x, b.y + y, b.width, b.height, b.y_from_top) for b in self.bars
        )


def barcode_geometry(bars: str, spec: BarSpec = NOMINAL) -> BarcodeGeometry:
    """Geometry of any 65-letter bar string (A, D, F, T) at the given dimensions."""
    text = normalize_bars(bars)
    pt = POINTS_PER_INCH
    width = spec.bar_width * pt
    full = spec.full_height * pt
    tracker = spec.tracker_height * pt
    ascender = spec.ascender_height * pt
    tracker_bottom = (full - tracker) / 2
    shapes = {
        "F": (0.0, full),
        "A": (tracker_bottom, ascender),
        "D": (0.0, ascender),
        "T": (tracker_bottom, tracker),
    }
    out = []
    for i, letter in enumerate(text):
        y, h = shapes[letter]
        out.append(BarRect(i + 1, letter, i * spec.pitch * pt, y, width, h, full - y - h))
    length = spec.length * pt
    qz = Rect(
        -QUIET_ZONE_SIDE * pt,
        -QUIET_ZONE_VERTICAL * pt,
        length + 2 * QUIET_ZONE_SIDE * pt,
        full + 2 * QUIET_ZONE_VERTICAL * pt,
    )
    return BarcodeGeometry(spec, tuple(out), length, full, qz)
