"""Paging through pieces for the letters table: keyset pages, search, filters, sort (fast at a million rows).

Keyset paging (``WHERE (sort_key, id) > (last_key, last_id)``) costs the same
on page 2,000 as on page 1, unlike OFFSET.  Every sortable column has an
index ending in the piece id, so a page is an index range scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    and_,
    column,
    func,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy import text as text_

from .engine import Database, utcnow
from .replies import REPLY_FILTER_STATES
from .schema import (
    IN_THE_MAIL,
    LOOKUP_FAILED,
    OPEN_ESTIMATE,
    SORTED_FOR_CARRIER,
    STAGE_GROUP,
    mailings,
    piece_status,
    pieces,
    replies,
)
from .search_index import index_search_in

SORTABLE: dict[str, Any] = {
    "id": pieces.c.id,
    "mailing": pieces.c.mailing_id,
    "serial": pieces.c.serial,
    "name": pieces.c.name,
    "city": pieces.c.city,
    "state": pieces.c.state,
    "zip": pieces.c.zip5,
    "created": pieces.c.created_at,
    "status": pieces.c.status_key,  # kept on the piece with its status (schema version 11)
    "last_scan": pieces.c.last_scan_key,
}

#: status filter key -> (label, stages); special keys are handled in _status_filter
STATUS_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Any status", ()),
    "never": ("Not looked up yet", ()),
    "not_seen": ("Not seen by USPS yet", ("not_seen",)),
    "in_mail": ("In the mail", IN_THE_MAIL),
    "sorted": ("Sorted for the carrier", SORTED_FOR_CARRIER),
    "stalled": ("No recent scans (stalled)", IN_THE_MAIL),
    "late": ("Late (past the estimate)", ()),
    "forwarding": ("Forwarded or returned", ("forwarding",)),
    "failed": ("Last lookup failed", ()),
}


@dataclass(frozen=True)
class PieceFilter:
    """What the letters table shows: search text plus filters (all optional)."""

    search: str = ""
    mailing: str | None = None
    status: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None  # exclusive
    now: datetime | None = None  # for "late": the day it is
    #: for "stalled" and "in the mail": a letter whose last scan is before this has stalled (the
    #: caller's rule, tracking.estimates.stalled_before: N delivery days)
    stalled_before: datetime | None = None
    replies: str = ""  # a REPLY_FILTER_STATES key: letters with a reply piece, replied, arrived, waiting


_FTS: dict[str, bool] = {}
piece_search = table("piece_search", column("rowid"))  # SQLite FTS5 trigram index (schema version 4)
search_upto = table("piece_search_upto", column("id"))  # the last piece id in that index


def has_search_index(db: Database) -> bool:
    """Whether this database has the trigram search index (SQLite with FTS5); cached per database."""
    key = db.display_name()
    if key not in _FTS:
        if db.dialect != "sqlite":
            _FTS[key] = False
        else:
            with db.read() as conn:
                _FTS[key] = (
                    conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'piece_search'").first()
                    is not None
                )
    return _FTS[key]


def index_new_pieces(db: Database) -> int:
    """Add the pieces stored since the last call to the search index; returns how many.

    Imports index their own pieces (:func:`index_search_in`, in their transaction); this catches
    up a database written by an older version or another route, in the background of the window.
    """
    if not has_search_index(db):
        return 0
    with db.write() as conn:
        return index_search_in(conn)


def _search(text: str, fts: bool) -> ColumnElement[bool] | None:
    """Names, companies and cities by substring; digits as a ZIP, a serial or a whole IMb.

    Five digits are a ZIP and six to nine a serial (the table shows serials zero-padded to
    six or nine digits), so each uses its own index; shorter numbers try both.
    """
    text = text.replace("\x00", "").strip()  # a NUL is no letter of any name (and SQLite refuses it)
    if not text:
        return None
    digits = "".join(text.replace("-", "").split())
    if digits.isdigit() and digits.isascii():
        if len(digits) >= 20:  # a whole IMb or tracking code: the letter's own, or its reply piece's
            reply_of = select(replies.c.piece_id).where(replies.c.tracking == digits[:20])
            return or_(pieces.c.tracking == digits[:20], pieces.c.id.in_(reply_of))
        if len(digits) == 5:
            return pieces.c.zip5 == digits
        if len(digits) == 9 and "-" in text:  # ZIP+4 typed as 12345-6789
            return and_(pieces.c.zip5 == digits[:5], pieces.c.zip4 == digits[5:])
        if len(digits) > 9:  # longer than any serial: the start of a tracking code
            return pieces.c.tracking.startswith(digits)
        if len(digits) > 5:
            return pieces.c.serial == int(digits)
        return or_(pieces.c.zip5.startswith(digits), pieces.c.serial == int(digits))
    like = f"%{text}%"

    def by_like(t: Any) -> ColumnElement[bool]:
        return or_(t.c.name.ilike(like), t.c.company.ilike(like), t.c.city.ilike(like))

    if fts and len(text) >= 3:  # trigrams need three characters
        phrase = '"' + text.replace('"', '""') + '"'
        indexed = select(piece_search.c.rowid).where(
            text_("piece_search MATCH :phrase").bindparams(phrase=phrase)
        )
        tail = pieces.alias("unindexed")  # pieces stored since the index was last brought up to date
        recent = select(tail.c.id).where(
            tail.c.id > select(search_upto.c.id).scalar_subquery(), by_like(tail)
        )
        return pieces.c.id.in_(union_all(indexed, recent))
    return by_like(pieces)


def _status_filter(f: PieceFilter) -> ColumnElement[bool] | None:
    """The status filter as the condition its own index answers (schema version 11).

    Each one reads an index in piece id order, so the newest page of matches comes without a sort
    whether there are many matches or few: "never" the pieces' status key, the stage filters
    piece_status's group index (with the last scan in it, for stalled), "late" and "failed" partial
    indexes whose WHERE is repeated here literally (SQLite uses a partial index only then).
    """
    if not f.status:
        return None
    if f.status == "never":
        return pieces.c.status_key == ""
    if f.status == "late":  # past the kept estimate by more than a delivery day (tracking.estimates)
        today = (f.now or utcnow()).date().isoformat()
        return and_(text_(f"piece_status.{OPEN_ESTIMATE}"), piece_status.c.late_after < today)
    if f.status == "failed":
        return and_(text_(f"piece_status.{LOOKUP_FAILED}"))
    if f.status not in STATUS_FILTERS:
        raise ValueError(f"status filter {f.status!r} is unknown; use one of {', '.join(STATUS_FILTERS)}")
    groups = {STAGE_GROUP[stage] for stage in STATUS_FILTERS[f.status][1]}
    (group,) = groups  # each stage filter is one group (schema.STAGE_GROUP)
    condition = piece_status.c.stage_group == group
    if f.status in ("stalled", "in_mail") and f.stalled_before is not None:
        recent = piece_status.c.last_scan_at >= f.stalled_before
        return and_(condition, ~recent if f.status == "stalled" else recent)
    return condition


def _has_status(f: PieceFilter) -> bool:
    """Whether the filter matches only looked-up letters: then the status is joined, not outer-joined
    (SQLite does not always see that by itself, and an outer join keeps it off the filter's index)."""
    return bool(f.status) and f.status != "never"


def _reply_filter(f: PieceFilter) -> ColumnElement[bool] | None:
    """Letters whose linked reply is in the filter's states (through the unique index on piece_id)."""
    if not f.replies:
        return None
    if f.replies not in REPLY_FILTER_STATES:
        raise ValueError(
            f"reply filter {f.replies!r} is unknown; use one of {', '.join(k for k in REPLY_FILTER_STATES if k)}"
        )
    linked = select(replies.c.piece_id).where(
        replies.c.piece_id.is_not(None), replies.c.state.in_(REPLY_FILTER_STATES[f.replies])
    )
    return pieces.c.id.in_(linked)


def _where(query: Select[Any], f: PieceFilter, fts: bool) -> Select[Any]:
    conditions = [c for c in (_search(f.search, fts), _status_filter(f), _reply_filter(f)) if c is not None]
    if f.mailing:
        mailing_id = select(mailings.c.id).where(mailings.c.name == f.mailing).scalar_subquery()
        conditions.append(pieces.c.mailing_id == mailing_id)
    if f.created_from is not None:
        conditions.append(pieces.c.created_at >= f.created_from)
    if f.created_to is not None:
        conditions.append(pieces.c.created_at < f.created_to)
    return query.where(*conditions)


def browse_pieces(
    db: Database,
    f: PieceFilter | None = None,
    *,
    sort: str = "id",
    descending: bool = False,
    after: tuple[Any, int] | None = None,
    limit: int = 500,
    search: str = "",
    mailing: str | None = None,
) -> list[RowMapping]:
    """One page of pieces after the ``after`` (sort value, id) position."""
    f = f or PieceFilter(search=search, mailing=mailing)
    key = SORTABLE.get(sort, pieces.c.id)
    if key is pieces.c.id and (f.created_from or f.created_to) and not _has_status(f):
        # Newest first within a date range: by the creation time's own index (the id order would
        # sort every piece in the range, 0.6-2 s at a million); pieces are numbered as they are made.
        key = pieces.c.created_at
    columns = [
        pieces.c.id,
        mailings.c.name.label("mailing"),
        pieces.c.serial,
        pieces.c.tracking,
        pieces.c.routing,
        pieces.c.name,
        pieces.c.company,
        pieces.c.city,
        pieces.c.state,
        pieces.c.zip5,
        pieces.c.created_at,
        mailings.c.mailed_at,
        piece_status.c.stage,
        piece_status.c.words,
        piece_status.c.last_scan_at,
        piece_status.c.looked_up_at,
        piece_status.c.last_outcome,
        piece_status.c.scan_count,
        piece_status.c.expected_delivery,
        piece_status.c.est_in_home,
        piece_status.c.est_basis,
        piece_status.c.late_after,
        pieces.c.voided_at,
        replies.c.state.label("reply_state"),
    ]
    query = _where(
        select(*columns, key.label("sort_key"))
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .join(piece_status, piece_status.c.piece_id == pieces.c.id, isouter=not _has_status(f))
        .outerjoin(replies, replies.c.piece_id == pieces.c.id),
        f,
        has_search_index(db),
    )
    # A status filter (but "never") reads a piece_status index in its piece id order: order by that
    # id (the same number) so the page comes straight off the index instead of through a sort.
    ident = piece_status.c.piece_id if _has_status(f) else pieces.c.id
    if after is not None:
        if key is pieces.c.id:
            query = query.where(ident < after[1] if descending else ident > after[1])
        else:
            position = tuple_(key, pieces.c.id)
            query = query.where(position < tuple_(*after) if descending else position > tuple_(*after))
    if key is pieces.c.id:
        order: tuple[Any, ...] = (ident.desc(),) if descending else (ident,)
    else:
        order = (key.desc(), pieces.c.id.desc()) if descending else (key, pieces.c.id)
    with db.read() as conn:
        return list(conn.execute(query.order_by(*order).limit(limit)).mappings())


def count_pieces(
    db: Database, f: PieceFilter | None = None, *, search: str = "", mailing: str | None = None
) -> int:
    """How many pieces match (a full count: run it off the GUI thread on big databases)."""
    f = f or PieceFilter(search=search, mailing=mailing)
    query = select(func.count()).select_from(
        pieces.join(piece_status, piece_status.c.piece_id == pieces.c.id, isouter=not _has_status(f))
    )
    with db.read() as conn:
        return int(conn.execute(_where(query, f, has_search_index(db))).scalar_one())


def pieces_by_ids(db: Database, ids: list[int]) -> dict[int, RowMapping]:
    """Fresh rows (with status) for pieces the table shows, after their lookup finished."""
    if not ids:
        return {}
    query = (
        select(
            pieces.c.id,
            piece_status.c.stage,
            piece_status.c.words,
            piece_status.c.last_scan_at,
            piece_status.c.looked_up_at,
            piece_status.c.last_outcome,
            piece_status.c.scan_count,
            piece_status.c.est_in_home,
            piece_status.c.est_basis,
            piece_status.c.late_after,
            replies.c.state.label("reply_state"),
        )
        .outerjoin(piece_status, piece_status.c.piece_id == pieces.c.id)
        .outerjoin(replies, replies.c.piece_id == pieces.c.id)
        .where(pieces.c.id.in_(ids))
    )
    with db.read() as conn:
        return {int(r["id"]): r for r in conn.execute(query).mappings()}
