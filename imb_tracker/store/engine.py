"""Opening the database: SQLite file by default (WAL, foreign keys), or any SQLAlchemy URL.

SQLite needs two adjustments to behave like a real transactional database
under SQLAlchemy: pysqlite's own implicit BEGIN is switched off so that
SQLAlchemy's BEGIN really starts the transaction, and write transactions
use ``BEGIN IMMEDIATE`` so two processes never both read a serial counter
and then both try to bump it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .errors import StoreError

DB_ENV = "IMB_TRACKER_DB"
SQLITE_TIMEOUT_S = 60.0
#: page cache per connection (KiB); the default 2 MB made every index insert of a big import a disk
#: read once the indexes outgrew it
CACHE_KIB = 65536


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise StoreError("the database did not return the new row's id")
    return int(key[0])


def utcnow() -> datetime:
    """Naive UTC 'now': every timestamp in the store is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def database_url(db: str | os.PathLike[str] | None, default_path: Path | None = None) -> str:
    """Turn ``--db`` (a URL or a file path), ``$IMB_TRACKER_DB`` or the default path into a URL."""
    value = str(db) if db else os.environ.get(DB_ENV, "")
    if not value:
        if default_path is None:
            raise StoreError("no database given: use --db PATH_OR_URL or set IMB_TRACKER_DB")
        value = str(default_path)
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise StoreError(f"database URL {value!r} is not valid: {exc}") from None
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


def where_of(url: str) -> str:
    """Where a database URL's data is, for messages and the known-databases list (no password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below starts transactions
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")  # a committed serial reservation survives power loss
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_TIMEOUT_S * 1000)}")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("imb_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for the URL with the SQLite adjustments applied where needed."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).parent
            if not folder.exists():
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not Path(database).exists():  # a new file: this user's only (SQLite's -wal/-shm follow it)
                os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
        kwargs["connect_args"] = {"timeout": SQLITE_TIMEOUT_S, "check_same_thread": False}
    try:
        engine = create_engine(url, **kwargs)
    except ImportError as exc:  # mysql://, oracle:// …: a driver this app does not bring
        raise StoreError(
            f"no database driver for {parsed.drivername!r} ({exc}); IMb Tracker works with a SQLite file "
            "or PostgreSQL (postgresql+psycopg://user@host/db)"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


class Database:
    """An open database: the engine plus the clock every timestamp comes from.

    ``clock`` is injectable so tests can move time (uniqueness windows,
    rollover) without waiting.  On PostgreSQL, serial windows are judged on
    the *server's* clock (:meth:`now`), in the reserving transaction, so a
    workstation whose clock is months ahead cannot make serials issued a
    second ago look old; ``server_clock=False`` keeps an injected clock there.
    """

    def __init__(
        self, url: str, clock: Callable[[], datetime] = utcnow, server_clock: bool | None = None
    ) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.clock = clock
        self.server_clock = (clock is utcnow) if server_clock is None else server_clock
        self._identity = ""

    def now(self, conn: Connection) -> datetime:
        """'Now' for a decision about serials: the server's clock on PostgreSQL, else :attr:`clock`."""
        if self.server_clock and self.dialect == "postgresql":
            value = conn.execute(text("SELECT CAST(timezone('UTC', now()) AS timestamp)")).scalar_one()
            return value if isinstance(value, datetime) else self.clock()
        return self.clock()

    def identity(self) -> str:
        """The random id this database was made with (``database_info``), '' before version 6."""
        if not self._identity:
            with self.read() as conn:
                value = conn.execute(
                    text("SELECT value FROM database_info WHERE key = 'database_id'")
                ).scalar()
            self._identity = str(value or "")
        return self._identity

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: BEGIN IMMEDIATE on SQLite, committed on success, rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(imb_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def display_name(self) -> str:
        """Where the data is, for messages (no password)."""
        return where_of(self.url)

    def close(self) -> None:
        self.engine.dispose()
