"""Bar geometry: nominal sizes, tolerances, quiet zone."""

from __future__ import annotations

import pytest

from imb_tracker.imb import NOMINAL, BarSpec, DecodeError, FieldError, barcode_geometry, encode_tracking

BARS = encode_tracking("01234567094987654321", "01234567891")


def test_nominal_geometry_in_points() -> None:
    geo = barcode_geometry(BARS)
    assert len(geo.bars) == 65
    assert geo.width == pytest.approx((64 / 22 + 0.020) * 72)
    assert geo.width / 72 == pytest.approx(2.929, abs=0.001)
    assert geo.height == pytest.approx(0.145 * 72)
    for i, bar in enumerate(geo.bars):
        assert bar.index == i + 1 and bar.letter == BARS[i]
        assert bar.x == pytest.approx(i * 72 / 22)
        assert bar.width == pytest.approx(0.020 * 72)
        expected = {"F": (0, 0.145), "A": (0.0485, 0.0965), "D": (0, 0.0965), "T": (0.0485, 0.048)}[
            bar.letter
        ]
        assert bar.y / 72 == pytest.approx(expected[0])
        assert bar.height / 72 == pytest.approx(expected[1])
        assert bar.y_from_top == pytest.approx(geo.height - bar.y - bar.height)


def test_tracker_is_centred_and_every_bar_covers_it() -> None:
    geo = barcode_geometry("FADT" * 16 + "F")
    tracker_bottom = (0.145 - 0.048) / 2 * 72
    tracker_top = tracker_bottom + 0.048 * 72
    for bar in geo.bars:
        assert bar.y <= tracker_bottom + 1e-9 and bar.y + bar.height >= tracker_top - 1e-9


def test_quiet_zone() -> None:
    geo = barcode_geometry(BARS)
    qz = geo.quiet_zone
    assert qz.x == pytest.approx(-0.125 * 72) and qz.y == pytest.approx(-0.028 * 72)
    assert qz.right == pytest.approx(geo.width + 0.125 * 72)
    assert qz.top == pytest.approx(geo.height + 0.028 * 72)


def test_custom_spec_and_limits() -> None:
    spec = BarSpec(bar_width=0.015, pitch=1 / 24, full_height=0.125, tracker_height=0.039)
    geo = barcode_geometry(BARS, spec)
    assert geo.width / 72 == pytest.approx(64 / 24 + 0.015)
    assert NOMINAL.ascender_height == pytest.approx(0.0965)
    with pytest.raises(FieldError) as info:
        BarSpec(bar_width=0.030)
    assert info.value.field == "bar_width"
    with pytest.raises(FieldError) as info:
        BarSpec(pitch=0.06)
    assert info.value.field == "pitch"
    with pytest.raises(FieldError):
        BarSpec(full_height=0.2)
    with pytest.raises(FieldError):
        BarSpec(tracker_height=0.03)


def test_placed_moves_bars() -> None:
    geo = barcode_geometry(BARS)
    placed = geo.placed(100, 50)
    assert placed[0].x == pytest.approx(100) and placed[0].y == pytest.approx(geo.bars[0].y + 50)


def test_arbitrary_bar_strings_and_bad_ones() -> None:
    assert len(barcode_geometry("t" * 65).bars) == 65
    with pytest.raises(DecodeError):
        barcode_geometry("T" * 64)
