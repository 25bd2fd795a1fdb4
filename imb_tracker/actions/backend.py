"""Where USPS lookups go for this run: USPS itself with saved credentials, or the built-in demo stand-in.

Demo mode starts the sandbox server on loopback inside the app, so anyone can
try every feature with no USPS account.  Its clock runs ahead of the real one
by the days the user let pass ("Demo: next day"), and the demo database uses
the same clock, so the pieces move through the mail as the days go by.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta

from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from imb_tracker.store.engine import Database, utcnow
from imb_tracker.store.mailings import iter_pieces, list_mailings
from imb_tracker.usps.apis import ApisClient
from imb_tracker.usps.config import Environment, environment, sandbox_environment
from imb_tracker.usps.credentials import load_api, load_iv
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota

log = logging.getLogger(__name__)

DEMO = "demo"
MODES = {
    DEMO: "Demo mode: the built-in USPS stand-in (no account needed)",
    "production": "USPS Informed Visibility (production)",
    "test": "USPS test environment (CAT)",
}
ENV_VAR = "IMB_TRACKER_USPS_ENV"


class UspsBackend:
    """One per app run; makes a fresh client per background task (clients are not shared across threads)."""

    def __init__(self, mode: str, *, demo_days_ahead: float = 0.0, quota_per_minute: float = 1200) -> None:
        self.mode = mode or "production"
        self.quota = Quota(per_minute=quota_per_minute)
        self._server: SandboxServer | None = None
        self._demo_days = demo_days_ahead
        if self.demo:
            self._server = SandboxServer(0).start()
            self._server.sandbox.clock.advance(timedelta(days=demo_days_ahead))
            log.info("demo mode: USPS stand-in at %s", self._server.url)

    @property
    def demo(self) -> bool:
        return self.mode == DEMO

    @property
    def label(self) -> str:
        return MODES.get(self.mode, f"USPS at {self.mode}")

    @property
    def url(self) -> str:
        return self._server.url if self._server else ""

    def environment(self) -> Environment:
        if self._server is not None:
            return sandbox_environment(self._server.url)
        return environment(os.environ.get(ENV_VAR) or self.mode)

    def clock(self) -> datetime:
        """Now, for this mode: the demo's simulated time, or real UTC."""
        return self._server.sandbox.clock.now() if self._server else utcnow()

    @property
    def clock_fn(self) -> Callable[[], datetime]:
        return self.clock

    def iv_client(self) -> IvClient:
        """A new IV client with the saved (or demo) sign-in; raises CredentialsError when none is saved."""
        if self._server is not None:
            return IvClient(self.environment(), DEMO_USERNAME, DEMO_PASSWORD, quota=self.quota)
        creds = load_iv()
        return IvClient(self.environment(), creds.username, creds.password, quota=self.quota)

    def iv_client_for(self, username: str, password: str) -> IvClient:
        """A client for credentials typed into a form (Test connection before saving)."""
        return IvClient(self.environment(), username, password, quota=self.quota)

    def apis_client(self) -> ApisClient:
        if self._server is not None:
            return ApisClient(self.environment(), DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        key, secret = load_api()
        return ApisClient(self.environment(), key, secret)

    # ---------------------------------------------------------------- demo

    @property
    def demo_days_ahead(self) -> float:
        return self._demo_days

    def advance_demo(self, days: float = 1.0) -> datetime:
        """Let simulated time pass (demo mode only); returns the new 'now'."""
        if self._server is None:
            raise RuntimeError("time only passes on demand in demo mode")
        self._demo_days += days
        return self._server.sandbox.clock.advance(timedelta(days=days))

    def follow_in_demo(self, db: Database, mailing: str | None = None) -> int:
        """Tell the stand-in about stored pieces, as if they went into the mail when created (or mailed)."""
        if self._server is None:
            return 0
        world = self._server.sandbox.world
        count = 0
        for m in list_mailings(db):
            if mailing is not None and m.name != mailing:
                continue
            mailed = m.mailed_at or m.created_at
            for row in iter_pieces(db, m.name):
                world.register(str(row["imb"]), mailed, str(row["city"]), str(row["state"]), str(row["zip"]))
                count += 1
        return count

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def explain(exc: BaseException) -> str:
    """A failed USPS job in words, with what to do about it (for the GUI's message boxes and status bar)."""
    from imb_tracker.usps.credentials import CredentialsError  # noqa: PLC0415
    from imb_tracker.usps.errors import (  # noqa: PLC0415
        AccessDeniedError,
        AuthError,
        RateLimitedError,
        ServiceUnavailableError,
        UspsError,
    )

    if isinstance(exc, CredentialsError):
        return (
            f"{exc}. Open Settings → USPS and save your Business Customer Gateway sign-in (or use demo mode)."
        )
    if isinstance(exc, AuthError):
        return (f"USPS refused the sign-in: {exc}. Check the user name and password in Settings → USPS "
                "(Test connection), and that the account has IV-MTR access.")  # fmt: skip
    if isinstance(exc, AccessDeniedError):
        return (f"USPS says this account may not see this Mailer ID's data: {exc}. Since April 2026 each MID "
                "must be authorised for IV access; see docs/usps-access.md.")  # fmt: skip
    if isinstance(exc, RateLimitedError):
        wait = (
            f" Try again in about {exc.retry_after:.0f} seconds."
            if exc.retry_after
            else " Try again in a minute."
        )
        return f"USPS asked us to slow down (rate limit).{wait} Nothing was lost; the refresh continues where it stopped."
    if isinstance(exc, ServiceUnavailableError):
        return f"USPS is not answering right now ({exc}). Nothing was lost; try again later."
    if isinstance(exc, UspsError):
        return f"The USPS lookup failed: {exc}. Nothing was lost; try again later."
    return f"{type(exc).__name__}: {exc}"


def test_sign_in(
    mode: str, username: str = "", password: str = "", current: UspsBackend | None = None
) -> str:
    """Sign in to IV for ``mode`` (typed credentials, else the saved or demo ones); USPS's answer in words.

    Reuses ``current`` when it already is that mode's demo stand-in, so no second server starts.
    """
    own = not (mode == DEMO and current is not None and current.demo)
    backend = UspsBackend(mode) if own else current
    assert backend is not None
    try:
        typed = bool(username and password) and not backend.demo
        client = backend.iv_client_for(username, password) if typed else backend.iv_client()
        try:
            return client.test()
        finally:
            client.close()
    finally:
        if own:
            backend.close()
