"""Informed Visibility (IV-MTR) client: BCG sign-in, token upkeep, piece lookups.

Follows iv-api.md §2 and the checklist in §8: the user's own Business
Customer Gateway credentials, a token renewed at half its life (the renewal
omits ``refresh_token``, so the old one is kept), one sign-in at a time
across threads, a 401 answered by signing in again and retrying once,
backoff on 429/502/503/504 with Retry-After honoured, and lenient parsing
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
from typing import Any

import httpx

from .config import Environment
from .errors import AccessDeniedError, AuthError, RateLimitedError, ServiceUnavailableError, UspsError
from .ratelimit import Quota, RateLimiter, backoff_delay

log = logging.getLogger(__name__)

CLIENT_ID = "687b8a36-db61-42f7-83f7-11c79bf7785e"  # public IV API client id (iv-api.md §2.3)
SCOPE = "user.info.ereg,iv1.apis"
RETRY_STATUSES = {429, 502, 503, 504}
MAX_ATTEMPTS = 3


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


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class IvClient:
    """One signed-in IV-MTR session; safe to share between worker threads."""

    def __init__(
        self,
        env: Environment,
        username: str,
        password: str,
        *,
        timeout: float = 20.0,
        quota: Quota | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.env = env
        self._username = username
        self._password = password
        self._http = httpx.Client(timeout=timeout, transport=transport, headers={"User-Agent": "IMb-Tracker"})
        self._token: Token | None = None
        self._token_lock = threading.Lock()
        self._rejected: AuthError | None = None  # USPS refused these credentials: do not ask again
        self.limiter = RateLimiter(quota or Quota(per_minute=60))
        self._sleep = sleep
        self.sign_ins = 0  # how many times we authenticated or refreshed (for tests and the log)

    def __repr__(self) -> str:  # never show the password
        return f"IvClient({self.env.name}, user={self._username!r})"

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------ tokens

    def _store(self, body: dict[str, Any], keep_refresh: str | None) -> Token:
        try:
            lifetime = float(body.get("expires_in") or 1800)
            token = Token(
                access=str(body["access_token"]),
                token_type=str(body.get("token_type") or "Bearer"),
                expires_at=time.monotonic() + lifetime,
                lifetime=lifetime,
                refresh=str(body["refresh_token"]) if body.get("refresh_token") else keep_refresh,
            )
        except (KeyError, TypeError, ValueError):
            raise ServiceUnavailableError("USPS sign-in answered without a usable token") from None
        return token

    def _authenticate(self) -> Token:
        payload = {
            "username": self._username, "password": self._password, "grant_type": "authorization",
            "response_type": "token", "scope": SCOPE, "client_id": CLIENT_ID,
        }  # fmt: skip
        try:
            response = self._http.post(f"{self.env.iv_auth_url}/authenticate", json=payload)
        except httpx.HTTPError as exc:
            raise ServiceUnavailableError(
                f"could not reach the USPS sign-in service ({type(exc).__name__})"
            ) from None
        self.sign_ins += 1
        if response.status_code in (400, 401, 403):
            self._rejected = AuthError(
                f"USPS rejected the Business Customer Gateway sign-in ({response.status_code}: {_error_text(response)}); "
                "check the username and password with: imb-tracker credentials set"
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
            response = self._http.post(f"{self.env.iv_auth_url}/token", json=payload)
            self.sign_ins += 1
            if response.status_code == 200:
                return self._store(response.json(), token.refresh)
        except (httpx.HTTPError, ValueError):
            pass
        log.info("IV token refresh failed; signing in again")
        return self._authenticate()

    def token(self, force_new: bool = False) -> Token:
        """A usable token; one thread renews it while the others wait (single flight)."""
        with self._token_lock:
            if self._rejected is not None:
                raise self._rejected
            now = time.monotonic()
            current = self._token
            if current is not None and not force_new and current.fresh(now):
                return current
            if current is not None and not force_new and now < current.expires_at:
                self._token = self._refresh(current)
            elif current is not None and force_new:
                self._token = self._authenticate()
            else:
                self._token = self._authenticate() if current is None else self._refresh(current)
            return self._token

    def invalidate(self, seen: Token) -> None:
        with self._token_lock:
            if self._token is seen:
                self._token = None

    # ------------------------------------------------------------ requests

    def _get(self, path: str, cancel: threading.Event | None = None) -> httpx.Response:
        url = f"{self.env.iv_api_url}/api/mt/get/piece/{path}"
        reauthed = False
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire(cancel)
            token = self.token()
            try:
                response = self._http.get(
                    url, headers={"Authorization": f"{token.token_type} {token.access}"}
                )
            except httpx.TimeoutException:
                if attempt >= MAX_ATTEMPTS:
                    raise ServiceUnavailableError("USPS did not answer in time; try again later") from None
                self._sleep(backoff_delay(attempt, None))
                continue
            except httpx.HTTPError as exc:
                if attempt >= MAX_ATTEMPTS:
                    raise ServiceUnavailableError(f"could not reach USPS ({type(exc).__name__})") from None
                self._sleep(backoff_delay(attempt, None))
                continue
            status = response.status_code
            if status == 401:
                self.invalidate(token)
                if reauthed:
                    raise AuthError(
                        "USPS keeps refusing the sign-in token; check the credentials and IV-MTR access"
                    )
                reauthed = True
                attempt -= 1  # a re-sign-in is not one of the three tries
                continue
            if status == 403:
                raise AccessDeniedError(
                    "this USPS account may not see this Mailer ID's data; ask the Mailer ID's owner to grant "
                    "IV-MTR access (delegation) in the Business Customer Gateway"
                )
            if status in RETRY_STATUSES or (status == 500 and attempt < 2):
                retry_after = _retry_after(response)
                if attempt >= MAX_ATTEMPTS:
                    if status == 429:
                        raise RateLimitedError(
                            "USPS says too many requests; wait before trying again", retry_after
                        )
                    raise ServiceUnavailableError(f"USPS is unavailable (HTTP {status}); try again later")
                if status == 429:
                    self.limiter.throttled(retry_after)
                # This request waits out Retry-After (or backs off); the other workers carry on.
                self._sleep(backoff_delay(attempt, retry_after))
                continue
            if status >= 500:
                raise ServiceUnavailableError(f"USPS is unavailable (HTTP {status}); try again later")
            return response

    def lookup(self, imb: str, cancel: threading.Event | None = None) -> PieceResult:
        """IV's data for one full IMb (20, 25, 29 or 31 digits, exactly as printed)."""
        response = self._get(f"imb/{imb}", cancel)
        text = response.text
        if response.status_code == 404:
            return PieceResult(imb, False, None, 404, text, "not found")
        if response.status_code >= 400:
            raise UspsError(f"USPS refused the lookup (HTTP {response.status_code}: {_error_text(response)})")
        if not text.strip():
            return PieceResult(imb, False, None, response.status_code, text, "no data yet")
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
