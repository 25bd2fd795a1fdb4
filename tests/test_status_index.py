"""The headline status kept beside the scans (schema version 4), and its rebuild for older databases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from imb_tracker.mail import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces
from imb_tracker.store.schema import piece_status
from imb_tracker.tracking.ingest import ingest_result, log_failure
from imb_tracker.tracking.status_index import rebuild_statuses
from imb_tracker.usps.iv import PieceResult

NOW = datetime(2026, 11, 20, 12, 0)
SCAN = {
    "scan_date_time": "2026-11-19T08:00:00",
    "scan_event_code": "918",
    "handling_event_type": "A",
    "mail_phase": "Phase 3c - Destination Sequenced Carrier Sortation",
    "machine_name": "DBCS-051",
    "scan_facility_name": "SPRINGFIELD IL P&DC",
    "scan_facility_city": "SPRINGFIELD",
    "scan_facility_state": "IL",
    "scan_facility_zip": "62703",
}


def test_status_follows_lookups_and_is_rebuilt(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "s.db"))
    add_mailer(db, "123456", "Acme")
    create_mailing(
        db, "123456", "M", [AddressRecord(2, "A B", "", "1 Main St", "", "Springfield", "IL", "62704")]
    )
    imb = next(iter_pieces(db)).imb
    data = {"imb": imb, "expected_delivery_date": "2026-11-20", "scans": [SCAN]}
    ingest_result(db, PieceResult(imb, True, data, 200, "{}", "", [SCAN]), NOW)
    with db.read() as conn:
        row = conn.execute(select(piece_status)).mappings().one()
    assert (row["stage"], row["scan_count"], row["expected_delivery"]) == ("carrier_sort", 1, "2026-11-20")
    assert '"expected_delivery_date"' in row["piece_payload"] and "scans" not in row["piece_payload"]
    # a failed lookup keeps what USPS last said, and records the failure
    log_failure(db, imb, NOW, "RateLimitedError", "slow down")
    with db.read() as conn:
        row = conn.execute(select(piece_status)).mappings().one()
    assert (row["stage"], row["last_outcome"]) == ("carrier_sort", "RateLimitedError")
    # a database from before version 4: scans but no statuses
    with db.write() as conn:
        conn.execute(piece_status.delete())
    assert rebuild_statuses(db, NOW) == 1
    assert rebuild_statuses(db, NOW) == 0
    with db.read() as conn:
        assert conn.execute(select(piece_status.c.stage)).scalar_one() == "carrier_sort"
