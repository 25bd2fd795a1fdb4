"""Completing routing codes with USPS Addresses: ZIP+4 and delivery point for 11-digit IMbs.

Results are cached in the store (by the normalised query), so a list is
never looked up twice; progress is reported and the caller can cancel (the
records done so far are kept).  USPS moved Addresses to a licensed product
in July 2026 (iv-api.md §3.6.4), so this step is optional: records it cannot
complete keep the ZIP they had.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from imb_tracker.store.addresses import cache_address, cached_address
from imb_tracker.store.engine import Database
from imb_tracker.usps.apis import ApisClient
from imb_tracker.usps.errors import AuthError, CancelledError, NotFoundError, UspsError

R = TypeVar("R")


@dataclass
class CompletionSummary:
    looked_up: int = 0
    from_cache: int = 0
    completed: int = 0
    not_found: int = 0
    failed: int = 0
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"ZIP+4 completion: {self.completed:,} routing code(s) completed ({self.from_cache:,} from the cache), "
            f"{self.not_found:,} not found, {self.failed:,} failed"
            + ("; cancelled" if self.cancelled else "")
        )


def _key(rec: Any) -> str:
    text = "|".join(
        str(getattr(rec, f)).upper().strip() for f in ("address1", "address2", "city", "state", "zip5")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def complete_routing(
    db: Database,
    client: ApisClient,
    records: Sequence[R],
    *,
    clock: Callable[[], datetime],
    progress: Callable[[int, int], bool | None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[list[R], CompletionSummary]:
    """Records (named tuples with address fields) with zip4/delivery_point filled in where USPS knows them."""
    summary = CompletionSummary()
    out: list[R] = []
    for index, rec in enumerate(records, start=1):
        if summary.cancelled or str(getattr(rec, "delivery_point", "")):
            out.append(rec)
            continue
        key = _key(rec)
        cached = cached_address(db, key)
        if cached is not None:
            summary.from_cache += 1
            zip4, dp = cached.zip4, cached.delivery_point
        else:
            try:
                found = client.address(rec.address1, rec.city, rec.state, rec.zip5, rec.address2, cancel)  # type: ignore[attr-defined]
            except CancelledError:
                summary.cancelled = True
                out.append(rec)
                continue
            except NotFoundError:
                summary.not_found += 1
                out.append(rec)
                continue
            except AuthError:
                raise
            except UspsError as exc:
                summary.failed += 1
                summary.errors.append(str(exc))
                out.append(rec)
                continue
            summary.looked_up += 1
            if found.zip5 != rec.zip5:  # type: ignore[attr-defined]
                summary.not_found += 1  # USPS put it in another ZIP: leave it for the user to check
                out.append(rec)
                continue
            zip4, dp = found.zip4, found.delivery_point
            cache_address(
                db,
                key,
                zip5=found.zip5,
                zip4=zip4,
                delivery_point=dp,
                dpv=found.dpv,
                raw_payload=found.raw,
                fetched_at=clock(),
            )
        if zip4:
            summary.completed += 1
            out.append(rec._replace(zip4=zip4, delivery_point=dp))  # type: ignore[attr-defined]
        else:
            out.append(rec)
        if progress is not None and progress(index, len(records)) is False:
            summary.cancelled = True
    return out, summary
