"""Scans from USPS and the lookup log: stored once, never lost, raw payload kept."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, func, insert, select

from imb_tracker.errors import redact

from .engine import Database
from .schema import STAGE_GROUP, lookups, mailers, mailings, piece_status, pieces, scans


@dataclass(frozen=True)
class ScanRecord:
    imb: str
    scan_time: datetime
    scan_time_text: str
    op_code: str
    facility_zip: str
    facility_name: str
    machine: str
    source: str
    raw_payload: str
    dedupe_key: str


def _insert_ignore(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> int:
    """Insert rows whose unique key is new; returns how many were new."""
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: PLC0415

        result = conn.execute(pg_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]), rows)
    else:
        result = conn.execute(insert(table).prefix_with("OR IGNORE"), rows)
    return max(int(result.rowcount or 0), 0)


def piece_id_for(conn: Connection, imb: str) -> int | None:
    """The stored piece whose tracking + routing is this IMb (newest first), or None (an orphan scan)."""
    tracking, routing = imb[:20], imb[20:]
    row = conn.execute(
        select(pieces.c.id)
        .where(pieces.c.tracking == tracking, pieces.c.routing == routing)
        .order_by(pieces.c.id.desc())
    ).first()
    return int(row[0]) if row else None


def store_scans(
    conn: Connection,
    records: Sequence[ScanRecord],
    fetched_at: datetime,
    known: dict[str, int | None] | None = None,
) -> int:
    """Store scans idempotently (dedupe key unique); a reply's scans are kept apart; orphans with neither.

    ``known`` maps IMbs whose piece the caller has looked up already (a lookup resolves its piece once).
    """
    from .replies import reply_id_for  # noqa: PLC0415 - replies imports this module's neighbours

    ids: dict[str, int | None] = dict(known or {})
    reply_ids: dict[str, int | None] = {}
    rows = []
    for rec in records:
        if rec.imb not in ids:
            ids[rec.imb] = piece_id_for(conn, rec.imb)
        if ids[rec.imb] is None and rec.imb not in reply_ids:  # not a letter: perhaps a reply piece
            reply_ids[rec.imb] = reply_id_for(conn, rec.imb)
        rows.append(
            {
                "piece_id": ids[rec.imb],
                "reply_id": reply_ids.get(rec.imb),
                "imb": rec.imb,
                "scan_time": rec.scan_time,
                "scan_time_text": rec.scan_time_text,
                "op_code": rec.op_code,
                "facility_zip": rec.facility_zip,
                "facility_name": rec.facility_name,
                "machine": rec.machine,
                "source": rec.source,
                "raw_payload": rec.raw_payload,
                "fetched_at": fetched_at,
                "dedupe_key": rec.dedupe_key,
            }
        )
    return _insert_ignore(conn, scans, rows)


def log_lookup(
    conn: Connection,
    imb: str,
    requested_at: datetime,
    outcome: str,
    http_status: int | None,
    scan_count: int,
    error: str = "",
    *,
    piece_id: int | bool | None = False,
) -> None:
    """One line of the lookup log; ``piece_id`` when the caller resolved the piece already (False: look it up)."""
    pid = piece_id_for(conn, imb) if piece_id is False else piece_id
    conn.execute(
        lookups.insert().values(
            piece_id=pid,
            imb=imb,
            requested_at=requested_at,
            outcome=outcome,
            http_status=http_status,
            scan_count=scan_count,
            error=redact(error)[:2000],
        )
    )


def scans_for(db: Database, imb: str) -> list[RowMapping]:
    with db.read() as conn:
        return list(
            conn.execute(
                select(scans).where(scans.c.imb == imb).order_by(scans.c.scan_time, scans.c.op_code)
            ).mappings()
        )


def lookups_for(db: Database, imb: str) -> list[RowMapping]:
    with db.read() as conn:
        return list(
            conn.execute(
                select(lookups).where(lookups.c.imb == imb).order_by(lookups.c.requested_at)
            ).mappings()
        )


def refresh_candidates(db: Database, mailing: str | None = None) -> list[RowMapping]:
    """Per piece: IMb, mailed/created time, last scan time, last lookup time and outcome (for the planner)."""
    last_scan = (
        select(scans.c.piece_id, func.max(scans.c.scan_time).label("last_scan"))
        .where(scans.c.piece_id.is_not(None))
        .group_by(scans.c.piece_id)
        .subquery()
    )
    last_lookup = (
        select(lookups.c.piece_id, func.max(lookups.c.requested_at).label("last_lookup"))
        .where(lookups.c.piece_id.is_not(None))
        .group_by(lookups.c.piece_id)
        .subquery()
    )
    query = (
        select(
            pieces.c.id,
            pieces.c.tracking,
            pieces.c.routing,
            pieces.c.created_at,
            mailings.c.mailed_at,
            mailings.c.name.label("mailing"),
            last_scan.c.last_scan,
            last_lookup.c.last_lookup,
        )
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .outerjoin(last_scan, last_scan.c.piece_id == pieces.c.id)
        .outerjoin(last_lookup, last_lookup.c.piece_id == pieces.c.id)
        .where(pieces.c.voided_at.is_(None))  # a voided letter never went into the mail
        .order_by(pieces.c.id)
    )
    if mailing is not None:
        query = query.where(mailings.c.name == mailing)
    with db.read() as conn:
        return list(conn.execute(query).mappings())


def lookup_counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {
            str(k): int(v)
            for k, v in conn.execute(select(lookups.c.outcome, func.count()).group_by(lookups.c.outcome))
        }


def _piece_query() -> Any:
    return (
        select(
            pieces,
            mailings.c.name.label("mailing"),
            mailings.c.mailed_at,
            mailings.c.created_at.label("mailing_created"),
            mailers.c.mid,
            mailers.c.name.label("mailer_name"),
        )
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .join(mailers, mailers.c.id == mailings.c.mailer_id)
        .order_by(pieces.c.id.desc())
    )


def find_piece(db: Database, imb: str) -> RowMapping | None:
    """The piece carrying exactly this IMb (20-digit tracking code, or tracking + routing), newest first.

    Never a partial match: a short key is a serial, for :func:`pieces_with_serial`.
    """
    key = imb.strip()
    if len(key) < 20:
        return None
    cond = pieces.c.tracking == key[:20]
    if len(key) > 20:
        cond = and_(cond, pieces.c.routing == key[20:])
    with db.read() as conn:
        return conn.execute(_piece_query().where(cond)).mappings().first()


def pieces_with_serial(db: Database, serial: int, mid: str | None = None) -> list[RowMapping]:
    """The newest piece with exactly this serial for each Mailer ID (or for ``mid`` only)."""
    query = _piece_query().where(pieces.c.serial == serial)
    if mid is not None:
        query = query.where(mailers.c.mid == mid)
    newest: dict[str, RowMapping] = {}
    with db.read() as conn:
        for row in conn.execute(query).mappings():
            newest.setdefault(str(row["mid"]), row)  # rows come newest first
    return list(newest.values())


def piece_scan_rows(conn: Connection, piece_id: int) -> list[RowMapping]:
    """Every stored scan of one piece (inside the caller's transaction)."""
    return list(conn.execute(select(scans).where(scans.c.piece_id == piece_id)).mappings())


def write_status(
    conn: Connection,
    piece_id: int,
    *,
    stage: str,
    words: str,
    last_scan_at: datetime | None,
    scan_count: int,
    looked_up_at: datetime | None,
    last_outcome: str,
    expected_delivery: str = "",
    piece_payload: str = "",
    est_in_home: str = "",
    est_basis: str = "",
    late_after: str = "",
) -> None:
    """Replace one piece's headline status (same transaction as the scans it sums up)."""
    conn.execute(piece_status.delete().where(piece_status.c.piece_id == piece_id))
    conn.execute(
        piece_status.insert().values(
            piece_id=piece_id,
            stage=stage,
            words=words[:200],
            last_scan_at=last_scan_at,
            scan_count=scan_count,
            looked_up_at=looked_up_at,
            last_outcome=last_outcome,
            expected_delivery=expected_delivery[:10],
            piece_payload=piece_payload,
            est_in_home=est_in_home,
            est_basis=est_basis,
            late_after=late_after,
            stage_group=STAGE_GROUP.get(stage, ""),
        )
    )
    # the letters table's sort keys, kept on the piece (schema version 11)
    conn.execute(
        pieces.update()
        .where(pieces.c.id == piece_id)
        .values(status_key=stage, last_scan_key=scan_key(last_scan_at))
    )


def scan_key(when: datetime | None) -> str:
    """A scan time as the sortable text kept in pieces.last_scan_key ("" for none)."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f") if when is not None else ""


def estimate_inputs(conn: Connection, piece_id: int) -> RowMapping | None:
    """What a piece's in-home estimate starts from: its mailing's mailed date (else the piece's
    created date) and entry ZIP, and the piece's ZIP."""
    query = (
        select(
            func.coalesce(mailings.c.mailed_at, pieces.c.created_at).label("mailed_at"),
            mailings.c.entry_zip,
            pieces.c.zip5,
        )
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .where(pieces.c.id == piece_id)
    )
    return conn.execute(query).mappings().first()


def status_of(conn: Connection, piece_id: int) -> RowMapping | None:
    return conn.execute(select(piece_status).where(piece_status.c.piece_id == piece_id)).mappings().first()


def piece_status_row(db: Database, piece_id: int) -> RowMapping | None:
    """One piece's headline status row (stage, expected delivery …), read on its own."""
    with db.read() as conn:
        return status_of(conn, piece_id)


def pieces_needing_status(db: Database) -> list[int]:
    """Pieces with scans or lookups but no status row (a database from before schema version 4), and
    status rows with no estimate yet (from before version 10)."""
    with db.read() as conn:
        seen = (
            select(scans.c.piece_id)
            .where(scans.c.piece_id.is_not(None))
            .union(select(lookups.c.piece_id).where(lookups.c.piece_id.is_not(None)))
            .subquery()
        )
        query = select(seen.c.piece_id).where(seen.c.piece_id.not_in(select(piece_status.c.piece_id)))
        unestimated = select(piece_status.c.piece_id).where(piece_status.c.est_basis == "")
        return sorted(
            {int(r[0]) for r in conn.execute(query)} | {int(r[0]) for r in conn.execute(unestimated)}
        )


def iter_scan_rows(
    db: Database, *, mailing: str | None = None, imb: str | None = None, chunk: int = 2000
) -> Iterator[RowMapping]:
    """Stored scans (of one mailing, one IMb, or all) with their mailing and recipient name, streamed."""
    query = (
        select(scans, mailings.c.name.label("mailing"), pieces.c.name.label("piece_name"))
        .outerjoin(pieces, pieces.c.id == scans.c.piece_id)
        .outerjoin(mailings, mailings.c.id == pieces.c.mailing_id)
        .order_by(scans.c.imb, scans.c.scan_time)
    )
    if mailing is not None:
        query = query.where(mailings.c.name == mailing)
    if imb is not None:
        query = query.where(scans.c.imb == imb)
    with db.read() as conn:
        yield from conn.execution_options(yield_per=chunk).execute(query).mappings()


def last_lookup(conn: Connection, piece_id: int) -> tuple[str, datetime] | None:
    """The latest lookup of a piece: (outcome, requested at), or None."""
    row = conn.execute(
        select(lookups.c.outcome, lookups.c.requested_at)
        .where(lookups.c.piece_id == piece_id)
        .order_by(lookups.c.requested_at.desc())
    ).first()
    return (str(row[0]), row[1]) if row else None


@dataclass(frozen=True)
class MailingScans:
    """Everything a mailing's report reads: the mailing, its pieces, their scans, and who USPS did not know."""

    mailing: RowMapping
    pieces: list[RowMapping]
    scans_by_piece: dict[int, list[RowMapping]]
    not_found: set[int]


def mailing_scans(db: Database, mailing: str) -> MailingScans:
    """One read of a mailing's pieces and scans, for its report."""
    from .mailings import mailing_row  # noqa: PLC0415 - mailings imports this module's neighbours

    with db.read() as conn:
        m = mailing_row(conn, mailing)
        piece_rows = list(
            conn.execute(
                select(pieces, piece_status.c.expected_delivery, piece_status.c.piece_id.label("has_status"))
                .outerjoin(piece_status, piece_status.c.piece_id == pieces.c.id)
                .where(pieces.c.mailing_id == m["id"])
                .order_by(pieces.c.id)
            ).mappings()
        )
        by_piece: dict[int, list[RowMapping]] = {}
        for s in conn.execute(
            select(scans).join(pieces, pieces.c.id == scans.c.piece_id).where(pieces.c.mailing_id == m["id"])
        ).mappings():
            by_piece.setdefault(int(s["piece_id"]), []).append(s)
        not_found = {
            int(r[0])
            for r in conn.execute(
                select(lookups.c.piece_id)
                .join(pieces, pieces.c.id == lookups.c.piece_id)
                .where(pieces.c.mailing_id == m["id"], lookups.c.outcome == "not_found")
            )
        }
    return MailingScans(m, piece_rows, by_piece, not_found)


def first_scan_of_mailing(db: Database, mailing: str) -> datetime | None:
    """The earliest scan USPS reported for any piece of ``mailing`` (None when none was scanned yet)."""
    from .mailings import mailing_row  # noqa: PLC0415 - mailings imports this module's neighbours

    with db.read() as conn:
        mailing_id = mailing_row(conn, mailing)["id"]
        return conn.execute(
            select(func.min(scans.c.scan_time))
            .join(pieces, pieces.c.id == scans.c.piece_id)
            .where(pieces.c.mailing_id == mailing_id)
        ).scalar()
