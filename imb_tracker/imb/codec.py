"""Encode IMb fields to 65 bars and decode bars back to fields (USPS-B-3200 §2–3).

The algorithm is the spec's; the speed comes from precomputed tables:

* the CRC is linear over GF(2), so the 11-bit FCS of a 102-bit value is the
  XOR of one table entry per byte (plus the CRC of zero for the 0x7FF init);
* each (character position, codeword, negated?) maps to one integer holding
  that character's bar extenders as base-4 digits (1 = descender,
  2 = ascender) at the bars it owns; every extender slot belongs to exactly
  one character bit, so OR-ing the ten integers gives the whole barcode;
* that 130-bit number is cut into 17 bytes and each byte looked up as four
  bar letters; decoding runs the same path backwards with ``int(…, 4)`` and
  a per-byte table that scatters bar bits back into the ten characters.

Tables are built lazily on first use (about 30 ms), so importing the core
stays cheap for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DecodeError, ImbError, InvalidCharacterError, RepairError
from .fields import ImbFields, validate_routing, validate_tracking
from .tables import (
    A_FCS_OFFSET,
    BAR_LETTERS,
    BAR_MAP,
    CODEWORD_TO_CHARACTER,
    CRC_INIT,
    CRC_POLY,
    J_RADIX,
    RADIX,
    ROUTING_MAX,
    ROUTING_OFFSET,
)

_R4 = RADIX**4
_TEN18 = 10**18
_INVALID = -1
_NEG_FLAG = 1 << 11


class _Tables:
    """Lookup tables derived from the spec tables; built once, on first use."""

    def __init__(self) -> None:
        self.crc_bytes = self._crc_tables()
        self.crc_zero = _crc_of_zero()
        self.char_bars = self._char_bar_tables()
        self.unpack = self._unpack_tables()
        self.char_info = self._char_info()
        # byte of the bar number → its four bar letters, most significant first
        self.byte_to_bars = tuple(
            "".join(BAR_LETTERS[(value >> shift) & 3] for shift in (6, 4, 2, 0)) for value in range(256)
        )
        self.bars_to_base4 = str.maketrans({letter: str(i) for i, letter in enumerate(BAR_LETTERS)})

    @staticmethod
    def _crc_tables() -> tuple[tuple[int, ...], ...]:
        # CRC (init 0) of each single data bit 101…0, then per byte position the
        # XOR of the bits each byte value sets.  Byte 0 carries bits 101…96.
        poly = CRC_POLY & 0x7FF
        single: list[int] = []
        for pos in range(102):  # pos = bit number in V
            reg = 0
            for bit in range(101, -1, -1):
                feedback = ((reg >> 10) ^ (1 if bit == pos else 0)) & 1
                reg = (reg << 1) & 0x7FF
                if feedback:
                    reg ^= poly
            single.append(reg)
        tables: list[tuple[int, ...]] = []
        for k in range(13):
            base = 8 * (12 - k)
            row = []
            for value in range(256):
                acc = 0
                for b in range(8):
                    if value >> b & 1 and base + b < 102:
                        acc ^= single[base + b]
                row.append(acc)
            tables.append(tuple(row))
        return tuple(tables)

    @staticmethod
    def _char_bar_tables() -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        # For character i: contribution of each of its 13 bits to the 130-bit bar number.
        contrib: list[list[int]] = [[0] * 13 for _ in range(10)]
        for bar, (dc, db, ac, ab) in enumerate(BAR_MAP, start=1):
            shift = 2 * (65 - bar)
            contrib[dc][db] = 1 << shift
            contrib[ac][ab] = 2 << shift
        out = []
        for i in range(10):
            full = [0] * 8192
            for value in range(1, 8192):
                low = value & -value
                full[value] = full[value ^ low] | contrib[i][low.bit_length() - 1]
            plain = tuple(full[c] for c in CODEWORD_TO_CHARACTER)
            negated = tuple(full[c ^ 0x1FFF] for c in CODEWORD_TO_CHARACTER)
            out.append((plain, negated))
        return tuple(out)

    @staticmethod
    def _unpack_tables() -> tuple[tuple[int, ...], ...]:
        # Byte k of the 17-byte bar number → its bits placed in the packed
        # 10×13-bit character word (character i at bits 13·i … 13·i+12).
        slot: dict[int, int] = {}  # bit of bar number → bit of packed characters
        for bar, (dc, db, ac, ab) in enumerate(BAR_MAP, start=1):
            shift = 2 * (65 - bar)
            slot[shift] = 13 * dc + db
            slot[shift + 1] = 13 * ac + ab
        tables = []
        for k in range(17):
            base = 8 * (16 - k)
            row = []
            for value in range(256):
                acc = 0
                for b in range(8):
                    if value >> b & 1:
                        target = slot.get(base + b)
                        if target is not None:
                            acc |= 1 << target
                row.append(acc)
            tables.append(tuple(row))
        return tuple(tables)

    @staticmethod
    def _char_info() -> tuple[int, ...]:
        # 13-bit character → codeword, with _NEG_FLAG when it is the negated form.
        info = [_INVALID] * 8192
        for cw, char in enumerate(CODEWORD_TO_CHARACTER):
            info[char] = cw
            info[char ^ 0x1FFF] = cw | _NEG_FLAG
        return tuple(info)


def _crc_of_zero() -> int:
    reg = CRC_INIT
    poly = CRC_POLY & 0x7FF
    for _ in range(102):
        feedback = (reg >> 10) & 1
        reg = (reg << 1) & 0x7FF
        if feedback:
            reg ^= poly
    return reg


_tables: _Tables | None = None


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        _tables = _Tables()
    return _tables


def crc11(value: int) -> int:
    """The 11-bit frame check sequence of a binary-data value below 2**102."""
    t = _get_tables()
    c = t.crc_bytes
    b = value.to_bytes(13, "big")
    return (
        t.crc_zero
        ^ c[0][b[0]]
        ^ c[1][b[1]]
        ^ c[2][b[2]]
        ^ c[3][b[3]]
        ^ c[4][b[4]]
        ^ c[5][b[5]]
        ^ c[6][b[6]]
        ^ c[7][b[7]]
        ^ c[8][b[8]]
        ^ c[9][b[9]]
        ^ c[10][b[10]]
        ^ c[11][b[11]]
        ^ c[12][b[12]]
    )


def binary_value(tracking: str, routing: str) -> int:
    """Step 1: the routing and tracking digits folded into one integer (< 2**102)."""
    value = int(routing) + ROUTING_OFFSET[len(routing)] if routing else 0
    value = (value * 10 + ord(tracking[0]) - 48) * 5 + ord(tracking[1]) - 48
    return value * _TEN18 + int(tracking[2:])


def codewords(value: int) -> list[int]:
    """Step 3: the ten codewords A…J of a binary-data value (before Step 4)."""
    q, j = divmod(value, J_RADIX)
    hi, lo = divmod(q, _R4)
    lo, i = divmod(lo, RADIX)
    lo, h = divmod(lo, RADIX)
    f, g = divmod(lo, RADIX)
    hi, e = divmod(hi, RADIX)
    hi, d = divmod(hi, RADIX)
    hi, c = divmod(hi, RADIX)
    a, b = divmod(hi, RADIX)
    return [a, b, c, d, e, f, g, h, i, j]


def _encode_valid(tracking: str, routing: str) -> str:
    """Encode digits already known to be valid."""
    t = _get_tables()
    value = binary_value(tracking, routing)
    fcs = crc11(value)
    a, b, c, d, e, f, g, h, i, j = codewords(value)
    if fcs & 0x400:
        a += A_FCS_OFFSET
    cb = t.char_bars
    acc = (
        cb[0][fcs & 1][a]
        | cb[1][fcs >> 1 & 1][b]
        | cb[2][fcs >> 2 & 1][c]
        | cb[3][fcs >> 3 & 1][d]
        | cb[4][fcs >> 4 & 1][e]
        | cb[5][fcs >> 5 & 1][f]
        | cb[6][fcs >> 6 & 1][g]
        | cb[7][fcs >> 7 & 1][h]
        | cb[8][fcs >> 8 & 1][i]
        | cb[9][fcs >> 9 & 1][j * 2]
    )
    quads = t.byte_to_bars
    return "".join([quads[byte] for byte in acc.to_bytes(17, "big")])[3:]


def encode(fields: ImbFields) -> str:
    """The 65 bar letters (A, D, F, T; bar 1 first) for validated fields."""
    return _encode_valid(fields.tracking, fields.routing)


def encode_tracking(tracking: str, routing: str = "") -> str:
    """Validate a 20-digit tracking code and a routing code, then encode them.

    Raises :class:`~imb_tracker.imb.errors.FieldError` naming ``tracking``,
    ``barcode_id`` or ``routing`` when the input is refused.
    """
    if (
        type(tracking) is str
        and type(routing) is str
        and len(tracking) == 20
        and tracking.isascii()
        and tracking.isdigit()
        and tracking[1] < "5"
        and len(routing) in (0, 5, 9, 11)
        and (not routing or (routing.isascii() and routing.isdigit()))
    ):
        return _encode_valid(tracking, routing)
    # Slow path: strips whitespace and explains exactly what is wrong.
    return _encode_valid(validate_tracking(tracking), validate_routing(routing))


def encode_fields(barcode_id: str, service_type: str, mailer_id: str, serial: str, routing: str = "") -> str:
    """Validate and encode the five fields."""
    return encode(ImbFields(barcode_id, service_type, mailer_id, serial, routing))


# ---------------------------------------------------------------- decoding


@dataclass(frozen=True, slots=True)
class DecodedImb:
    """The result of decoding a bar string.

    ``bars`` is the barcode as printed (upright, repaired if repair was used);
    ``upside_down`` says the input was read rotated by 180°;
    ``repaired_positions`` lists the 1-based positions *in the input as given*
    that repair changed (empty when nothing was repaired).
    """

    fields: ImbFields
    bars: str
    upside_down: bool = False
    repaired_positions: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form used by ``imb-tracker decode``."""
        out: dict[str, object] = dict(self.fields.as_dict())
        if self.upside_down:
            out["upside_down"] = True
        if self.repaired_positions:
            out["repaired_positions"] = list(self.repaired_positions)
            out["bars"] = self.bars
        return out


_ROTATE = str.maketrans("AD", "DA")


def rotate(bars: str) -> str:
    """The same barcode read upside down: reversed, ascenders and descenders swapped."""
    return bars[::-1].translate(_ROTATE)


def normalize_bars(bars: object) -> str:
    """Strip and upper-case a bar string and check it is 65 letters of A, D, F, T."""
    if not isinstance(bars, str):
        raise DecodeError(bars, f"bars must be text (got {type(bars).__name__})", "alphabet")
    text = bars.strip().upper()
    if len(text) != 65:
        raise DecodeError(
            bars,
            f"an IMb has 65 bars (got {len(text)})",
            "length",
            "check that no bar was missed or doubled",
        )
    if text.strip("ADFT"):
        bad = "".join(sorted(set(text) - set("ADFT")))
        raise DecodeError(
            bars,
            f"bars may only be the letters A, D, F and T (found {bad!r})",
            "alphabet",
            "A = ascender, D = descender, F = full bar, T = tracker",
        )
    return text


def _char_bars(index: int) -> tuple[int, ...]:
    return tuple(bar for bar, (dc, _db, ac, _ab) in enumerate(BAR_MAP, start=1) if index in (dc, ac))


def _decode_upright(text: str) -> ImbFields:
    """Strict decode of a normalized 65-letter string in the given orientation."""
    t = _get_tables()
    u = t.unpack
    b = int(text.translate(t.bars_to_base4), 4).to_bytes(17, "big")
    packed = (
        u[0][b[0]]
        | u[1][b[1]]
        | u[2][b[2]]
        | u[3][b[3]]
        | u[4][b[4]]
        | u[5][b[5]]
        | u[6][b[6]]
        | u[7][b[7]]
        | u[8][b[8]]
        | u[9][b[9]]
        | u[10][b[10]]
        | u[11][b[11]]
        | u[12][b[12]]
        | u[13][b[13]]
        | u[14][b[14]]
        | u[15][b[15]]
        | u[16][b[16]]
    )
    info = t.char_info
    cws = [
        info[packed & 0x1FFF],
        info[packed >> 13 & 0x1FFF],
        info[packed >> 26 & 0x1FFF],
        info[packed >> 39 & 0x1FFF],
        info[packed >> 52 & 0x1FFF],
        info[packed >> 65 & 0x1FFF],
        info[packed >> 78 & 0x1FFF],
        info[packed >> 91 & 0x1FFF],
        info[packed >> 104 & 0x1FFF],
        info[packed >> 117 & 0x1FFF],
    ]
    if _INVALID in cws:
        bad = tuple(i for i, cw in enumerate(cws) if cw == _INVALID)
        bars = tuple(sorted({bar for i in bad for bar in _char_bars(i)}))
        raise InvalidCharacterError(text, bad, bars)
    fcs = 0
    for i, cw in enumerate(cws):
        if cw > 0x7FF:  # _NEG_FLAG set: this character was negated
            fcs |= 1 << i
    a, b1, c, d, e, f, g, h, i9, j = (cw & 0x7FF for cw in cws)
    if j & 1:
        raise DecodeError(
            text,
            "codeword J is odd, so this is not an upright IMb",
            "parity",
            "the bars may be read in the wrong direction or damaged",
        )
    if a >= A_FCS_OFFSET:
        a -= A_FCS_OFFSET
        fcs |= 0x400
    if a > A_FCS_OFFSET - 1:
        raise DecodeError(text, f"codeword A is out of range ({a + A_FCS_OFFSET} > 1317)", "codeword_range")
    hi = (((a * RADIX + b1) * RADIX + c) * RADIX + d) * RADIX + e
    lo = ((f * RADIX + g) * RADIX + h) * RADIX + i9
    value = (hi * _R4 + lo) * J_RADIX + (j >> 1)
    if crc11(value) != fcs:
        raise DecodeError(
            text,
            "the frame check sequence does not match: the bars are damaged or not an IMb",
            "checksum",
            "rescan or retype the bars",
        )
    rest, low18 = divmod(value, _TEN18)
    rest, t1 = divmod(rest, 5)
    routing_value, t0 = divmod(rest, 10)
    tracking = f"{t0}{t1}{low18:018d}"
    routing = _routing_from_value(text, routing_value)
    return ImbFields._trusted(tracking, routing)


def _routing_from_value(text: str, value: int) -> str:
    if value == 0:
        return ""
    if value <= 100_000:
        return f"{value - 1:05d}"
    if value <= 1_000_100_000:
        return f"{value - 100_001:09d}"
    if value <= ROUTING_MAX:
        return f"{value - 1_000_100_001:011d}"
    raise DecodeError(
        text,
        f"the routing value {value:,} is above the largest possible ({ROUTING_MAX:,})",
        "routing_range",
        "the bars pass the checksum but cannot be an IMb",
    )


def decode(bars: str, *, repair: bool = False) -> DecodedImb:
    """Decode a 65-letter bar string to its fields, verifying the checksum.

    Lower case and surrounding white space are accepted, and so is a barcode
    read upside down (reported in ``upside_down``).  Damaged bars are refused
    unless ``repair=True``: then every single-bar correction is tried, and
    the unique one that gives a valid IMb is returned with the changed
    positions; if there are several, or none, :class:`RepairError` says so.
    Nothing but :class:`ImbError` is ever raised.
    """
    text = normalize_bars(bars)
    try:
        return DecodedImb(_decode_upright(text), text)
    except ImbError as upright_error:
        rotated = rotate(text)
        try:
            return DecodedImb(_decode_upright(rotated), rotated, upside_down=True)
        except ImbError:
            pass
        if not repair:
            raise upright_error from None
        return _repair(bars, text, rotated, upright_error)


def _single_bar_fixes(text: str) -> list[tuple[int, str, ImbFields]]:
    """Every (position, bars, fields) reachable by changing one bar that decodes."""
    t = _get_tables()
    u = t.unpack
    b = int(text.translate(t.bars_to_base4), 4).to_bytes(17, "big")
    packed = 0
    for k in range(17):
        packed |= u[k][b[k]]
    info = t.char_info
    bad = {i for i in range(10) if info[(packed >> (13 * i)) & 0x1FFF] == _INVALID}
    # One bar touches at most two characters (its descender's and its ascender's),
    # so more than two bad characters can never be fixed by one bar, and only
    # bars touching a bad character can help.
    if not bad or len(bad) > 2:
        return []
    found = []
    for pos, (dc, _db, ac, _ab) in enumerate(BAR_MAP, start=1):
        if dc not in bad and ac not in bad:
            continue
        for letter in BAR_LETTERS:
            if letter == text[pos - 1]:
                continue
            candidate = text[: pos - 1] + letter + text[pos:]
            try:
                found.append((pos, candidate, _decode_upright(candidate)))
            except ImbError:
                continue
    return found


def _repair(original: object, text: str, rotated: str, error: ImbError) -> DecodedImb:
    results: dict[str, DecodedImb] = {}
    for pos, candidate, fields in _single_bar_fixes(text):
        results.setdefault(candidate, DecodedImb(fields, candidate, False, (pos,)))
    for pos, candidate, fields in _single_bar_fixes(rotated):
        results.setdefault(candidate, DecodedImb(fields, candidate, True, (66 - pos,)))
    if len(results) == 1:
        return next(iter(results.values()))
    if not results:
        raise RepairError(
            original,
            f"the bars cannot be repaired by changing one bar ({error})",
            "unrepairable",
            (),
        )
    candidates = tuple(sorted(results))
    raise RepairError(
        original,
        f"the damage is ambiguous: {len(candidates)} different single-bar corrections give a valid "
        f"IMb, so none is chosen",
        "ambiguous",
        candidates,
    )
