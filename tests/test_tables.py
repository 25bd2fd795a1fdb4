"""The spec tables and the table-driven CRC against the spec's anchor values."""

from __future__ import annotations

import random

from imb_tracker.imb.codec import crc11
from imb_tracker.imb.tables import BAR_MAP, TABLE_I, TABLE_II, crc11_bitwise


def test_table_i_anchor_values() -> None:
    assert len(TABLE_I) == 1287
    assert TABLE_I[:6] == (31, 7936, 47, 7808, 55, 7552)
    assert TABLE_I[673] == 0x1234
    assert TABLE_I[1270:1272] == (6179, 6275)
    assert TABLE_I[1272:] == (
        6211,
        5189,
        4681,
        4433,
        4321,
        3142,
        2634,
        2386,
        2274,
        1612,
        1364,
        1252,
        856,
        744,
        496,
    )


def test_table_ii_anchor_values() -> None:
    assert len(TABLE_II) == 78
    assert TABLE_II[:4] == (3, 6144, 5, 5120)
    assert TABLE_II[7] == 0x1200
    assert TABLE_II[70:72] == (2049, 4098)
    assert TABLE_II[72:] == (4097, 2050, 1028, 520, 272, 160)


def test_tables_are_disjoint_from_their_complements() -> None:
    chars = set(TABLE_I) | set(TABLE_II)
    assert len(chars) == 1365
    assert not chars & {c ^ 0x1FFF for c in chars}


def test_bar_map_uses_every_character_bit_once_and_never_one_character_twice_per_bar() -> None:
    slots = [(dc, db) for dc, db, _, _ in BAR_MAP] + [(ac, ab) for _, _, ac, ab in BAR_MAP]
    assert sorted(slots) == [(c, b) for c in range(10) for b in range(13)]
    # Why a single damaged bar is always detected: its two extenders belong to two characters.
    assert all(dc != ac for dc, _, ac, _ in BAR_MAP)


def test_crc_check_values_and_table_form_agree_with_bitwise_form() -> None:
    assert crc11(0) == 0x6E0 == crc11_bitwise(0)
    assert crc11(1) == 0x1D5 == crc11_bitwise(1)
    rng = random.Random(1234)
    for _ in range(3000):
        value = rng.getrandbits(102)
        assert crc11(value) == crc11_bitwise(value)
