"""The constant tables of USPS-B-3200, built or transcribed once.

* the 5-of-13 and 2-of-13 character tables (spec Tables 19 and 20), generated
  with the spec's own procedure described in ``imb-spec.md`` §2.5;
* the bar-to-character map (spec Table 22), transcribed from the spec;
* CRC constants (spec §2.2).

Everything here is plain data; :mod:`imb_tracker.imb.codec` derives its fast
lookup tables from it.
"""

from __future__ import annotations

CRC_POLY = 0x0F35
CRC_INIT = 0x7FF
CRC_BITS = 102

#: Codeword J is reduced mod 636, all the others mod 1365 (spec Table 7).
J_RADIX = 636
RADIX = 1365
#: Codewords below this index Table I (5-of-13); from here on Table II (2-of-13).
TABLE_II_START = 1287
#: Added to codeword A when FCS bit 10 is set (spec Step 4).
A_FCS_OFFSET = 659

#: Routing value offsets by routing length (spec Table 4).
ROUTING_OFFSET: dict[int, int] = {0: 0, 5: 1, 9: 100_001, 11: 1_000_100_001}
ROUTING_MAX = 101_000_100_000

BAR_LETTERS = "TDAF"  # index = descender + 2 * ascender

#: Spec Table 22: for bar 1..65, (descender char, descender bit, ascender char, ascender bit).
#: Characters are A=0 … J=9, bits are 0 (least significant) … 12.
BAR_MAP: tuple[tuple[int, int, int, int], ...] = (
    (7, 2, 4, 3),
    (1, 10, 0, 0),
    (9, 12, 2, 8),
    (5, 5, 6, 11),
    (8, 9, 3, 1),
    (0, 1, 5, 12),
    (2, 5, 1, 8),
    (4, 4, 9, 11),
    (6, 3, 8, 10),
    (3, 9, 7, 6),
    (5, 11, 1, 4),
    (8, 5, 2, 12),
    (9, 10, 0, 2),
    (7, 1, 6, 7),
    (3, 6, 4, 9),
    (0, 3, 8, 6),
    (6, 4, 2, 7),
    (1, 1, 9, 9),
    (7, 10, 5, 2),
    (4, 0, 3, 8),
    (6, 2, 0, 4),
    (8, 11, 1, 0),
    (9, 8, 3, 12),
    (2, 6, 7, 7),
    (5, 1, 4, 10),
    (1, 12, 6, 9),
    (7, 3, 8, 0),
    (5, 8, 9, 7),
    (4, 6, 2, 10),
    (3, 4, 0, 5),
    (8, 4, 5, 7),
    (7, 11, 1, 9),
    (6, 0, 9, 6),
    (0, 6, 4, 8),
    (2, 1, 3, 2),
    (5, 9, 8, 12),
    (4, 11, 6, 1),
    (9, 5, 7, 4),
    (3, 3, 1, 2),
    (0, 7, 2, 0),
    (1, 3, 4, 1),
    (6, 10, 3, 5),
    (8, 7, 9, 4),
    (2, 11, 5, 6),
    (0, 8, 7, 12),
    (4, 2, 8, 1),
    (5, 10, 3, 0),
    (9, 3, 0, 9),
    (6, 5, 2, 4),
    (7, 8, 1, 7),
    (5, 0, 4, 5),
    (2, 3, 0, 10),
    (6, 12, 9, 2),
    (3, 11, 1, 6),
    (8, 8, 7, 9),
    (5, 4, 0, 11),
    (1, 5, 2, 2),
    (9, 1, 4, 12),
    (8, 3, 6, 6),
    (7, 0, 3, 7),
    (4, 7, 7, 5),
    (0, 12, 1, 11),
    (2, 9, 9, 0),
    (6, 8, 5, 3),
    (3, 10, 8, 2),
)


def _reverse13(value: int) -> int:
    out = 0
    for _ in range(13):
        out = (out << 1) | (value & 1)
        value >>= 1
    return out


def build_n_of_13(n: int) -> tuple[int, ...]:
    """Generate the n-of-13 character table (n = 5 → Table I, n = 2 → Table II).

    Mirror pairs fill the table from the front, palindromes from the back, as
    the spec's procedure does; the two cursors must meet.
    """
    size = {5: 1287, 2: 78}[n]
    table = [0] * size
    low, high = 0, size - 1
    for value in range(8192):
        if bin(value).count("1") != n:
            continue
        mirror = _reverse13(value)
        if mirror < value:
            continue
        if mirror == value:
            table[high] = value
            high -= 1
        else:
            table[low] = value
            table[low + 1] = mirror
            low += 2
    if low != high + 1:  # pragma: no cover - would mean the procedure is wrong
        raise AssertionError("n-of-13 table cursors did not meet")
    return tuple(table)


TABLE_I = build_n_of_13(5)
TABLE_II = build_n_of_13(2)
#: Codeword (0…1364) → 13-bit character, before FCS negation.
CODEWORD_TO_CHARACTER: tuple[int, ...] = TABLE_I + TABLE_II


def crc11_bitwise(value: int) -> int:
    """The spec's 11-bit frame check sequence over the low 102 bits of ``value``.

    Bit-at-a-time reference form; the codec uses a table-driven equivalent and
    the tests check the two agree.
    """
    reg = CRC_INIT
    for bit in range(CRC_BITS - 1, -1, -1):
        feedback = ((reg >> 10) ^ (value >> bit)) & 1
        reg = (reg << 1) & 0x7FF
        if feedback:
            reg ^= CRC_POLY & 0x7FF
    return reg
