"""Keep each piece's headline status current, in the transaction that stores its scans.

The letters table filters and sorts a million pieces by status; reading every
piece's scans to do that would be far too slow, so the summary is written
whenever scans or lookups are stored, and rebuilt once for databases from
before it existed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from imb_tracker.store.engine import Connection, Database
from imb_tracker.store.scans import (
    estimate_inputs,
    last_lookup,
    piece_scan_rows,
    pieces_needing_status,
    status_of,
    write_status,
)
from imb_tracker.store.standards import standard_days

from .estimates import Estimate, estimate, late_after
from .report import scan_views
from .status import STAGE_WORDS, piece_status

log = logging.getLogger(__name__)


def update_status(
    conn: Connection,
    piece_id: int,
    now: datetime,
    outcome: str | None = None,
    looked_up_at: datetime | None = None,
    piece_data: dict[str, Any] | None = None,
) -> None:
    """Recompute one piece's status from all its stored scans.

    ``outcome`` is the latest lookup's (None keeps the previous one, e.g. for a scan file import).
    A failed lookup (rate limit, network) does not change what USPS last told us.
    ``piece_data`` is USPS's piece-level answer (expected delivery date and such), kept as JSON.
    """
    previous = status_of(conn, piece_id)
    expected = str(previous["expected_delivery"]) if previous else ""
    payload = str(previous["piece_payload"]) if previous else ""
    if piece_data is not None:
        expected = str(piece_data.get("expected_delivery_date") or expected or "")[:10]
        payload = json.dumps({k: v for k, v in piece_data.items() if k != "scans"}, ensure_ascii=False)
    if outcome is None:
        outcome = previous["last_outcome"] if previous else "file"
        looked_up_at = previous["looked_up_at"] if previous else None
    views = scan_views(piece_scan_rows(conn, piece_id))
    if not views and outcome not in ("ok", "not_found", "no_data"):
        stage, words = (
            ("not_seen", STAGE_WORDS["not_seen"])
            if previous is None
            else (previous["stage"], previous["words"])
        )
    else:
        # Stalled is a matter of time, decided when shown (tracking.status.is_stalled): store the stage
        # the scans reached, never "stalled".
        status = piece_status(
            views,
            now,
            None,
            _date(expected),
            outcome == "not_found" and not views,
            stalled_days=None,
        )
        words = STAGE_WORDS.get(status.stage, status.words)
        stage = status.stage
    est = piece_estimate(conn, piece_id, views, _date(expected))
    last_ok = late_after(est)
    write_status(
        conn,
        piece_id,
        stage=stage,
        words=words,
        last_scan_at=max((v.when for v in views), default=None),
        scan_count=len(views),
        looked_up_at=looked_up_at,
        last_outcome=outcome,
        expected_delivery=expected,
        piece_payload=payload,
        est_in_home=est.in_home.isoformat() if est.in_home else "",
        est_basis=est.basis,
        late_after=last_ok.isoformat() if last_ok else "",
    )


def piece_estimate(conn: Connection, piece_id: int, views: list[Any], expected: date | None) -> Estimate:
    """The piece's in-home estimate from its scans, USPS's expected date, the cached service standard
    for its 3-digit ZIP pair and its mailing's mailed date (the rule in tracking.estimates)."""
    inputs = estimate_inputs(conn, piece_id)
    mailed = inputs["mailed_at"] if inputs else None
    days = standard_days(conn, str(inputs["entry_zip"]), str(inputs["zip5"])) if inputs else None
    return estimate(
        ((v.when, v.opcode) for v in views if not v.implied),  # an implied event is not a scan
        expected,
        mailed.date() if mailed is not None else None,
        days,
    )


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def rebuild_statuses(
    db: Database, now: datetime, progress: Callable[[int, int], object] | None = None
) -> int:
    """Fill in the status of every piece that has scans or lookups but no status yet."""
    todo = pieces_needing_status(db)
    for start in range(0, len(todo), 500):
        with db.write() as conn:
            for piece_id in todo[start : start + 500]:
                last = last_lookup(conn, piece_id)
                update_status(conn, piece_id, now, last[0] if last else "file", last[1] if last else None)
        if progress is not None:
            progress(min(start + 500, len(todo)), len(todo))
    if todo:
        log.info("rebuilt the tracking status of %d piece(s)", len(todo))
    return len(todo)
