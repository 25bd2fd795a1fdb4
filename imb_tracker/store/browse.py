"""Paging through pieces for the letters table: keyset pages, search, sort (fast at a million rows).

Keyset paging (``WHERE (sort_key, id) > (last_key, last_id)``) costs the same
on page 2,000 as on page 1, unlike OFFSET.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, RowMapping, func, or_, select, tuple_

from .engine import Database
from .schema import mailings, pieces

SORTABLE = {
    "mailing": mailings.c.name,
    "serial": pieces.c.serial,
    "name": pieces.c.name,
    "city": pieces.c.city,
    "state": pieces.c.state,
    "zip": pieces.c.zip5,
}


def _filters(search: str, mailing: str | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    text = search.strip()
    if text:
        digits = "".join(text.split())
        if digits.isdigit() and len(digits) >= 20:
            out.append(pieces.c.tracking == digits[:20])
        else:
            like = f"%{text}%"
            out.append(or_(pieces.c.name.ilike(like), pieces.c.company.ilike(like), pieces.c.city.ilike(like),
                           pieces.c.zip5.startswith(text), pieces.c.tracking.endswith(text)))  # fmt: skip
    if mailing:
        out.append(mailings.c.name == mailing)
    return out


def browse_pieces(db: Database, *, search: str = "", mailing: str | None = None, sort: str = "serial",
                  descending: bool = False, after: tuple[Any, int] | None = None, limit: int = 500) -> list[RowMapping]:  # fmt: skip
    """One page of pieces after the ``after`` (sort value, id) position."""
    key = SORTABLE.get(sort, pieces.c.serial)
    query = (
        select(pieces.c.id, mailings.c.name.label("mailing"), pieces.c.serial, pieces.c.tracking, pieces.c.routing,
               pieces.c.name, pieces.c.company, pieces.c.city, pieces.c.state, pieces.c.zip5, key.label("sort_key"))
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .where(*_filters(search, mailing))
    )  # fmt: skip
    if after is not None:
        position = tuple_(key, pieces.c.id)
        query = query.where(position < tuple_(*after) if descending else position > tuple_(*after))
    order = (key.desc(), pieces.c.id.desc()) if descending else (key, pieces.c.id)
    with db.read() as conn:
        return list(conn.execute(query.order_by(*order).limit(limit)).mappings())


def count_pieces(db: Database, *, search: str = "", mailing: str | None = None) -> int:
    query = select(func.count()).select_from(pieces.join(mailings, mailings.c.id == pieces.c.mailing_id))
    with db.read() as conn:
        return int(conn.execute(query.where(*_filters(search, mailing))).scalar_one())
