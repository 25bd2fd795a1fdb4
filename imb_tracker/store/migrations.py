"""Versioned schema migrations, applied in order, each in its own transaction.

A small runner of our own rather than Alembic: the app migrates its own
database on open (a desktop app has no deploy step), and the needs are
modest.  Each step records itself in ``schema_version``.  Two processes
opening a new database at once are safe: the write transaction (BEGIN
IMMEDIATE on SQLite, an advisory lock on PostgreSQL) serialises them and the
version is re-read inside it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, inspect, select, text

from . import ddl
from .engine import Database
from .errors import SchemaTooNewError
from .schema import LETTERS_INDEXES, STAGE_GROUP, schema_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(conn: Connection) -> None:
    ddl.FROZEN.create_all(conn, tables=list(ddl.V1_TABLES))


def _v2(conn: Connection) -> None:
    ddl.FROZEN.create_all(conn, tables=list(ddl.V2_TABLES))


def _v3(conn: Connection) -> None:
    ddl.FROZEN.create_all(conn, tables=list(ddl.V3_TABLES))


def _v4(conn: Connection) -> None:
    # Empty at first: tracking.status_index.rebuild_statuses fills it from the stored scans.
    ddl.FROZEN.create_all(conn, tables=list(ddl.V4_TABLES))
    for index in ddl.V4_INDEXES:  # the letters table sorts a million pieces by these columns
        index.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        _sqlite_search_index(conn)


def _v5(conn: Connection) -> None:
    """What was added after version 4 shipped without a step of its own (databases made in between lack it)."""
    have = {c["name"] for c in inspect(conn).get_columns("piece_status")}
    for column, kind in (("expected_delivery", "VARCHAR(10)"), ("piece_payload", "TEXT")):
        if column not in have:
            conn.exec_driver_sql(f"ALTER TABLE piece_status ADD COLUMN {column} {kind} NOT NULL DEFAULT ''")
    by_mailing = next(i for i in LETTERS_INDEXES if i.name == "ix_pieces_mailing")
    by_mailing.create(conn, checkfirst=True)


def _v6(conn: Connection) -> None:
    """The database's identity: a random id, made once, and recorded in every mailing from now on."""
    conn.exec_driver_sql(
        "CREATE TABLE database_info (key VARCHAR(40) NOT NULL PRIMARY KEY, value VARCHAR(200) NOT NULL)"
    )
    identity = uuid.uuid4().hex
    conn.execute(text("INSERT INTO database_info (key, value) VALUES ('database_id', :id)"), {"id": identity})
    have = {c["name"] for c in inspect(conn).get_columns("mailings")}
    if "database_id" not in have:
        conn.exec_driver_sql("ALTER TABLE mailings ADD COLUMN database_id VARCHAR(32) NOT NULL DEFAULT ''")
    conn.execute(text("UPDATE mailings SET database_id = :id"), {"id": identity})


def _v7(conn: Connection) -> None:
    """A piece can be voided (printed, never mailed): not looked up again, its serial never reused."""
    if "voided_at" not in {c["name"] for c in inspect(conn).get_columns("pieces")}:
        conn.exec_driver_sql("ALTER TABLE pieces ADD COLUMN voided_at TIMESTAMP")


def _v8(conn: Connection) -> None:
    """Reply mail: designs, reply IMbs with their status, print counts; Share Mail MIDs; reply scans."""
    ddl.FROZEN.create_all(conn, tables=list(ddl.V8_TABLES))
    if "share_mail" not in {c["name"] for c in inspect(conn).get_columns("mailers")}:
        conn.exec_driver_sql("ALTER TABLE mailers ADD COLUMN share_mail INTEGER NOT NULL DEFAULT 0")
    if "reply_id" not in {c["name"] for c in inspect(conn).get_columns("scans")}:
        conn.exec_driver_sql("ALTER TABLE scans ADD COLUMN reply_id INTEGER REFERENCES replies (id)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_scans_reply ON scans (reply_id)")


def _v9(conn: Connection) -> None:
    """Trays, sacks and pallets of a mailing, the pieces in each, and their own scans from IV files."""
    ddl.FROZEN.create_all(conn, tables=list(ddl.V9_TABLES))


def _v10(conn: Connection) -> None:
    """In-home estimates in the status (filtered by the letters table); cached USPS service standards.

    The estimate columns start empty; tracking.status_index.rebuild_statuses fills them from the scans.
    """
    have = {c["name"] for c in inspect(conn).get_columns("piece_status")}
    for column in ("est_in_home", "est_basis", "late_after"):
        if column not in have:
            size = 20 if column == "est_basis" else 10
            conn.exec_driver_sql(
                f"ALTER TABLE piece_status ADD COLUMN {column} VARCHAR({size}) NOT NULL DEFAULT ''"
            )
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_piece_status_late ON piece_status (late_after)")
    if "entry_zip" not in {c["name"] for c in inspect(conn).get_columns("mailings")}:
        conn.exec_driver_sql("ALTER TABLE mailings ADD COLUMN entry_zip VARCHAR(5) NOT NULL DEFAULT ''")
    ddl.FROZEN.create_all(conn, tables=list(ddl.V10_TABLES))


def _v11(conn: Connection) -> None:
    """The letters table's sort keys for Status and Last scan kept on the piece, and one index per
    status filter (schema.STATUS_INDEXES), filled in from the kept statuses."""
    have = {c["name"] for c in inspect(conn).get_columns("pieces")}
    for column, size in (("status_key", 30), ("last_scan_key", 26)):
        if column not in have:
            conn.exec_driver_sql(
                f"ALTER TABLE pieces ADD COLUMN {column} VARCHAR({size}) NOT NULL DEFAULT ''"
            )
    if "stage_group" not in {c["name"] for c in inspect(conn).get_columns("piece_status")}:
        conn.exec_driver_sql(
            "ALTER TABLE piece_status ADD COLUMN stage_group VARCHAR(20) NOT NULL DEFAULT ''"
        )
    groups = " ".join(f"WHEN '{stage}' THEN '{group}'" for stage, group in STAGE_GROUP.items())
    conn.exec_driver_sql(f"UPDATE piece_status SET stage_group = CASE stage {groups} ELSE '' END")
    # the key's text form (store.scans.scan_key); SQLite already stores DateTime as that text
    scan_text = (
        "to_char(s.last_scan_at, 'YYYY-MM-DD HH24:MI:SS.US')"
        if conn.dialect.name == "postgresql"
        else "s.last_scan_at"
    )
    conn.exec_driver_sql(
        "UPDATE pieces SET "
        "status_key = (SELECT s.stage FROM piece_status s WHERE s.piece_id = pieces.id), "
        f"last_scan_key = coalesce((SELECT {scan_text} FROM piece_status s WHERE s.piece_id = pieces.id), '') "
        "WHERE id IN (SELECT piece_id FROM piece_status)"
    )
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_piece_status_late")  # ix_piece_status_open serves "late"
    if (
        conn.dialect.name == "sqlite"
        and conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'piece_search'").first()
    ):
        # The search index again without per-row column sizes (they only serve ranking, which search
        # does not use): 30 % less to write when an import brings it up to date (measured, issue 19).
        conn.exec_driver_sql("DROP TABLE piece_search")
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE piece_search USING fts5(name, company, city, content='pieces', "
            "content_rowid='id', tokenize='trigram', columnsize=0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO piece_search(rowid, name, company, city) SELECT id, name, company, city FROM pieces "
            "WHERE id <= (SELECT id FROM piece_search_upto)"
        )
    for statement in ddl.V11_INDEXES:
        conn.exec_driver_sql(statement)


def _sqlite_search_index(conn: Connection) -> None:
    """A trigram full-text index over names, companies and cities (SQLite 3.34+ with FTS5).

    Searching "nora" in a million pieces with LIKE reads every row (over a second);
    the trigram index finds the matches in milliseconds.  Triggers keep it in step on
    delete and rename.
    Without FTS5 the search falls back to LIKE (store.browse checks for the table).
    """
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE piece_search USING fts5(name, company, city, content='pieces', "
                "content_rowid='id', tokenize='trigram')"
            )
    except Exception as exc:  # an SQLite built without FTS5/trigram: LIKE it is
        log.warning("no full-text search index (SQLite lacks FTS5 trigram): %s", exc)
        return
    conn.exec_driver_sql("INSERT INTO piece_search(piece_search) VALUES('rebuild')")
    # How far the index goes: new mailings are indexed later (store.browse.index_new_pieces), and
    # search reads the pieces after this id with LIKE until then, so results are always complete.
    conn.exec_driver_sql("CREATE TABLE piece_search_upto (id INTEGER NOT NULL)")
    conn.exec_driver_sql("INSERT INTO piece_search_upto (id) SELECT coalesce(max(id), 0) FROM pieces")
    # New pieces are indexed in bulk by store.browse.index_new_pieces, not by a per-row insert trigger:
    # that made a 1,000,000-piece import three times slower (measured: 144 s against 50 s).
    conn.exec_driver_sql(
        "CREATE TRIGGER pieces_search_ad AFTER DELETE ON pieces BEGIN "
        "INSERT INTO piece_search(piece_search, rowid, name, company, city) "
        "VALUES ('delete', old.id, old.name, old.company, old.city); END"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER pieces_search_au AFTER UPDATE OF name, company, city ON pieces BEGIN "
        "INSERT INTO piece_search(piece_search, rowid, name, company, city) "
        "VALUES ('delete', old.id, old.name, old.company, old.city); "
        "INSERT INTO piece_search(rowid, name, company, city) VALUES (new.id, new.name, new.company, new.city); END"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "mailers, serial pools and blocks, mailings, pieces", _v1),
    Migration(2, "scans with raw payloads, lookup log", _v2),
    Migration(3, "cache of USPS Addresses results", _v3),
    Migration(4, "headline tracking status per piece", _v4),
    Migration(5, "expected delivery and USPS's piece data in the status; letters sorted by mailing", _v5),
    Migration(6, "the database's identity, recorded in every mailing", _v6),
    Migration(7, "voided pieces", _v7),
    Migration(8, "reply mail: designs, reply IMbs and their scans, Share Mail MIDs", _v8),
    Migration(9, "containers: trays, sacks and pallets with their pieces and scans", _v9),
    Migration(10, "in-home estimates in the status; cached USPS service standards", _v10),
    Migration(11, "status and last-scan sort keys on the piece; an index per status filter", _v11),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    """The schema version of the database (0 for an empty one)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one())


def migrate(db: Database, target: int = LATEST) -> int:
    """Bring the database up to ``target``; returns the version it is at afterwards."""
    with db.read() as conn:
        version = current_version(conn)
    if version > LATEST:
        raise SchemaTooNewError(
            f"the database {db.display_name()} has schema version {version}, but this IMb Tracker only "
            f"knows up to {LATEST}; update IMb Tracker"
        )
    for step in MIGRATIONS:
        if step.version > target or step.version <= version:
            continue
        with db.write() as conn:
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(4815162342)"))
            if not inspect(conn).has_table("schema_version"):
                schema_version.create(conn)
            if current_version(conn) >= step.version:  # another process got here first
                continue
            log.info(
                "migrating %s to schema version %d: %s", db.display_name(), step.version, step.description
            )
            step.apply(conn)
            conn.execute(
                schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=db.clock()
                )
            )
        version = step.version
    return version
