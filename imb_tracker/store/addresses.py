"""The cache of USPS Addresses answers, so a list is never looked up twice (keyed by the normalised query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .engine import Database
from .schema import address_cache


@dataclass(frozen=True)
class CachedAddress:
    zip5: str
    zip4: str
    delivery_point: str


def cached_address(db: Database, query_key: str) -> CachedAddress | None:
    with db.read() as conn:
        row = (
            conn.execute(select(address_cache).where(address_cache.c.query_key == query_key))
            .mappings()
            .first()
        )
    return CachedAddress(row["zip5"], row["zip4"], row["delivery_point"]) if row else None


def cache_address(
    db: Database,
    query_key: str,
    *,
    zip5: str,
    zip4: str,
    delivery_point: str,
    dpv: str,
    raw_payload: str,
    fetched_at: datetime,
) -> None:
    with db.write() as conn:
        conn.execute(
            address_cache.insert().values(
                query_key=query_key,
                zip5=zip5,
                zip4=zip4,
                delivery_point=delivery_point,
                dpv=dpv[:2],
                raw_payload=raw_payload,
                fetched_at=fetched_at,
            )
        )
