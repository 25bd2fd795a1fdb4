"""Where USPS lookups go for this run, chosen in one place for the CLI and the window.

``--usps production|test|demo|URL`` (or ``$IMB_TRACKER_USPS_ENV``, or the
``usps_env`` setting) names the environment; :func:`choose_mode` is the only
code that reads them.  Demo mode starts the sandbox server on loopback inside
the app, so anyone can try every feature with no USPS account.  Its clock
runs ahead of the real one by the days the user let pass ("Demo: next day"),
and the demo database uses the same clock, so the pieces move through the mail
as the days go by.  Demo data lives in its own database file, never in the
real one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from imb_tracker.app import AppPaths
from imb_tracker.errors import CancelledError
from imb_tracker.settings import NAMED_MODES, Settings
from imb_tracker.store import DB_ENV, open_database
from imb_tracker.store.engine import Database, utcnow
from imb_tracker.store.mailings import iter_pieces, list_mailings
from imb_tracker.tracking.estimates import STOP_THE_CLOCK_FILE, use_stop_the_clock_file
from imb_tracker.usps.config import Environment, environment, sandbox_environment
from imb_tracker.usps.credentials import load_api, load_iv
from imb_tracker.usps.ratelimit import Quota

from .errors import ActionError

if TYPE_CHECKING:
    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.usps.apis import ApisClient
    from imb_tracker.usps.iv import IvClient

# The stand-in (http.server) and the HTTP clients (httpx) load when first used, not with this module:
# every command opens a backend, and ``imb-tracker import`` should not pay for them.

log = logging.getLogger(__name__)

DEMO = "demo"
MODES = {
    DEMO: "Demo mode: the built-in USPS stand-in (no account needed)",
    "production": "USPS Informed Visibility (production)",
    "test": "USPS test environment (CAT)",
}
ENV_VAR = "IMB_TRACKER_USPS_ENV"


class UnknownEnvironmentError(ActionError):
    """``--usps`` (or the setting, or the variable) names no environment."""


def choose_mode(flag: str | None = None, settings: Settings | None = None) -> str:
    """The USPS environment for this run: ``--usps``, else $IMB_TRACKER_USPS_ENV, else the setting.

    Raises UnknownEnvironmentError (one line, naming the choices) for anything else.
    """
    for source, value in (
        ("--usps", flag),
        (ENV_VAR, os.environ.get(ENV_VAR)),
        ("the usps_env setting", settings.usps_env if settings else None),
    ):
        if value:
            mode = value.strip()
            if mode in NAMED_MODES:
                return mode
            if mode.startswith(("http://", "https://")) and len(mode) > len("https://"):
                return mode.rstrip("/")
            raise UnknownEnvironmentError(
                f"{source}: unknown USPS environment {mode!r}; use production, test, demo or a base URL "
                "such as http://127.0.0.1:8080"
            )
    return "production"


class UspsBackend:
    """One per app run: where lookups go, and the clients for it.

    Clients are cheap: the HTTP session, the sign-in and the rate limiter behind them are
    shared by every client of the process (usps/http.py), so a lookup click does not sign in
    again and two tasks never take more than the quota between them.
    """

    def __init__(
        self,
        mode: str,
        *,
        demo_days_ahead: float = 0.0,
        quota_per_minute: float = 1200,
        addresses_per_hour: float = 60,
    ) -> None:
        self.mode = choose_mode(mode) if mode else "production"
        self.quota = Quota(per_minute=quota_per_minute)
        self.addresses_quota = Quota(per_hour=addresses_per_hour)
        self._server: SandboxServer | None = None
        self._demo_days = demo_days_ahead
        self._not_yet_followed: Database | None = None  # demo: stored pieces to tell the stand-in about
        self._follow_lock = threading.Lock()
        if self.demo:
            from imb_tracker.sandbox import SandboxServer  # noqa: PLC0415 - see the note at the top

            self._server = SandboxServer(0).start()
            self._server.sandbox.clock.advance(timedelta(days=demo_days_ahead))
            log.info("demo mode: USPS stand-in at %s", self._server.url)

    def set_quota(self, per_minute: float) -> None:
        """Lookups per minute from now on, for every client of this backend."""
        self.quota = Quota(per_minute=per_minute)

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
        return environment(self.mode)

    def clock(self) -> datetime:
        """Now, for this mode: the demo's simulated time, or real UTC."""
        return self._server.sandbox.clock.now() if self._server else utcnow()

    @property
    def clock_fn(self) -> Callable[[], datetime]:
        return self.clock

    def iv_client(self) -> IvClient:
        """A new IV client with the saved (or demo) sign-in; raises CredentialsError when none is saved."""
        from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME  # noqa: PLC0415
        from imb_tracker.usps.iv import IvClient  # noqa: PLC0415

        if self._server is not None:
            self._catch_up()
            return IvClient(self.environment(), DEMO_USERNAME, DEMO_PASSWORD, quota=self.quota)
        creds = load_iv()
        return IvClient(self.environment(), creds.username, creds.password, quota=self.quota)

    def iv_client_for(self, username: str, password: str) -> IvClient:
        """A client for credentials typed into a form (Test connection before saving)."""
        from imb_tracker.usps.iv import IvClient  # noqa: PLC0415

        return IvClient(self.environment(), username, password, quota=self.quota)

    def apis_client(self) -> ApisClient:
        """An Addresses client with the saved (or demo) API key; demo mode has no hourly quota to keep."""
        from imb_tracker.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET  # noqa: PLC0415
        from imb_tracker.usps.apis import ApisClient  # noqa: PLC0415

        if self._server is not None:
            self._catch_up()
            return ApisClient(self.environment(), DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, quota=self.quota)
        key, secret = load_api()
        return ApisClient(self.environment(), key, secret, quota=self.addresses_quota)

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

    def follow_later(self, db: Database) -> None:
        """Tell the stand-in about every stored piece before the first lookup (not before a command that
        only lists mailers: a big demo database takes a while)."""
        if self._server is not None:
            with self._follow_lock:
                self._not_yet_followed = db

    def _catch_up(self) -> None:
        with self._follow_lock:
            db, self._not_yet_followed = self._not_yet_followed, None
            if db is not None:
                log.info("demo mode: the stand-in follows %d stored piece(s)", self.follow_in_demo(db))

    def follow_in_demo(self, db: Database, mailing: str | None = None) -> int:
        """Tell the stand-in about stored pieces, as if they went into the mail when created (or mailed)."""
        if self._server is None:
            return 0
        world = self._server.sandbox.world
        count = 0
        for m in list_mailings(db):
            if mailing is not None and m.name != mailing:
                continue
            for piece in iter_pieces(db, m.name):
                # a single letter goes into the mail when it is printed, not when its month's group began
                mailed = m.mailed_at or piece.created_at or m.created_at
                world.register(piece.imb, mailed, piece.address.city, piece.address.state, piece.address.zip5)
                count += 1
            count += self.follow_replies(db, m.name)
        return count

    def follow_replies(self, db: Database, mailing: str) -> int:
        """Tell the stand-in about a mailed mailing's reply pieces (demo mode); returns how many reply.

        Linked replies come back for a share of recipients a few simulated days after their
        letter; a static design's IMb comes back as that share of the pieces printed with it.
        """
        if self._server is None:
            return 0
        from imb_tracker.sandbox.state import REPLY_SHARE  # noqa: PLC0415
        from imb_tracker.store.mailings import get_mailing  # noqa: PLC0415
        from imb_tracker.store.replies import mailing_replies, static_replies  # noqa: PLC0415

        mailed = get_mailing(db, mailing).mailed_at
        if mailed is None:
            return 0
        world = self._server.sandbox.world
        count = 0
        rows = mailing_replies(db, mailing)
        for r in rows:
            if r["reply_id"] is not None:
                imb = str(r["tracking"]) + str(r["routing"])
                letter = str(r["piece_tracking"]) + str(r["piece_routing"] or "")
                count += world.register_reply(
                    imb, mailed, str(r["city"]), str(r["state"]), str(r["zip5"]), letter_imb=letter
                )
        first = rows[0] if rows else None
        for s in static_replies(db, mailing):
            responses = max(1, round(int(s["printed"]) * REPLY_SHARE))
            city, state, zip5 = (
                (str(first["city"]), str(first["state"]), str(first["zip5"]))
                if first
                else ("SPRINGFIELD", "IL", "62704")
            )
            world.register_reply(str(s["tracking"]) + str(s["routing"]), mailed, city, state, zip5, responses)
            count += responses
        return count

    def register_pieces(self, pieces: list[tuple[str, datetime, str, str, str]]) -> int:
        """Tell the stand-in about pieces (imb, mailed at, city, state, ZIP) in demo mode; returns how many."""
        if self._server is None:
            return 0
        world = self._server.sandbox.world
        for imb, mailed, city, state, zip5 in pieces:
            world.register(imb, mailed, city, state, zip5)
        return len(pieces)

    def close(self) -> None:
        if self._server is not None:
            from imb_tracker.usps.http import hosts  # noqa: PLC0415

            hosts.forget(self._server.url)
            self._server.stop()
            self._server = None


@dataclass
class Workspace:
    """The database and the USPS backend of one run, opened together because demo mode pairs them."""

    db: Database
    backend: UspsBackend
    settings: Settings
    paths: AppPaths | None = None
    #: what the user should know about this database (it is a copy of another one …)
    warnings: tuple[str, ...] = ()

    def close(self) -> None:
        self.backend.close()
        self.db.close()


def database_path(paths: AppPaths, demo: bool) -> Path:
    """The default database file: demo data never goes into the real one."""
    return paths.data / ("demo.db" if demo else "imb-tracker.db")


def open_workspace(
    paths: AppPaths,
    settings: Settings,
    *,
    db_url: str | None = None,
    mode: str | None = None,
    create: bool = True,
) -> Workspace:
    """Open the database and the backend for ``mode`` (chosen by :func:`choose_mode` when None).

    In demo mode the stand-in starts in the process, the demo database opens with its clock
    (``db_url`` is ignored: demo pieces never go into a real database), and the stand-in
    is told about every stored piece before the first lookup, as the window's demo mode always did.
    ``create=False``: a database named by ``db_url`` or ``$IMB_TRACKER_DB`` must exist already
    (the default file may always be made).  Every database opened is noted in
    :mod:`.known_databases`, so a Mailer ID set up in two of them is noticed.
    """
    chosen = mode or choose_mode(None, settings)
    backend = UspsBackend(
        chosen,
        demo_days_ahead=settings.demo_days_ahead,
        quota_per_minute=settings.iv_quota_per_minute,
        addresses_per_hour=settings.addresses_quota_per_hour,
    )
    try:
        if backend.demo and db_url:
            log.warning("demo mode keeps its data in its own database; %s is not used", db_url)
        url = None if backend.demo else db_url
        named = bool(url or (not backend.demo and os.environ.get(DB_ENV)))
        db = open_database(
            url,
            default_path=database_path(paths.ensure(), backend.demo),
            clock=backend.clock,
            create=create or not named,
        )
    except BaseException:
        backend.close()
        raise
    warnings: tuple[str, ...] = ()
    if not backend.demo:
        from .known_databases import note  # noqa: PLC0415

        copy = note(paths, db)
        if copy:
            log.info("%s", copy)
            warnings = (copy,)
    use_stop_the_clock_file(paths.config / STOP_THE_CLOCK_FILE)  # the user's own cut-offs, if any
    backend.follow_later(db)  # demo mode: the stand-in hears of the stored pieces before the first lookup
    return Workspace(db, backend, settings, paths, warnings)


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

    if isinstance(exc, CancelledError | LookupError | ValueError):
        return str(exc)  # says what happened already (cancelled, not found, a field to fix)
    if isinstance(exc, CredentialsError):
        return (
            f"{exc}. Open Settings → USPS and save your Business Customer Gateway sign-in (or use demo mode)."
        )
    if isinstance(exc, AuthError):
        return (
            f"USPS sign-in refused: check the user name and password ({exc}). Test them in Settings → USPS, "
            "and check that the account has IV-MTR access."
        )
    if isinstance(exc, AccessDeniedError):
        return (
            f"USPS says this account may not see this Mailer ID's data: {exc}. Since April 2026 each MID "
            "must be authorised for IV access: the Mailer ID's owner grants it in the Business Customer Gateway."
        )
    if isinstance(exc, RateLimitedError):
        wait = (
            f" Try again in about {exc.retry_after:.0f} seconds."
            if exc.retry_after
            else " Try again in a minute."
        )
        return f"USPS asked us to slow down (rate limit).{wait} Nothing was lost; the refresh continues where it stopped."
    if isinstance(exc, ServiceUnavailableError):
        text = str(exc)
        if "could not reach" in text or "ConnectError" in text or "network" in text:
            return (
                "No internet connection, or USPS cannot be reached from this network (a firewall or proxy?). "
                f"Nothing was lost; try again when you are online. ({text})"
            )
        return f"USPS is not answering right now ({text}). Nothing was lost; try again later."
    if isinstance(exc, UspsError):
        return f"The USPS lookup failed: {exc}. Nothing was lost; try again later."
    return f"{type(exc).__name__}: {exc}"


def check_sign_in(
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
