"""Schema versions: a version-1 database is upgraded in place, and the result matches the code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select

from imb_tracker.store import SchemaTooNewError, ddl, open_database
from imb_tracker.store.engine import Database, database_url
from imb_tracker.store.migrations import LATEST, current_version, migrate
from imb_tracker.store.schema import PARTIAL_STATUS_INDEXES, metadata, scans, schema_version
from imb_tracker.store.serials import reserve


def test_upgrade_a_version_1_database_in_place(db_url: str) -> None:
    db = Database(db_url)
    assert migrate(db, target=1) == 1
    with db.read() as conn:
        assert current_version(conn) == 1
        assert not inspect(conn).has_table("scans")
    # written as version 1 wrote it (today's code reads columns a version-1 table does not have yet)
    with db.write() as conn:
        now = datetime(2026, 1, 5)
        mailer_id = conn.execute(
            ddl.mailers.insert().values(
                mid="123456",
                name="Made at v1",
                default_stid="270",
                barcode_id="00",
                window_days=90,
                created_at=now,
            )
        ).inserted_primary_key[0]
        pool_id = conn.execute(
            ddl.serial_pools.insert().values(
                mailer_id=mailer_id,
                kind="piece",
                workstation="",
                first_serial=1,
                last_serial=10**9 - 1,
                next_serial=26,
            )
        ).inserted_primary_key[0]
        conn.execute(
            ddl.serial_blocks.insert().values(
                mailer_id=mailer_id,
                pool_id=pool_id,
                kind="piece",
                first_serial=1,
                last_serial=25,
                reserved_at=datetime.now(UTC).replace(tzinfo=None),
                workstation="",
                purpose="v1",
            )
        )
    db.close()

    upgraded = open_database(db_url)
    with upgraded.read() as conn:
        assert current_version(conn) == LATEST
        assert inspect(conn).has_table("scans") and inspect(conn).has_table("lookups")
        rows = conn.execute(select(schema_version.c.version)).scalars().all()
    assert rows == list(range(1, LATEST + 1))
    # data written at version 1 is still there and still counts
    assert reserve(upgraded, "123456", 1).ranges == ((26, 26),)
    with upgraded.write() as conn:
        conn.execute(
            scans.insert().values(
                imb="00270123456000000001",
                scan_time=datetime(2026, 1, 2),
                scan_time_text="2026-01-02T00:00:00",
                op_code="919",
                facility_zip="62704",
                facility_name="",
                machine="",
                source="api",
                raw_payload="{}",
                fetched_at=datetime(2026, 1, 2),
                dedupe_key="k",
            )
        )


def test_migrated_schema_matches_the_table_definitions(db_url: str) -> None:
    db = open_database(db_url)
    with db.read() as conn:
        insp = inspect(conn)
        for table in metadata.sorted_tables:
            assert insp.has_table(table.name), table.name
            in_db = {c["name"] for c in insp.get_columns(table.name)}
            assert in_db == set(table.c.keys()), table.name
            indexes = {i["name"] for i in insp.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name
            if table.name == "piece_status":
                assert set(PARTIAL_STATUS_INDEXES) <= indexes


def test_opening_twice_is_a_no_op(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = database_url(str(tmp_path / "x.db"))
    open_database(url).close()
    db = open_database(url)
    with db.read() as conn:
        assert conn.execute(select(schema_version.c.version)).scalars().all() == list(range(1, LATEST + 1))


def test_a_database_from_a_newer_app_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(str(tmp_path / "x.db"))
    with db.write() as conn:
        conn.execute(
            schema_version.insert().values(
                version=LATEST + 1, description="future", applied_at=datetime.now()
            )
        )
    with pytest.raises(SchemaTooNewError) as info:
        open_database(str(tmp_path / "x.db"))
    assert "update IMb Tracker" in str(info.value)


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(str(tmp_path / "x.db"))
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_version_4_is_version_4_as_it_shipped_and_5_brings_it_to_the_code(db_url: str) -> None:
    """Issue 13: each step has its own frozen DDL; a version-4 database lacks what came later."""
    db = Database(db_url)
    assert migrate(db, target=4) == 4
    with db.read() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("piece_status")}
        indexes = {i["name"] for i in inspect(conn).get_indexes("pieces")}
    assert "expected_delivery" not in columns and "piece_payload" not in columns
    assert "ix_pieces_mailing" not in indexes and "ix_pieces_name" in indexes
    assert migrate(db) == LATEST >= 5
    with db.read() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("piece_status")}
        indexes = {i["name"] for i in inspect(conn).get_indexes("pieces")}
    assert {"expected_delivery", "piece_payload"} <= columns and "ix_pieces_mailing" in indexes
    db.close()


def test_the_status_filters_partial_indexes_answer_the_filters_own_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """store.browse repeats OPEN_ESTIMATE and LOOKUP_FAILED literally; SQLite uses a partial index only
    when the query's WHERE says what the index's says, so the two must stay the same text."""
    from imb_tracker.store.schema import LOOKUP_FAILED, OPEN_ESTIMATE

    db = open_database(str(tmp_path / "p.db"))
    with db.read() as conn:
        for where, index in (
            (OPEN_ESTIMATE, "ix_piece_status_open"),
            (LOOKUP_FAILED, "ix_piece_status_failed"),
        ):
            plan = " ".join(
                str(r[3])
                for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN SELECT piece_id FROM piece_status WHERE {where} ORDER BY piece_id DESC"
                )
            )
            assert index in plan, plan
