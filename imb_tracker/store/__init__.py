"""The database: mailers, serial numbers, mailings, pieces, scans (SQLAlchemy Core).

Open one with :func:`open_database`; it migrates the schema on open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .engine import DB_ENV, Database, database_url, sqlite_file, utcnow
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
    server_clock: bool | None = None,
    create: bool = True,
) -> Database:
    """Open (and create or upgrade) the database named by ``db``, ``$IMB_TRACKER_DB`` or the default path.

    ``create=False`` refuses a SQLite file that does not exist yet: a mistyped ``--db`` must not
    quietly start a new, empty database whose serials begin at 1 again.
    """
    url = database_url(db, default_path)
    if not create:
        missing = sqlite_file(url)
        if missing is not None and not missing.exists():
            raise StoreError(
                f"there is no database at {missing}; check the path (--db or IMB_TRACKER_DB), or create one "
                "there with 'imb-tracker mailer add --db …' or by adding --create"
            )
    database = Database(url, clock=clock, server_clock=server_clock)
    if upgrade:
        migrate(database)
    return database
