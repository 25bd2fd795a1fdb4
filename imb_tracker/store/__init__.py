"""The database: mailers, serial numbers, mailings, pieces, scans (SQLAlchemy Core).

Open one with :func:`open_database`; it migrates the schema on open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .engine import DB_ENV, Database, database_url, utcnow
from .errors import ConflictError, NotFoundError, RangeExhaustedError, SchemaTooNewError, StoreError
from .migrations import LATEST, migrate

__all__ = [
    "DB_ENV",
    "LATEST",
    "ConflictError",
    "Database",
    "NotFoundError",
    "RangeExhaustedError",
    "SchemaTooNewError",
    "StoreError",
    "database_url",
    "open_database",
]


def open_database(
    db: str | None = None,
    *,
    default_path: Path | None = None,
    clock: Callable[[], datetime] = utcnow,
    upgrade: bool = True,
) -> Database:
    """Open (and create or upgrade) the database named by ``db``, ``$IMB_TRACKER_DB`` or the default path."""
    database = Database(database_url(db, default_path), clock=clock)
    if upgrade:
        migrate(database)
    return database
