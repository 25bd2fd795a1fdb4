"""Status words, the planner, IV file imports, the sandbox contract, the demo, and secrets never written."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.sandbox.state import FIXTURES
from imb_tracker.store import open_database
from imb_tracker.store.scans import scans_for
from imb_tracker.tracking.files import ScanFileError, import_scan_file
from imb_tracker.tracking.ingest import normalise, parse_time
from imb_tracker.tracking.status import describe, phase_of, piece_status

NOW = datetime(2026, 6, 10, 12, 0)


def view(phase: str, when: datetime, event: str = "A", code: str = "891"):  # type: ignore[no-untyped-def]
    return describe(
        {"mail_phase": phase, "handling_event_type": event, "scan_event_code": code}, when, when.isoformat()
    )


def test_phase_spelling_variants() -> None:
    assert phase_of("Phase 3c- Destination Sequenced Carrier Sortation").stage == "carrier_sort"  # type: ignore[union-attr]
    assert phase_of("Phase 3c - Destination Sequenced Carrier Sortation").stage == "carrier_sort"  # type: ignore[union-attr]
    assert phase_of("phase 1a - Origin Primary Processing").stage == "origin"  # type: ignore[union-attr]
    assert phase_of("PARS Processing").stage == "forwarding"  # type: ignore[union-attr]
    assert phase_of("Something new") is None


def test_never_delivered_without_a_logical_event() -> None:
    scans = [
        view("Phase 1a - Origin Primary Processing", NOW - timedelta(days=3)),
        view("Phase 3c - Destination Sequenced Carrier Sortation", NOW - timedelta(days=1), code="919"),
    ]
    status = piece_status(scans, NOW, NOW - timedelta(days=4))
    assert status.stage == "carrier_sort" and "deliver" not in status.words.lower().replace(
        "delivery order", ""
    )
    assert (
        status.window
        == f"USPS keeps data until about {(NOW - timedelta(days=1) + timedelta(days=30)):%Y-%m-%d}"
    )
    later = piece_status(
        scans, NOW, NOW - timedelta(days=4), expected_delivery=(NOW - timedelta(days=2)).date()
    )
    assert later.stage == "expected_delivered" and "no delivery scan" in later.words
    implied = [*scans, view("Phase 4c - Delivery", NOW, event="L", code="961")]
    status = piece_status(implied, NOW, None)
    assert status.stage == "delivery_implied" and "implied" in status.words


def test_stalled_not_seen_and_window_passed() -> None:
    assert piece_status([], NOW, NOW - timedelta(days=2)).stage == "not_seen"
    assert piece_status([], NOW, NOW - timedelta(days=15)).stage == "window_passed"
    stuck = [view("Phase 0 - Origin Processing Cancellation of Postage", NOW - timedelta(days=8), code="066")]
    status = piece_status(stuck, NOW, NOW - timedelta(days=9))
    assert status.stage == "stalled" and "No recent scans since" in status.words
    assert (
        piece_status(stuck, NOW + timedelta(days=40), None).window
        == "USPS no longer holds data; local history kept"
    )


def test_time_parsing_is_lenient() -> None:
    assert parse_time("2026-05-30T02:02:04") == datetime(2026, 5, 30, 2, 2, 4)
    assert parse_time("2026-05-30 02:02:04.123") == datetime(2026, 5, 30, 2, 2, 4, 123000)
    assert parse_time("05/30/2026 02:02:04") == datetime(2026, 5, 30, 2, 2, 4)
    assert parse_time("2026-05-30T02:02:04Z") == datetime(2026, 5, 30, 2, 2, 4)
    assert parse_time("soon") is None
    assert normalise({"scanDatetime": "x", "ScanEventCode": "919", "weird": 1}) == {
        "scan_date_time": "x",
        "scan_event_code": "919",
        "weird": 1,
    }


def test_import_iv_files_csv_pipe_json_gzip(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "f.db"))
    pipe = tmp_path / "feed.txt"
    pipe.write_text(
        "IMB|Scan_Date_Time|Scan_Event_Code|Mail_Phase|Machine_Name|Scan_Facility_ZIP\n"
        "0027012345600000000162704123401|2026-05-28T04:53:00|891|Phase 1a - Origin Primary Processing|DBCS-004|62703\n"
        "0027012345600000000162704123401|2026-05-29T23:40:11|919|Phase 3c - Destination Sequenced Carrier Sortation|DBCS-051|62703\n"
        "|2026-05-29T23:40:11|919|missing imb||\n",
        encoding="utf-8",
    )
    assert import_scan_file(db, pipe, NOW) == (2, 2, 1)
    assert import_scan_file(db, pipe, NOW) == (2, 0, 1)  # idempotent
    push = {
        "msgGrpId": "g1",
        "events": [
            {
                "imb": "0027012345600000000162704123401",
                "scanDatetime": "2026-05-28T04:53:00",
                "scanEventCode": "891",
                "mailPhase": "Phase 1a - Origin Primary Processing",
                "machineName": "DBCS-004",
                "scanFacilityZip": "62703",
            },
            {
                "imb": "0027012345600000000262704",
                "scanDatetime": "2026-05-28T05:00:00",
                "scanEventCode": "891",
                "handlingEventType": "A",
                "scanFacilityZip": "62703",
                "machineName": "DBCS-004",
            },
        ],
    }
    gz = tmp_path / "push.json"
    gz.write_bytes(gzip.compress(json.dumps(push).encode()))  # gzip without saying so
    assert import_scan_file(db, gz, NOW) == (2, 1, 0)  # the first event is the same scan as the CSV's
    rows = scans_for(db, "0027012345600000000262704")
    assert (
        len(rows) == 1
        and rows[0]["source"] == "file"
        and json.loads(rows[0]["raw_payload"])["handlingEventType"] == "A"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(ScanFileError):
        import_scan_file(db, bad, NOW)


REQUIRED_DATA = {"imb", "scans", "expected_delivery_date"}
REQUIRED_SCAN = {
    "scan_date_time",
    "scan_event_code",
    "mail_phase",
    "handling_event_type",
    "machine_name",
    "scan_facility_name",
    "scan_facility_city",
    "scan_facility_state",
    "scan_facility_zip",
}


def test_sandbox_payloads_match_the_reference_field_lists() -> None:
    """Contract: the stand-in answers with iv-api.md §2.4's snake_case fields and wrapper."""
    fixtures = json.loads((FIXTURES / "pieces.json").read_text())
    for entry in fixtures["pieces"]:
        for scan in entry["scans"]:
            # fixture times are relative (after_hours); the server turns them into scan_date_time
            assert REQUIRED_SCAN - {"scan_date_time"} <= set(scan) and "after_hours" in scan, entry["case"]
            assert len(scan["scan_event_code"]) == 3 and scan["scan_event_code"].isdigit()
    import httpx

    with SandboxServer(0) as srv:
        token = httpx.post(
            f"{srv.url}/oauth/authenticate",
            json={
                "username": DEMO_USERNAME,
                "password": DEMO_PASSWORD,
                "grant_type": "authorization",
                "response_type": "token",
                "scope": "user.info.ereg,iv1.apis",
                "client_id": "687b8a36-db61-42f7-83f7-11c79bf7785e",
            },
        ).json()
        assert set(token) == {"access_token", "token_type", "expires_in", "refresh_token"}
        renewed = httpx.post(f"{srv.url}/oauth/token", json={"refresh_token": token["refresh_token"]}).json()
        assert "refresh_token" not in renewed  # as USPS: the renewal omits it
        head = {"Authorization": f"Bearer {token['access_token']}"}
        body = httpx.get(
            f"{srv.url}/ivws_api/informedvisapi/api/mt/get/piece/imb/0027012345600000123420500000599",
            headers=head,
        ).json()
        assert body["message"] is None and set(body["data"]) >= REQUIRED_DATA
        assert all(set(s) >= REQUIRED_SCAN for s in body["data"]["scans"])
        miss = httpx.get(
            f"{srv.url}/ivws_api/informedvisapi/api/mt/get/piece/imb/00270123456999999999", headers=head
        )
        assert miss.status_code == 200 and miss.json() == {"message": "Barcode not found.", "data": None}
        api = httpx.post(
            f"{srv.url}/oauth2/v3/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "demo-client",
                "client_secret": "demo-secret",
            },
        ).json()
        assert (
            api["expires_in"] == 28799
            and isinstance(api["issued_at"], int)
            and isinstance(api["api_products"], list)
        )
        address = httpx.get(
            f"{srv.url}/addresses/v3/address",
            params={"streetAddress": "1 Main St", "city": "Austin", "state": "TX"},
            headers={"Authorization": f"Bearer {api['access_token']}"},
        ).json()
        assert (
            len(address["address"]["ZIPPlus4"]) == 4 and len(address["additionalInfo"]["deliveryPoint"]) == 2
        )


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
        check=False,
    )


def test_demo_then_no_password_or_token_anywhere_on_disk(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"IMB_TRACKER_HOME": str(home)}
    demo = run_cli("demo", "--days", "5", env=env)
    assert demo.returncode == 0, demo.stderr
    assert "days from mailing to carrier sort: median" in demo.stdout and "envelopes.pdf" in demo.stdout
    # A real refresh and lookup through the CLI against a stand-in whose issued tokens we can see.
    with SandboxServer(0) as srv:
        cli_env = {
            **env,
            "IMB_TRACKER_IV_USERNAME": DEMO_USERNAME,
            "IMB_TRACKER_IV_PASSWORD": DEMO_PASSWORD,
            "IMB_TRACKER_DB": str(home / "data" / "demo.db"),
        }
        ref = run_cli(
            "-v", "refresh", "--usps", srv.url, "--min-interval-minutes", "0", "--max", "20", env=cli_env
        )
        assert ref.returncode == 0, ref.stderr
        look = run_cli("lookup", "0027012345600000123420500000599", "--usps", srv.url, env=cli_env)
        assert look.returncode == 0 and "Sorted for the carrier" in look.stdout
        secrets = [DEMO_PASSWORD, *srv.sandbox.tokens, *srv.sandbox.refresh_tokens]
    assert len(secrets) > 2
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files) and any(p.suffix == ".log" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret[:4]}… found in {path}"
    assert DEMO_PASSWORD not in ref.stdout + ref.stderr + look.stdout + look.stderr
