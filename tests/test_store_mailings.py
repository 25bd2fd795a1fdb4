"""Creating mailings: all or nothing, serials in order, pieces exported with their IMbs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from imb_tracker.imb import decode
from imb_tracker.mail import AddressRecord, read_list
from imb_tracker.store import ConflictError, NotFoundError, StoreError, open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import CancelledError, create_mailing, iter_pieces, list_mailings
from imb_tracker.store.schema import mailings, pieces, serial_blocks
from imb_tracker.store.serials import reserve

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"


@pytest.fixture
def db(db_url: str) -> Database:
    database = open_database(db_url)
    add_mailer(database, "123456", "Acme Charity")
    yield database
    database.close()


def records(n: int) -> list[AddressRecord]:
    return [
        AddressRecord(
            i + 2,
            f"Person {i}",
            "",
            f"{i} Main St",
            "",
            "Springfield",
            "IL",
            "62704",
            "1234",
            "56",
            {"Donor": f"D{i}"} if i % 2 else None,
        )
        for i in range(n)
    ]


def test_create_mailing_from_the_sample_list(db: Database) -> None:
    result = read_list(SAMPLE)
    summary = create_mailing(db, "123456", "Spring appeal", result.records, source_file=str(SAMPLE))
    assert summary.piece_count == len(result.records) == 194
    assert (summary.first_serial, summary.last_serial) == (1, 194)
    rows = list(iter_pieces(db, "Spring appeal"))
    assert len(rows) == 194
    first = rows[0]
    rec = result.records[0]
    assert first.tracking == "00270123456000000001"
    assert first.imb == first.tracking + rec.routing
    assert first.extra == {"Donor ID": "D10000"}
    decoded = decode(first.bars).fields
    assert (decoded.mailer_id, decoded.serial, decoded.routing) == ("123456", "000000001", rec.routing)
    assert [m.name for m in list_mailings(db)] == ["Spring appeal"]


def test_serials_continue_across_mailings_and_use_the_mailing_stid(db: Database) -> None:
    create_mailing(db, "123456", "One", records(3))
    second = create_mailing(db, "123456", "Two", records(2), stid="310")
    assert (second.first_serial, second.last_serial, second.stid) == (4, 5, "310")
    two = list(iter_pieces(db, "Two"))
    assert [p.tracking for p in two] == ["00310123456000000004", "00310123456000000005"]


def test_duplicate_name_and_unknown_mailer_are_refused_before_any_serial_is_used(db: Database) -> None:
    create_mailing(db, "123456", "Once", records(1))
    with pytest.raises(ConflictError):
        create_mailing(db, "123456", "Once", records(1))
    with pytest.raises(NotFoundError):
        create_mailing(db, "654321", "Other", records(1))
    assert reserve(db, "123456", 1).ranges == ((2, 2),)


def test_cancel_writes_nothing_and_keeps_the_serials_reserved(db: Database) -> None:
    def cancel_after_first_batch(done: int, total: int) -> bool:
        return False

    with pytest.raises(CancelledError):
        create_mailing(db, "123456", "Cancelled", records(12_000), progress=cancel_after_first_batch)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(mailings)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(pieces)).scalar_one() == 0
        assert conn.execute(select(serial_blocks.c.last_serial)).scalars().all() == [12_000]
    assert reserve(db, "123456", 1).ranges == ((12_001, 12_001),)


def test_empty_mailing_is_refused(db: Database) -> None:
    with pytest.raises(StoreError):
        create_mailing(db, "123456", "Empty", [])


def test_unknown_mailing_lists_recent_names(db: Database) -> None:
    create_mailing(db, "123456", "Real one", records(1))
    with pytest.raises(NotFoundError) as info:
        list(iter_pieces(db, "Missing"))
    assert "Real one" in str(info.value)


def _pieces_indexes(db: Database) -> dict[str, str]:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pieces' AND sql IS NOT NULL"
        )
        return {str(name): str(sql) for name, sql in rows}


def test_a_bulk_import_sets_the_indexes_aside_and_builds_them_again_or_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above BULK_ROWS into a table no bigger than the list, the secondary indexes are dropped and
    made again in the import's transaction; a cancel rolls the drop back with the rows; and the
    search index holds the new pieces when the import returns."""
    import imb_tracker.store.mailings as store_mailings
    from imb_tracker.store.browse import PieceFilter, browse_pieces, index_new_pieces

    db = open_database(str(tmp_path / "bulk.db"))
    add_mailer(db, "123456", "Acme Charity")
    before = _pieces_indexes(db)
    assert len(before) >= 10
    monkeypatch.setattr(store_mailings, "BULK_ROWS", 100)
    monkeypatch.setattr(store_mailings, "BATCH", 50)
    dropped: list[list[str]] = []
    real = store_mailings._set_aside_indexes

    def watching(conn, adding):  # type: ignore[no-untyped-def]
        statements = real(conn, adding)
        dropped.append(statements)
        return statements

    monkeypatch.setattr(store_mailings, "_set_aside_indexes", watching)
    with pytest.raises(CancelledError):
        create_mailing(db, "123456", "Cancelled", records(300), progress=lambda done, total: done < 100)
    assert dropped[-1] and _pieces_indexes(db) == before
    create_mailing(db, "123456", "First", records(300))
    assert len(dropped[-1]) == len(before) and _pieces_indexes(db) == before
    assert index_new_pieces(db) == 0  # the import indexed its own pieces for search
    assert len(browse_pieces(db, PieceFilter(search="Person 29"))) == 11  # 29 and 290-299
    create_mailing(db, "123456", "Small", records(150))  # fewer than stored: indexes kept as they are
    assert dropped[-1] == [] and _pieces_indexes(db) == before
    with db.read() as conn:
        plan = " ".join(
            str(r[3])
            for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT id FROM pieces WHERE name = 'Person 5'")
        )
    assert "ix_pieces_name" in plan
    db.close()


@pytest.mark.parametrize(
    "extras",
    [
        [{"Donor ID": "D1"}, {"Donor ID": 'quote " back \\ %s % é ☃ \n tab\t'}],  # one key: the template
        [{"50% off": "%d"}, {"50% off": "%%"}],
        [{"a": "1"}, None],
        [{"a": "1"}, {"b": "2"}],
        [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}],
        [{"Zoë": "Brontë"}, {"Zoë": "Łukasz"}],
    ],
)
def test_extra_columns_are_stored_as_the_json_they_were(
    db: Database, extras: list[dict[str, str] | None]
) -> None:
    """However a batch's extra columns are encoded, each piece keeps exactly its own, as compact JSON."""
    import json

    from imb_tracker.store.mailings import _extra_column

    expected = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) if e else "{}" for e in extras]
    assert list(_extra_column(extras)) == expected
    made = [rec._replace(extra=e) for rec, e in zip(records(len(extras)), extras, strict=True)]
    create_mailing(db, "123456", "Extras", made)
    assert [p.extra for p in iter_pieces(db, "Extras")] == [e or {} for e in extras]
