"""Trays, sacks and pallets of a mailing: their barcodes from the allocator and the pieces in each.

A tray or sack carries a 24-digit IMtb, a pallet a ``99M`` container barcode; their
serials come from the same allocator as pieces, in their own namespaces per Mailer
ID (``tray`` for trays and sacks, which share the IMtb format; ``container`` for
pallets), so no container barcode repeats inside the uniqueness window.  A piece
is in at most one tray (``container_pieces`` is keyed by the piece); a tray or
sack may sit on one pallet (``parent_id``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, case, func, select

from imb_tracker.imb import ContainerBarcode, FieldError, TrayBarcode
from imb_tracker.imb.presort import LINE_MAX, PieceSpot, TrayPlan

from .engine import Database, new_id
from .errors import ConflictError, NotFoundError
from .mailings import mailing_row
from .schema import container_pieces, container_scans, containers, mailers, piece_status, pieces, scans
from .serials import reserve

log = logging.getLogger(__name__)

CONTAINER_KINDS = ("tray", "sack", "pallet")


@dataclass(frozen=True)
class Container:
    """One tray, sack or pallet as the store holds it, with what is in it."""

    id: int
    mailing: str
    kind: str
    number: int
    barcode: str
    zip: str
    cin: str
    level: str
    line1: str
    line2: str
    line3: str
    pieces: int
    first_serial: int | None
    last_serial: int | None
    parent: str  # the pallet's barcode, or ""
    printed_at: datetime | None


@dataclass(frozen=True)
class Labels:
    """How a kind's 24-digit barcode is filled in: digit 9 and digit 24 (both UNCONFIRMED settings)."""

    processing_code: str = "1"
    label_type: str = "1"


def _check_line(number: int, text: str) -> str:
    line = " ".join(text.upper().split())
    if len(line) > LINE_MAX:
        raise FieldError(
            f"line{number}",
            line,
            f"Line {number} has {len(line)} characters; at most {LINE_MAX} fit",
            "shorten it",
        )
    return line


def _mailing(conn: Connection, mailing: str) -> RowMapping:
    return mailing_row(conn, mailing)


def has_containers(db: Database, mailing: str, kinds: Sequence[str] = ("tray", "sack")) -> bool:
    with db.read() as conn:
        m = _mailing(conn, mailing)
        return (
            conn.execute(
                select(containers.c.id).where(
                    containers.c.mailing_id == m["id"], containers.c.kind.in_(kinds)
                )
            ).first()
            is not None
        )


def store_trays(
    db: Database,
    mailing: str,
    plans: Sequence[TrayPlan],
    cins: dict[str, str],
    lines: Sequence[tuple[str, str, str]],
    *,
    kind: str = "tray",
    labels: Labels = Labels(),
    replace: bool = False,
    workstation: str = "",
) -> list[Container]:
    """Store planned trays (or sacks) with barcodes from the allocator, and put each piece in its tray.

    ``cins`` maps a plan's level to its CIN; ``lines`` gives each plan's three lines.  A mailing
    that has trays already is refused unless ``replace`` (their serials stay used: never reissued).
    Nothing is stored when a field is wrong: every barcode is checked before serials are reserved.
    """
    if kind not in ("tray", "sack"):
        raise FieldError("kind", kind, "trays and sacks hold pieces", "use tray or sack")
    if not plans:
        raise FieldError(
            "mailing", mailing, "the mailing has no pieces to put in trays", "import a list first"
        )
    with db.read() as conn:
        m = _mailing(conn, mailing)
        mid = str(m["mid"])
    width = 14 - len(mid)
    checked = [tuple(_check_line(n + 1, t) for n, t in enumerate(three)) for three in lines]
    for plan in plans:  # the whole barcode, with a placeholder serial: a bad ZIP or CIN costs no serial
        TrayBarcode(plan.zip, cins[plan.level], mid, "0" * width, labels.processing_code, labels.label_type)
    if has_containers(db, mailing) and not replace:
        raise ConflictError(
            f"{mailing!r} has trays already; list them with 'imb-tracker trays list', or build again with "
            "--replace (the old tray barcodes are not reused)"
        )
    reservation = reserve(
        db, mid, len(plans), kind="tray", workstation=workstation, purpose=f"{kind}s of {mailing}"
    )
    serials = list(reservation)
    with db.write() as conn:
        m = _mailing(conn, mailing)
        old = select(containers.c.id).where(
            containers.c.mailing_id == m["id"], containers.c.kind.in_(("tray", "sack"))
        )
        old_ids = [int(r[0]) for r in conn.execute(old)]
        if old_ids and not replace:
            raise ConflictError(f"{mailing!r} got trays from another window or process meanwhile; list them")
        if old_ids:
            conn.execute(container_pieces.delete().where(container_pieces.c.container_id.in_(old_ids)))
            conn.execute(container_scans.delete().where(container_scans.c.container_id.in_(old_ids)))
            conn.execute(containers.delete().where(containers.c.id.in_(old_ids)))
        now = db.now(conn)
        members: list[dict[str, int]] = []
        for number, (plan, three, serial) in enumerate(zip(plans, checked, serials, strict=True), start=1):
            code = TrayBarcode(
                plan.zip,
                cins[plan.level],
                mid,
                f"{serial:0{width}d}",
                labels.processing_code,
                labels.label_type,
            )
            result = conn.execute(
                containers.insert().values(
                    mailing_id=m["id"],
                    mailer_id=m["mailer_id"],
                    kind=kind,
                    number=number,
                    serial=serial,
                    barcode=code.digits,
                    zip=plan.zip,
                    cin=code.content_id,
                    level=plan.level,
                    line1=three[0],
                    line2=three[1],
                    line3=three[2],
                    created_at=now,
                )
            )
            cid = new_id(result)
            members.extend(
                {"piece_id": pid, "container_id": cid, "position": i}
                for i, pid in enumerate(plan.piece_ids, 1)
            )
        for start in range(0, len(members), 5000):
            conn.execute(container_pieces.insert(), members[start : start + 5000])
    log.info("%s: %d %s(s) for %d piece(s)", mailing, len(plans), kind, sum(len(p.piece_ids) for p in plans))
    return list_containers(db, mailing, kinds=(kind,))


def piece_spots(db: Database, mailing: str) -> list[PieceSpot]:
    """The mailing's live pieces (not voided) in print order, as the grouping needs them."""
    with db.read() as conn:
        m = _mailing(conn, mailing)
        rows = conn.execute(
            select(pieces.c.id, pieces.c.zip5, pieces.c.city, pieces.c.state)
            .where(pieces.c.mailing_id == m["id"], pieces.c.voided_at.is_(None))
            .order_by(pieces.c.id)
        )
        return [PieceSpot(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def column_groups(db: Database, mailing: str, column: str) -> list[tuple[str, list[PieceSpot]]]:
    """The pieces grouped by an imported column (its value names the tray), in order of first appearance."""
    with db.read() as conn:
        m = _mailing(conn, mailing)
        rows = list(
            conn.execute(
                select(pieces.c.id, pieces.c.zip5, pieces.c.city, pieces.c.state, pieces.c.extra)
                .where(pieces.c.mailing_id == m["id"], pieces.c.voided_at.is_(None))
                .order_by(pieces.c.id)
            )
        )
    groups: dict[str, list[PieceSpot]] = {}
    missing = 0
    for r in rows:
        extra = json.loads(r[4]) if r[4] else {}
        value = str(extra.get(column, "")).strip() if isinstance(extra, dict) else ""
        if not value:
            missing += 1
            continue
        groups.setdefault(value, []).append(PieceSpot(int(r[0]), str(r[1]), str(r[2]), str(r[3])))
    if not groups:
        raise FieldError(
            "column",
            column,
            f"no piece of {mailing!r} has a value in the column {column!r}",
            "name a column of the list",
        )
    if missing:
        raise FieldError(
            "column",
            column,
            f"{missing:,} piece(s) of {mailing!r} have no value in {column!r}; every piece needs its tray",
            "fill the column for every row, or build the trays automatically",
        )
    return list(groups.items())


def _query(mailing_id: int, kinds: Sequence[str]) -> Any:
    pallet = containers.alias("pallet")
    counts = (
        select(
            container_pieces.c.container_id,
            func.count().label("n"),
            func.min(pieces.c.serial).label("first_serial"),
            func.max(pieces.c.serial).label("last_serial"),
        )
        .join(pieces, pieces.c.id == container_pieces.c.piece_id)
        .group_by(container_pieces.c.container_id)
        .subquery()
    )
    children = (
        select(containers.c.parent_id, func.count().label("n"))
        .where(containers.c.parent_id.is_not(None))
        .group_by(containers.c.parent_id)
        .subquery("children")
    )
    return (
        select(
            containers,
            case(
                (containers.c.kind == "pallet", func.coalesce(children.c.n, 0)),
                else_=func.coalesce(counts.c.n, 0),
            ).label("n"),
            counts.c.first_serial,
            counts.c.last_serial,
            func.coalesce(pallet.c.barcode, "").label("parent"),
        )
        .outerjoin(counts, counts.c.container_id == containers.c.id)
        .outerjoin(children, children.c.parent_id == containers.c.id)
        .outerjoin(pallet, pallet.c.id == containers.c.parent_id)
        .where(containers.c.mailing_id == mailing_id, containers.c.kind.in_(kinds))
        .order_by(containers.c.kind, containers.c.number)
    )


def list_containers(
    db: Database, mailing: str, kinds: Sequence[str] = ("tray", "sack", "pallet")
) -> list[Container]:
    """The mailing's containers in order (trays and sacks by number, then pallets), with counts."""
    with db.read() as conn:
        m = _mailing(conn, mailing)
        rows = conn.execute(_query(int(m["id"]), kinds)).mappings().all()
    order = {k: i for i, k in enumerate(CONTAINER_KINDS)}
    return sorted(
        (
            Container(
                int(r["id"]),
                mailing,
                str(r["kind"]),
                int(r["number"]),
                str(r["barcode"]),
                str(r["zip"]),
                str(r["cin"]),
                str(r["level"]),
                str(r["line1"]),
                str(r["line2"]),
                str(r["line3"]),
                int(r["n"]),
                int(r["first_serial"]) if r["first_serial"] is not None else None,
                int(r["last_serial"]) if r["last_serial"] is not None else None,
                str(r["parent"]),
                r["printed_at"],
            )
            for r in rows
        ),
        key=lambda c: (order.get(c.kind, 9), c.number),
    )


def _container(conn: Connection, mailing_id: int, kind: str, number: int) -> RowMapping:
    row = (
        conn.execute(
            select(containers).where(
                containers.c.mailing_id == mailing_id,
                containers.c.kind == kind,
                containers.c.number == number,
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"the mailing has no {kind} {number}")
    return row


def set_lines(
    db: Database,
    mailing: str,
    number: int,
    *,
    kind: str = "tray",
    line1: str | None = None,
    line2: str | None = None,
    line3: str | None = None,
) -> Container:
    """Edit a tray's lines (its barcode stays): each at most 30 characters, upper case."""
    values = {
        f"line{n}": _check_line(n, text)
        for n, text in ((1, line1), (2, line2), (3, line3))
        if text is not None
    }
    with db.write() as conn:
        m = _mailing(conn, mailing)
        row = _container(conn, int(m["id"]), kind, number)
        if values:
            conn.execute(containers.update().where(containers.c.id == row["id"]).values(**values))
    return next(c for c in list_containers(db, mailing, (kind,)) if c.number == number)


def move_pieces(
    db: Database, mailing: str, serials: Sequence[int], to_number: int, kind: str = "tray"
) -> int:
    """Move the pieces with these serials into tray ``to_number`` (appended in serial order); returns how many.

    Every serial must be a live piece of the mailing; nothing moves otherwise.
    """
    wanted = sorted(set(serials))
    if not wanted:
        raise FieldError("serials", "", "no serials given", "e.g. --serials 10-20,25")
    with db.write() as conn:
        m = _mailing(conn, mailing)
        target = _container(conn, int(m["id"]), kind, to_number)
        found = {
            int(r[1]): int(r[0])
            for r in conn.execute(
                select(pieces.c.id, pieces.c.serial).where(
                    pieces.c.mailing_id == m["id"], pieces.c.serial.in_(wanted), pieces.c.voided_at.is_(None)
                )
            )
        }
        missing = [s for s in wanted if s not in found]
        if missing:
            raise FieldError(
                "serials",
                ",".join(map(str, missing[:5])),
                f"{len(missing):,} serial(s) are not live pieces of {mailing!r} (first: {missing[0]})",
                "check the serials with 'imb-tracker pieces --mailing NAME'",
            )
        top = conn.execute(
            select(func.coalesce(func.max(container_pieces.c.position), 0)).where(
                container_pieces.c.container_id == target["id"]
            )
        ).scalar_one()
        ids = [found[s] for s in wanted]
        conn.execute(container_pieces.delete().where(container_pieces.c.piece_id.in_(ids)))
        conn.execute(
            container_pieces.insert(),
            [
                {"piece_id": pid, "container_id": target["id"], "position": int(top) + i}
                for i, pid in enumerate(ids, 1)
            ],
        )
    return len(wanted)


def add_pallet(
    db: Database,
    mailing: str,
    lines: tuple[str, str, str],
    tray_numbers: Sequence[int] | None = None,
    workstation: str = "",
) -> Container:
    """A pallet of the mailing with a 99M barcode; the given trays (default: all not on a pallet) go on it."""
    three = tuple(_check_line(n + 1, t) for n, t in enumerate(lines))
    with db.read() as conn:
        m = _mailing(conn, mailing)
        mid = str(m["mid"])
    width = 18 - len(mid)
    ContainerBarcode(mid, "0" * width)
    serial = next(
        iter(reserve(db, mid, 1, kind="container", workstation=workstation, purpose=f"pallet of {mailing}"))
    )
    code = ContainerBarcode(mid, f"{serial:0{width}d}")
    with db.write() as conn:
        m = _mailing(conn, mailing)
        number = 1 + int(
            conn.execute(
                select(func.coalesce(func.max(containers.c.number), 0)).where(
                    containers.c.mailing_id == m["id"], containers.c.kind == "pallet"
                )
            ).scalar_one()
        )
        now = db.now(conn)
        pid = new_id(
            conn.execute(
                containers.insert().values(
                    mailing_id=m["id"],
                    mailer_id=m["mailer_id"],
                    kind="pallet",
                    number=number,
                    serial=serial,
                    barcode=code.data,
                    line1=three[0],
                    line2=three[1],
                    line3=three[2],
                    created_at=now,
                )
            )
        )
        on = containers.c.mailing_id == m["id"]
        query = containers.update().where(on, containers.c.kind.in_(("tray", "sack")))
        if tray_numbers:
            query = query.where(containers.c.number.in_(list(tray_numbers)))
        else:
            query = query.where(containers.c.parent_id.is_(None))
        conn.execute(query.values(parent_id=pid))
    return next(c for c in list_containers(db, mailing, ("pallet",)) if c.number == number)


def mark_printed(db: Database, ids: Sequence[int]) -> None:
    with db.write() as conn:
        conn.execute(
            containers.update().where(containers.c.id.in_(list(ids))).values(printed_at=db.now(conn))
        )


def tray_map(db: Database, mailing: str | None = None) -> dict[int, str]:
    """Piece id → the 24-digit barcode of its tray or sack (for the pieces export)."""
    query = select(container_pieces.c.piece_id, containers.c.barcode).join(
        containers, containers.c.id == container_pieces.c.container_id
    )
    with db.read() as conn:
        if mailing is not None:
            query = query.where(containers.c.mailing_id == _mailing(conn, mailing)["id"])
        return {int(r[0]): str(r[1]) for r in conn.execute(query)}


def container_pieces_of(db: Database, container_id: int) -> list[RowMapping]:
    """The pieces in a tray, in tray order, with their status (for the Trays view and the manifest)."""
    query = (
        select(
            pieces.c.id,
            pieces.c.serial,
            pieces.c.name,
            pieces.c.company,
            pieces.c.city,
            pieces.c.state,
            pieces.c.zip5,
            pieces.c.tracking,
            pieces.c.routing,
            piece_status.c.stage,
            piece_status.c.words,
            piece_status.c.scan_count,
            piece_status.c.last_scan_at,
        )
        .join(container_pieces, container_pieces.c.piece_id == pieces.c.id)
        .outerjoin(piece_status, piece_status.c.piece_id == pieces.c.id)
        .where(container_pieces.c.container_id == container_id)
        .order_by(container_pieces.c.position)
    )
    with db.read() as conn:
        return list(conn.execute(query).mappings())


def container_seen(db: Database, mailing: str) -> dict[int, tuple[int, datetime | None, datetime | None]]:
    """Per tray or sack: how many of its pieces USPS scanned, the first and the last scan of any of them."""
    query = (
        select(
            container_pieces.c.container_id,
            func.count(func.distinct(scans.c.piece_id)),
            func.min(scans.c.scan_time),
            func.max(scans.c.scan_time),
        )
        .join(scans, scans.c.piece_id == container_pieces.c.piece_id)
        .join(containers, containers.c.id == container_pieces.c.container_id)
        .group_by(container_pieces.c.container_id)
    )
    with db.read() as conn:
        query = query.where(containers.c.mailing_id == _mailing(conn, mailing)["id"])
        return {int(r[0]): (int(r[1]), r[2], r[3]) for r in conn.execute(query)}


def tray_ends(db: Database, mailing: str) -> dict[int, tuple[str, str]]:
    """Per tray or sack: who its first and its last piece (by serial, as ``first_serial``/``last_serial``)
    are addressed to, read in one query for the whole mailing."""
    query = (
        select(container_pieces.c.container_id, pieces.c.name, pieces.c.company)
        .join(pieces, pieces.c.id == container_pieces.c.piece_id)
        .join(containers, containers.c.id == container_pieces.c.container_id)
        .order_by(container_pieces.c.container_id, pieces.c.serial)
    )
    out: dict[int, tuple[str, str]] = {}
    with db.read() as conn:
        query = query.where(containers.c.mailing_id == _mailing(conn, mailing)["id"])
        for cid, name, company in conn.execute(query):
            who = str(name or company or "")
            first = out[int(cid)][0] if int(cid) in out else who
            out[int(cid)] = (first, who)
    return out


def container_scan_counts(db: Database, mailing: str) -> dict[int, tuple[int, datetime | None]]:
    """Per container of the mailing: how many scans of its own barcode were imported, and the last one."""
    query = (
        select(container_scans.c.container_id, func.count(), func.max(container_scans.c.scan_time))
        .join(containers, containers.c.id == container_scans.c.container_id)
        .group_by(container_scans.c.container_id)
    )
    with db.read() as conn:
        query = query.where(containers.c.mailing_id == _mailing(conn, mailing)["id"])
        return {int(r[0]): (int(r[1]), r[2]) for r in conn.execute(query)}


def container_scan_rows(db: Database, container_id: int) -> list[RowMapping]:
    with db.read() as conn:
        return list(
            conn.execute(
                select(container_scans)
                .where(container_scans.c.container_id == container_id)
                .order_by(container_scans.c.scan_time)
            ).mappings()
        )


def store_container_scan(
    conn: Connection,
    barcode: str,
    when: datetime,
    op_code: str,
    facility_zip: str,
    facility_name: str,
    raw_payload: str,
    now: datetime,
) -> str:
    """One handling-unit or container scan: 'new', 'known' (stored before) or 'unknown' (no stored
    tray, sack or pallet has the barcode: nothing is stored, the caller counts it)."""
    container_id = container_for_barcode(conn, barcode)
    if container_id is None:
        return "unknown"
    key = {
        "container_id": container_id,
        "scan_time": when,
        "op_code": op_code[:10],
        "facility_zip": facility_zip[:10],
    }
    seen = conn.execute(
        select(container_scans.c.id).where(*(getattr(container_scans.c, k) == v for k, v in key.items()))
    ).first()
    if seen is not None:
        return "known"
    conn.execute(
        container_scans.insert().values(
            **key,
            barcode=barcode,
            facility_name=facility_name[:120],
            source="file",
            raw_payload=raw_payload,
            imported_at=now,
        )
    )
    return "new"


def container_for_barcode(conn: Connection, barcode: str) -> int | None:
    """The newest stored tray, sack or pallet with this barcode (24 digits or 99M…), or None."""
    row = conn.execute(
        select(containers.c.id).where(containers.c.barcode == barcode).order_by(containers.c.id.desc())
    ).first()
    return int(row[0]) if row else None


def mailer_of_mailing(db: Database, mailing: str) -> RowMapping:
    with db.read() as conn:
        m = _mailing(conn, mailing)
        return conn.execute(select(mailers).where(mailers.c.id == m["mailer_id"])).mappings().one()
