"""The two errors every layer shares (standard library only): a cancel, and something that is not there.

One class each, so a front end catches "cancelled" and "not found" once,
whichever service raised them (the store, the USPS clients, the rate limiter).
"""

from __future__ import annotations

import re


class CancelledError(Exception):
    """The user cancelled; nothing was half-written (serials reserved stay reserved, never reused)."""


class NotFoundError(LookupError):
    """What was asked for does not exist: a mailer, mailing or piece here, or an address at USPS."""


_SECRETS = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|((?:access_token|refresh_token|id_token|password|client_secret|secret)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,&}]+"
)


def redact(text: str) -> str:
    """``text`` with bearer tokens, passwords and client secrets replaced, before it is stored or logged.

    A server may echo the request in its error text; none of it may reach the lookup log or a log file.
    """
    return _SECRETS.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)
