"""The barcode tool page, driven offscreen with pytest-qt."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from imb_tracker.gui.barcode_page import BarcodePage
from imb_tracker.imb import encode_tracking

SPEC1 = "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"


def make_window(qtbot: QtBot) -> BarcodePage:
    window = BarcodePage()
    window.last_status = ""  # type: ignore[attr-defined]
    window.status_message.connect(lambda text, _ms: setattr(window, "last_status", text))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_typing_fields_draws_the_barcode(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    assert window.view.bars() == ""
    qtbot.keyClicks(window.mailer_id, "123456")
    qtbot.keyClicks(window.serial, "000000001")
    qtbot.keyClicks(window.routing, "62704-1234-01")
    expected = encode_tracking("00270123456000000001", "62704123401")
    assert window.view.bars() == expected
    assert expected in window.bars_label.text()
    assert window.copy_button.isEnabled()
    assert window.message.text().startswith("Valid IMb — STID 270: First-Class Mail, Full-Service")
    assert "0027012345600000000162704123401" in window.last_status  # type: ignore[attr-defined]


def test_invalid_field_shows_the_core_message(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    qtbot.keyClicks(window.mailer_id, "9123456")
    assert "Mailer ID 9123456 has 7 digits" in window.message.text()
    assert window.view.bars() == ""
    assert not window.copy_button.isEnabled()


def test_stid_without_tracking_warns(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.stid.setCurrentIndex(window.stid.findData("300"))
    qtbot.keyClicks(window.mailer_id, "123456")
    qtbot.keyClicks(window.serial, "000000001")
    assert "does not request IV-MTR" in window.message.text()


def test_decode_box_and_repair(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.decode_input.setText("T" + SPEC1[1:])
    assert "character E" in window.decode_result.text()
    window.repair.setChecked(True)
    assert "Repaired bar 1" in window.decode_result.text()
    assert "567094" in window.decode_result.text()


def test_barcode_view_paints(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.view.set_bars(SPEC1)
    image = window.view.grab().toImage()
    dark = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).lightness() < 60
    )
    assert dark > 50
