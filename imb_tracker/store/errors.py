"""Errors raised by the store, each saying what went wrong and what to do."""

from __future__ import annotations

from datetime import datetime

from imb_tracker.errors import CancelledError, NotFoundError

__all__ = [
    "CancelledError",
    "ClockBehindError",
    "ConflictError",
    "NotFoundError",
    "RangeExhaustedError",
    "SchemaTooNewError",
    "SerialReuseError",
    "StoreError",
]


class StoreError(Exception):
    """Base class for database problems a user can act on (not-found and cancel are the shared classes)."""


class ConflictError(StoreError):
    """Something with that name or number already exists, or ranges overlap."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer IMb Tracker than this one."""


class RangeExhaustedError(StoreError):
    """Not enough serial numbers are free inside the uniqueness window.

    ``free`` is how many serials are free now; ``next_free`` when the next
    reserved serial leaves the window (None when nothing is reserved).
    """

    def __init__(
        self, mid: str, wanted: int, free: int, next_free: datetime | None, window_days: int
    ) -> None:
        self.mid = mid
        self.wanted = wanted
        self.free = free
        self.next_free = next_free
        when = (
            f"the next serial frees on {next_free:%Y-%m-%d %H:%M} UTC"
            if next_free
            else "no serial will free up on its own"
        )
        super().__init__(
            f"Mailer ID {mid} has only {free:,} serial numbers free inside its {window_days}-day "
            f"uniqueness window, but {wanted:,} were asked for; {when}. Widen the serial range "
            "(imb-tracker mailer add … --serial-range) or wait"
        )


class ClockBehindError(StoreError):
    """This computer's clock is earlier than a reservation already made: serials could repeat."""

    def __init__(self, mid: str, now: datetime, newest: datetime) -> None:
        self.mid, self.now, self.newest = mid, now, newest
        super().__init__(
            f"this computer's clock says {now:%Y-%m-%d %H:%M} UTC, but serials for Mailer ID {mid} were "
            f"already reserved at {newest:%Y-%m-%d %H:%M} UTC (a clock set back here, or ahead on "
            "another workstation). Nothing was reserved: set the clocks right and try again"
        )


class SerialReuseError(StoreError):
    """The serials to hand out were issued before (their window has passed): the user must confirm.

    Legitimate after a wrap of the range; a wrong clock (months ahead) looks exactly the same,
    so the dates are named and nothing is reserved until the user says so.
    """

    def __init__(
        self,
        mid: str,
        kind: str,
        ranges: list[tuple[int, int]],
        first_issued: datetime,
        last_issued: datetime,
        now: datetime,
        window_days: int,
    ) -> None:
        self.mid, self.kind, self.ranges = mid, kind, ranges
        self.first_issued, self.last_issued, self.now = first_issued, last_issued, now
        span = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges[:3])
        days = (now - last_issued).days
        super().__init__(
            f"the next {kind} serials for Mailer ID {mid} ({span}) were issued before, last on "
            f"{last_issued:%Y-%m-%d} ({days} days ago by this clock, which says {now:%Y-%m-%d} UTC; the "
            f"uniqueness window is {window_days} days). Reusing them is allowed only once the window has "
            "really passed: check the date, then confirm with --reuse-serials (the window: answer Yes); "
            "nothing was reserved"
        )


def database_errors() -> tuple[type[BaseException], ...]:
    """The database driver's own error classes, for front ends that report them in one line."""
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415 - only when something went wrong

    return (SQLAlchemyError,)
