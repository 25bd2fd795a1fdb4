"""Marking a mailing as mailed: the date the planner and the delivery figures count from."""

from __future__ import annotations

from datetime import datetime

from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import get_mailing, iter_pieces
from imb_tracker.store.mailings import mark_mailed as store_mailed
from imb_tracker.store.scans import first_scan_of_mailing

from .backend import UspsBackend
from .errors import ActionError


class MailedAfterScanError(ActionError):
    """The mailed date asked for is after USPS's first scan of the mailing: it cannot be right."""

    def __init__(self, mailing: str, when: datetime, first_scan: datetime) -> None:
        self.mailing, self.when, self.first_scan = mailing, when, first_scan
        super().__init__(
            f"{mailing!r} cannot have been mailed on {when:%Y-%m-%d}: USPS already scanned one of its letters "
            f"on {first_scan:%Y-%m-%d %H:%M} (USPS's local time). Use that date, or an earlier one"
        )


def mark_mailed(
    db: Database, mailing: str, when: datetime | None = None, backend: UspsBackend | None = None
) -> datetime:
    """Record when ``mailing`` went into the mail (now, by the run's clock, when not given).

    Refused (:class:`MailedAfterScanError`, naming the scan's date) when that is a later day than
    USPS's first scan of the mailing: the delivery figures would come out negative.  In demo
    mode the stand-in is told, so the pieces move through its simulated mail from then.
    """
    get_mailing(db, mailing)  # NotFoundError names the mailing when it does not exist
    stamp = when or (backend.clock() if backend is not None else db.clock())
    first = first_scan_of_mailing(db, mailing)
    if first is not None and stamp.date() > first.date():
        raise MailedAfterScanError(mailing, stamp, first)
    store_mailed(db, mailing, stamp)
    if backend is not None and backend.demo:
        backend.register_pieces([(p.imb, stamp, p.city, p.state, p.zip5) for p in iter_pieces(db, mailing)])
        backend.follow_replies(db, mailing)
    return stamp
