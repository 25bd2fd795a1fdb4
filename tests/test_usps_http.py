"""One USPS session per service: one sign-in and one quota for every thread and client (issue 13).

Counted at the stand-in, over real HTTP on loopback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from imb_tracker.usps.apis import ApisClient
from imb_tracker.usps.config import sandbox_environment
from imb_tracker.usps.errors import NotFoundError
from imb_tracker.usps.http import HostRegistry, parse_retry_after
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota

FIVE_SCANS = "0027012345600000123420500000599"
QUOTA_PER_MINUTE = 1200  # 20 a second; the limiter starts with two seconds' worth


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(0) as srv:
        yield srv


def stats(srv: SandboxServer) -> dict[str, int]:
    return dict(srv.sandbox.stats)


def lookups_from_threads(make_client: object, threads: int = 4, total: int = 100) -> None:
    """``total`` lookups on ``threads`` threads, a new client object per lookup (as each click makes one)."""
    per_thread = total // threads

    def work() -> None:
        for _ in range(per_thread):
            client = make_client()  # type: ignore[operator]
            assert client.lookup(FIVE_SCANS).found
            client.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def max_over_bucket(arrivals: list[float], rate_per_s: float, burst: float) -> float:
    """How far the arrivals ever went above a token bucket of ``burst`` refilled at ``rate_per_s``.

    For every pair i <= j: (j - i + 1) requests in (t_j - t_i) seconds may not exceed
    burst + rate * (t_j - t_i).  Returns the largest excess (<= 0 when the quota held).
    """
    times = sorted(arrivals)
    worst = float("-inf")
    for i in range(len(times)):
        for j in range(i, len(times)):
            worst = max(worst, (j - i + 1) - (burst + rate_per_s * (times[j] - times[i])))
    return worst


def test_100_lookups_on_4_threads_sign_in_once_and_keep_to_the_quota(server: SandboxServer) -> None:
    registry = HostRegistry()  # the process's sessions, kept apart from other tests
    env = sandbox_environment(server.url)
    quota = Quota(per_minute=QUOTA_PER_MINUTE)
    lookups_from_threads(lambda: IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=quota, registry=registry))
    seen = stats(server)
    assert seen["piece_requests"] == 100
    assert seen["authenticate"] == 1 and seen.get("refresh", 0) == 0
    assert seen.get("status_429", 0) == 0
    rate = QUOTA_PER_MINUTE / 60
    # the limiter's first burst is two seconds' worth; a quarter second's worth of slack for the jitter
    # between sending and arriving on a loaded machine (arrivals bunch when the server thread waits)
    slack = rate / 4
    assert max_over_bucket(server.sandbox.arrivals, rate, burst=2 * rate + slack) <= 0
    span = max(server.sandbox.arrivals) - min(server.sandbox.arrivals)
    assert span >= (100 - 2 * rate - slack) / rate * 0.9  # paced, not sent at once
    registry.close()


def test_clients_with_their_own_sessions_would_break_both_promises(server: SandboxServer) -> None:
    """The control: what the app did before (a client, token and limiter per task) fails both checks."""
    env = sandbox_environment(server.url)
    per_minute = 120  # 2 a second: the shared session would take about 50 s for 100 lookups
    quota = Quota(per_minute=per_minute)
    lookups_from_threads(
        lambda: IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=quota, registry=HostRegistry())
    )
    seen = stats(server)
    assert seen["authenticate"] == 100
    rate = per_minute / 60
    assert max_over_bucket(server.sandbox.arrivals, rate, burst=2 * rate + 2) > 10


def test_two_tasks_share_the_quota_of_the_service(server: SandboxServer) -> None:
    """A lookup click during a refresh does not get a quota of its own."""
    registry = HostRegistry()
    env = sandbox_environment(server.url)
    first = IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=600), registry=registry)
    second = IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=600), registry=registry)
    assert first.session is second.session and first.auth is second.auth
    assert first.limiter is second.limiter
    registry.close()


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=42), usegmt=True), now) == 42.0
    assert parse_retry_after("Sun, 06 Dec 2026 11:00:00 GMT", now) == 0.0  # in the past: go now
    assert parse_retry_after("99999", now) == 300.0  # capped
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("", now) is None and parse_retry_after(None, now) is None
    assert parse_retry_after("nan", now) is None


def queue(srv: SandboxServer, *faults: str, **options: float) -> None:
    httpx.post(f"{srv.url}/sandbox/faults", json={"next": list(faults), **options}).raise_for_status()


def test_addresses_obey_an_http_date_retry_after_and_retry_a_500(server: SandboxServer) -> None:
    delays: list[float] = []
    client = ApisClient(
        sandbox_environment(server.url),
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        quota=Quota(per_minute=6000),
        sleep=delays.append,
    )
    client.token()
    queue(server, "429date", "500", retry_after=3)
    found = client.address("1 MAIN ST", "SPRINGFIELD", "IL", "62704")
    assert found.zip4
    assert len(delays) == 2 and 1.5 <= delays[0] <= 3.0  # the date, read as seconds from now
    with pytest.raises(NotFoundError):
        client.address("1 NOWHERE RD", "SPRINGFIELD", "IL", "62704")
    client.close()


def test_a_401_costs_addresses_no_try(server: SandboxServer) -> None:
    client = ApisClient(
        sandbox_environment(server.url),
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        quota=Quota(per_minute=6000),
        sleep=lambda _s: None,
    )
    client.token()
    queue(server, "401", "503", "503")  # a refused token, then two of the three tries fail
    assert client.address("1 MAIN ST", "SPRINGFIELD", "IL", "62704").zip4
    assert stats(server)["api_token"] == 2  # one fresh sign-in for the 401
    client.close()


def test_iv_401_signs_in_once_for_every_thread(server: SandboxServer) -> None:
    registry = HostRegistry(sleep=lambda _s: None)
    env = sandbox_environment(server.url)
    client = IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=100_000), registry=registry)
    assert client.lookup(FIVE_SCANS).found
    queue(server, "401")
    again = IvClient(env, DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=100_000), registry=registry)
    assert again.lookup(FIVE_SCANS).found
    assert stats(server)["authenticate"] == 2  # the first sign-in and the one the 401 asked for
    registry.close()
