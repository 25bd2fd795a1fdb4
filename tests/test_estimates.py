"""In-home estimates and their basis, late and stalled, across a weekend and a federal holiday."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.browse import PieceFilter, browse_pieces
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces
from imb_tracker.store.scans import store_scans
from imb_tracker.tracking.estimates import (
    add_delivery_days,
    delivery_days_between,
    estimate,
    is_delivery_day,
    is_late,
    is_stalled_by_delivery_days,
    next_delivery_day,
    stalled_before,
    stop_the_clock_table,
)
from imb_tracker.tracking.ingest import refresh_piece_status, to_records
from imb_tracker.tracking.report import mailing_report, report_json
from imb_tracker.tracking.status import is_stalled

TABLE = {"919": time(8, 0), "918": time(8, 0)}
# December 2026: Thu 24, Fri 25 (Christmas, a federal holiday), Sat 26, Sun 27, Mon 28
THU, XMAS, SAT, SUN, MON = (date(2026, 12, d) for d in (24, 25, 26, 27, 28))


def test_delivery_days_skip_sundays_and_federal_holidays() -> None:
    assert is_delivery_day(THU) and is_delivery_day(SAT)
    assert not is_delivery_day(XMAS) and not is_delivery_day(SUN)
    assert not is_delivery_day(date(2026, 7, 3))  # Independence Day observed (the 4th is a Saturday)
    assert next_delivery_day(THU) == SAT and next_delivery_day(SAT) == MON
    assert add_delivery_days(date(2026, 12, 23), 3) == MON  # 24, (25 holiday), 26, (27 Sunday), 28
    assert add_delivery_days(SUN, 0) == MON
    assert delivery_days_between(THU, MON) == 2  # Saturday and Monday


@pytest.mark.parametrize(
    ("scan", "expected_day"),
    [
        (datetime(2026, 12, 24, 6, 30), THU),  # before the cut-off: that day
        (datetime(2026, 12, 24, 10, 15), SAT),  # after it: the next delivery day (Christmas skipped)
        (datetime(2026, 12, 26, 9, 0), MON),  # Saturday after the cut-off: Sunday skipped
        (datetime(2026, 12, 27, 5, 0), MON),  # a Sunday scan, before the cut-off: still Monday
    ],
)
def test_a_stop_the_clock_scan_against_its_cutoff(scan: datetime, expected_day: date) -> None:
    est = estimate(
        [(datetime(2026, 12, 22, 9, 0), "891"), (scan, "919")],
        date(2026, 12, 31),
        date(2026, 12, 21),
        2,
        TABLE,
    )
    assert (est.in_home, est.basis, est.stop_the_clock) == (expected_day, "stop-the-clock", scan)
    assert "cut-off" in est.detail and not is_late(
        est, date(2027, 1, 15)
    )  # a stop-the-clock letter is never late


def test_the_bases_in_order_and_late_by_more_than_one_delivery_day() -> None:
    mailed = date(2026, 12, 22)  # a Tuesday
    usps = estimate([(datetime(2026, 12, 23, 1, 0), "891")], THU, mailed, 3, TABLE)
    assert (usps.in_home, usps.basis) == (THU, "usps-expected")
    standard = estimate([], None, mailed, 3, TABLE)
    assert (standard.in_home, standard.basis) == (SAT, "service-standard")  # 23, 24, (25), 26
    rough = estimate([], None, mailed, None, TABLE)
    assert (rough.in_home, rough.basis, rough.rough) == (SAT, "rough", True)
    assert estimate([], None, None, None, TABLE).in_home is None
    assert not is_late(usps, SAT)  # one delivery day past Thursday is Saturday: not late yet
    assert is_late(usps, SUN)  # after Saturday: late
    assert not is_late(standard, MON) and is_late(standard, date(2026, 12, 29))


def test_stalled_counts_delivery_days_without_a_new_scan() -> None:
    # whole delivery days after Thursday the 24th: Sat 26, Mon 28, Tue 29 (Christmas and Sunday skipped)
    assert not is_stalled_by_delivery_days(True, THU, date(2026, 12, 29), 3)  # Tuesday not over yet
    assert is_stalled_by_delivery_days(True, THU, date(2026, 12, 30), 3)
    assert not is_stalled_by_delivery_days(False, THU, date(2027, 1, 29), 3)  # sorted for the carrier: done
    assert not is_stalled_by_delivery_days(True, None, MON, 3)


def test_the_stalled_cut_off_skips_sundays_and_holidays() -> None:
    # On Monday the 28th the last three whole delivery days are Saturday, Thursday and Wednesday
    # (Sunday and Christmas Friday do not count; Monday has not passed yet): a letter last scanned
    # on Tuesday the 22nd or before has stalled, one scanned on Wednesday has not.
    assert stalled_before(datetime(2026, 12, 28, 10, 0), 3) == datetime(2026, 12, 23)
    assert stalled_before(datetime(2026, 12, 28, 10, 0), 1) == datetime(2026, 12, 26)  # Saturday passed
    assert is_stalled("transit", datetime(2026, 12, 22, 23, 59), datetime(2026, 12, 28, 10, 0), 3)
    assert not is_stalled("transit", datetime(2026, 12, 23, 0, 1), datetime(2026, 12, 28, 10, 0), 3)
    assert not is_stalled("carrier_sort", datetime(2026, 12, 1), datetime(2026, 12, 28), 3)


def test_the_shipped_stop_the_clock_table_has_the_carrier_sort_codes() -> None:
    table = stop_the_clock_table()
    assert {"918", "919"} <= set(table) and all(isinstance(v, time) for v in table.values())


def test_the_mailing_report_gives_each_piece_its_estimate_basis_late_and_stalled(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "est.db"))
    add_mailer(db, "123456", "Acme", stid="270")
    rows = [
        AddressRecord(i + 2, f"P{i}", "", f"{i} Elm St", "", "Springfield", "IL", "62704", "1234")
        for i in range(3)
    ]
    create_mailing(db, "123456", "Spring", rows)
    mark_mailed(db, "Spring", datetime(2026, 12, 21, 9, 0))  # a Monday
    first, second, third = (p.imb for p in iter_pieces(db, "Spring"))
    raw = [
        (first, "2026-12-22T03:00:00", "891"),
        (first, "2026-12-24T10:15:00", "919"),  # after the cut-off: Saturday the 26th (Christmas skipped)
        (second, "2026-12-22T04:00:00", "891"),  # then nothing: stalled, and past its rough estimate
    ]
    with db.write() as conn:
        for imb, when, code in raw:
            phase = (
                "Phase 3c - Destination Sequenced Carrier Sortation"
                if code == "919"
                else "Phase 1a - Origin Primary Processing"
            )
            scan = {"scan_date_time": when, "scan_event_code": code, "mail_phase": phase}
            records, _ = to_records(imb, [scan], "file")
            store_scans(conn, records, datetime(2026, 12, 30))
        for imb in (first, second):
            refresh_piece_status(
                conn,
                imb,
                datetime(2026, 12, 30),
                "ok",
                {"expected_delivery_date": "2026-12-23"} if imb == second else None,
            )
    now = datetime(2026, 12, 31, 12, 0)
    answer = report_json(mailing_report(db, "Spring", now, stalled_days=3))
    by_imb = {r["imb"]: r for r in answer["rows"]}
    assert (by_imb[first]["estimated_in_home"], by_imb[first]["estimate_basis"], by_imb[first]["late"]) == (
        "2026-12-26",
        "stop-the-clock",
        False,
    )
    assert (
        by_imb[second]["estimate_basis"] == "usps-expected"
        and by_imb[second]["estimated_in_home"] == "2026-12-23"
    )
    assert by_imb[second]["late"] is True and by_imb[second]["stalled"] is True
    assert by_imb[third]["estimate_basis"] == "rough" and by_imb[third]["estimated_in_home"] == "2026-12-24"
    # never looked up: nobody asked USPS whether it was sorted, so it is not called late yet
    assert by_imb[third]["late"] is False and answer["late"] == 1
    # the first letter was sorted on the 26th, within a delivery day of its rough estimate (the 24th,
    # Christmas skipped); the second is late: one of two judged letters on time
    assert (answer["on_time"], answer["judged"]) == (1, 2)
    assert json.loads(json.dumps(answer)) == answer
    with db.write() as conn:
        refresh_piece_status(conn, third, now, "ok", None)  # USPS has nothing for it: late by the rough date
    answer = report_json(mailing_report(db, "Spring", now, stalled_days=3))
    assert [r["imb"] for r in answer["rows"] if r["late"]] == [second, third]
    # the letters table asks the kept status the same questions, in SQL
    late = browse_pieces(db, PieceFilter(status="late", now=now))
    assert [r["tracking"] + r["routing"] for r in late] == [second, third]
    stalled = browse_pieces(db, PieceFilter(status="stalled", stalled_before=stalled_before(now, 3)))
    assert [r["tracking"] + r["routing"] for r in stalled] == [second]
    assert not browse_pieces(db, PieceFilter(status="stalled", stalled_before=stalled_before(now, 8)))


def test_the_users_own_cut_off_file_overrides_the_shipped_table_and_a_bad_row_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from imb_tracker.tracking.estimates import current_stop_the_clock_table, use_stop_the_clock_file

    own = tmp_path / "stop_the_clock.csv"
    own.write_text("opcode,cutoff\n919,11:00\n977,7:30\n918,8am\n", encoding="utf-8")
    scan = [(datetime(2026, 12, 8, 10, 0), "919")]  # Tuesday 10:00
    try:
        assert estimate(scan, None, None).in_home == date(2026, 12, 9)  # shipped: after 08:00
        use_stop_the_clock_file(own)
        with caplog.at_level("WARNING"):
            table = current_stop_the_clock_table()
        assert table["919"] == time(11, 0) and table["977"] == time(7, 30)
        assert table["918"] == time(8, 0), "a bad row leaves the shipped value"
        assert "row 4" in caplog.text and "'8am'" in caplog.text and "HH:MM" in caplog.text
        assert estimate(scan, None, None).in_home == date(2026, 12, 8)  # before the user's 11:00
    finally:
        use_stop_the_clock_file(None)
    assert estimate(scan, None, None).in_home == date(2026, 12, 9)
