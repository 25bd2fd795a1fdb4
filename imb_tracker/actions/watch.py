"""``imb-tracker refresh --watch EVERY``: refresh on a schedule and say when letters turn late or stalled.

Each round is the ordinary refresh (the same plan and quota as ``refresh``), then every
mailing's report; a letter that was not late (or stalled) in the previous round and is now
gives one line per mailing, such as "3 letters from Spring appeal are late".  The first round
reports what is late or stalled already.  It runs until stopped (Ctrl+C, or ``rounds``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import list_mailings
from imb_tracker.tracking.report import mailing_report

from .backend import UspsBackend
from .errors import ActionError
from .refresh import RefreshPolicy, plan, run_refresh

MIN_EVERY = timedelta(minutes=10)  # more often gains nothing (USPS updates a few times a day) and costs quota
UNITS = {"m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """'6h', '30m', '1d' (or '1h30m') → a timedelta of at least 10 minutes; a clear error otherwise."""
    parts = re.fullmatch(r"\s*((\d+)\s*([dhm])\s*)+", text.lower()) and re.findall(
        r"(\d+)\s*([dhm])", text.lower()
    )
    if not parts:
        raise ActionError(f"--watch {text!r}: give how often, e.g. 6h, 30m or 1d")
    every = timedelta(seconds=sum(int(n) * UNITS[u] for n, u in parts))
    if every < MIN_EVERY:
        raise ActionError(f"--watch {text!r}: at most every 10 minutes (USPS adds scans a few times a day)")
    return every


@dataclass
class Flags:
    """Which letters (by IMb) are late and which stalled, per mailing, after one round."""

    late: dict[str, set[str]] = field(default_factory=dict)
    stalled: dict[str, set[str]] = field(default_factory=dict)


def flags_now(db: Database, now: datetime, stalled_days: int, mailings: list[str] | None = None) -> Flags:
    """The late and stalled letters of every mailing still followed (mailed in the last 60 days), or of
    ``mailings``: by the report's rules, so a watch line, a notification and the report agree."""
    out = Flags()
    since = now - timedelta(days=60)
    names = (
        mailings
        if mailings is not None
        else [m.name for m in list_mailings(db) if m.mailed_at is not None and m.mailed_at >= since]
    )
    for name in names:
        report = mailing_report(db, name, now, stalled_days)
        out.late[name] = {r.imb for r in report.rows if r.late}
        out.stalled[name] = {r.imb for r in report.rows if r.stage == "stalled"}
    return out


@dataclass(frozen=True)
class Change:
    """Letters of one mailing newly late, or newly stalled: a watch line, a desktop notification."""

    mailing: str
    kind: str  # "late" or "stalled" (the letters table's status filter keys)
    count: int

    @property
    def text(self) -> str:
        letters = "1 letter" if self.count == 1 else f"{self.count:,} letters"
        verb = "is" if self.count == 1 else "are"
        what = "late" if self.kind == "late" else "stalled (no new scan)"
        return f"{letters} from {self.mailing} {verb} {what}"


def flag_changes(before: Flags | None, after: Flags) -> list[Change]:
    """Per mailing and flag, the letters flagged now that were not in the previous round."""
    out = []
    for kind, now_sets, old_sets in (
        ("late", after.late, before.late if before else {}),
        ("stalled", after.stalled, before.stalled if before else {}),
    ):
        for mailing, imbs in sorted(now_sets.items()):
            new = imbs - old_sets.get(mailing, set())
            if new:
                out.append(Change(mailing, kind, len(new)))
    return out


def changes(before: Flags | None, after: Flags) -> list[str]:
    """One line per mailing and flag for the letters newly late or stalled."""
    return [c.text for c in flag_changes(before, after)]


def watch(
    db: Database,
    backend: UspsBackend,
    policy: RefreshPolicy,
    every: timedelta,
    say: Callable[[str], None],
    *,
    stalled_days: int = 3,
    mailing: str | None = None,
    stop: threading.Event | None = None,
    rounds: int | None = None,
    wait: Callable[[float], object] | None = None,
    settings: Settings | None = None,
) -> int:
    """Refresh every ``every`` until ``stop`` is set (or ``rounds`` ran); returns the rounds run.

    ``wait`` sleeps between rounds (default: until ``every`` has passed or ``stop`` is set; the
    tests let simulated days pass instead).
    """
    stop = stop or threading.Event()
    pause = wait or stop.wait
    previous: Flags | None = None
    done = 0
    while not stop.is_set():
        now = backend.clock()
        due = plan(db, backend, policy, mailing).due
        summary = (
            run_refresh(db, backend, due, policy, cancel=stop, settings=settings, mailing=mailing)
            if due
            else None
        )
        say(f"{now:%Y-%m-%d %H:%M} " + (summary.line() if summary else "nothing to look up"))
        current = flags_now(db, backend.clock(), stalled_days)
        for line in changes(previous, current):
            say(f"{now:%Y-%m-%d %H:%M} {line}")
        previous = current
        done += 1
        if rounds is not None and done >= rounds:
            break
        pause(every.total_seconds())
    return done
