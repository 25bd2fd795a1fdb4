"""Errors raised by the store, each saying what went wrong and what to do."""

from __future__ import annotations

from datetime import datetime

from imb_tracker.errors import CancelledError, NotFoundError

__all__ = [
    "CancelledError",
    "ConflictError",
    "NotFoundError",
    "RangeExhaustedError",
    "SchemaTooNewError",
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


def database_errors() -> tuple[type[BaseException], ...]:
    """The database driver's own error classes, for front ends that report them in one line."""
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415 - only when something went wrong

    return (SQLAlchemyError,)
