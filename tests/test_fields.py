"""Field validation: every refusal names the field, the value and the rule."""

from __future__ import annotations

import pytest
from reportlab.graphics.barcode.usps4s import USPS_4State

from imb_tracker.imb import FieldError, ImbError, ImbFields, clean_zip, encode, encode_tracking

GOOD = {
    "barcode_id": "00",
    "service_type": "270",
    "mailer_id": "123456",
    "serial": "000000001",
    "routing": "",
}


def make(**changes: str) -> ImbFields:
    return ImbFields(**{**GOOD, **changes})


def test_errors_are_value_errors() -> None:
    assert issubclass(ImbError, ValueError)
    assert issubclass(FieldError, ImbError)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"barcode_id": "0"}, "barcode_id", "barcode ID must be 2 digits (got 1)"),
        ({"barcode_id": "05"}, "barcode_id", "second digit must be 0-4"),
        ({"barcode_id": "0a"}, "barcode_id", "only the digits"),
        ({"service_type": "27"}, "service_type", "must be 3 digits (got 2)"),
        ({"service_type": "2 0"}, "service_type", "only the digits"),
        ({"mailer_id": "9123456"}, "mailer_id", "Mailer ID 9123456 has 7 digits; use 6 digits starting 0-8"),
        ({"mailer_id": "912345", "serial": "000000001"}, "mailer_id", "has 6 digits but starts with 9"),
        (
            {"mailer_id": "812345678", "serial": "000001"},
            "mailer_id",
            "has 9 digits but does not start with 9",
        ),
        ({"serial": "12345678"}, "serial", "serial must have 9 digits with a 6-digit Mailer ID (got 8)"),
        (
            {"mailer_id": "912345678", "serial": "000000001"},
            "serial",
            "6 digits with a 9-digit Mailer ID (got 9)",
        ),
        ({"routing": "1234"}, "routing", "routing code must be 0, 5, 9 or 11 digits (got 4)"),
        ({"routing": "1234567890"}, "routing", "(got 10)"),
        ({"routing": "1234O"}, "routing", "only the digits"),
    ],
)
def test_field_refusals_name_field_and_rule(changes: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(FieldError) as info:
        make(**changes)
    assert info.value.field == field
    assert words in str(info.value)


@pytest.mark.parametrize("value", ["١٢٣٤٥٦", "12345٣", "１２３４５６", "12345²"])
def test_non_ascii_digits_are_refused(value: str) -> None:
    assert any(c.isdigit() and not c.isascii() for c in value)
    with pytest.raises(FieldError) as info:
        make(mailer_id=value)
    assert info.value.field == "mailer_id"
    with pytest.raises(FieldError):
        encode_tracking("00270" + value + "000000001"[: 15 - len(value)] + "0" * 0, "")


def test_non_ascii_digits_in_tracking_and_routing_are_refused() -> None:
    with pytest.raises(FieldError) as info:
        encode_tracking("0027012345600000000٣", "")
    assert info.value.field == "tracking"
    with pytest.raises(FieldError) as info:
        encode_tracking("00270123456000000001", "6270٣")
    assert info.value.field == "routing"


def test_reportlab_aliases_barcode_id_05_to_10_and_we_refuse_it() -> None:
    """Pinned: reportlab silently encodes barcode ID 05 as the bars of 10 (0*5+5 == 1*5+0)."""
    tracking_05 = "05234567094987654321"
    tracking_10 = "10234567094987654321"
    aliased = USPS_4State(tracking_05, "01234567891").barcodes
    assert aliased == USPS_4State(tracking_10, "01234567891").barcodes
    assert aliased == encode_tracking(tracking_10, "01234567891")
    with pytest.raises(FieldError) as info:
        encode_tracking(tracking_05, "01234567891")
    assert info.value.field == "barcode_id"
    with pytest.raises(FieldError):
        make(barcode_id="05")


def test_non_string_values_are_refused_with_a_reason() -> None:
    with pytest.raises(FieldError) as info:
        ImbFields("00", "270", 123456, "000000001")  # type: ignore[arg-type]
    assert info.value.field == "mailer_id"
    assert "text of digits" in str(info.value)


def test_from_tracking_strips_spaces_and_splits_on_mid_length() -> None:
    six = ImbFields.from_tracking(" 00270123456000000001 ", " 62704 ")
    assert (six.mailer_id, six.serial, six.routing) == ("123456", "000000001", "62704")
    nine = ImbFields.from_tracking("00270912345678000001")
    assert (nine.mailer_id, nine.serial) == ("912345678", "000001")
    assert nine.tracking == "00270912345678000001"


def test_from_payload_and_human_readable() -> None:
    f = ImbFields.from_payload("0027012345600000000162704123401")
    assert f.routing == "62704123401"
    assert f.payload == "0027012345600000000162704123401"
    assert f.human_readable() == "00 270 123456 000000001 62704123401"
    with pytest.raises(FieldError) as info:
        ImbFields.from_payload("0027012345600000000162")
    assert info.value.field == "tracking"


@pytest.mark.parametrize(
    ("typed", "routing"),
    [
        ("62704", "62704"),
        ("62704-1234", "627041234"),
        ("62704 1234", "627041234"),
        ("627041234", "627041234"),
        ("62704123401", "62704123401"),
        ("62704-1234-01", "62704123401"),
        (" 62704-1234 ", "627041234"),
        ("", ""),
    ],
)
def test_clean_zip_takes_the_shapes_people_write(typed: str, routing: str) -> None:
    assert clean_zip(typed) == routing
    make(routing=clean_zip(typed))


@pytest.mark.parametrize(
    "typed",
    ["0123456789 1", "62704 1234 01", "62704-12x4", "6270-41234", "62704--1234", "62704-123401", "6 2704"],
)
def test_clean_zip_leaves_other_shapes_for_the_routing_check_to_refuse(typed: str) -> None:
    """Issue 14: an interior space is not a separator (USPS encoder test set, row 192)."""
    with pytest.raises(FieldError) as info:
        make(routing=clean_zip(typed))
    assert info.value.field == "routing"


def test_fields_are_frozen_and_encodable() -> None:
    f = make(routing="62704123401")
    with pytest.raises(AttributeError):
        f.serial = "1"  # type: ignore[misc]
    assert len(encode(f)) == 65
