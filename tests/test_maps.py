"""The offline map: ZIP centroids, the projection with its insets, and the painted path and areas."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from imb_tracker.gui.us_map import UsMap
from imb_tracker.mail.geo import MAP_WIDTH, dot_field, position, project, zip3_centroids


def test_zip_codes_have_positions_and_land_in_the_right_part_of_the_map() -> None:
    springfield, boston, seattle = (position(z) for z in ("62704", "02110", "98101"))
    assert springfield is not None and 39 < springfield[0] < 40.5 and -90 < springfield[1] < -89
    assert position("62799") is not None  # unknown 5-digit code: its 3-digit area's centre
    assert position("00000") is None and position("12") is None and position("") is None
    assert len(zip3_centroids()) > 850
    sx, sy = project(*springfield)  # type: ignore[misc]
    bx, _by = project(*boston)  # type: ignore[misc]
    wx, wy = project(*seattle)  # type: ignore[misc]
    assert wx < sx < bx and wy < sy  # west to east, north up
    for zip_code in ("99501", "96813", "00901"):  # Anchorage, Honolulu, San Juan: the insets, at the bottom
        x, y = project(*position(zip_code))  # type: ignore[misc]
        assert y > 0.65 and 0 <= x <= MAP_WIDTH
    assert project(13.47, 144.75) is None  # Guam: off the map, never drawn in the wrong place
    field = dot_field()
    assert len(field) > 40_000 and all(0 <= x <= MAP_WIDTH and 0 <= y <= 1.1 for x, y in field)


def _count(image: QImage, at: QPointF, test: Callable[[QColor], bool]) -> int:
    """Pixels within 7 px of ``at`` that pass ``test``."""
    x0, y0 = int(at.x()), int(at.y())
    return sum(test(image.pixelColor(x, y)) for x in range(x0 - 7, x0 + 8) for y in range(y0 - 7, y0 + 8))


def _render(view: UsMap) -> QImage:
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    view.render(image)
    return image


def test_the_path_is_drawn_through_the_facilities_in_order(qtbot: QtBot) -> None:
    view = UsMap("Where USPS scanned it")
    qtbot.addWidget(view)
    view.resize(640, 420)
    UsMap._ready = True  # the ZIP list is read above, in this process
    view.set_path([("origin", "62703"), ("origin again", "62703"), ("destination", "02199")], "02110")
    assert [z for _l, z in view.path] == ["62703", "02199"]  # one stop per place
    assert "Scanned at origin, then destination" in view.accessibleDescription()
    image = _render(view)
    start = view._at("62703")
    assert start is not None
    assert _count(image, start, lambda c: c.blue() > 150 and c.red() < 80) > 40  # marker 1 on Springfield
    view.set_path([("somewhere", "")], "02110")
    assert view.note == "USPS gave no facility ZIP Codes for these scans"
    view.set_areas({"021": (2.4, 10), "837": (5.2, 3)})
    image = _render(view)
    boise = view._at("837")
    assert boise is not None
    assert _count(image, boise, lambda c: c.red() > 150 and c.green() < 120) > 40  # 5+ days: the slow end
