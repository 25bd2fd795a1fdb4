"""What scans mean, in plain words (iv-api.md §4.6).

Honest by construction: a letter gets no delivery scan, so the best a real
scan can say is "sorted for the carrier"; "delivered" appears only for a
USPS logical event, labelled implied.  Times are shown exactly as USPS
reported them (local time at the facility, zone not stated).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from imb_tracker.imb.resources import resource_path

from .estimates import DEFAULT_STALLED_DELIVERY_DAYS, stalled_before

STAGE_WORDS = {
    "not_seen": "Not seen by USPS yet",
    "origin": "In origin processing",
    "transit": "In transit to the destination",
    "destination": "At the destination plant",
    "carrier_sort": "Sorted for the carrier",
    "expected_delivered": "Expected delivered (no delivery scan for letters)",
    "delivery_implied": "USPS logical delivery (implied, not scanned)",
    "forwarding": "Being forwarded or returned",
    "stalled": "No recent scans",
    "expired": "USPS no longer holds data; local history kept",
    "window_passed": "No scans recorded; the USPS tracking window may have passed",
    "unknown": "Scanned by USPS",
}
STAGE_ORDER = [
    "not_seen",
    "origin",
    "transit",
    "destination",
    "carrier_sort",
    "expected_delivered",
    "delivery_implied",
]
RETENTION_DAYS = 30
_PHASE = re.compile(r"^\s*(phase\s*\d+[a-z]?|f?pars)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PhaseInfo:
    prefix: str
    order: float
    stage: str
    words: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resource_path("tracking", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO("\n".join(l for l in text.splitlines() if not l.startswith("#")))))  # noqa: E741


@cache
def phase_table() -> dict[str, PhaseInfo]:
    return {
        r["prefix"].lower(): PhaseInfo(r["prefix"], float(r["order"]), r["stage"], r["words"])
        for r in _rows("phases.csv")
    }


@cache
def opcode_table() -> dict[str, str]:
    return {r["opcode"]: r["words"] for r in _rows("opcodes.csv")}


def phase_of(mail_phase: object) -> PhaseInfo | None:
    """The table row for a mail-phase string, tolerant of 'Phase 3c- …' spacing variants.

    Anything that is not a string (a number, a list: USPS answers are not always what they say) has no
    phase, rather than stopping the scan from being stored.
    """
    if not mail_phase or not isinstance(mail_phase, str):
        return None
    match = _PHASE.match(mail_phase)
    if not match:
        return None
    key = re.sub(r"\s+", " ", match.group(1).lower()).replace("phase", "phase ").replace("  ", " ").strip()
    table = phase_table()
    return table.get(key) or table.get(key[:7])


@dataclass(frozen=True)
class ScanView:
    """One scan for display."""

    when: datetime
    when_text: str  # as reported by USPS
    stage: str
    words: str
    opcode: str
    facility: str
    implied: bool
    facility_zip: str = ""  # the scan facility's 5-digit ZIP Code when USPS gave one (the map)


def describe(scan: dict[str, Any], when: datetime, when_text: str) -> ScanView:
    phase = phase_of(scan.get("mail_phase"))
    implied = str(scan.get("handling_event_type") or "").upper() == "L" or (
        phase is not None and phase.stage == "delivery_implied"
    )
    stage = phase.stage if phase else "unknown"
    raw_phase = scan.get("mail_phase")
    words = phase.words if phase else ((raw_phase if isinstance(raw_phase, str) else "") or "Scanned by USPS")
    code = str(scan.get("scan_event_code") or "")
    if code in opcode_table():
        words = f"{words} ({opcode_table()[code].lower()})" if phase else opcode_table()[code]
    if implied and stage != "delivery_implied":
        words += " — implied by USPS rules, not a scan"
    zip_text = "".join(ch for ch in str(scan.get("scan_facility_zip") or "") if ch.isdigit())[:5]
    return ScanView(
        when,
        when_text,
        stage,
        words,
        code,
        facility_of(scan),
        implied,
        zip_text if len(zip_text) == 5 else "",
    )


#: what a scan says about where it happened, in the order a person reads a place
_PLACE_FIELDS = ("scan_facility_name", "scan_facility_city", "scan_facility_state", "scan_facility_zip")


def facility_of(scan: dict[str, Any]) -> str:
    """Where the scan happened: facility name, city, state and ZIP when USPS sends them.

    When it sends none of those, the fields it did send about the place, by their raw names
    (``scan_locale_key=…``), so nothing USPS said is hidden.
    """
    parts = [str(scan[k]).strip() for k in _PLACE_FIELDS if scan.get(k) not in (None, "")]
    if len(parts) == 4:  # "NAME, CITY, ST 62704"
        return f"{parts[0]}, {parts[1]}, {parts[2]} {parts[3]}"
    if parts:
        return ", ".join(parts)
    raw = [
        f"{k}={v}"
        for k, v in scan.items()
        if v not in (None, "") and any(word in k for word in ("facility", "locale", "site", "zip"))
    ]
    return "; ".join(raw) or "place not given by USPS"


@dataclass(frozen=True)
class PieceStatus:
    stage: str
    words: str
    last_scan: datetime | None
    window: str  # "USPS keeps data until about …" / "USPS no longer holds data; local history kept"


IN_THE_MAIL = ("origin", "transit", "destination")


def is_stalled(
    stage: str, last_scan: datetime | None, now: datetime, stalled_days: int = DEFAULT_STALLED_DELIVERY_DAYS
) -> bool:
    """Still in the mail, but no new scan for ``stalled_days`` delivery days (the one rule for "No recent scans").

    Delivery days, not calendar days: a letter scanned on Friday and not since is not stalled
    on Monday morning, and a federal holiday does not count against it.  The letters table's
    filter asks the same question with :func:`stalled_before`.
    """
    return stage in IN_THE_MAIL and last_scan is not None and last_scan < stalled_before(now, stalled_days)


def in_order(views: list[ScanView]) -> list[ScanView]:
    """Scans oldest first (IV returns them in no particular order); ties by operation code."""
    return sorted(views, key=lambda v: (v.when, v.opcode))


def piece_status(
    scans: list[ScanView],
    now: datetime,
    mailed_at: datetime | None,
    expected_delivery: date | None = None,
    usps_says_not_found: bool = False,
    stalled_days: int | None = DEFAULT_STALLED_DELIVERY_DAYS,
) -> PieceStatus:
    """The headline status of a piece from its stored scans (``stalled_days`` None: never "stalled")."""
    if not scans:
        if mailed_at is not None and now - mailed_at > timedelta(days=10):
            return PieceStatus("window_passed", STAGE_WORDS["window_passed"], None, "no USPS data")
        return PieceStatus("not_seen", STAGE_WORDS["not_seen"], None, "waiting for the first scan")
    ordered = in_order(scans)
    last = ordered[-1]
    best = max(ordered, key=lambda s: STAGE_ORDER.index(s.stage) if s.stage in STAGE_ORDER else 0)
    stage = best.stage if best.stage in STAGE_ORDER else last.stage
    if stage == "carrier_sort" and expected_delivery is not None and now.date() > expected_delivery:
        stage = "expected_delivered"
    keeps_until = last.when + timedelta(days=RETENTION_DAYS)
    if usps_says_not_found or now > keeps_until:
        window = STAGE_WORDS["expired"]
    else:
        window = f"USPS keeps data until about {keeps_until:%Y-%m-%d}"
    if stalled_days is not None and is_stalled(stage, last.when, now, stalled_days):
        return PieceStatus(
            "stalled",
            f"{STAGE_WORDS['stalled']} since {last.when_text} ({STAGE_WORDS[stage].lower()})",
            last.when,
            window,
        )
    return PieceStatus(stage, STAGE_WORDS.get(stage, last.words), last.when, window)
