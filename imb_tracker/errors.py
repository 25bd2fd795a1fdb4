"""The two errors every layer shares (standard library only): a cancel, and something that is not there.

One class each, so a front end catches "cancelled" and "not found" once,
whichever service raised them (the store, the USPS clients, the rate limiter).
"""

from __future__ import annotations


class CancelledError(Exception):
    """The user cancelled; nothing was half-written (serials reserved stay reserved, never reused)."""


class NotFoundError(LookupError):
    """What was asked for does not exist: a mailer, mailing or piece here, or an address at USPS."""
