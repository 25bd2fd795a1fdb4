"""Ask USPS for the service standards a refresh's mailings need, within the hourly quota.

The Service Standards API allows 60 calls an hour by default, and one call answers one pair of
3-digit ZIP Codes, so answers are cached per pair (``store.standards``) and a refresh asks only
for the pairs it lacks, most letters first, and no more than the quota left this hour (counted
from the cache's own times, so every process and window shares the count).  It needs an
apis.usps.com consumer key (``credentials``; demo mode has one): without one, estimates simply
skip the service-standard basis.  A failure is logged and never stops the refresh.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.standards import (
    fetched_since,
    pairs_to_fetch,
    save_standard,
    set_entry_zip,
    without_entry_zip,
)
from imb_tracker.usps.credentials import CredentialsError
from imb_tracker.usps.errors import UspsError

from .backend import UspsBackend

log = logging.getLogger(__name__)


NO_ENTRY = "no entry ZIP: set entry_zip, or give the return address a ZIP Code"


@dataclass(frozen=True)
class StandardsResult:
    fetched: int = 0
    waiting: int = 0  # pairs left for a later hour (quota)
    skipped: str = ""  # why none were asked for, in words ("" when asked)

    @property
    def worth_saying(self) -> bool:
        """Something was asked, waits, or the user can fix why not (no key: most users have none)."""
        return bool(self.fetched or self.waiting or self.skipped == NO_ENTRY)

    def line(self) -> str:
        if self.skipped:
            return f"service standards: not asked ({self.skipped})"
        text = f"service standards: {self.fetched:,} ZIP pair(s) asked of USPS"
        if self.waiting:
            text += f", {self.waiting:,} left for the next hour (USPS allows 60 calls an hour)"
        return text


def update_standards(
    db: Database,
    backend: UspsBackend,
    settings: Settings,
    mailings: list[str],
    cancel: threading.Event | None = None,
) -> StandardsResult:
    """Fetch the missing standards of ``mailings`` (their entry ZIP filled in from the settings first)."""
    entry = settings.mail_entry_zip()
    if entry:
        set_entry_zip(db, mailings, entry)
    now = backend.clock()
    todo = pairs_to_fetch(db, mailings, now)
    if not entry and without_entry_zip(db, mailings):
        return StandardsResult(0, 0, NO_ENTRY)
    if not todo:
        return StandardsResult()
    budget = max(
        0, settings.service_standards_per_hour - fetched_since(db, backend.clock() - timedelta(hours=1))
    )
    if budget == 0:
        return StandardsResult(
            0,
            len(todo),
            "this hour's quota is used up" if settings.service_standards_per_hour else "turned off",
        )
    try:
        client = backend.apis_client()
    except CredentialsError:
        return StandardsResult(0, len(todo), "no USPS API consumer key saved")
    fetched = 0
    try:
        for origin3, dest3 in todo[:budget]:
            if cancel is not None and cancel.is_set():
                break
            answer = client.service_standard(origin3, dest3, settings.service_standard_class, cancel=cancel)
            save_standard(db, origin3, dest3, answer.mail_class, answer.days, answer.raw, backend.clock())
            fetched += 1
    except UspsError as exc:
        log.warning("service standards: %s (after %d pair(s))", exc, fetched)
        return StandardsResult(fetched, len(todo) - fetched, f"USPS answered: {exc}" if not fetched else "")
    finally:
        client.close()
    return StandardsResult(fetched, len(todo) - fetched)
