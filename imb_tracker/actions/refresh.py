"""Refresh every piece still inside USPS's window, under one policy for the window and ``imb-tracker refresh``.

The policy (quota per minute, minimum interval between lookups of a piece,
workers) comes from the settings file, so both front ends ask USPS alike;
command-line flags may override it for one run.  The quota itself is kept by
the shared session (usps/http.py), whatever else is running.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import list_mailings
from imb_tracker.tracking.planner import Plan, plan_refresh
from imb_tracker.tracking.refresh import RefreshSummary, refresh

from .backend import UspsBackend
from .errors import ActionError
from .standards import update_standards

#: progress(done, total, imb) -> False to cancel
Progress = Callable[[int, int, str], bool | None]

__all__ = ["Plan", "RefreshPolicy", "RefreshSummary", "plan", "run_refresh"]


@dataclass(frozen=True)
class RefreshPolicy:
    """How hard a refresh may ask USPS."""

    quota_per_minute: float = 1200
    min_interval: timedelta = timedelta(minutes=60)
    workers: int = 4

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        quota_per_minute: float | None = None,
        min_interval_minutes: float | None = None,
        workers: int | None = None,
    ) -> RefreshPolicy:
        """The user's policy, with any of its parts overridden for one run (command-line flags).

        Raises ActionError for a quota, interval or worker count that makes no sense (a quota of 0
        would mean no limit at all).
        """
        if quota_per_minute is not None and not quota_per_minute > 0:
            raise ActionError(f"the quota must be more than 0 lookups a minute (got {quota_per_minute:g})")
        if min_interval_minutes is not None and min_interval_minutes < 0:
            raise ActionError(
                f"the minimum interval cannot be negative (got {min_interval_minutes:g} minutes)"
            )
        if min_interval_minutes is not None and not min_interval_minutes <= 7 * 24 * 60:
            raise ActionError(
                f"the minimum interval is at most 10,080 minutes, a week (got {min_interval_minutes:g})"
            )
        if workers is not None and not 1 <= workers <= 16:
            raise ActionError(f"workers must be 1 to 16 (got {workers})")
        return cls(
            quota_per_minute if quota_per_minute is not None else settings.iv_quota_per_minute,
            timedelta(
                minutes=min_interval_minutes
                if min_interval_minutes is not None
                else settings.refresh_min_interval_minutes
            ),
            workers if workers is not None else settings.refresh_workers,
        )


def plan(db: Database, backend: UspsBackend, policy: RefreshPolicy, mailing: str | None = None) -> Plan:
    """Which pieces to look up now: inside USPS's window and not looked up within the minimum interval."""
    return plan_refresh(db, backend.clock(), mailing, min_interval=policy.min_interval)


def run_refresh(
    db: Database,
    backend: UspsBackend,
    imbs: list[str],
    policy: RefreshPolicy,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    max_lookups: int | None = None,
    thread_setup: Callable[[], None] | None = None,
    settings: Settings | None = None,
    mailing: str | None = None,
) -> RefreshSummary:
    """Look up ``imbs`` (each answer stored before the next request); raises CredentialsError without a sign-in.

    With ``settings``, the service standards the mailings lack are asked for first (within their own
    hourly quota), so the lookups' estimates can use them.
    """
    backend.set_quota(policy.quota_per_minute)
    client = backend.iv_client()
    standards = None
    if settings is not None and imbs:
        standards = update_standards(db, backend, settings, recent_mailings(db, backend, mailing), cancel)
    try:
        summary = refresh(
            db,
            client,
            imbs,
            clock=backend.clock,
            progress=progress,
            cancel=cancel,
            max_lookups=max_lookups,
            workers=policy.workers,
            thread_setup=thread_setup,
        )
    finally:
        client.close()
    if standards is not None and standards.worth_saying:
        summary.standards = standards.line()
    return summary


def recent_mailings(db: Database, backend: UspsBackend, mailing: str | None = None) -> list[str]:
    """``mailing``, or every mailing mailed in the last 45 days (the ones a refresh still looks up)."""
    if mailing:
        return [mailing]
    since = backend.clock() - timedelta(days=45)
    return [m.name for m in list_mailings(db) if m.mailed_at is not None and m.mailed_at >= since]
