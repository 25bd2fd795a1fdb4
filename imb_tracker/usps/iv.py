"""Informed Visibility (IV-MTR) client: BCG sign-in, token upkeep, piece lookups.

Follows iv-api.md §2 and the checklist in §8: the user's own Business
Customer Gateway credentials, a token renewed at half its life (the renewal
omits ``refresh_token``, so the old one is kept), one sign-in at a time
across threads and shared by every client of the account, and every request
under the one retry rule of :mod:`.http` (a 401 answered by one fresh sign-in,
backoff on 429/5xx with Retry-After honoured), and lenient parsing
(empty body = no data, HTML = USPS unavailable, unknown keys ignored).
Synchronous httpx, meant to run on worker threads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from .config import Environment
from .errors import (
    AccessDeniedError,
    AuthError,
    RateLimitedError,
    ServiceUnavailableError,
    SignInUnavailableError,
    UspsError,
)
from .http import HostRegistry, HostSession, registry_for, secret_key
from .ratelimit import Quota, RateLimiter

log = logging.getLogger(__name__)

CLIENT_ID = "687b8a36-db61-42f7-83f7-11c79bf7785e"  # public IV API client id (iv-api.md §2.3)
SCOPE = "user.info.ereg,iv1.apis"
SIGN_IN_BACKOFF_S = 30.0  # after a sign-in outage that gave no Retry-After


@dataclass
class Token:
    access: str
    token_type: str
    expires_at: float  # monotonic
    lifetime: float
    refresh: str | None

    def fresh(self, now: float) -> bool:
        """Still in the first half of its life (renew at half-life)."""
        return now < self.expires_at - self.lifetime / 2


class Outcome(StrEnum):
    """What a lookup found, as stored in the lookup log."""

    FOUND = "ok"  # IV has data (scans, maybe none yet)
    NO_DATA = "no_data"  # IV answered with an empty body: nothing scanned yet
    NOT_FOUND = "not_found"  # IV does not know the barcode (never scanned, other routing, past its window)


@dataclass
class PieceResult:
    """What IV said about one IMb."""

    imb: str
    found: bool
    data: dict[str, Any] | None
    http_status: int
    raw: str  # the response body as received
    message: str = ""
    scans: list[dict[str, Any]] = field(default_factory=list)
    outcome: Outcome | None = None  # derived from found when not given

    def __post_init__(self) -> None:
        if self.outcome is None:
            self.outcome = Outcome.FOUND if self.found else Outcome.NOT_FOUND


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        for key in ("error_description", "message", "error"):
            if body.get(key):
                return str(body[key])
    return response.text[:200]


class MismatchedAnswerError(UspsError):
    """USPS's answer names another IMb than the one asked for: its scans belong to no piece we know."""


class IvSignIn:
    """The Business Customer Gateway sign-in of one account: one token, renewed by one thread at a time.

    Shared by every IvClient made for the same account (see :data:`.http.hosts`), so the
    token outlives any one client and a lookup click does not sign in again.
    """

    def __init__(self, session: HostSession, username: str, password: str) -> None:
        self._session = session
        self.username = username
        self._password = password
        self._token: Token | None = None
        self._lock = threading.Lock()
        self._rejected: AuthError | None = None  # USPS refused these credentials: do not ask again
        self._outage: tuple[float, SignInUnavailableError] | None = None  # (until: monotonic, the error)
        self.sign_ins = 0  # how many times we authenticated or refreshed (for tests and the log)

    def __repr__(self) -> str:  # never show the password
        return f"IvSignIn(user={self.username!r})"

    def _store(self, body: Any, keep_refresh: str | None) -> Token:
        try:
            lifetime = float(body.get("expires_in") or 1800)
            access = body["access_token"]
            if not isinstance(access, str) or not access.strip():
                raise TypeError("access_token is not a text token")
            return Token(
                access=access,
                token_type=str(body.get("token_type") or "Bearer"),
                expires_at=time.monotonic() + lifetime,
                lifetime=lifetime,
                refresh=str(body["refresh_token"]) if body.get("refresh_token") else keep_refresh,
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            raise ServiceUnavailableError("USPS sign-in answered without a usable token") from None

    def _authenticate(self) -> Token:
        try:
            return self._sign_in()
        except (ServiceUnavailableError, RateLimitedError) as exc:
            # Every thread and every piece would fail the same way: back off once, for everyone,
            # for as long as USPS asked (30 s when it did not say), and send no password meanwhile.
            wait = exc.retry_after if exc.retry_after is not None else SIGN_IN_BACKOFF_S
            error = SignInUnavailableError(
                f"the USPS sign-in service is unavailable ({exc}); not trying again for {wait:.0f} s", wait
            )
            self._outage = (time.monotonic() + wait, error)
            log.warning("%s", error)
            raise error from None

    def _sign_in(self) -> Token:
        payload = {
            "username": self.username,
            "password": self._password,
            "grant_type": "authorization",
            "response_type": "token",
            "scope": SCOPE,
            "client_id": CLIENT_ID,
        }
        response = self._session.send("POST", f"{self._session.base_url}/authenticate", json=payload)
        self.sign_ins += 1
        if response.status_code in (400, 401, 403):
            self._rejected = AuthError(
                f"USPS rejected the Business Customer Gateway sign-in ({response.status_code}: "
                f"{_error_text(response)}); check the username and password with: imb-tracker credentials set"
            )
            raise self._rejected
        if response.status_code >= 300:
            raise ServiceUnavailableError(f"USPS sign-in failed with HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise ServiceUnavailableError("USPS sign-in answered with something that is not JSON") from None
        return self._store(body, None)

    def _refresh(self, token: Token) -> Token:
        if not token.refresh:
            return self._authenticate()
        payload = {
            "refresh_token": token.refresh,
            "grant_type": "authorization",
            "response_type": "token",
            "scope": SCOPE,
        }
        try:
            response = self._session.send("POST", f"{self._session.base_url}/token", json=payload)
            self.sign_ins += 1
            if response.status_code == 200:
                return self._store(response.json(), token.refresh)
        except (UspsError, ValueError):
            pass
        log.info("IV token refresh failed; signing in again")
        return self._authenticate()

    def token(self, force_new: bool = False) -> Token:
        """A usable token; one thread renews it while the others wait (single flight)."""
        with self._lock:
            if self._rejected is not None:
                raise self._rejected
            now = time.monotonic()
            if self._outage is not None:
                until, error = self._outage
                if now < until:
                    raise error
                self._outage = None
            current = self._token
            if current is not None and not force_new and current.fresh(now):
                return current
            if current is None or force_new:
                self._token = self._authenticate()
            else:  # past half-life: renew (the refresh falls back to a full sign-in)
                self._token = self._refresh(current)
            return self._token

    def authorization(self) -> tuple[str, object]:
        token = self.token()
        return f"{token.token_type} {token.access}", token

    def invalidate(self, seen: object) -> None:
        with self._lock:
            if self._token is seen:
                self._token = None


class IvClient:
    """IV-MTR lookups for one account; cheap to make, safe to share between worker threads.

    The HTTP session, the rate limiter and the sign-in are the process's (one per service and
    account, in ``registry``), not this object's: every client for the same account shares them.
    A test transport or sleep function gets a registry of its own.
    """

    def __init__(
        self,
        env: Environment,
        username: str,
        password: str,
        *,
        quota: Quota | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        registry: HostRegistry | None = None,
        timeout: float | None = None,
    ) -> None:
        self.env = env
        registry, self._own_registry = registry_for(registry, transport, sleep, timeout)
        self.registry = registry
        self.session = registry.session(env.iv_api_url, quota or Quota(per_minute=60), service="USPS IV-MTR")
        # A sign-in that fails is not retried on the spot: the outage is remembered for the whole run.
        auth_session = registry.session(env.iv_auth_url, None, service="the USPS sign-in service", attempts=1)
        key = (env.iv_auth_url, username, secret_key(username, password))
        self.auth: IvSignIn = registry.authenticator(key, lambda: IvSignIn(auth_session, username, password))

    def __repr__(self) -> str:  # never show the password
        return f"IvClient({self.env.name}, user={self.auth.username!r})"

    @property
    def limiter(self) -> RateLimiter:
        assert self.session.limiter is not None
        return self.session.limiter

    @property
    def sign_ins(self) -> int:
        return self.auth.sign_ins

    def close(self) -> None:
        """Closes the connections only of a client with its own registry (the shared ones stay open)."""
        if self._own_registry:
            self.registry.close()

    def token(self, force_new: bool = False) -> Token:
        return self.auth.token(force_new)

    def _get(self, path: str, cancel: threading.Event | None = None) -> httpx.Response:
        url = f"{self.env.iv_api_url}/api/mt/get/piece/{path}"
        response = self.session.send("GET", url, auth=self.auth, cancel=cancel)
        if response.status_code == 403:
            raise AccessDeniedError(
                "this USPS account may not see this Mailer ID's data; ask the Mailer ID's owner to grant "
                "IV-MTR access (delegation) in the Business Customer Gateway"
            )
        return response

    def lookup(self, imb: str, cancel: threading.Event | None = None) -> PieceResult:
        """IV's data for one full IMb (20, 25, 29 or 31 digits, exactly as printed)."""
        response = self._get(f"imb/{imb}", cancel)
        text = response.text
        if response.status_code == 404:
            return PieceResult(imb, False, None, 404, text, "not found")
        if response.status_code >= 400:
            raise UspsError(f"USPS refused the lookup (HTTP {response.status_code}: {_error_text(response)})")
        if response.status_code >= 300:  # a redirect is not an answer (httpx does not follow one)
            raise ServiceUnavailableError(
                f"USPS redirected the lookup (HTTP {response.status_code}) instead of answering; try again later"
            )
        if not text.strip():
            return PieceResult(
                imb, False, None, response.status_code, text, "no data yet", outcome=Outcome.NO_DATA
            )
        try:
            body = json.loads(text)
        except ValueError:
            raise ServiceUnavailableError(
                "USPS answered with a page that is not data (maintenance?); try later"
            ) from None
        if not isinstance(body, dict):
            raise ServiceUnavailableError("USPS answered with data of an unexpected shape")
        data = body.get("data")
        if not isinstance(data, dict):
            message = str(body.get("message") or "no data")
            return PieceResult(imb, False, None, response.status_code, text, message)
        answered = data.get("imb")
        if isinstance(answered, str) and answered.strip() and answered.strip() != imb:
            raise MismatchedAnswerError(
                f"USPS answered for another barcode ({answered.strip()[:31]}) than the one asked for; its scans "
                "were not stored"
            )
        scans = [s for s in (data.get("scans") or []) if isinstance(s, dict)]
        return PieceResult(imb, True, data, response.status_code, text, str(body.get("message") or ""), scans)

    def discover(self, mid: str, serial: str, stid: str | None = None) -> list[str]:
        """Full IMbs USPS has seen for a Mailer ID and serial (to recover routing digits)."""
        path = f"mid/{mid}/serial/{serial}" + (f"/stid/{stid}" if stid else "")
        response = self._get(path)
        try:
            data = response.json().get("data") or {}
        except (ValueError, AttributeError):
            return []
        return [str(b) for b in data.get("barcodes") or []]

    def test(self) -> str:
        """Sign in once; returns a short confirmation (raises AuthError when rejected)."""
        token = self.token(force_new=True)
        return f"signed in to {self.env.name} IV-MTR; token valid for {int(token.lifetime)} s"
