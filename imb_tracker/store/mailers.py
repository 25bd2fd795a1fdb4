"""Mailers (one per Mailer ID) and their serial pools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, select

from imb_tracker.imb import FieldError
from imb_tracker.imb.fields import validate_barcode_id, validate_mailer_id, validate_service_type

from .engine import Database, new_id
from .errors import ConflictError, NotFoundError
from .schema import mailers, serial_blocks, serial_pools

#: USPS requires at least 45 days; mailers are advised to keep 90 or more.
MIN_WINDOW_DAYS = 45
DEFAULT_WINDOW_DAYS = 90
#: serial namespaces per Mailer ID: pieces (IMb), trays and sacks (the 24-digit IMtb, one format for
#: both, so one pool), and containers such as pallets (the 99M IMcb)
KINDS = ("piece", "tray", "container")
SERIAL_DIGITS = {"piece": 15, "tray": 14, "container": 18}  # minus the MID's length


def serial_capacity(mid: str, kind: str = "piece") -> int:
    """Largest serial a MID can carry: piece 15 − len(MID) digits, tray 14 − len(MID), container 18 − len(MID)."""
    digits = SERIAL_DIGITS[kind] - len(mid)
    return int(10**digits - 1)


@dataclass(frozen=True)
class Mailer:
    id: int
    mid: str
    name: str
    crid: str | None
    default_stid: str
    barcode_id: str
    window_days: int
    created_at: datetime
    share_mail: bool = False  # a Share Mail MID: used on Share Mail pieces only

    @classmethod
    def from_row(cls, row: RowMapping) -> Mailer:
        values = {k: row[k] for k in cls.__dataclass_fields__}
        values["share_mail"] = bool(values["share_mail"])
        return cls(**values)


@dataclass(frozen=True)
class SerialPool:
    id: int
    kind: str
    workstation: str
    first_serial: int
    last_serial: int
    next_serial: int

    @property
    def size(self) -> int:
        return self.last_serial - self.first_serial + 1

    @classmethod
    def from_row(cls, row: RowMapping) -> SerialPool:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def pool_row(
    conn: Connection, mailer_id: int, kind: str, workstation: str, lock: bool = False
) -> RowMapping | None:
    """The serial pool of one mailer, kind and workstation ('' = shared), optionally locked for update."""
    query = select(serial_pools).where(
        serial_pools.c.mailer_id == mailer_id,
        serial_pools.c.kind == kind,
        serial_pools.c.workstation == workstation,
    )
    if lock:
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def parse_range(text: str, mid: str, kind: str = "piece") -> tuple[int, int]:
    """Parse ``FIRST-LAST`` and check it fits the serial width of this MID."""
    first_s, sep, last_s = text.replace(" ", "").partition("-")
    cap = serial_capacity(mid, kind)
    hint = f"write it as FIRST-LAST, e.g. 1-{cap}"
    if (
        not sep
        or not first_s.isdigit()
        or not last_s.isdigit()
        or not first_s.isascii()
        or not last_s.isascii()
    ):
        raise FieldError("serial_range", text, f"serial range {text!r} is not FIRST-LAST", hint)
    first, last = int(first_s), int(last_s)
    if first > last:
        raise FieldError("serial_range", text, f"serial range {text!r} starts after it ends", hint)
    if last > cap:
        raise FieldError(
            "serial_range",
            text,
            f"serial range {text!r} goes past {cap:,}, the largest {kind} serial with a {len(mid)}-digit "
            "Mailer ID",
            hint,
        )
    return first, last


def validate_mailer_name(name: str) -> str:
    """The mailer's name, trimmed; refused when empty."""
    if not name.strip():
        raise FieldError("name", name, "the mailer needs a name", "e.g. the organisation's name")
    return name.strip()


def validate_crid(crid: str | None) -> str | None:
    """A CRID (digits), trimmed; None when not given."""
    text = (crid or "").strip()
    if text and not (text.isascii() and text.isdigit()):
        raise FieldError(
            "crid", crid, f"CRID must be digits (got {crid!r})", "find it in the Business Customer Gateway"
        )
    return text or None


#: Ten years: far beyond any advice, and far from the date arithmetic's limits (a million days
#: overflowed every later command, with no way to change the window back).
MAX_WINDOW_DAYS = 3650


def _check_window(days: int) -> int:
    if days > MAX_WINDOW_DAYS:
        raise FieldError(
            "window_days",
            days,
            f"the uniqueness window can be at most {MAX_WINDOW_DAYS} days (ten years; got {days})",
            f"{DEFAULT_WINDOW_DAYS} days is the usual advice",
        )
    if days < MIN_WINDOW_DAYS:
        raise FieldError(
            "window_days",
            days,
            f"the uniqueness window must be at least {MIN_WINDOW_DAYS} days, USPS's minimum (got {days})",
            f"{DEFAULT_WINDOW_DAYS} days is the usual advice",
        )
    return days


def _overlapping_pool(
    conn: Connection, mailer_id: int, kind: str, first: int, last: int, skip_ws: str | None = None
) -> RowMapping | None:
    query = select(serial_pools).where(
        serial_pools.c.mailer_id == mailer_id,
        serial_pools.c.kind == kind,
        serial_pools.c.first_serial <= last,
        serial_pools.c.last_serial >= first,
    )
    for row in conn.execute(query).mappings():
        if row["workstation"] != skip_ws:
            return row
    return None


def _change_shared_range(conn: Connection, mailer: RowMapping, serial_range: str) -> None:
    first, last = parse_range(serial_range, mailer["mid"])
    pool = pool_row(conn, mailer["id"], "piece", "", lock=True)
    if pool is None:  # pragma: no cover - add_mailer always makes it
        raise NotFoundError(f"Mailer ID {mailer['mid']} has no shared serial range")
    lo, hi = conn.execute(
        select(func.min(serial_blocks.c.first_serial), func.max(serial_blocks.c.last_serial)).where(
            serial_blocks.c.pool_id == pool["id"]
        )
    ).one()
    if lo is not None and (first > lo or last < hi):
        raise FieldError(
            "serial_range",
            serial_range,
            f"serials {lo}-{hi} were already issued from this range, so it cannot become {first}-{last}",
            f"keep {lo}-{hi} inside it, e.g. {min(first, lo)}-{max(last, hi)}",
        )
    clash = _overlapping_pool(conn, mailer["id"], "piece", first, last, skip_ws="")
    if clash is not None:
        raise ConflictError(
            f"serial range {first}-{last} overlaps workstation {clash['workstation']!r} "
            f"({clash['first_serial']}-{clash['last_serial']}); keep the shared range apart from it"
        )
    cursor = pool["next_serial"] if first <= pool["next_serial"] <= last else first
    conn.execute(
        serial_pools.update()
        .where(serial_pools.c.id == pool["id"])
        .values(first_serial=first, last_serial=last, next_serial=cursor)
    )


def add_mailer(
    db: Database,
    mid: str,
    name: str,
    *,
    crid: str | None = None,
    stid: str = "270",
    barcode_id: str = "00",
    serial_range: str | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    share_mail: bool = False,
) -> Mailer:
    """Create a mailer and its shared piece-serial pool (``share_mail``: the MID USPS gave for Share Mail)."""
    mid = validate_mailer_id(mid)
    stid = validate_service_type(stid)
    barcode_id = validate_barcode_id(barcode_id)
    name = validate_mailer_name(name)
    crid = validate_crid(crid)
    first, last = parse_range(serial_range, mid) if serial_range else (1, serial_capacity(mid))
    _check_window(window_days)
    with db.write() as conn:
        if conn.execute(select(mailers.c.id).where(mailers.c.mid == mid)).first():
            raise ConflictError(f"Mailer ID {mid} is already set up; see imb-tracker mailer list")
        mailer_id = new_id(
            conn.execute(
                mailers.insert().values(
                    mid=mid,
                    name=name,
                    crid=crid,
                    default_stid=stid,
                    barcode_id=barcode_id,
                    window_days=window_days,
                    created_at=db.clock(),
                    **({"share_mail": 1} if share_mail else {}),  # the column's default is 0 (schema 8)
                )
            )
        )
        conn.execute(
            serial_pools.insert().values(
                mailer_id=mailer_id,
                kind="piece",
                workstation="",
                first_serial=first,
                last_serial=last,
                next_serial=first,
            )
        )
        row = conn.execute(select(mailers).where(mailers.c.id == mailer_id)).mappings().one()
    return Mailer.from_row(row)


def set_workstation_range(
    db: Database, mid: str, workstation: str, serial_range: str, kind: str = "piece"
) -> SerialPool:
    """Give a workstation its own serial range (must not overlap any other pool of this mailer)."""
    workstation = workstation.strip()
    if not workstation:
        raise FieldError(
            "workstation", workstation, "the workstation needs a name", "e.g. the computer's name"
        )
    with db.write() as conn:
        mailer = _mailer_row(conn, mid)
        first, last = parse_range(serial_range, mailer["mid"], kind)
        clash = _overlapping_pool(conn, mailer["id"], kind, first, last, skip_ws=workstation)
        if clash is not None:
            owner = f"workstation {clash['workstation']!r}" if clash["workstation"] else "the shared range"
            raise ConflictError(
                f"serial range {first}-{last} overlaps {owner} ({clash['first_serial']}-{clash['last_serial']}); "
                "give each workstation a separate part of the range, and shrink the shared range first if needed"
            )
        existing = pool_row(conn, mailer["id"], kind, workstation)
        if existing is None:
            conn.execute(
                serial_pools.insert().values(
                    mailer_id=mailer["id"],
                    kind=kind,
                    workstation=workstation,
                    first_serial=first,
                    last_serial=last,
                    next_serial=first,
                )
            )
        else:
            nxt = existing["next_serial"] if first <= existing["next_serial"] <= last else first
            conn.execute(
                serial_pools.update()
                .where(serial_pools.c.id == existing["id"])
                .values(first_serial=first, last_serial=last, next_serial=nxt)
            )
        row = pool_row(conn, mailer["id"], kind, workstation)
        assert row is not None
    return SerialPool.from_row(row)


def _mailer_row(conn: Connection, mid: str) -> RowMapping:
    row = conn.execute(select(mailers).where(mailers.c.mid == mid.strip())).mappings().first()
    if row is None:
        raise NotFoundError(
            f"Mailer ID {mid} is not set up; add it with: imb-tracker mailer add --mid {mid} --name …"
        )
    return row


def get_mailer(db: Database, mid: str) -> Mailer:
    with db.read() as conn:
        return Mailer.from_row(_mailer_row(conn, mid))


def list_mailers(db: Database) -> list[Mailer]:
    with db.read() as conn:
        return [Mailer.from_row(r) for r in conn.execute(select(mailers).order_by(mailers.c.mid)).mappings()]


def list_pools(db: Database, mid: str) -> list[SerialPool]:
    with db.read() as conn:
        mailer = _mailer_row(conn, mid)
        rows = conn.execute(
            select(serial_pools)
            .where(serial_pools.c.mailer_id == mailer["id"])
            .order_by(serial_pools.c.kind, serial_pools.c.first_serial)
        ).mappings()
        return [SerialPool.from_row(r) for r in rows]


def update_mailer(
    db: Database,
    mid: str,
    *,
    name: str | None = None,
    crid: str | None = None,
    stid: str | None = None,
    window_days: int | None = None,
    serial_range: str | None = None,
    share_mail: bool | None = None,
) -> Mailer:
    """Change a mailer's name, CRID, default STID, uniqueness window or shared serial range; the MID stays.

    The serial range may grow, and may shrink only down to the serials already issued from it: a
    serial handed out must stay inside the range, or its window would no longer be checked.
    """
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = validate_mailer_name(name)
    if crid is not None:
        values["crid"] = validate_crid(crid)
    if stid is not None:
        values["default_stid"] = validate_service_type(stid)
    if window_days is not None:
        values["window_days"] = _check_window(window_days)
    if share_mail is not None:
        values["share_mail"] = int(share_mail)
    with db.write() as conn:
        row = _mailer_row(conn, mid)
        if values:
            conn.execute(mailers.update().where(mailers.c.id == row["id"]).values(**values))
        if serial_range is not None:
            _change_shared_range(conn, row, serial_range)
        fresh = conn.execute(select(mailers).where(mailers.c.id == row["id"])).mappings().one()
    return Mailer.from_row(fresh)
