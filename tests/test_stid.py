"""The STID table: data file, plain words, IV-MTR warnings."""

from __future__ import annotations

import pytest

from imb_tracker.imb import FieldError, describe_stid, stid_table
from imb_tracker.imb.stid import parse_stid_csv


def test_table_loads_with_effective_date_and_unique_codes() -> None:
    table = stid_table()
    assert table.effective == "2024-01-21"
    assert len(table) > 150
    assert len({row.code for row in table.all()}) == len(table)


@pytest.mark.parametrize(
    ("code", "iv", "level", "klass"),
    [
        ("270", True, "Full-Service", "First-Class Mail"),
        ("310", True, "Basic", "First-Class Mail"),
        ("300", False, "Basic", "First-Class Mail"),
        ("260", False, "Full-Service", "First-Class Mail"),
        ("271", True, "Full-Service", "USPS Marketing Mail"),
        ("311", True, "Basic", "USPS Marketing Mail"),
        ("050", True, "", "Courtesy Reply Mail (by ZIP)"),
    ],
)
def test_known_codes(code: str, iv: bool, level: str, klass: str) -> None:
    info = stid_table().get(code)
    assert info is not None
    assert (info.requests_iv_tracking, info.service_level, info.mail_class) == (iv, level, klass)


def test_describe_in_plain_words() -> None:
    assert (
        describe_stid("270") == "First-Class Mail, Full-Service, with IV-MTR tracking, no address corrections"
    )
    assert "not in the USPS table" in describe_stid("999")


def test_warns_when_stid_requests_no_tracking_and_names_the_tracked_twin() -> None:
    warnings = stid_table().warnings("300")
    assert len(warnings) == 1
    assert "does not request IV-MTR" in warnings[0] and "use 310" in warnings[0]
    assert "use 270" in stid_table().warnings("260")[0]
    assert stid_table().tracked_twin("320").code == "314"  # type: ignore[union-attr]


def test_no_warning_for_plain_tracked_codes() -> None:
    assert stid_table().warnings("270") == []
    assert stid_table().warnings("310") == []


def test_other_warnings() -> None:
    assert any("not in the USPS STID table" in w for w in stid_table().warnings("999"))
    assert any("legacy" in w for w in stid_table().warnings("036"))
    assert any("endorsement" in w for w in stid_table().warnings("500"))
    with pytest.raises(FieldError):
        stid_table().warnings("27")


def test_every_no_iv_first_class_and_marketing_code_has_a_tracked_twin() -> None:
    table = stid_table()
    for row in table.all():
        if row.iv_mtr is False and row.service_level:
            assert table.tracked_twin(row.code) is not None, row.code


def test_parser_rejects_a_bad_code() -> None:
    text = (
        "stid,mail_class,service_level,iv_mtr,address_correction,endorsement_required,status,note\n"
        "27,X,,yes,,no,current,\n"
    )
    with pytest.raises(FieldError):
        parse_stid_csv(text)
