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
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, inspect, select, text

from .engine import Database
from .errors import SchemaTooNewError
from .schema import V1_TABLES, V2_TABLES, V3_TABLES, metadata, schema_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(V1_TABLES))


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(V2_TABLES))


def _v3(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(V3_TABLES))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "mailers, serial pools and blocks, mailings, pieces", _v1),
    Migration(2, "scans with raw payloads, lookup log", _v2),
    Migration(3, "cache of USPS Addresses results", _v3),
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
