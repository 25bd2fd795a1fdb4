"""Strict decoding, orientation, and explicit repair."""

from __future__ import annotations

import pytest

from imb_tracker.imb import DecodeError, ImbError, InvalidCharacterError, RepairError, decode, rotate

ROW1 = "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"
ROW1_BAR1_DAMAGED = "TTTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"
ROW1_CHAR_B_COMPLEMENTED = "ADTFATADTTTDTAATTTTDTTTTDFFDDFAFFDFTFFDFATATFAAAAADFFADAFDFTFFTDT"
CRC_VALID_BAD_ROUTING = "FFTATAFDDAFDDDATFFFDDADTFFDFDTTFFFTDFAATFFFAADDDTDDTFAADTAAFTATFT"
ALL_ZERO = "ATDFAATFTAFTFATTTFDDAADATAAFTDFDADFDTDFAFDTAFFFTFDTDDTATATFTADTDA"


def test_strict_decode_of_spec_example() -> None:
    result = decode(ROW1)
    assert result.fields.tracking == "01234567094987654321"
    assert result.fields.routing == ""
    assert result.bars == ROW1


def test_all_zero_payload_has_codeword_a_659() -> None:
    f = decode(ALL_ZERO).fields
    assert f.tracking == "0" * 20 and f.routing == ""


def test_lowercase_and_whitespace_are_accepted() -> None:
    assert decode(f"  {ROW1.lower()}\n").fields.serial == "987654321"


def test_upside_down_read_is_decoded_and_reported() -> None:
    result = decode(rotate(ROW1))
    assert result.upside_down
    assert result.bars == ROW1
    assert result.fields.mailer_id == "567094"


def test_reversed_or_mirrored_copies_are_refused() -> None:
    for variant in (ROW1[::-1], ROW1.translate(str.maketrans("AD", "DA"))):
        with pytest.raises(DecodeError):
            decode(variant)


def test_single_damaged_bar_is_refused_with_invalid_character() -> None:
    with pytest.raises(InvalidCharacterError) as info:
        decode(ROW1_BAR1_DAMAGED)
    assert info.value.field == "bars"
    assert info.value.characters == (4,)  # character E
    assert 1 in info.value.bars


def test_repair_finds_the_unique_correction() -> None:
    result = decode(ROW1_BAR1_DAMAGED, repair=True)
    assert result.bars == ROW1
    assert result.repaired_positions == (1,)
    assert result.as_dict()["repaired_positions"] == [1]


def test_repair_of_an_upside_down_damaged_read_reports_input_positions() -> None:
    damaged = rotate(ROW1_BAR1_DAMAGED)
    result = decode(damaged, repair=True)
    assert result.upside_down and result.bars == ROW1
    assert result.repaired_positions == (65,)


def test_fcs_mismatch_is_refused_and_cannot_be_repaired() -> None:
    with pytest.raises(DecodeError) as info:
        decode(ROW1_CHAR_B_COMPLEMENTED)
    assert info.value.reason == "checksum"
    with pytest.raises(RepairError) as rinfo:
        decode(ROW1_CHAR_B_COMPLEMENTED, repair=True)
    assert rinfo.value.reason == "unrepairable" and rinfo.value.candidates == ()


def test_crc_valid_string_with_impossible_routing_is_refused() -> None:
    with pytest.raises(DecodeError) as info:
        decode(CRC_VALID_BAD_ROUTING)
    assert info.value.reason == "routing_range"
    assert "101,026,134,675" in str(info.value)


@pytest.mark.parametrize(
    ("bars", "reason"),
    [(ROW1[:-1], "length"), (ROW1 + "T", "length"), ("", "length"), (ROW1[:-1] + "X", "alphabet")],
)
def test_bad_length_or_letters(bars: str, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(bars)
    assert info.value.reason == reason
    assert info.value.field == "bars"


def test_ambiguous_damage_is_reported_with_candidates() -> None:
    # Tracking 00270123456000000128, routing 62704123401, bar 39 damaged T -> D: changing bar 39
    # back or bar 43 F -> D both give a valid IMb, so repair must refuse to choose.
    from imb_tracker.imb import encode_tracking

    original = encode_tracking("00270123456000000128", "62704123401")
    damaged = original[:38] + "D" + original[39:]
    assert original[38] == "T"
    with pytest.raises(RepairError) as info:
        decode(damaged, repair=True)
    exc = info.value
    assert exc.reason == "ambiguous"
    assert original in exc.candidates and len(exc.candidates) == 2
    other = next(c for c in exc.candidates if c != original)
    assert sum(a != b for a, b in zip(other, damaged, strict=True)) == 1
    assert decode(other).fields.serial != "000000128"
    assert "ambiguous" in str(exc)


def test_non_string_input_is_an_imb_error() -> None:
    with pytest.raises(ImbError):
        decode(None)  # type: ignore[arg-type]


def bars_from_codewords(cws: list[int], fcs_low: int) -> str:
    """Build bars straight from codewords after Step 4 (for inputs no encoder would make)."""
    from imb_tracker.imb.tables import BAR_MAP, CODEWORD_TO_CHARACTER

    chars = [CODEWORD_TO_CHARACTER[cw] ^ (0x1FFF if fcs_low >> i & 1 else 0) for i, cw in enumerate(cws)]
    return "".join("TDAF"[(chars[dc] >> db & 1) + 2 * (chars[ac] >> ab & 1)] for dc, db, ac, ab in BAR_MAP)


def test_builder_reproduces_spec_example() -> None:
    # Appendix C example 4: codewords after Step 4 and FCS 0x751 (bits 0-9 = 0x351).
    cws = [673, 787, 607, 1022, 861, 19, 816, 1294, 35, 602]
    assert bars_from_codewords(cws, 0x751 & 0x3FF) == (
        "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"
    )


def test_codeword_a_out_of_range_is_refused_with_reason() -> None:
    bars = bars_from_codewords([1340, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0)
    with pytest.raises(DecodeError) as info:
        decode(bars)
    assert info.value.reason == "codeword_range"
    assert "codeword A" in str(info.value)


def test_odd_codeword_j_is_refused_with_reason() -> None:
    bars = bars_from_codewords([0, 0, 0, 0, 559, 202, 508, 451, 124, 35], 0x51)
    with pytest.raises(DecodeError) as info:
        decode(bars)
    assert info.value.reason == "parity"
