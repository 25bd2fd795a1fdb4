"""Keeping the trigram search index (SQLite FTS5, schema version 4) up to the newest piece.

Its own module because both the import (store.mailings, in its transaction) and the letters
table's catch-up (store.browse.index_new_pieces) use it, and browse sits above mailings.
"""

from __future__ import annotations

from sqlalchemy import Connection


def index_search_in(conn: Connection) -> int:
    """Bring the trigram search index up to the newest piece, in the caller's transaction (one
    INSERT … SELECT); returns how many pieces were added.  Nothing on a database without it."""
    if conn.dialect.name != "sqlite":
        return 0
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'piece_search_upto'").first() is None:
        return 0
    upto = int(conn.exec_driver_sql("SELECT id FROM piece_search_upto").scalar_one())
    top = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM pieces").scalar_one())
    if top <= upto:
        return 0
    conn.exec_driver_sql(
        "INSERT INTO piece_search(rowid, name, company, city) "
        "SELECT id, name, company, city FROM pieces WHERE id > ? AND id <= ?",
        (upto, top),
    )
    conn.exec_driver_sql("UPDATE piece_search_upto SET id = ?", (top,))
    return top - upto
