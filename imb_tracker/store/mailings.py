"""Mailings and their pieces: creating a mailing is one transaction, reading streams rows.

Serials are reserved (and committed) first, then the mailing and all of its
pieces are written in a single transaction: a crash or a cancel leaves either
the whole mailing or none of it, and the serials it had are never reused
inside the window.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from operator import itemgetter, not_
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, Select, func, select

from imb_tracker.imb import FieldError, encode_tracking
from imb_tracker.imb.fields import validate_barcode_id, validate_service_type
from imb_tracker.records import AddressRecord, StoredPiece

from .engine import Database, new_id
from .errors import CancelledError, ConflictError, NotFoundError, StoreError
from .mailers import _mailer_row
from .schema import mailers, mailings, pieces, scans
from .search_index import index_search_in
from .serials import reserve

log = logging.getLogger(__name__)

BATCH = 5000
#: progress(done, total); return False to cancel
Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class MailingSummary:
    id: int
    name: str
    mid: str
    stid: str
    piece_count: int
    first_serial: int | None
    last_serial: int | None
    created_at: datetime
    status: str
    mailed_at: datetime | None = None


def _summary(row: RowMapping) -> MailingSummary:
    return MailingSummary(
        id=row["id"],
        name=row["name"],
        mid=row["mid"],
        stid=row["stid"],
        piece_count=row["piece_count"],
        first_serial=row.get("first_serial"),
        last_serial=row.get("last_serial"),
        created_at=row["created_at"],
        status=row["status"],
        mailed_at=row.get("mailed_at"),
    )


MAX_NAME = 200  # the column's width, on every database


def validate_mailing_name(name: str) -> str:
    """The name, trimmed; refused when empty or longer than the database holds (before any serial is used)."""
    name = name.strip()
    if not name:
        raise FieldError("name", name, "the mailing needs a name", "e.g. 'Spring appeal 2026'")
    if len(name) > MAX_NAME or "\x00" in name:
        raise FieldError(
            "name",
            name[:40] + "…",
            f"a mailing name is at most {MAX_NAME} characters of text ({len(name):,} given)",
            "give a shorter name",
        )
    return name


def check_new_mailing(db: Database, mid: str, name: str) -> None:
    """Refuse early (before a long list is read) an unknown mailer or a mailing name already used."""
    validate_mailing_name(name)
    with db.read() as conn:
        _mailer_row(conn, mid)
        if conn.execute(select(mailings.c.id).where(mailings.c.name == name.strip())).first():
            raise ConflictError(f"a mailing called {name.strip()!r} already exists; choose another name")


def create_mailing(
    db: Database,
    mid: str,
    name: str,
    records: Sequence[AddressRecord],
    *,
    stid: str | None = None,
    barcode_id: str | None = None,
    source_file: str = "",
    workstation: str = "",
    progress: Progress | None = None,
    allow_reuse: bool = False,
) -> MailingSummary:
    """Create a mailing with one piece (and one fresh serial) per record, all or nothing.

    ``allow_reuse`` confirms handing out serials issued before (see :func:`.serials.reserve`).
    The mailing records the database's identity, so its serials can be traced to where they came from.
    """
    name = validate_mailing_name(name)
    if not records:
        raise StoreError("there are no valid recipients to put in the mailing")
    with db.read() as conn:
        mailer = _mailer_row(conn, mid)
        if conn.execute(select(mailings.c.id).where(mailings.c.name == name)).first():
            raise ConflictError(f"a mailing called {name!r} already exists; choose another name")
    stid = validate_service_type(stid or mailer["default_stid"])
    barcode_id = validate_barcode_id(barcode_id or mailer["barcode_id"])
    mid = mailer["mid"]
    total = len(records)
    reservation = reserve(
        db, mid, total, workstation=workstation, purpose=f"mailing {name}", allow_reuse=allow_reuse
    )
    identity = db.identity()
    prefix = barcode_id + stid + mid
    width = 15 - len(mid)
    now = db.clock()
    with db.write() as conn:
        try:
            mailing_id = _insert_mailing(
                conn, mailer["id"], name, stid, barcode_id, now, source_file, total, identity
            )
        except Exception as exc:  # a concurrent import took the name between our check and here
            if "unique" in str(exc).lower():
                raise ConflictError(
                    f"a mailing called {name!r} already exists; choose another name"
                ) from None
            raise
        # the dialect's own DateTime (the generic type's processor is None: the driver's deprecated
        # default adapter would then convert the same value once per row)
        created = pieces.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        stamp = created(now) if created else now
        rebuild = _set_aside_indexes(conn, total)
        done = 0
        for batch in _piece_rows(mailing_id, reservation, records, f"{prefix}%0{width}d", stamp):
            done += _insert_pieces(conn, batch)
            if progress is not None and done < total and progress(done, total) is False:
                raise CancelledError(f"import of {name!r} cancelled; nothing was saved")
        for statement in rebuild:  # one sort per index instead of a random insert per row
            conn.exec_driver_sql(statement)
        index_search_in(conn)  # search finds the new letters at once, by the index, not by LIKE
        if progress is not None:
            progress(done, total)
    log.info("created mailing %r with %d pieces (MID %s, serials %s)", name, total, mid, reservation.ranges)
    first_serial = reservation.ranges[0][0]
    last_serial = reservation.ranges[-1][1]
    return MailingSummary(mailing_id, name, mid, stid, total, first_serial, last_serial, now, "created")


def _piece_rows(
    mailing_id: int, serials: Iterable[int], records: Sequence[AddressRecord], tracking: str, stamp: object
) -> Iterator[list[tuple[object, ...]]]:
    """The pieces table's rows for ``records``, in batches of :data:`BATCH` (``_PIECE_INSERT_COLUMNS``).

    Built a column at a time, with the per-row work done by ``map`` and ``zip`` in C: a loop that
    unpacked each record and built its tuple took a sixth of a 100,000-row import (issue 19).
    ``tracking`` is the %-format of the tracking code, given the serial.
    """
    numbers = list(serials)
    if len(numbers) != len(records):
        raise StoreError(f"{len(numbers)} serials were reserved for {len(records)} pieces")
    for first in range(0, len(records), BATCH):
        chunk = records[first : first + BATCH]
        batch_serials = numbers[first : first + BATCH]
        row, who, company, address1, address2, city, state, zip5, zip4, dp, extra = zip(*chunk, strict=True)
        if any(compress(dp, map(not_, zip4))):  # a delivery point without a ZIP+4 is not routed
            routing: Iterable[str] = [
                z5 + z4 + d if z4 else z5 for z5, z4, d in zip(zip5, zip4, dp, strict=True)
            ]
        else:  # AddressRecord.routing, with the empty ZIP+4 and delivery point adding nothing
            routing = map("".join, zip(zip5, zip4, dp, strict=True))
        yield list(
            zip(
                repeat(mailing_id),
                batch_serials,
                map(tracking.__mod__, batch_serials),  # %-formatting: twice as fast as an f-string
                routing,
                who,
                company,
                address1,
                address2,
                city,
                state,
                zip5,
                zip4,
                dp,
                _extra_column(extra),
                row,
                repeat(stamp),
            )
        )


#: a bulk insert of at least this many pieces, and at least as many as are stored already, sets the
#: pieces table's secondary indexes aside and builds them again after (measured: issue 19)
BULK_ROWS = 20_000


def _set_aside_indexes(conn: Connection, adding: int) -> list[str]:
    """Drop the pieces table's plain secondary indexes for a big insert into a small table; returns the
    statements that build them again.

    Building an index once from sorted rows is cheaper than inserting each of ``adding`` rows into
    ten b-trees (measured at 100,000 rows: 1.0-1.1 s to save against 1.3-1.5 s; rebuilding only the
    indexes whose keys come in random order was in between), but only while the table is not much
    bigger than what is added (a rebuild reads every row).  SQLite only, in the caller's
    transaction: DDL is transactional there, so a crash or a cancel rolls the drop back with the
    rows, and other connections never see the table without its indexes (WAL readers keep their
    snapshot).  Unique constraints are never touched.
    """
    if conn.dialect.name != "sqlite" or adding < BULK_ROWS:
        return []
    # the span of ids, not count(*): two index seeks, where a count reads the whole table
    span = "SELECT coalesce((SELECT max(id) FROM pieces), 0) - coalesce((SELECT min(id) FROM pieces), 0)"
    stored = int(conn.exec_driver_sql(span).scalar_one())
    if stored > adding:
        return []
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pieces' AND sql IS NOT NULL"
    ).all()
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [str(sql) for _name, sql in found]


def _insert_mailing(
    conn: Connection,
    mailer_id: int,
    name: str,
    stid: str,
    barcode_id: str,
    now: datetime,
    source_file: str,
    piece_count: int,
    identity: str,
) -> int:
    """A new mailing row (status "created"), recording the database it was made in."""
    return new_id(
        conn.execute(
            mailings.insert().values(
                mailer_id=mailer_id,
                name=name,
                stid=stid,
                barcode_id=barcode_id,
                status="created",
                created_at=now,
                mailed_at=None,
                source_file=source_file[:500],
                piece_count=piece_count,
                database_id=identity,
            )
        )
    )


_EXTRA_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))
_quote = json.encoder.encode_basestring  # the C string encoder json.dumps uses (ensure_ascii=False)
_quoted_keys: dict[str, str] = {}


def _extra_json(extra: dict[str, str]) -> str:
    """A record's extra columns as compact JSON, as json.dumps(ensure_ascii=False) writes them.

    Every row of a list has the same column names, so each is quoted once; the general encoder
    cost a tenth of a 100,000-row import (measured in issue 19).
    """
    keys = _quoted_keys
    try:
        return "{" + ",".join([keys[k] + ":" + _quote(v) for k, v in extra.items()]) + "}"
    except KeyError:  # a column name not quoted yet
        if not all(type(k) is str for k in extra):  # not from a list file: the general encoder
            return _EXTRA_ENCODER.encode(extra)
        if len(keys) > 1000:  # many lists with different columns in one process: start afresh
            keys.clear()
        keys.update((k, _quote(k)) for k in extra)
        return _extra_json(extra)
    except TypeError:  # a value that is not text (not from a list file)
        return _EXTRA_ENCODER.encode(extra)


def _extra_column(extras: Sequence[dict[str, str] | None]) -> Iterable[str]:
    """Each record's extra columns as JSON (see :func:`_extra_json`), for a batch of records.

    A list's usual extra column (a donor ID in every row) gives every record one and the same key:
    then the JSON is one template filled in C, without a call per row.
    """
    if None not in extras:
        every = cast("Sequence[dict[str, str]]", extras)
        keys = set(map(next, map(iter, every))) if set(map(len, every)) == {1} else set()  # one in each
        if len(keys) == 1 and type(key := keys.pop()) is str:
            values = list(map(itemgetter(key), every))
            if set(map(type, values)) == {str}:
                template = "{" + _quote(key).replace("%", "%%") + ":%s}"
                return map(template.__mod__, map(_quote, values))
    return [_extra_json(e) if e else "{}" for e in extras]


_PIECE_INSERT_COLUMNS = (
    "mailing_id",
    "serial",
    "tracking",
    "routing",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "zip5",
    "zip4",
    "delivery_point",
    "extra",
    "source_row",
    "created_at",
)


def _insert_pieces(conn: Connection, batch: list[tuple[object, ...]]) -> int:
    # created_at is already in storage form (bind-processed once above), so skip processors
    # by sending through the driver directly.
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote('pieces')} ({', '.join(quote(c) for c in _PIECE_INSERT_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(_PIECE_INSERT_COLUMNS))})"
    )
    conn.exec_driver_sql(sql, batch)  # type: ignore[arg-type]
    return len(batch)


def mailing_row(conn: Connection, name: str) -> RowMapping:
    row = (
        conn.execute(
            select(mailings, mailers.c.mid)
            .join(mailers, mailers.c.id == mailings.c.mailer_id)
            .where(mailings.c.name == name)
        )
        .mappings()
        .first()
    )
    if row is None:
        names = (
            conn.execute(select(mailings.c.name).order_by(mailings.c.created_at.desc()).limit(5))
            .scalars()
            .all()
        )
        hint = f"; recent mailings: {', '.join(names)}" if names else "; there are no mailings yet"
        raise NotFoundError(f"there is no mailing called {name!r}{hint}")
    return row


def get_mailing(db: Database, name: str) -> MailingSummary:
    with db.read() as conn:
        return _summary(mailing_row(conn, name))


def list_mailings(db: Database) -> list[MailingSummary]:
    """Every mailing, oldest first, with its first and last serial.

    The serials come from one index seek per mailing (the (mailing, serial) unique index), not a
    GROUP BY over all pieces: the window lists mailings on every refresh, and at a million pieces
    the grouped query took most of a second.
    """
    first = select(func.min(pieces.c.serial)).where(pieces.c.mailing_id == mailings.c.id).scalar_subquery()
    last = select(func.max(pieces.c.serial)).where(pieces.c.mailing_id == mailings.c.id).scalar_subquery()
    query = (
        select(mailings, mailers.c.mid, first.label("first_serial"), last.label("last_serial"))
        .join(mailers, mailers.c.id == mailings.c.mailer_id)
        .order_by(mailings.c.created_at, mailings.c.id)
    )
    with db.read() as conn:
        return [_summary(r) for r in conn.execute(query).mappings()]


def _stored(row: RowMapping) -> StoredPiece:
    tracking, routing = row["tracking"], row["routing"]
    extra = json.loads(row["extra"]) if row["extra"] and row["extra"] != "{}" else {}
    address = AddressRecord(
        row=row["source_row"] or 0,
        name=row["name"],
        company=row["company"],
        address1=row["address1"],
        address2=row["address2"],
        city=row["city"],
        state=row["state"],
        zip5=row["zip5"],
        zip4=row["zip4"],
        delivery_point=row["delivery_point"],
        extra=extra or None,
    )
    return StoredPiece(
        address=address,
        tracking=tracking,
        routing=routing,
        bars=encode_tracking(tracking, routing),
        mailing=row["mailing_name"],
        serial=tracking[5 + len(row["mid"]) :],
        id=row["id"],
        created_at=row["created_at"],
        mailed_at=row["mailed_at"],
        voided_at=row.get("voided_at"),
    )


def _stored_query() -> Select[Any]:
    """Pieces with what :func:`_stored` needs of their mailing and mailer (every piece reader uses it)."""
    return (
        select(pieces, mailings.c.name.label("mailing_name"), mailings.c.mailed_at, mailers.c.mid)
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .join(mailers, mailers.c.id == mailings.c.mailer_id)
    )


def iter_pieces(db: Database, mailing: str | None = None, chunk: int = 2000) -> Iterator[StoredPiece]:
    """Every piece (of one mailing, or all) in serial order, with its IMb and bars, streamed."""
    query = _stored_query().order_by(pieces.c.mailing_id, pieces.c.id)
    with db.read() as conn:
        if mailing is not None:
            query = query.where(pieces.c.mailing_id == mailing_row(conn, mailing)["id"])
        for row in conn.execution_options(yield_per=chunk).execute(query).mappings():
            yield _stored(row)


def mark_mailed(db: Database, name: str, when: datetime) -> None:
    """Record when a mailing went into the mail (the planner and delivery figures count from it)."""
    with db.write() as conn:
        row = mailing_row(conn, name)
        conn.execute(
            mailings.update().where(mailings.c.id == row["id"]).values(mailed_at=when, status="mailed")
        )


def add_letter(
    db: Database,
    mid: str,
    mailing: str,
    record: AddressRecord,
    *,
    stid: str | None = None,
    workstation: str = "",
    allow_reuse: bool = False,
) -> StoredPiece:
    """One letter with a fresh serial, added to ``mailing`` (made on first use: "Single letters – …").

    Letters typed one at a time are grouped (one mailing a month) rather than each becoming a
    mailing of its own.  The serial is reserved and committed first, as for any mailing; the piece
    and the mailing's count are then written in one transaction.
    """
    mailing = validate_mailing_name(mailing)
    with db.read() as conn:
        mailer = _mailer_row(conn, mid)
        existing = conn.execute(select(mailings).where(mailings.c.name == mailing)).mappings().first()
    stid = validate_service_type(stid or (existing["stid"] if existing else mailer["default_stid"]))
    if existing is not None and (existing["mailer_id"] != mailer["id"] or existing["stid"] != stid):
        raise ConflictError(
            f"the mailing {mailing!r} holds letters of another Mailer ID or service type; name the letter's "
            "mailing differently"
        )
    barcode_id = existing["barcode_id"] if existing else validate_barcode_id(mailer["barcode_id"])
    mid = mailer["mid"]
    reservation = reserve(
        db, mid, 1, workstation=workstation, purpose=f"letter in {mailing}", allow_reuse=allow_reuse
    )
    serial = next(iter(reservation))
    now = db.clock()
    tracking = f"{barcode_id}{stid}{mid}{serial:0{15 - len(mid)}d}"
    with db.write() as conn:
        row = conn.execute(select(mailings).where(mailings.c.name == mailing)).mappings().first()
        if row is None:
            mailing_id = _insert_mailing(
                conn, mailer["id"], mailing, stid, barcode_id, now, "single letters", 0, db.identity()
            )
        else:
            mailing_id = row["id"]
        piece_id = new_id(
            conn.execute(
                pieces.insert().values(
                    mailing_id=mailing_id,
                    serial=serial,
                    tracking=tracking,
                    routing=record.routing,
                    name=record.name,
                    company=record.company,
                    address1=record.address1,
                    address2=record.address2,
                    city=record.city,
                    state=record.state,
                    zip5=record.zip5,
                    zip4=record.zip4,
                    delivery_point=record.delivery_point,
                    extra=_EXTRA_ENCODER.encode(record.extra) if record.extra else "{}",
                    source_row=0,
                    created_at=now,
                )
            )
        )
        conn.execute(
            mailings.update()
            .where(mailings.c.id == mailing_id)
            .values(piece_count=mailings.c.piece_count + 1)
        )
    log.info("stored a letter to %r in %r: serial %d", record.name or record.company, mailing, serial)
    return get_piece(db, piece_id)


def get_piece(db: Database, piece_id: int) -> StoredPiece:
    """One stored piece by its id (what a table row or a letter refers to)."""
    query = _stored_query().where(pieces.c.id == piece_id)
    with db.read() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"there is no piece number {piece_id}")
    return _stored(row)


def letters_like(db: Database, record: AddressRecord, since: datetime) -> list[StoredPiece]:
    """Pieces stored since ``since`` for the same recipient (name or company, street, ZIP), newest first."""
    query = (
        _stored_query()
        .where(
            pieces.c.created_at >= since,
            pieces.c.zip5 == record.zip5,
            func.lower(pieces.c.address1) == record.address1.lower(),
            func.lower(pieces.c.name) == record.name.lower(),
            func.lower(pieces.c.company) == record.company.lower(),
        )
        .order_by(pieces.c.id.desc())
    )
    with db.read() as conn:
        return [_stored(r) for r in conn.execute(query).mappings()]


def void_piece(db: Database, piece_id: int, when: datetime) -> StoredPiece:
    """Mark a piece voided: printed but never mailed.  Refused once USPS has scanned it.

    The piece stays (so its serial stays reserved and is never handed out again inside the
    window); the refresh planner leaves it out and the letters table says "Void".
    """
    with db.write() as conn:
        row = conn.execute(select(pieces.c.id, pieces.c.voided_at).where(pieces.c.id == piece_id)).first()
        if row is None:
            raise NotFoundError(f"there is no piece number {piece_id}")
        scanned = conn.execute(
            select(func.count()).select_from(scans).where(scans.c.piece_id == piece_id)
        ).scalar()
        if scanned:
            raise ConflictError(
                f"USPS has already scanned this letter ({scanned} scan(s)); it was mailed, so it cannot be voided"
            )
        if row.voided_at is None:
            conn.execute(pieces.update().where(pieces.c.id == piece_id).values(voided_at=when))
    log.info("voided piece %d", piece_id)
    return get_piece(db, piece_id)


def set_routing(db: Database, mailing: str, changes: dict[int, tuple[str, str]]) -> int:
    """Give pieces of ``mailing`` their completed ZIP+4 and delivery point: piece id → (zip4, dp).

    The routing code is part of the barcode, so this is refused once the mailing is marked
    mailed (its barcodes are out in the mail); before printing, a completed routing code only
    makes the IMb more precise — the serial, and so the IMb's uniqueness, stay.
    """
    with db.write() as conn:
        row = mailing_row(conn, mailing)
        if row["mailed_at"] is not None:
            raise ConflictError(
                f"{mailing!r} was already mailed: its barcodes are printed, so its routing codes stay as they are"
            )
        done = 0
        for piece_id, (zip4, dp) in changes.items():
            result = conn.execute(
                pieces.update()
                .where(pieces.c.id == piece_id, pieces.c.mailing_id == row["id"])
                .values(zip4=zip4, delivery_point=dp, routing=pieces.c.zip5 + zip4 + dp)
            )
            done += result.rowcount or 0
    log.info("completed the routing code of %d piece(s) of %r", done, mailing)
    return done
