"""What a reply's scans mean: on its way, reached your post office; response counts and curves.

The model other IV users keep (reply-mail.md §1.5): a reply was *sent* when
it has any scan, and has *arrived* when its last scan is at the reply
address's facility (the design's arrival ZIPs; by default the reply ZIP).
A reply's scans are stored apart from its letter's (``scans.reply_id``), so
the two timelines never mix.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from imb_tracker.store.engine import Connection
from imb_tracker.store.replies import (
    ARRIVED,
    ON_ITS_WAY,
    PRINTED,
    REPLY_FILTER_STATES,
    ReplyOptions,
    design_of_reply,
    reply_row,
    reply_scan_rows,
    write_reply_status,
)

REPLY_WORDS = {
    PRINTED: "No reply yet",
    ON_ITS_WAY: "Reply on its way",
    ARRIVED: "Reply reached your post office",
}
#: Letters-table filter key -> (label, reply states); "" shows every letter
REPLY_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    key: (label, REPLY_FILTER_STATES[key])
    for key, label in (
        ("", "Any reply state"),
        ("with_reply", "With a reply piece"),
        ("replied", "Replied (reply seen by USPS)"),
        ("arrived", "Reply reached your post office"),
        ("waiting", "No reply yet"),
    )
}


def reply_words(state: str | None) -> str:
    """The reply column's words ('' for a letter with no reply piece)."""
    return REPLY_WORDS.get(state or "", "") if state else ""


@dataclass(frozen=True)
class ReplyState:
    state: str
    scan_count: int
    first_scan_at: datetime | None
    last_scan_at: datetime | None
    last_facility_zip: str
    arrived_at: datetime | None
    responses: int


def reply_state(scan_rows: Iterable[Mapping[Any, Any]], arrival_zips: tuple[str, ...]) -> ReplyState:
    """A reply's state from its stored scans: arrived when the last scan is at an arrival facility."""
    ordered = sorted(scan_rows, key=lambda r: r["scan_time"])
    if not ordered:
        return ReplyState(PRINTED, 0, None, None, "", None, 0)
    last = ordered[-1]
    zip5 = str(last["facility_zip"] or "")[:5]
    arrived = zip5 in arrival_zips
    return ReplyState(
        ARRIVED if arrived else ON_ITS_WAY,
        len(ordered),
        ordered[0]["scan_time"],
        last["scan_time"],
        zip5,
        last["scan_time"] if arrived else None,
        _responses(ordered, arrival_zips),
    )


def _responses(ordered: list[Mapping[Any, Any]], arrival_zips: tuple[str, ...]) -> int:
    """How many physical pieces the scans are of: one for a linked reply; for a static IMb, counted.

    USPS gives each piece of a static IMb its own id (reply-mail.md §1.2); where a scan names it
    (``piece_id``; how the live API shows it is UNCONFIRMED) the ids are counted, else the scans
    at the arrival facility, else one.
    """
    ids = set()
    for row in ordered:
        try:
            raw = json.loads(row["raw_payload"]) if str(row["raw_payload"]).startswith("{") else {}
        except ValueError:
            raw = {}
        if isinstance(raw, dict) and raw.get("piece_id"):
            ids.add(str(raw["piece_id"]))
    if ids:
        return len(ids)
    at_home = sum(1 for r in ordered if str(r["facility_zip"] or "")[:5] in arrival_zips)
    return max(at_home, 1)


def update_reply_status(
    conn: Connection, reply_id: int, outcome: str | None = None, looked_up_at: datetime | None = None
) -> ReplyState:
    """Recompute one reply's state from its stored scans (same transaction as the scans)."""
    design = design_of_reply(conn, reply_id)
    options = ReplyOptions.from_json(str(design["options"]))
    zips = options.arrival_zips or (str(design["routing"])[:5],)
    state = reply_state(reply_scan_rows(conn, reply_id), zips)
    values: dict[str, Any] = {
        "state": state.state,
        "scan_count": state.scan_count,
        "first_scan_at": state.first_scan_at,
        "last_scan_at": state.last_scan_at,
        "last_facility_zip": state.last_facility_zip,
        "arrived_at": state.arrived_at,
        "responses": state.responses,
    }
    if outcome is not None:
        values["last_outcome"] = outcome
        values["looked_up_at"] = looked_up_at
    elif not reply_row(conn, reply_id)["last_outcome"]:
        values["last_outcome"] = "file"
    write_reply_status(conn, reply_id, **values)
    return state


def response_curve(first_scans: Iterable[datetime | None], mailed: datetime | None) -> list[tuple[int, int]]:
    """Replies per day since mailing: (day number from the mailing date, replies first seen that day)."""
    days: Counter[int] = Counter()
    start: date | None = mailed.date() if mailed else None
    for when in first_scans:
        if when is None:
            continue
        base = start or when.date()
        days[(when.date() - base).days] += 1
    if not days:
        return []
    top = max(days)
    low = min(0, *days)
    return [(d, days.get(d, 0)) for d in range(low, top + 1)]
