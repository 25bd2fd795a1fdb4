"""Polite request pacing: token buckets per host, backoff with jitter, Retry-After.

USPS publishes no IV-MTR quota; apis.usps.com defaults to 60 calls an hour.
The bucket refills continuously and a caller blocks (cancellably) until a
token is free, so a bulk refresh runs at the quota and never above it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .errors import CancelledError


@dataclass
class Quota:
    per_minute: float | None = None
    per_hour: float | None = None


class _Bucket:
    def __init__(self, rate_per_s: float, capacity: float, initial: float, now: float) -> None:
        self.rate = rate_per_s
        self.capacity = max(capacity, 1.0)
        self.tokens = min(self.capacity, max(initial, 1.0))
        self.stamp = now

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _Window:
    """At most ``limit`` requests in any rolling ``seconds``: the quota itself, after idle spells too."""

    def __init__(self, limit: float, seconds: float) -> None:
        self.limit = max(int(limit), 1)
        self.seconds = seconds
        self.sent: deque[float] = deque(maxlen=self.limit)

    def wait_time(self, now: float) -> float:
        if len(self.sent) < self.limit:
            return 0.0
        return max(self.sent[0] + self.seconds - now, 0.0)

    def take(self, now: float) -> None:
        self.sent.append(now)


class RateLimiter:
    """Blocks each request until every configured quota allows it.

    The minute bucket holds ten seconds' worth of tokens: steady pacing, yet
    time lost waiting out a Retry-After or a backoff can be made up within
    the same minute instead of being lost from the quota.  Behind the buckets,
    a log of the requests sent keeps every rolling minute (and hour) within
    the quota exactly: a full bucket after an idle spell cannot add a burst on
    top of a minute's worth.
    """

    def __init__(
        self,
        quota: Quota,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        now = clock()
        self._buckets = []
        self._windows: list[_Window] = []
        if quota.per_minute:
            rate = quota.per_minute / 60
            # no big burst at the start: two seconds' worth
            self._buckets.append(_Bucket(rate, max(1.0, rate * 10), rate * 2, now))
            self._windows.append(_Window(quota.per_minute, 60.0))
        if quota.per_hour:
            rate = quota.per_hour / 3600
            self._buckets.append(
                _Bucket(rate, max(1.0, quota.per_hour / 60), max(1.0, quota.per_hour / 60), now)
            )
            self._windows.append(_Window(quota.per_hour, 3600.0))
        self._paused_until = 0.0
        self._recent_429: list[float] = []
        self._recent: list[float] = []

    def throttled(self, seconds: float | None) -> None:
        """A server said 429.  An odd one is that request's business (it waits itself); when a fifth
        or more of the last ten seconds' requests were refused, every request pauses."""
        with self._lock:
            now = self._clock()
            self._recent_429 = [t for t in self._recent_429 if now - t < 10.0] + [now]
            self._recent = [t for t in self._recent if now - t < 10.0]
            overloaded = len(self._recent_429) >= 3 and len(self._recent_429) >= 0.2 * max(
                len(self._recent), 1
            )
        if overloaded:
            self.pause(seconds if seconds is not None else 2.0)

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` (a Retry-After from the server)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def acquire(self, cancel: threading.Event | None = None) -> None:
        while True:
            with self._lock:
                now = self._clock()
                wait = max(
                    [self._paused_until - now]
                    + [b.wait_time(now) for b in self._buckets]
                    + [w.wait_time(now) for w in self._windows]
                )
                if wait <= 0:
                    for bucket in self._buckets:
                        bucket.take()
                    for window in self._windows:
                        window.take(now)
                    self._recent.append(now)
                    if len(self._recent) > 4096:
                        self._recent = [t for t in self._recent if now - t < 10.0]
                    return
            if cancel is not None:
                if cancel.wait(min(max(wait, 0.001), 0.5)):
                    raise CancelledError("cancelled while waiting for the USPS rate limit")
            else:
                self._sleep(min(max(wait, 0.001), 0.5))  # at least a millisecond: time must move


def backoff_delay(attempt: int, retry_after: float | None, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): Retry-After if given, else exponential with jitter."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), 300.0)
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))
