"""Which pieces are worth asking USPS about now (iv-api.md §5).

Worth a lookup: mailed or created recently and not seen yet (up to
``unseen_days``), or last scanned less than ``window_days`` ago — and not
looked up in the last ``min_interval``.  Past that, USPS no longer holds
data and the local history is all there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from imb_tracker.store.engine import Database
from imb_tracker.store.replies import reply_candidates
from imb_tracker.store.scans import refresh_candidates

#: how long a printed reply piece is looked for before its first scan (replies come back for weeks)
REPLY_WAIT_DAYS = 60
#: no reply can come back before its letter arrives: unseen replies are first looked for this long
#: after mailing, and then at most once per REPLY_UNSEEN_INTERVAL, so most of them (never sent
#: back) cost a lookup a day, not one per refresh
REPLY_FIRST_DAYS = 2
REPLY_UNSEEN_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True)
class Plan:
    due: list[str]  # IMbs to look up now, oldest-looked-up first
    recently_checked: int
    past_window: int
    total: int
    replies_due: int = 0  # of ``due``: reply IMbs (looked up by their own STID, kept apart from letters)


def plan_refresh(
    db: Database,
    now: datetime,
    mailing: str | None = None,
    *,
    window_days: int = 30,
    unseen_days: int = 21,
    min_interval: timedelta = timedelta(minutes=60),
    reply_wait_days: int = REPLY_WAIT_DAYS,
    reply_first_days: int = REPLY_FIRST_DAYS,
    reply_unseen_interval: timedelta = REPLY_UNSEEN_INTERVAL,
) -> Plan:
    due: list[tuple[datetime, str]] = []
    recent = past = 0
    rows = refresh_candidates(db, mailing)
    for row in rows:
        imb = row["tracking"] + row["routing"]
        start = row["mailed_at"] or row["created_at"]
        if row["last_scan"] is not None:
            in_window = now - row["last_scan"] <= timedelta(days=window_days)
        else:
            in_window = now - start <= timedelta(days=unseen_days)
        if not in_window:
            past += 1
            continue
        last = row["last_lookup"]
        if last is not None and now - last < min_interval:
            recent += 1
            continue
        due.append((last or datetime.min, imb))
    replies_due = 0
    reply_rows = reply_candidates(db, mailing)
    for row in reply_rows:
        if row["voided_at"] is not None or (row["piece_id"] is None and not row["printed"]):
            continue  # a voided letter's reply never went out; a static design not printed yet
        imb = row["tracking"] + row["routing"]
        interval = min_interval
        if row["last_scan_at"] is not None:
            in_window = now - row["last_scan_at"] <= timedelta(days=window_days)
        else:
            start = max(row["created_at"], row["mailed_at"] or row["created_at"])
            in_window = now - start <= timedelta(days=reply_wait_days)
            if in_window and now - start < timedelta(days=reply_first_days):
                recent += 1  # too early for anyone to have replied
                continue
            interval = max(min_interval, reply_unseen_interval)
        if not in_window:
            past += 1
            continue
        last = row["looked_up_at"]
        if last is not None and now - last < interval:
            recent += 1
            continue
        due.append((last or datetime.min, imb))
        replies_due += 1
    due.sort()
    return Plan([imb for _, imb in due], recent, past, len(rows) + len(reply_rows), replies_due)
