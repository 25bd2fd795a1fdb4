"""The official and cross-checked vectors: every success row exact, every error row refused."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from imb_tracker.imb import FieldError, ImbFields, decode, encode, encode_tracking
from imb_tracker.imb.codec import binary_value, codewords, crc11

from .conftest import SHARED_VECTORS, VECTORS, read_small_vectors, read_usps_rows

USPS_SHA256 = "ed82954a46204a817ea8a1206478771ba06f996d44396ca746d1fc6a1873af2d"
# USPS return code → the field USPS blames (tracking length/digits, barcode ID, routing length/digits).
FIELD_FOR_CODE = {"09": "tracking", "10": "tracking", "11": "barcode_id", "12": "routing", "13": "routing"}


def test_vector_copies_are_byte_identical() -> None:
    data = (VECTORS / "usps_encoder_testcases.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == USPS_SHA256
    assert data.count(b"\r\r\n") == 10_000
    if SHARED_VECTORS.is_dir():
        for name in ("usps_encoder_testcases.csv", "spec_examples.csv", "imb_vectors.csv"):
            assert (VECTORS / name).read_bytes() == (SHARED_VECTORS / name).read_bytes(), name


def test_usps_reference_set_counts() -> None:
    counts = Counter(row[4] for row in read_usps_rows())
    assert counts == {"00": 8128, "09": 125, "10": 18, "11": 1629, "12": 89, "13": 11}


def test_every_usps_success_row_encodes_exactly_and_round_trips() -> None:
    checked = 0
    for rid, tracking, routing, bars, code, _ in read_usps_rows():
        if code != "00":
            continue
        assert encode_tracking(tracking, routing) == bars, f"row {rid}"
        assert encode(ImbFields.from_tracking(tracking, routing)) == bars, f"row {rid}"
        result = decode(bars)
        assert (result.fields.tracking, result.fields.routing) == (tracking, routing), f"row {rid}"
        assert not result.upside_down and not result.repaired_positions
        checked += 1
    assert checked == 8128


def test_every_usps_error_row_is_refused_naming_the_usps_field() -> None:
    refused = 0
    for rid, tracking, routing, _bars, code, _message in read_usps_rows():
        if code == "00":
            continue
        with pytest.raises(FieldError) as info:
            encode_tracking(tracking, routing)
        assert info.value.field == FIELD_FOR_CODE[code], f"row {rid}: {info.value}"
        with pytest.raises(FieldError) as info2:
            ImbFields.from_tracking(tracking, routing)
        assert info2.value.field == FIELD_FOR_CODE[code], f"row {rid}"
        refused += 1
    assert refused == 1872


@pytest.mark.parametrize("name", ["spec_examples.csv", "imb_vectors.csv"])
def test_small_vector_files(name: str) -> None:
    rows = read_small_vectors(name)
    assert len(rows) == {"spec_examples.csv": 4, "imb_vectors.csv": 28}[name]
    for row in rows:
        fields = ImbFields(
            row["barcode_id"], row["service_type"], row["mailer_id"], row["serial"], row["routing"]
        )
        assert encode(fields) == row["bars"]
        back = decode(row["bars"]).fields
        assert back == fields
        assert back.mailer_id == row["mailer_id"] and back.serial == row["serial"]


# imb-spec.md §4.4: binary data, FCS and codewords after Step 4 for some of the 28 vectors.
INTERMEDIATES = {
    1: (0x1122103B5C2004B1, 0x51, [0, 0, 0, 0, 559, 202, 508, 451, 124, 34]),
    2: (0xD138A87BAB5CF3804B1, 0x65, [0, 0, 15, 14, 290, 567, 385, 48, 388, 666]),
    3: (0x202BDC097711204D21804B1, 0x606, [659, 110, 1113, 1363, 198, 413, 470, 468, 1333, 1026]),
    4: (0x16907B2A24ABC16A2E5C004B1, 0x751, [673, 787, 607, 1022, 861, 19, 816, 1294, 35, 602]),
    12: (0xA1932AA1C2783CC4488B7FFF, 0xFB, [6, 714, 1192, 521, 386, 960, 1127, 267, 525, 1038]),
    14: (0x3FBD723AB5D7EF61336687FFFF, 0x61D, [1317, 1133, 256, 289, 826, 860, 1181, 433, 568, 62]),
    15: (0x0, 0x6E0, [659, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    16: (0x15FB442AEABFF4989, 0x7FE, [659, 0, 0, 8, 558, 119, 30, 976, 989, 1266]),
}


@pytest.mark.parametrize("row_number", sorted(INTERMEDIATES))
def test_intermediate_values_match_the_spec(row_number: int) -> None:
    row = read_small_vectors("imb_vectors.csv")[row_number - 1]
    fields = ImbFields(
        row["barcode_id"], row["service_type"], row["mailer_id"], row["serial"], row["routing"]
    )
    want_value, want_fcs, want_codewords = INTERMEDIATES[row_number]
    value = binary_value(fields.tracking, fields.routing)
    assert value == want_value
    fcs = crc11(value)
    assert fcs == want_fcs
    cws = codewords(value)
    cws[9] *= 2
    if fcs & 0x400:
        cws[0] += 659
    assert cws == want_codewords


def test_the_whole_usps_set_through_encode_stdin() -> None:
    """Issue 14 done-when: 10,000 of 10,000 rows right through ``imb-tracker encode -`` (row 192,
    routing ``0123456789 1`` with an interior space, used to be accepted as 01234567891)."""
    import subprocess
    import sys

    rows = read_usps_rows()
    lines = "".join(f"{tracking},{routing}\n" for _rid, tracking, routing, _bars, _code, _msg in rows)
    run = subprocess.run(
        [sys.executable, "-m", "imb_tracker", "encode", "-"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    answers = run.stdout.splitlines()
    assert len(answers) == len(rows) == 10_000
    right = sum(
        (answer == bars) if code == "00" else answer.startswith("error: ")
        for (_rid, _t, _r, bars, code, _m), answer in zip(rows, answers, strict=True)
    )
    assert right == 10_000
    assert run.returncode == 1  # some lines (the error rows) could not be encoded
