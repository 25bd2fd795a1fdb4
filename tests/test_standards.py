"""USPS Service Standards through the stand-in: the API's shape, the cache per 3-digit pair, the
hourly quota shared through the cache, and the estimate that uses the standard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from imb_tracker.actions.backend import Workspace, open_workspace
from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.actions.refresh import RefreshPolicy, plan, run_refresh
from imb_tracker.actions.standards import update_standards
from imb_tracker.app import app_paths
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings, set_value
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.standards import standards_table
from imb_tracker.tracking.estimates import add_delivery_days
from imb_tracker.tracking.report import mailing_report

CITIES = [
    ("Boston", "MA", "02110"),
    ("Boise", "ID", "83702"),
    ("Austin", "TX", "78701"),
    ("Peoria", "IL", "61602"),
]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    space = open_workspace(
        app_paths(tmp_path / "home"),
        Settings(
            configured=True, usps_env="demo", return_address=["ACME", "1 MAIN ST", "SPRINGFIELD IL 62704"]
        ),
        db_url=str(tmp_path / "s.db"),
        mode="demo",
    )
    add_mailer(space.db, "123456", "Demo", stid="270")
    rows = [
        AddressRecord(i + 2, f"P{i}", "", f"{i} Elm St", "", *CITIES[i % len(CITIES)], "")
        for i in range(10 * len(CITIES))
    ]
    create_mailing(space.db, "123456", "Spring", rows)
    yield space
    space.close()


def test_the_client_reads_the_days_of_a_pair_and_keeps_the_raw_answer(demo: Workspace) -> None:
    client = demo.backend.apis_client()
    try:
        near = client.service_standard("62704", "62701")
        far = client.service_standard("627", "021")
        nonsense = client.service_standard("6x", "02110")
    finally:
        client.close()
    assert (near.origin3, near.dest3, near.days) == ("627", "627", 2)
    assert far.days == 5 and '"days": 5' in far.raw and far.mail_class == "FIRST-CLASS_MAIL_LETTERS"
    assert nonsense.days is None  # USPS refused the pair: no standard, and no exception


def test_standards_are_cached_per_pair_and_the_hourly_quota_is_shared_through_the_cache(
    demo: Workspace,
) -> None:
    db, backend = demo.db, demo.backend
    settings = replace(demo.settings, service_standards_per_hour=3)
    first = update_standards(db, backend, settings, ["Spring"])
    assert (first.fetched, first.waiting, first.skipped) == (3, 1, "")
    assert "1 left for the next hour" in first.line()
    again = update_standards(db, backend, settings, ["Spring"])  # the same hour: nothing more is asked
    assert (again.fetched, again.waiting) == (0, 1) and "quota" in again.skipped
    backend.advance_demo(1 / 24 + 0.001)
    later = update_standards(db, backend, settings, ["Spring"])
    assert (later.fetched, later.waiting) == (1, 0)
    with db.read() as conn:
        table = standards_table(conn)
    assert table == {("627", "021"): 5, ("627", "837"): 4, ("627", "787"): 4, ("627", "616"): 3}
    assert update_standards(db, backend, settings, ["Spring"]).fetched == 0  # all cached now


def test_without_an_entry_zip_or_an_api_key_standards_are_skipped_in_words(
    demo: Workspace, tmp_path: Path
) -> None:
    nowhere = replace(demo.settings, return_address=[], entry_zip="")
    assert "no entry ZIP" in update_standards(demo.db, demo.backend, nowhere, ["Spring"]).skipped
    off = set_value(replace(demo.settings), "service_standards_per_hour", "0")
    assert update_standards(demo.db, demo.backend, off, ["Spring"]).skipped.endswith("turned off")
    production = open_workspace(
        app_paths(tmp_path / "prod"),
        Settings(configured=True),
        db_url=str(tmp_path / "p.db"),
        mode="production",
    )
    try:
        add_mailer(production.db, "123456", "Real", stid="270")
        one = AddressRecord(2, "A", "", "1 Elm St", "", *CITIES[0], "")
        create_mailing(production.db, "123456", "Spring", [one])
        result = update_standards(production.db, production.backend, demo.settings, ["Spring"])
        assert result.fetched == 0 and "no USPS API consumer key" in result.skipped
    finally:
        production.close()


def test_a_refresh_asks_for_standards_and_the_kept_estimate_uses_them(demo: Workspace) -> None:
    db, backend = demo.db, demo.backend
    mark_mailed(db, "Spring", backend=backend)
    mailed = backend.clock().date()
    policy = RefreshPolicy(quota_per_minute=100_000, min_interval=timedelta(hours=1))
    backend.advance_demo(1)  # one day in: origin scans, no carrier sort yet
    summary = run_refresh(db, backend, plan(db, backend, policy).due, policy, settings=demo.settings)
    assert summary.standards.startswith("service standards: 4 ZIP pair(s)")
    days = {"02110": 5, "83702": 4, "78701": 4, "61602": 3}
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.zip5, s.expected_delivery, s.est_in_home, s.est_basis FROM pieces p "
            "JOIN piece_status s ON s.piece_id = p.id"
        ).all()
    assert len(rows) == 40
    by_standard = [r for r in rows if not r[1]]
    assert by_standard, "the stand-in gives about one piece in five no expected date"
    for zip5, _expected, in_home, basis in by_standard:
        assert basis == "service-standard"
        assert in_home == add_delivery_days(mailed, days[zip5]).isoformat()
    for _zip5, expected, in_home, basis in rows:
        if expected:
            assert (basis, in_home) == ("usps-expected", expected)


def test_in_demo_mode_every_basis_and_both_flags_appear(demo: Workspace) -> None:
    """The stand-in serves carrier-sort scans both sides of the cut-off, expected dates, no dates,
    and letters that stop moving: after a week every basis and flag shows (rough: no standards)."""
    db, backend = demo.db, demo.backend
    mark_mailed(db, "Spring", backend=backend)
    policy = RefreshPolicy(quota_per_minute=100_000, min_interval=timedelta(hours=1))
    no_standards = replace(demo.settings, service_standards_per_hour=0)
    for _day in range(8):
        backend.advance_demo(1)
        run_refresh(db, backend, plan(db, backend, policy).due, policy, settings=no_standards)
    report = mailing_report(db, "Spring", backend.clock())
    bases = {r.estimate.basis for r in report.rows if r.estimate}
    details = " | ".join(r.estimate.detail for r in report.rows if r.estimate)
    assert bases == {"stop-the-clock", "usps-expected", "rough"}, bases
    assert "before the 08:00 cut-off" in details and "after the 08:00 cut-off" in details
    assert report.late and report.stalled
    assert all(not r.late for r in report.rows if r.estimate and r.estimate.basis == "stop-the-clock")
