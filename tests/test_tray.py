"""Tray (IMtb) and container (IMcb) barcode data."""

from __future__ import annotations

import pytest

from imb_tracker.imb import ContainerBarcode, FieldError, TrayBarcode


def test_tray_barcode_matches_the_usps_l3216_sample() -> None:
    tray = TrayBarcode("12345", "678", "123456", "12312345", processing_code="1", label_type="1")
    assert tray.digits == "123456781123456123123451"
    assert TrayBarcode.from_digits(tray.digits) == tray


def test_tray_barcode_with_nine_digit_mid() -> None:
    tray = TrayBarcode("62704", "201", "912345678", "00042")
    assert len(tray.digits) == 24
    back = TrayBarcode.from_digits(tray.digits)
    assert (back.mailer_id, back.serial) == ("912345678", "00042")
    assert TrayBarcode.serial_capacity("912345678") == 100_000
    assert TrayBarcode.serial_capacity("123456") == 100_000_000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"destination_zip": "1234"}, "destination_zip"),
        ({"content_id": "20"}, "content_id"),
        ({"mailer_id": "91234"}, "mailer_id"),
        ({"serial": "123"}, "tray_serial"),
        ({"label_type": "12"}, "label_type"),
        ({"processing_code": "x"}, "processing_code"),
    ],
)
def test_tray_refusals_name_the_field(kwargs: dict[str, str], field: str) -> None:
    base = {"destination_zip": "62704", "content_id": "201", "mailer_id": "123456", "serial": "00000001"}
    with pytest.raises(FieldError) as info:
        TrayBarcode(**{**base, **kwargs})
    assert info.value.field == field


def test_tray_from_digits_refuses_wrong_length() -> None:
    with pytest.raises(FieldError) as info:
        TrayBarcode.from_digits("12345678112345612312345")
    assert info.value.field == "tray_barcode"


def test_container_barcode() -> None:
    c = ContainerBarcode("123456", "000000000001")
    assert c.data == "99M123456000000000001"
    assert len(c.data) == 21
    assert c.human_readable == "(99)M123456000000000001"
    assert ContainerBarcode.from_data("(99)M123456000000000001") == c
    nine = ContainerBarcode("912345678", "000000007")
    assert ContainerBarcode.from_data(nine.data) == nine
    with pytest.raises(FieldError) as info:
        ContainerBarcode("123456", "1")
    assert info.value.field == "container_serial"
    with pytest.raises(FieldError):
        ContainerBarcode.from_data("98M123456000000000001")
