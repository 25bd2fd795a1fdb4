"""USPS Addresses over real HTTP against the stand-in: 11-digit routing codes, cache, quota."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from imb_tracker.mail import AddressRecord
from imb_tracker.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer
from imb_tracker.store import open_database
from imb_tracker.tracking.addresses import complete_routing
from imb_tracker.usps.apis import ApisClient
from imb_tracker.usps.config import sandbox_environment
from imb_tracker.usps.errors import AuthError, NotFoundError, RateLimitedError
from imb_tracker.usps.ratelimit import Quota


def recs() -> list[AddressRecord]:
    return [
        AddressRecord(2, "Ann", "", "1 Main St", "", "Austin", "TX", "78701"),
        AddressRecord(3, "Bo", "", "9 NOWHERE RD", "", "Austin", "TX", "78701"),
        AddressRecord(4, "Cy", "", "5 Oak Ave", "", "Austin", "TX", "78701", "1234", "56"),
    ]


def test_completion_uses_the_cache_and_never_asks_twice(tmp_path: Path) -> None:
    with SandboxServer(0) as srv:
        db = open_database(str(tmp_path / "a.db"))
        client = ApisClient(
            sandbox_environment(srv.url), DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, quota=Quota(per_minute=6000)
        )
        done, summary = complete_routing(
            db, client, recs(), clock=lambda: __import__("datetime").datetime(2026, 1, 1)
        )
        assert len(done[0].routing) == 11 and done[0].zip5 == "78701"
        assert done[1].routing == "78701" and summary.not_found == 1
        assert done[2].routing == "78701123456"  # already complete: not looked up
        assert srv.sandbox.stats["address"] == 2
        again, second = complete_routing(
            db, client, recs(), clock=lambda: __import__("datetime").datetime(2026, 1, 2)
        )
        assert second.from_cache == 1 and again[0] == done[0]
        assert srv.sandbox.stats["address"] == 3  # only the not-found one is asked again


def test_quota_auth_and_errors(tmp_path: Path) -> None:
    with SandboxServer(0, quota_per_minute=1) as srv:
        client = ApisClient(
            sandbox_environment(srv.url),
            DEMO_CLIENT_ID,
            DEMO_CLIENT_SECRET,
            quota=Quota(per_minute=6000),
            sleep=lambda s: None,
        )
        client.address("1 Main St", "Austin", "TX")  # uses the one allowed call
        with pytest.raises(RateLimitedError) as info:
            client.address("2 Main St", "Austin", "TX")
        assert info.value.retry_after == 30
    with SandboxServer(0) as srv:
        with pytest.raises(NotFoundError):
            ApisClient(sandbox_environment(srv.url), DEMO_CLIENT_ID, DEMO_CLIENT_SECRET).address(
                "1 NOWHERE", "X", "TX"
            )
        with pytest.raises(AuthError):
            ApisClient(sandbox_environment(srv.url), "x", "y").token()
        token = httpx.post(
            f"{srv.url}/oauth2/v3/token",
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        ).json()
        assert token["expires_in"] == 28799


def test_import_with_complete_zip4(tmp_path: Path) -> None:
    listing = tmp_path / "l.csv"
    listing.write_text("Name,Address,City,State,ZIP\nAnn,1 Main St,Austin,TX,78701\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    with SandboxServer(0) as srv:
        env = {
            **os.environ,
            "IMB_TRACKER_API_CLIENT_ID": DEMO_CLIENT_ID,
            "IMB_TRACKER_API_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        }

        def run(*a: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "imb_tracker", *a],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )

        assert run("mailer", "add", "--db", db, "--mid", "123456", "--name", "A").returncode == 0
        result = run(
            "import",
            str(listing),
            "--db",
            db,
            "--mailer",
            "123456",
            "--name",
            "Z",
            "--complete-zip4",
            "--usps",
            srv.url,
        )
        assert result.returncode == 0, result.stderr
        assert "1 routing code(s) completed" in result.stderr
        pieces = run("pieces", "--db", db, "--format", "json")
        assert len(__import__("json").loads(pieces.stdout)[0]["routing"]) == 11
