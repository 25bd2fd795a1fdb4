"""Marking a mailing as mailed: the date the planner and the delivery figures count from."""

from __future__ import annotations

from datetime import datetime

from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import get_mailing, iter_pieces
from imb_tracker.store.mailings import mark_mailed as store_mailed

from .backend import UspsBackend


def mark_mailed(
    db: Database, mailing: str, when: datetime | None = None, backend: UspsBackend | None = None
) -> datetime:
    """Record when ``mailing`` went into the mail (now, by the run's clock, when not given).

    In demo mode the stand-in is told, so the pieces move through its simulated mail from then.
    """
    get_mailing(db, mailing)  # NotFoundError names the mailing when it does not exist
    stamp = when or (backend.clock() if backend is not None else db.clock())
    store_mailed(db, mailing, stamp)
    if backend is not None and backend.demo:
        backend.register_pieces([(p.imb, stamp, p.city, p.state, p.zip5) for p in iter_pieces(db, mailing)])
    return stamp
