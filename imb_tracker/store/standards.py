"""USPS service standards per 3-digit ZIP pair, cached: the API allows 60 calls an hour, a mailing
has hundreds of destination 3-digit ZIPs, and a standard changes a few times a decade."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from .engine import Database
from .schema import mailings, pieces, service_standards

#: a cached standard is asked for again after this long (USPS revises them rarely; 2021 and 2025)
STANDARD_KEEP_DAYS = 90


def standards_table(conn: Connection) -> dict[tuple[str, str], int | None]:
    """Every cached standard: (origin 3-digit, destination 3-digit) → delivery days (None: USPS has none)."""
    rows = conn.execute(
        select(service_standards.c.origin3, service_standards.c.dest3, service_standards.c.days).order_by(
            service_standards.c.fetched_at
        )
    )
    return {(str(r[0]), str(r[1])): (None if r[2] is None else int(r[2])) for r in rows}


def standard_days(conn: Connection, origin_zip: str, dest_zip: str) -> int | None:
    """The cached standard for a pair of ZIP Codes (their first three digits), or None."""
    if len(origin_zip) < 3 or len(dest_zip) < 3:
        return None
    row = conn.execute(
        select(service_standards.c.days)
        .where(service_standards.c.origin3 == origin_zip[:3], service_standards.c.dest3 == dest_zip[:3])
        .order_by(service_standards.c.fetched_at.desc())
        .limit(1)
    ).first()
    return None if row is None or row[0] is None else int(row[0])


def pairs_to_fetch(db: Database, mailing_names: Iterable[str], now: datetime) -> list[tuple[str, str]]:
    """(origin, destination) 3-digit pairs of these mailings with no fresh cached standard, most letters first."""
    names = list(mailing_names)
    if not names:
        return []
    dest3 = func.substr(pieces.c.zip5, 1, 3)
    origin3 = func.substr(mailings.c.entry_zip, 1, 3)
    query = (
        select(origin3, dest3, func.count())
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .where(
            mailings.c.name.in_(names),
            func.length(mailings.c.entry_zip) == 5,
            func.length(pieces.c.zip5) == 5,
        )
        .group_by(origin3, dest3)
        .order_by(func.count().desc(), origin3, dest3)
    )
    fresh_since = now - timedelta(days=STANDARD_KEEP_DAYS)
    with db.read() as conn:
        have = {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                select(service_standards.c.origin3, service_standards.c.dest3).where(
                    service_standards.c.fetched_at >= fresh_since
                )
            )
        }
        return [(str(o), str(d)) for o, d, _n in conn.execute(query) if (str(o), str(d)) not in have]


def save_standard(
    db: Database, origin3: str, dest3: str, mail_class: str, days: int | None, raw: str, now: datetime
) -> None:
    """Keep USPS's answer for a pair (raw payload included), replacing an older one."""
    with db.write() as conn:
        conn.execute(
            delete(service_standards).where(
                service_standards.c.origin3 == origin3,
                service_standards.c.dest3 == dest3,
                service_standards.c.mail_class == mail_class,
            )
        )
        conn.execute(
            insert(service_standards).values(
                origin3=origin3,
                dest3=dest3,
                mail_class=mail_class,
                days=days,
                raw_payload=raw,
                fetched_at=now,
            )
        )


def set_entry_zip(db: Database, mailing_names: Iterable[str], zip5: str) -> int:
    """Record where mailings entered the mail, for those that do not say yet; returns how many."""
    names = list(mailing_names)
    if len(zip5) != 5 or not zip5.isdigit() or not names:
        return 0
    with db.write() as conn:
        result = conn.execute(
            mailings.update()
            .where(mailings.c.name.in_(names), mailings.c.entry_zip == "")
            .values(entry_zip=zip5)
        )
        return int(result.rowcount or 0)


def fetched_since(db: Database, since: datetime) -> int:
    """How many standards were asked of USPS since ``since`` (the hourly quota, shared by every process)."""
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(service_standards)
                .where(service_standards.c.fetched_at >= since)
            ).scalar_one()
        )


def without_entry_zip(db: Database, mailing_names: Iterable[str]) -> int:
    """How many of these mailings do not say where they entered the mail."""
    names = list(mailing_names)
    if not names:
        return 0
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(mailings)
                .where(mailings.c.name.in_(names), mailings.c.entry_zip == "")
            ).scalar_one()
        )
