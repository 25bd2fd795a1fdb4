"""Typed errors of the USPS clients: each says what happened and what the user can do."""

from __future__ import annotations

from imb_tracker.errors import CancelledError, NotFoundError

__all__ = [
    "AccessDeniedError",
    "AuthError",
    "CancelledError",
    "NotFoundError",
    "RateLimitedError",
    "ServiceUnavailableError",
    "UspsError",
]


class UspsError(Exception):
    """Base class; ``retryable`` says whether trying again later may help."""

    retryable = False


class AuthError(UspsError):
    """USPS refused the credentials (or a token could not be renewed)."""


class AccessDeniedError(UspsError):
    """The account may not see this Mailer ID's data (IV-MTR permissions or delegation)."""


class RateLimitedError(UspsError):
    """USPS (or our own quota) says to slow down; ``retry_after`` seconds, when known."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailableError(UspsError):
    """USPS answered with an error page, a 5xx, garbage, or not at all; ``retry_after`` when it said."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SignInUnavailableError(ServiceUnavailableError):
    """The sign-in service is down: every lookup would fail the same way until ``retry_after`` has passed."""
