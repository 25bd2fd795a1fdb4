"""One way to talk to a USPS service: one session per service, one token cache, one rate limiter, one retry rule.

Every client (IV lookups, IV sign-in, USPS Addresses) sends its requests
through :meth:`HostSession.send`, so they all retry alike:

* timeouts and transport errors, 429, 500, 502, 503 and 504 are retried with
  backoff and jitter, up to ``RetryPolicy.attempts`` tries;
* ``Retry-After`` is obeyed in seconds or as an HTTP date;
* a 401 is answered by one fresh sign-in, which is not one of the tries;
* what is left becomes a typed :mod:`.errors` exception, never a bare
  ``ValueError`` or an httpx exception.

A process holds one :class:`HostSession` per service base URL (in
:data:`hosts`), and one authenticator per sign-in, shared by every thread and
every client object made for it: a hundred lookup clicks sign in once, and two
refreshes running at once share the quota instead of each taking all of it.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import httpx

from .errors import AuthError, RateLimitedError, ServiceUnavailableError
from .ratelimit import Quota, RateLimiter, backoff_delay

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Retry-After values above this are capped (a misconfigured server must not park the app for a day)
MAX_RETRY_AFTER_S = 300.0
#: an answer larger than this is not a USPS answer (1,000 scans on one piece are well under 1 MB)
MAX_BODY = 50_000_000


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            log.info("ignored an unreadable Retry-After header %r", text[:60])
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to try one request."""

    attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    statuses: frozenset[int] = RETRY_STATUSES


class Authenticator(Protocol):
    """Something that can put a token on a request and throw it away when the server refuses it."""

    def authorization(self) -> tuple[str, object]:
        """The Authorization header value and an identity of the token it carries."""

    def invalidate(self, seen: object) -> None:
        """The server refused the token ``seen``: the next call to authorization() signs in again."""


class HostSession:
    """Everything a process keeps for one USPS service: an HTTP connection pool and a rate limiter.

    Thread-safe: httpx's client is, and the limiter serialises itself.
    """

    def __init__(
        self,
        base_url: str,
        quota: Quota | None,
        *,
        service: str = "USPS",
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        policy: RetryPolicy | None = None,
        deadline: float | None = None,
    ) -> None:
        self.base_url = base_url
        #: the most one request may take from sending to its last byte (reads each have ``timeout``)
        self.deadline_s = deadline if deadline is not None else 3 * timeout
        self.service = service
        self.quota = quota
        self.limiter = RateLimiter(quota) if quota is not None else None
        self.policy = policy or RetryPolicy()
        self.http = httpx.Client(timeout=timeout, transport=transport, headers={"User-Agent": "IMb-Tracker"})
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"HostSession({self.base_url!r})"

    def set_quota(self, quota: Quota | None) -> None:
        """Use another quota from now on (the user changed it in the settings)."""
        if quota != self.quota:
            log.info("%s: quota now %s", self.base_url, quota)
            self.quota = quota
            self.limiter = RateLimiter(quota) if quota is not None else None

    def close(self) -> None:
        self.http.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        auth: Authenticator | None = None,
        cancel: threading.Event | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request under the retry policy; returns any response that is not retried.

        The caller reads 2xx/4xx answers itself (404 means something different to each service).
        Raises AuthError when a fresh sign-in is refused too, RateLimitedError or
        ServiceUnavailableError when the tries run out, CancelledError when ``cancel`` is set
        while waiting for the quota.
        """
        policy = self.policy
        attempt = 0
        signed_in_again = False
        base_headers = dict(kwargs.pop("headers", None) or {})
        while True:
            attempt += 1
            if self.limiter is not None:
                self.limiter.acquire(cancel)
            headers = dict(base_headers)
            seen: object = None
            if auth is not None:
                headers["Authorization"], seen = auth.authorization()
            try:
                response = self._request(method, url, headers, kwargs)
            except httpx.TimeoutException:
                if attempt >= policy.attempts:
                    raise ServiceUnavailableError(
                        f"{self.service} did not answer in time; try again later"
                    ) from None
                self._wait(attempt, None)
                continue
            except httpx.HTTPError as exc:
                if attempt >= policy.attempts:
                    raise ServiceUnavailableError(
                        f"could not reach {self.service} ({type(exc).__name__}); check the network and try again"
                    ) from None
                self._wait(attempt, None)
                continue
            status = response.status_code
            if status == 401 and auth is not None:
                auth.invalidate(seen)
                if signed_in_again:
                    raise AuthError(
                        f"{self.service} keeps refusing the sign-in token; check the credentials and the "
                        "account's access"
                    )
                signed_in_again = True
                attempt -= 1  # a fresh sign-in is not one of the tries
                continue
            if status in policy.statuses:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if attempt >= policy.attempts:
                    if status == 429:
                        raise RateLimitedError(
                            f"{self.service} says too many requests; wait before trying again", retry_after
                        )
                    raise ServiceUnavailableError(
                        f"{self.service} is unavailable (HTTP {status}); try again later", retry_after
                    )
                if status == 429 and self.limiter is not None:
                    self.limiter.throttled(retry_after)
                # This request waits out Retry-After (or backs off); other threads carry on.
                self._wait(attempt, retry_after)
                continue
            return response

    def _request(
        self, method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> httpx.Response:
        """One request with an overall deadline: the timeout is per read, and a server that dribbles
        its body a byte at a time would otherwise hold a worker for ever."""
        request = self.http.build_request(method, url, headers=headers, **kwargs)
        deadline = time.monotonic() + self.deadline_s
        response = self.http.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(
                        f"the answer took longer than {self.deadline_s:g} s in all", request=request
                    )
                if size > MAX_BODY:
                    raise httpx.ReadError(
                        f"the answer is larger than {MAX_BODY // 1_000_000} MB", request=request
                    )
        finally:
            response.close()
        headers_kept = [
            (k, v)
            for k, v in response.headers.raw
            if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=headers_kept, content=b"".join(chunks), request=request
        )

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        self._sleep(backoff_delay(attempt, retry_after, self.policy.base_delay_s, self.policy.max_delay_s))


A = TypeVar("A")


class HostRegistry:
    """The sessions and sign-ins of one process (or of one test), one per service and per account."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 20.0,
    ) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, HostSession] = {}
        self._auth: dict[tuple[str, ...], Any] = {}
        self._transport = transport
        self._sleep = sleep
        self._timeout = timeout

    def session(
        self, base_url: str, quota: Quota | None, *, service: str = "USPS", attempts: int | None = None
    ) -> HostSession:
        """The one session for ``base_url`` (made on first use; a different quota replaces the old one)."""
        key = base_url.rstrip("/")
        with self._lock:
            found = self._sessions.get(key)
            if found is None:
                found = HostSession(
                    key,
                    quota,
                    service=service,
                    transport=self._transport,
                    sleep=self._sleep,
                    timeout=self._timeout,
                    policy=RetryPolicy(attempts=attempts) if attempts else None,
                )
                self._sessions[key] = found
            elif quota is not None:
                found.set_quota(quota)
            return found

    def authenticator(self, key: tuple[str, ...], make: Callable[[], A]) -> A:
        """The one authenticator for ``key`` (service URL plus account and a hash of its secret)."""
        with self._lock:
            found = self._auth.get(key)
            if found is None:
                found = make()
                self._auth[key] = found
            return found  # type: ignore[no-any-return]

    def forget(self, base_url: str) -> None:
        """Drop and close every session and sign-in under ``base_url`` (a stand-in that stopped)."""
        prefix = base_url.rstrip("/")
        with self._lock:
            gone = [k for k in self._sessions if _under(k, prefix)]
            for name in gone:
                self._sessions.pop(name).close()
            for key in [key for key in self._auth if _under(key[0], prefix)]:
                del self._auth[key]

    def close(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.close()
            self._sessions.clear()
            self._auth.clear()


def _under(url: str, base: str) -> bool:
    """``url`` is ``base`` or a path below it (a stand-in on port 4321 is not the one on 43210)."""
    return url == base or url.startswith(base + "/")


def secret_key(*parts: str) -> str:
    """A registry key part for a secret, so the secret itself is never kept as a dictionary key."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


#: The process's sessions: every client made without a test transport shares these.
hosts = HostRegistry()


def registry_for(
    registry: HostRegistry | None,
    transport: httpx.BaseTransport | None,
    sleep: Callable[[float], None] | None,
    timeout: float | None,
) -> tuple[HostRegistry, bool]:
    """The registry a client uses, and whether it is the client's own (to close with it).

    Given one: that.  A test transport, sleep function or timeout: a registry of the client's own.
    Otherwise the process's :data:`hosts`, shared by every client.
    """
    if registry is not None:
        return registry, False
    if (transport, sleep, timeout) != (None, None, None):
        return HostRegistry(transport=transport, sleep=sleep or time.sleep, timeout=timeout or 20.0), True
    return hosts, False
