"""Putting a mailing's letters into trays: the grouping rules, the tray's lines, the origin line.

Pure functions (no database): the store calls :func:`plan_trays` with the pieces
in print order and stores what it returns.  The grouping follows the usual
presort levels for letters (``../shared/reference/printing.md`` §4.5-4.6):

1. a **5-digit** tray for each destination ZIP with at least ``min_5d`` pieces,
2. a **3-digit** tray for each 3-digit ZIP prefix with at least ``min_3d`` of the rest,
3. **mixed** (``MXD``, Line 2 ``… WKG``) trays for everything left.

AADC trays need USPS's labeling list L801, which the app does not ship; those
pieces go to mixed trays (correct, at a higher price).  Each group is cut into
trays of at most ``per_tray`` pieces, in print order.  The minimums (150 by
default, the figure commonly quoted for First-Class automation letter trays)
and the tray size are settings, not constants: no source in the reference
settled them (UNCONFIRMED).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

LINE_MAX = 30  # Mail.dat's destination, contents and entry lines are 30 characters
LEVELS = ("5d", "3d", "mxd")
#: CIN per mail class and level: First-Class (FCM) and USPS Marketing Mail (STD) automation letters
CINS = {
    ("FCM", "5d"): "242",
    ("FCM", "3d"): "244",
    ("FCM", "mxd"): "246",
    ("STD", "5d"): "542",
    ("STD", "3d"): "544",
    ("STD", "mxd"): "546",
}
DEFAULT_MIN_5D = 150
DEFAULT_MIN_3D = 150
#: a 1-foot (MM) letter tray holds about 11.5 in of letters on edge (UNCONFIRMED: a common figure)
TRAY_INCHES = 11.5
DEFAULT_THICKNESS = 0.025  # inches: one sheet in a #10 envelope


def class_prefix(mail_class: str) -> str:
    """The tray Line 2 prefix for a mail class: FCM, or STD for USPS Marketing Mail (its old name)."""
    return "STD" if "marketing" in mail_class.lower() or "standard" in mail_class.lower() else "FCM"


def per_tray_for(thickness: float = DEFAULT_THICKNESS, tray_inches: float = TRAY_INCHES) -> int:
    """How many letters of ``thickness`` inches fill a tray of ``tray_inches`` of usable length."""
    if not (thickness > 0 and math.isfinite(thickness)):
        raise ValueError("a piece's thickness is a positive number of inches, e.g. 0.025")
    return max(1, int(tray_inches / thickness))


@dataclass(frozen=True)
class PieceSpot:
    """What the grouping needs of one piece: its id, in print order, and its destination ZIP."""

    id: int
    zip5: str
    city: str = ""
    state: str = ""


@dataclass(frozen=True)
class TrayPlan:
    """One tray to be made: its level, destination ZIP for the barcode (3-digit: prefix + 00), pieces."""

    level: str
    zip: str
    piece_ids: tuple[int, ...]
    city: str  # the destination's city and state for Line 1 (most common among its pieces)
    state: str


def plan_trays(
    spots: Sequence[PieceSpot],
    per_tray: int,
    *,
    min_5d: int = DEFAULT_MIN_5D,
    min_3d: int = DEFAULT_MIN_3D,
    origin_zip: str = "",
) -> list[TrayPlan]:
    """Group the pieces into trays: 5-digit, then 3-digit, then mixed; every piece in exactly one.

    Trays come in presort order (5-digit trays by ZIP, then 3-digit by prefix, then mixed),
    and each tray's pieces keep their print order.  A group larger than ``per_tray`` is cut
    into even trays (ceil(n / per_tray) of them), so no tray is a near-empty tail.
    """
    if per_tray < 1:
        raise ValueError("a tray holds at least one piece")
    by5: dict[str, list[PieceSpot]] = defaultdict(list)
    for s in spots:
        by5[s.zip5].append(s)
    out: list[TrayPlan] = []
    rest: list[PieceSpot] = []
    for zip5 in sorted(by5):
        group = by5[zip5]
        if len(group) >= min_5d and len(zip5) == 5:
            out.extend(_cut("5d", zip5, group, per_tray))
        else:
            rest.extend(group)
    by3: dict[str, list[PieceSpot]] = defaultdict(list)
    for s in rest:
        by3[s.zip5[:3]].append(s)
    mixed: list[PieceSpot] = []
    for zip3 in sorted(by3):
        group = sorted(by3[zip3], key=lambda s: s.id)
        if len(group) >= min_3d and len(zip3) == 3:
            out.extend(_cut("3d", zip3 + "00", group, per_tray))
        else:
            mixed.extend(group)
    if mixed:
        mixed.sort(key=lambda s: s.id)
        out.extend(_cut("mxd", (origin_zip or mixed[0].zip5)[:3] + "00", mixed, per_tray, where=False))
    return out


def _cut(
    level: str, zip_code: str, group: list[PieceSpot], per_tray: int, where: bool = True
) -> list[TrayPlan]:
    trays = math.ceil(len(group) / per_tray)
    size = math.ceil(len(group) / trays)
    places = Counter((s.city.upper(), s.state.upper()) for s in group if s.city) if where else Counter()
    city, state = places.most_common(1)[0][0] if places else ("", "")
    return [
        TrayPlan(level, zip_code, tuple(s.id for s in group[i : i + size]), city, state)
        for i in range(0, len(group), size)
    ]


def destination_line(plan: TrayPlan, origin_city: str = "", origin_state: str = "") -> str:
    """Line 1: '<CITY> <ST> <ZIP>' for 5-digit and 3-digit trays (3-digit: the prefix and two zeros),
    'MXD <origin city> <ST> <ZIP>' for mixed trays.

    The USPS labeling lists (L002 for 3-digit, L201 for mixed) name the facility; the app has
    no copy, so it writes the destination's own city (UNCONFIRMED); the line can be edited.
    """
    if plan.level == "mxd":
        text = " ".join(
            p for p in ("MXD", origin_city.upper(), origin_state.upper(), plan.zip[:3] + "00") if p
        )
    else:
        text = " ".join(p for p in (plan.city, plan.state, plan.zip) if p)
    return fit(text, keep_tail=len(plan.zip) + 1)


#: words shortened on Line 3 (USPS Publication 28 business-word and city-word abbreviations)
ABBREVIATIONS = {
    "ASSOCIATION": "ASSN",
    "ASSOCIATES": "ASSOC",
    "BROTHERS": "BROS",
    "CENTER": "CTR",
    "COMPANY": "CO",
    "CORPORATION": "CORP",
    "DEPARTMENT": "DEPT",
    "FOUNDATION": "FDN",
    "INCORPORATED": "INC",
    "INTERNATIONAL": "INTL",
    "LIMITED": "LTD",
    "MANAGEMENT": "MGMT",
    "NATIONAL": "NATL",
    "SERVICES": "SVCS",
    "SERVICE": "SVC",
    "SOCIETY": "SOC",
    "UNIVERSITY": "UNIV",
    "FORT": "FT",
    "MOUNT": "MT",
    "SAINT": "ST",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "THE": "",
    "AND": "&",
}


def _words(text: str) -> list[str]:
    """Upper-case words of A-Z, 0-9 and &: accents taken off (É → E), other marks become spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9& ]+", " ", plain.upper()).split()


def fit(text: str, limit: int = LINE_MAX, keep_tail: int = 0) -> str:
    """Upper case, punctuation dropped; then, only while too long: abbreviations, then the head cut.

    ``keep_tail`` characters at the end (a ZIP, a city and state) are never cut.
    """
    words = _words(text)
    line = " ".join(words)
    if len(line) <= limit:
        return line
    line = " ".join(w2 for w in words if (w2 := ABBREVIATIONS.get(w, w)))
    if len(line) <= limit:
        return line
    tail = line[len(line) - keep_tail :] if keep_tail else ""
    head = line[: len(line) - keep_tail] if keep_tail else line
    room = limit - len(tail)
    return (head[:room].rstrip() + tail).strip() if room > 0 else line[:limit]


def origin_line(mailer: str, city: str, state: str) -> str:
    """Line 3: the mailer's name plus its city and state, in at most 30 characters.

    The rules, in order, each applied only while the line is still too long: upper case and
    no punctuation; Publication 28 abbreviations (COMPANY → CO, SAINT → ST, THE dropped …) in
    the name, then in the city; then the name loses whole words from its end, and only a
    single word too long for the room is cut.  The state is never cut.
    """
    name, place = _words(mailer), _words(f"{city} {state}")
    for step in range(3):
        if step >= 1:
            name = [w2 for w in name if (w2 := ABBREVIATIONS.get(w, w))]
        if step >= 2:
            place = [w2 for w in place if (w2 := ABBREVIATIONS.get(w, w))]
        line = " ".join([*name, *place])
        if len(line) <= LINE_MAX:
            return line
    where = " ".join(place)[-LINE_MAX:]
    room = LINE_MAX - len(where) - 1
    kept: list[str] = []
    for w in name:
        if len(" ".join([*kept, w])) > room:
            break
        kept.append(w)
    head = " ".join(kept) if kept else (name[0][:room] if name and room > 0 else "")
    return (head + " " + where).strip()


#: Line 2 abbreviations in words, for people (the label keeps the abbreviations)
CONTENT_WORDS = {
    "FCM": "First-Class Mail",
    "STD": "USPS Marketing Mail",
    "LTR": "letters",
    "5D": "5-digit",
    "3D": "3-digit",
    "AADC": "AADC",
    "ADC": "ADC",
    "BC": "barcoded",
    "MACH": "machinable",
    "MANUAL": "manual (non-machinable)",
    "WKG": "mixed (working)",
    "SCHEME": "scheme",
    "SCHEME2": "scheme",
    "CR-RT": "carrier route",
    "IRREG": "irregular parcels",
    "SCF": "SCF",
}


def content_words(line2: str) -> str:
    """'FCM LTR 5D BC' → 'First-Class Mail letters, 5-digit, barcoded'."""
    parts = [CONTENT_WORDS.get(p, p) for p in line2.split()]
    if len(parts) <= 2:
        return " ".join(parts)
    return " ".join(parts[:2]) + ", " + ", ".join(parts[2:])
