"""Property tests: round trips, no stray exceptions, safe repair, agreement with reportlab."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.graphics.barcode.usps4s import USPS_4State

from imb_tracker.imb import DecodeError, ImbError, ImbFields, RepairError, decode, encode, rotate


@st.composite
def imb_fields(draw: st.DrawFn) -> ImbFields:
    bi = f"{draw(st.integers(0, 9))}{draw(st.integers(0, 4))}"
    stid = f"{draw(st.integers(0, 999)):03d}"
    if draw(st.booleans()):
        mid = f"{draw(st.integers(0, 899_999)):06d}"
        serial = f"{draw(st.integers(0, 10**9 - 1)):09d}"
    else:
        mid = f"{draw(st.integers(900_000_000, 999_999_999))}"
        serial = f"{draw(st.integers(0, 10**6 - 1)):06d}"
    length = draw(st.sampled_from([0, 5, 9, 11]))
    routing = f"{draw(st.integers(0, 10**length - 1)):0{length}d}" if length else ""
    return ImbFields(bi, stid, mid, serial, routing)


@given(imb_fields())
@settings(max_examples=600)
def test_encode_decode_round_trip(fields: ImbFields) -> None:
    bars = encode(fields)
    assert len(bars) == 65 and set(bars) <= set("ADFT")
    assert decode(bars).fields == fields
    upside = decode(rotate(bars))
    assert upside.fields == fields and upside.upside_down


@given(imb_fields())
@settings(max_examples=400)
def test_same_bars_as_reportlab(fields: ImbFields) -> None:
    assert encode(fields) == USPS_4State(fields.tracking, fields.routing).barcodes


@given(st.text(alphabet="ADFT", min_size=65, max_size=65))
@settings(max_examples=1500)
def test_decode_raises_only_imb_errors_on_any_65_letters(bars: str) -> None:
    for repair in (False, True):
        try:
            result = decode(bars, repair=repair)
        except ImbError:
            continue
        assert len(result.bars) == 65
        assert encode(result.fields) == result.bars


@given(st.text())
@settings(max_examples=500)
def test_decode_raises_only_imb_errors_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ImbError):
        decode(text, repair=True)


@given(imb_fields(), st.integers(min_value=0, max_value=64), st.integers(min_value=1, max_value=3))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_single_bar_damage_is_refused_then_repaired_or_ambiguous(
    fields: ImbFields, position: int, shift: int
) -> None:
    bars = encode(fields)
    letter = "ADFT"[("ADFT".index(bars[position]) + shift) % 4]
    damaged = bars[:position] + letter + bars[position + 1 :]
    try:
        decode(damaged)
    except DecodeError:
        pass
    else:
        raise AssertionError("a damaged barcode was accepted without repair")
    try:
        result = decode(damaged, repair=True)
    except RepairError as exc:
        assert exc.reason == "ambiguous"
        assert bars in exc.candidates
        return
    assert result.bars == bars
    assert result.fields == fields
    assert result.repaired_positions == (position + 1,)


def test_every_single_bar_damage_of_some_barcodes() -> None:
    """Exhaustive over all 195 damages of 30 barcodes: never a wrong repair; ambiguity is rare."""
    import random

    rng = random.Random(7)
    total = ambiguous = 0
    for _ in range(30):
        tracking = f"{rng.randint(0, 9)}{rng.randint(0, 4)}{rng.randrange(10**18):018d}"
        fields = ImbFields.from_tracking(tracking, f"{rng.randrange(10**11):011d}")
        bars = encode(fields)
        for pos in range(65):
            for letter in "ADFT":
                if letter == bars[pos]:
                    continue
                damaged = bars[:pos] + letter + bars[pos + 1 :]
                total += 1
                try:
                    result = decode(damaged, repair=True)
                except RepairError as exc:
                    assert exc.reason == "ambiguous" and bars in exc.candidates
                    ambiguous += 1
                    continue
                assert result.bars == bars and result.repaired_positions == (pos + 1,)
    assert total == 30 * 195
    assert ambiguous < total / 100  # about 1 in 700 in practice
