"""Mailpiece rules, checked on every layout before anything prints.

Figures from ``printing.md`` §0–1.7 (DMM 202, QSG 201a, Pub 28): letter size
limits and aspect ratio, OCR read area, barcode clear zone, IMb placement and
clearances, quiet zones, minimum type size, return-address and postage areas.
All rectangles are in inches from the bottom-left of the piece.
"""

from __future__ import annotations

from dataclasses import dataclass

LETTER_HEIGHT = (3.5, 6.125)
LETTER_LENGTH = (5.0, 11.5)
ASPECT = (1.3, 2.5)
OCR_LEFT, OCR_BOTTOM, OCR_TOP = 0.5, 0.625, 2.75
CLEAR_ZONE_WIDTH, CLEAR_ZONE_HEIGHT = 4.75, 0.625
CLEAR_ZONE_BAR_FROM_RIGHT = (3.5, 4.25)
CLEAR_ZONE_BAR_BOTTOM = (3 / 16, 0.5)
BLOCK_CLEARANCE = (0.028, 0.625)  # IMb to the nearest address line: at least, at most
MIN_CAP_HEIGHT = 0.080
POSTAGE_AREA = (1.75, 1.25)  # from the top-right corner: width, height kept free of printing
EPS = 0.0005


@dataclass(frozen=True)
class Box:
    """Something printed: a rectangle in inches and what it is, for messages."""

    x: float
    y: float
    width: float
    height: float
    what: str

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right - EPS
            and other.x < self.right - EPS
            and self.y < other.top - EPS
            and other.y < self.top - EPS
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x >= other.x - EPS
            and self.right <= other.right + EPS
            and self.y >= other.y - EPS
            and self.top <= other.top + EPS
        )


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def check_letter_size(width: float, height: float) -> list[Violation]:
    out = []
    if not LETTER_HEIGHT[0] - EPS <= height <= LETTER_HEIGHT[1] + EPS:
        out.append(Violation("size", f"height {height:g} in is outside the letter range 3.5-6.125 in"))
    if not LETTER_LENGTH[0] - EPS <= width <= LETTER_LENGTH[1] + EPS:
        out.append(Violation("size", f"length {width:g} in is outside the letter range 5-11.5 in"))
    if height > 0 and not ASPECT[0] - EPS <= width / height <= ASPECT[1] + EPS:
        out.append(
            Violation("aspect", f"length / height = {width / height:.2f}; automation letters need 1.3 to 2.5")
        )
    return out


def ocr_area(width: float) -> Box:
    return Box(OCR_LEFT, OCR_BOTTOM, width - 2 * OCR_LEFT, OCR_TOP - OCR_BOTTOM, "the OCR read area")


def clear_zone(width: float) -> Box:
    return Box(width - CLEAR_ZONE_WIDTH, 0, CLEAR_ZONE_WIDTH, CLEAR_ZONE_HEIGHT, "the barcode clear zone")


def postage_area(width: float, height: float) -> Box:
    w, h = POSTAGE_AREA
    return Box(width - w, height - h, w, h, "the postage area")
