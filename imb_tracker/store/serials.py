"""The serial allocator: hands out serial numbers that never repeat inside the uniqueness window.

How it stays safe:

* every reservation is one write transaction that locks the pool's cursor
  (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), so
  two windows, processes or workstations can never read the same cursor;
* the reserved block is recorded in ``serial_blocks`` and committed *before*
  the caller uses a single serial, so a crash afterwards only wastes the
  block — it is never handed out again inside the window;
* a serial is free only when no block holding it was reserved within the
  mailer's window; at the top of the range the cursor rolls over to the
  bottom and skips every serial still inside the window.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from imb_tracker.imb import FieldError

from .engine import Database
from .errors import ClockBehindError, NotFoundError, RangeExhaustedError, SerialReuseError
from .mailers import KINDS, MAX_WINDOW_DAYS, _mailer_row, pool_row, serial_capacity
from .schema import serial_blocks, serial_pools

log = logging.getLogger(__name__)
#: how far the newest reservation may be ahead of 'now' (clocks of two workstations never agree exactly)
CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Reservation:
    """Serials reserved in one call: one or more contiguous ``(first, last)`` ranges, in order."""

    mid: str
    kind: str
    ranges: tuple[tuple[int, int], ...]
    reserved_at: datetime

    def __len__(self) -> int:
        return sum(last - first + 1 for first, last in self.ranges)

    def __iter__(self) -> Iterator[int]:
        for first, last in self.ranges:
            yield from range(first, last + 1)


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _select_pool(
    conn: Connection, mailer_id: int, kind: str, workstation: str, lock: bool
) -> RowMapping | None:
    """This workstation's own pool if it has one, else the shared pool."""
    for ws in dict.fromkeys((workstation, "")):
        row = pool_row(conn, mailer_id, kind, ws, lock)
        if row is not None:
            return row
    return None


def reserve(
    db: Database,
    mid: str,
    count: int,
    *,
    kind: str = "piece",
    workstation: str = "",
    purpose: str = "",
    allow_reuse: bool = False,
) -> Reservation:
    """Reserve ``count`` serials for a Mailer ID and commit the reservation before returning.

    Refused, with nothing reserved: a clock earlier than the newest reservation (a clock set back,
    or another workstation's clock ahead), and — unless ``allow_reuse`` — serials that were issued
    before, even though their window has passed (a wrap of the range, or a clock months ahead that
    makes yesterday's serials look old): :class:`SerialReuseError` names the dates to confirm.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if count < 1:
        raise FieldError("count", count, f"ask for at least one serial (got {count})")
    with db.write() as conn:
        mailer = _mailer_row(conn, mid)
        pool = _select_pool(conn, mailer["id"], kind, workstation, lock=True)
        if pool is None:
            if kind == "piece":
                raise NotFoundError(
                    f"Mailer ID {mid} has no serial range; set one with imb-tracker mailer add"
                )
            # Tray serials get the full range on first use.  Several processes may get here at once
            # (``FOR UPDATE`` on a row that does not exist yet locks nothing): the insert runs in a
            # savepoint, and whoever loses the race uses the winner's pool.
            cap = serial_capacity(mailer["mid"], kind)
            try:
                with conn.begin_nested():
                    conn.execute(
                        serial_pools.insert().values(
                            mailer_id=mailer["id"],
                            kind=kind,
                            workstation="",
                            first_serial=1,
                            last_serial=cap,
                            next_serial=1,
                        )
                    )
            except IntegrityError:
                log.info("another process made the %s pool of MID %s first", kind, mid)
            pool = _select_pool(conn, mailer["id"], kind, workstation, lock=True)
            assert pool is not None
        now = db.now(conn)
        window = timedelta(days=min(int(mailer["window_days"]), MAX_WINDOW_DAYS))  # older files: no overflow
        newest = conn.execute(
            select(func.max(serial_blocks.c.reserved_at)).where(
                serial_blocks.c.mailer_id == mailer["id"], serial_blocks.c.kind == kind
            )
        ).scalar()
        if newest is not None and newest > now + CLOCK_TOLERANCE:
            raise ClockBehindError(mailer["mid"], now, newest)
        busy_rows = conn.execute(
            select(
                serial_blocks.c.first_serial, serial_blocks.c.last_serial, serial_blocks.c.reserved_at
            ).where(
                serial_blocks.c.mailer_id == mailer["id"],
                serial_blocks.c.kind == kind,
                serial_blocks.c.reserved_at > now - window,
                serial_blocks.c.last_serial >= pool["first_serial"],
                serial_blocks.c.first_serial <= pool["last_serial"],
            )
        ).all()
        lo, hi = pool["first_serial"], pool["last_serial"]
        busy = _merge([(max(f, lo), min(la, hi)) for f, la, _ in busy_rows])
        free = (hi - lo + 1) - sum(la - f + 1 for f, la in busy)
        if free < count:
            next_free = min((r for _, _, r in busy_rows), default=None)
            raise RangeExhaustedError(
                mailer["mid"], count, free, next_free + window if next_free else None, mailer["window_days"]
            )
        ranges = _walk(lo, hi, pool["next_serial"], busy, count)
        if not allow_reuse:
            reused = _issued_before(conn, mailer["id"], kind, ranges, now - window)
            if reused is not None:
                raise SerialReuseError(mailer["mid"], kind, ranges, reused[0], reused[1], now, window.days)
        for first, last in ranges:
            conn.execute(
                serial_blocks.insert().values(
                    mailer_id=mailer["id"],
                    pool_id=pool["id"],
                    kind=kind,
                    first_serial=first,
                    last_serial=last,
                    reserved_at=now,
                    workstation=pool["workstation"],
                    purpose=purpose[:200],
                )
            )
        next_serial = ranges[-1][1] + 1
        if next_serial > hi:
            next_serial = lo
        conn.execute(
            serial_pools.update().where(serial_pools.c.id == pool["id"]).values(next_serial=next_serial)
        )
    log.info("reserved %d %s serial(s) for MID %s: %s", count, kind, mid, ranges)
    return Reservation(mailer["mid"], kind, tuple(ranges), now)


def _issued_before(
    conn: Connection, mailer_id: int, kind: str, ranges: list[tuple[int, int]], before: datetime
) -> tuple[datetime, datetime] | None:
    """When any of ``ranges`` was reserved before ``before`` (the oldest and newest time), else None."""
    overlap = or_(
        *(
            and_(serial_blocks.c.first_serial <= last, serial_blocks.c.last_serial >= first)
            for first, last in ranges
        )
    )
    oldest, latest = conn.execute(
        select(func.min(serial_blocks.c.reserved_at), func.max(serial_blocks.c.reserved_at)).where(
            serial_blocks.c.mailer_id == mailer_id,
            serial_blocks.c.kind == kind,
            serial_blocks.c.reserved_at <= before,
            overlap,
        )
    ).one()
    return (oldest, latest) if latest is not None else None


def _walk(lo: int, hi: int, start: int, busy: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    """Take ``count`` free serials from ``start`` upward, wrapping once at ``hi`` (enough are free)."""
    starts = [first for first, _ in busy]
    pos = start if lo <= start <= hi else lo
    need = count
    out: list[tuple[int, int]] = []
    wrapped = False
    while need:
        if pos > hi:
            if wrapped:  # pragma: no cover - free >= count was checked by the caller
                raise AssertionError("serial walk went round twice")
            pos, wrapped = lo, True
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and busy[i][0] <= pos <= busy[i][1]:
            pos = busy[i][1] + 1
            continue
        next_busy = starts[i + 1] if i + 1 < len(starts) else hi + 1
        take = min(need, next_busy - pos)
        if out and out[-1][1] + 1 == pos:
            out[-1] = (out[-1][0], pos + take - 1)
        else:
            out.append((pos, pos + take - 1))
        need -= take
        pos += take
    return out


@dataclass(frozen=True)
class SerialStatus:
    """A pool's state now: its range, how many serials are free, and where the cursor is."""

    first: int
    last: int
    free: int
    next: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def serial_status(db: Database, mid: str, kind: str = "piece", workstation: str = "") -> SerialStatus | None:
    """How many serials this pool has free now, and its cursor (None when the pool does not exist yet)."""
    with db.read() as conn:
        mailer = _mailer_row(conn, mid)
        pool = _select_pool(conn, mailer["id"], kind, workstation, lock=False)
        if pool is None:
            return None
        now = db.now(conn)
        rows = conn.execute(
            select(serial_blocks.c.first_serial, serial_blocks.c.last_serial).where(
                serial_blocks.c.mailer_id == mailer["id"],
                serial_blocks.c.kind == kind,
                serial_blocks.c.reserved_at
                > now - timedelta(days=min(int(mailer["window_days"]), MAX_WINDOW_DAYS)),
                serial_blocks.c.last_serial >= pool["first_serial"],
                serial_blocks.c.first_serial <= pool["last_serial"],
            )
        ).all()
        lo, hi = pool["first_serial"], pool["last_serial"]
        busy = _merge([(max(f, lo), min(la, hi)) for f, la in rows])
        free = (hi - lo + 1) - sum(la - f + 1 for f, la in busy)
        return SerialStatus(lo, hi, free, pool["next_serial"])
