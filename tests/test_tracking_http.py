"""IV lookups over real HTTP against the USPS stand-in: faults, tokens, expiry — and nothing lost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from imb_tracker.mail import AddressRecord
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces, mark_mailed
from imb_tracker.store.scans import lookups_for, scans_for
from imb_tracker.store.schema import lookups, scans
from imb_tracker.tracking.ingest import ingest_result
from imb_tracker.tracking.planner import plan_refresh
from imb_tracker.tracking.refresh import refresh
from imb_tracker.usps.config import sandbox_environment
from imb_tracker.usps.errors import AccessDeniedError, AuthError, RateLimitedError, ServiceUnavailableError
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota

FIVE_SCANS = "0027012345600000123420500000599"
EMPTY_BODY = "0027012345600000123862704"
EXPIRED = "0027012345600000123962704123402"
MANY = "0027012345600000124162704123404"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(0) as srv:
        yield srv


def make_client(srv: SandboxServer, password: str = DEMO_PASSWORD, **kw: object) -> IvClient:
    delays: list[float] = []
    client = IvClient(
        sandbox_environment(srv.url),
        DEMO_USERNAME,
        password,
        quota=Quota(per_minute=100_000),
        sleep=delays.append,
        **kw,
    )  # type: ignore[arg-type]
    client.delays = delays  # type: ignore[attr-defined]
    return client


def queue(srv: SandboxServer, *faults: str, **options: float) -> None:
    httpx.post(f"{srv.url}/sandbox/faults", json={"next": list(faults), **options}).raise_for_status()


@pytest.fixture
def db(tmp_path: Path, server: SandboxServer) -> Database:
    database = open_database(str(tmp_path / "t.db"), clock=server.sandbox.clock.now)
    add_mailer(database, "123456", "Acme")
    return database


def mailing(db: Database, srv: SandboxServer, n: int, name: str = "M") -> list[str]:
    recs = [
        AddressRecord(
            i + 2, f"P{i}", "", f"{i} Main St", "", "Austin", "TX", "78701", "1234", f"{i % 100:02d}"
        )
        for i in range(n)
    ]
    create_mailing(db, "123456", name, recs)
    now = srv.sandbox.clock.now()
    mark_mailed(db, name, now)
    imbs = [p.imb for p in iter_pieces(db, name)]
    httpx.post(
        f"{srv.url}/sandbox/pieces",
        json={
            "pieces": [
                {"imb": imb, "mailed_at": now.isoformat(), "city": "Austin", "state": "TX", "zip": "78701"}
                for imb in imbs
            ]
        },
    ).raise_for_status()
    return imbs


def stored_equals_returned(db: Database, client: IvClient, imb: str) -> None:
    """Every scan USPS returns for this IMb is in the store (compared on the raw payloads)."""
    result = client.lookup(imb)
    returned = {json.dumps(s, sort_keys=True) for s in result.scans}
    stored = {r["raw_payload"] for r in scans_for(db, imb)}
    assert returned <= stored


def test_lookup_stores_every_scan_with_raw_payload(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    result = client.lookup(FIVE_SCANS)
    assert result.found and len(result.scans) == 5
    returned, new = ingest_result(db, result, server.sandbox.clock.now())
    assert (returned, new) == (5, 5)
    assert ingest_result(db, client.lookup(FIVE_SCANS), server.sandbox.clock.now()) == (5, 0)  # idempotent
    rows = scans_for(db, FIVE_SCANS)
    assert [r["op_code"] for r in rows] == ["066", "891", "892", "918", "919"]  # sorted by us, not by USPS
    assert all(json.loads(r["raw_payload"])["scan_event_code"] == r["op_code"] for r in rows)
    assert rows[0]["piece_id"] is None  # not in this database: kept as an orphan, not dropped
    assert [x["outcome"] for x in lookups_for(db, FIVE_SCANS)] == ["ok", "ok"]


def test_200_scans_in_one_piece(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    result = client.lookup(MANY)
    assert len(result.scans) == 200
    assert ingest_result(db, result, server.sandbox.clock.now()) == (200, 200)
    stored_equals_returned(db, client, MANY)


def test_empty_body_and_html_and_not_found(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    empty = client.lookup(EMPTY_BODY)
    assert not empty.found and empty.message == "no data yet"
    ingest_result(db, empty, server.sandbox.clock.now())
    assert lookups_for(db, EMPTY_BODY)[-1]["outcome"] == "no_data"
    assert client.lookup("00270123456999999999").message == "Barcode not found."
    queue(server, "html")
    with pytest.raises(ServiceUnavailableError, match="not data"):
        client.lookup(FIVE_SCANS)


def test_tokens_expiring_mid_refresh_are_renewed(tmp_path: Path) -> None:
    with SandboxServer(0, token_ttl=1.0) as srv:
        database = open_database(str(tmp_path / "t.db"), clock=srv.sandbox.clock.now)
        add_mailer(database, "123456", "Acme")
        imbs = mailing(database, srv, 40)
        srv.sandbox.clock.advance(timedelta(days=4))
        client = IvClient(
            sandbox_environment(srv.url), DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=600)
        )
        summary = refresh(database, client, imbs, clock=srv.sandbox.clock.now)
        assert summary.requested == 40 and summary.failed == 0
        assert client.sign_ins >= 3  # the 1-second token was renewed while the refresh ran (~2 s)
        assert srv.sandbox.stats.get("refresh", 0) >= 1  # renewal used the refresh token
        for imb in imbs[:5]:
            stored_equals_returned(database, client, imb)


def test_429_with_retry_after_is_honoured(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    client.token()
    queue(server, "429", "429", retry_after=0.3)
    assert client.lookup(FIVE_SCANS).found
    assert client.delays == [0.3, 0.3]  # type: ignore[attr-defined]  # waited Retry-After before each retry
    queue(server, "429", "429", "429", retry_after=0.4)
    start = time.monotonic()
    with pytest.raises(RateLimitedError) as info:
        client.lookup(FIVE_SCANS)
    assert info.value.retry_after == 0.4
    # most recent requests were refused: the limiter paused every request for Retry-After
    assert time.monotonic() - start >= 0.35


def test_429_without_retry_after_backs_off_then_gives_up_cleanly(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    queue(server, "429n")
    assert client.lookup(FIVE_SCANS).found
    assert len(client.delays) == 1  # type: ignore[attr-defined]
    queue(server, "429n", "429n", "429n")
    imbs = mailing(db, server, 2)
    server.sandbox.clock.advance(timedelta(days=3))
    summary = refresh(db, client, imbs, clock=server.sandbox.clock.now, workers=1)
    assert summary.failed == 1 and summary.errors == {"RateLimitedError": 1}
    failed = lookups_for(db, imbs[0])[-1]
    assert failed["outcome"] == "RateLimitedError" and "too many requests" in failed["error"]
    # nothing lost: the failed piece is due again on the next run
    plan = plan_refresh(db, server.sandbox.clock.now() + timedelta(hours=2), "M")
    assert imbs[0] in plan.due


def test_5xx_are_retried_and_reported(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    queue(server, "503", "502")
    assert client.lookup(FIVE_SCANS).found
    queue(server, "504", "504", "504")
    with pytest.raises(ServiceUnavailableError, match="HTTP 504"):
        client.lookup(FIVE_SCANS)
    queue(server, "500", "500", "500")  # 500 is retried like 502-504 (one policy for every service)
    with pytest.raises(ServiceUnavailableError, match="HTTP 500"):
        client.lookup(FIVE_SCANS)


def test_timeout_is_retried(db: Database, server: SandboxServer) -> None:
    client = make_client(server, timeout=0.5)
    client.token()
    queue(server, "timeout", hang_seconds=1.0)
    assert client.lookup(FIVE_SCANS).found
    assert server.sandbox.stats.get("fault_timeout") == 1


def test_bad_credentials_stop_a_refresh_with_a_reason(db: Database, server: SandboxServer) -> None:
    imbs = mailing(db, server, 3)
    client = make_client(server, password="wrong")
    with pytest.raises(AuthError, match="rejected the Business Customer Gateway sign-in"):
        client.lookup(FIVE_SCANS)
    summary = refresh(db, client, imbs, clock=server.sandbox.clock.now)
    assert summary.failed == summary.requested >= 1 and "credentials" in summary.stopped_reason
    assert server.sandbox.stats["authenticate"] == 1  # refused once; never asked again with the same password
    logged = [row for imb in imbs for row in lookups_for(db, imb)]
    assert len(logged) == summary.requested and all(r["outcome"] == "auth_error" for r in logged)
    assert all("wrong" not in r["error"] for r in logged)


def test_a_401_that_persists_fails_after_one_renewal(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    client.token()
    queue(server, "401")
    assert client.lookup(FIVE_SCANS).found  # one 401: sign in again, retry, fine
    before = client.sign_ins
    queue(server, "401", "401")
    with pytest.raises(AuthError, match="keeps refusing"):
        client.lookup(FIVE_SCANS)
    assert client.sign_ins == before + 1


def test_403_is_access_denied_without_retry(db: Database, server: SandboxServer) -> None:
    client = make_client(server)
    queue(server, "403")
    with pytest.raises(AccessDeniedError, match="may not see this Mailer ID"):
        client.lookup(FIVE_SCANS)
    assert server.sandbox.stats.get("piece_requests") == 1


def test_expiry_after_30_days_keeps_local_history(db: Database, server: SandboxServer) -> None:
    from imb_tracker.actions.lookup import timeline

    client = make_client(server)
    imbs = mailing(db, server, 1)
    server.sandbox.clock.advance(timedelta(days=4))
    first = client.lookup(imbs[0])
    ingest_result(db, first, server.sandbox.clock.now())
    kept = len(scans_for(db, imbs[0]))
    assert first.found and kept >= 1
    server.sandbox.clock.advance(timedelta(days=40))
    later = client.lookup(imbs[0])
    assert not later.found and later.message == "Barcode not found."
    ingest_result(db, later, server.sandbox.clock.now())
    assert len(scans_for(db, imbs[0])) == kept  # nothing deleted
    t = timeline(db, imbs[0], server.sandbox.clock.now(), stalled_days=5)
    assert t.window == "USPS no longer holds data; local history kept"
    assert "Delivered" not in t.status
    assert client.lookup(EXPIRED).message == "Barcode not found."  # a seeded piece 40 days old
    plan = plan_refresh(db, server.sandbox.clock.now(), "M")
    assert plan.past_window == 1 and plan.due == []


def test_discovery_by_mid_and_serial(server: SandboxServer) -> None:
    client = make_client(server)
    assert client.discover("123456", "000001240") == [
        "0027012345600000124062704123403",
        "0027012345600000124062704",
    ]
    assert client.discover("123456", "999999999") == []


def test_refresh_under_random_faults_loses_nothing(tmp_path: Path) -> None:
    with SandboxServer(0, faults="429=0.1,503=0.05,html=0.02,empty=0.02", seed=3) as srv:
        database = open_database(str(tmp_path / "f.db"), clock=srv.sandbox.clock.now)
        add_mailer(database, "123456", "Acme")
        imbs = mailing(database, srv, 60)
        srv.sandbox.clock.advance(timedelta(days=5))
        queue(srv, retry_after=0.05)
        client = make_client(srv)
        for _ in range(4):  # failed lookups are simply due again on the next run
            plan = plan_refresh(database, srv.sandbox.clock.now(), "M", min_interval=timedelta(0))
            refresh(database, client, plan.due, clock=srv.sandbox.clock.now)
        with database.read() as conn:
            total = conn.execute(select(func.count()).select_from(scans)).scalar_one()
            distinct = conn.execute(select(func.count(func.distinct(scans.c.dedupe_key)))).scalar_one()
            failures = conn.execute(
                select(func.count()).select_from(lookups).where(lookups.c.outcome != "ok")
            ).scalar_one()
        assert total == distinct > 0
        assert failures > 0
        srv.sandbox.faults.rates = []
        for imb in imbs:
            stored_equals_returned(database, client, imb)
