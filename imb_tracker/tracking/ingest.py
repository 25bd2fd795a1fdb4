"""Turning what USPS returned into stored scans: idempotent, lenient, nothing dropped.

Dedupe key (architecture): IMb, scan time as reported, operation code,
facility ZIP, machine — hashed.  Each scan is stored with its raw JSON; a
scan for an IMb that is not in the store is kept as an orphan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from imb_tracker.store.engine import Connection, Database
from imb_tracker.store.replies import reply_id_for, write_reply_status
from imb_tracker.store.scans import ScanRecord, log_lookup, piece_id_for, store_scans
from imb_tracker.usps.iv import PieceResult

from .replies import update_reply_status
from .scanfields import ALIASES, normalise
from .status_index import update_status

__all__ = ["ALIASES", "ingest_result", "log_failure", "normalise", "refresh_piece_status", "to_records"]


def parse_time(text: str) -> datetime | None:
    """USPS's naive ISO-like time ('2026-05-30T02:02:04', with or without T, fractions, or a zone)."""
    text = text.strip()
    if not text:
        return None
    for candidate in (text, text.replace(" ", "T"), text[:19]):
        try:
            value = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
        except ValueError:
            continue
        return value.replace(tzinfo=None)
    for fmt in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y%m%d%H%M%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _digits_text(value: object, width: int) -> str:
    """A code as text, the same whether USPS sent it as text or as a number ("066" and 66 are one code).

    The duplicate key is built from these, so a type change between two answers is not a new scan.
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value).zfill(width)
    text = str(value).strip()
    return text.zfill(width) if text.isdigit() and len(text) < width else text


def dedupe_key(imb: str, when_text: str, opcode: str, facility_zip: str, machine: str) -> str:
    return hashlib.sha256("|".join((imb, when_text, opcode, facility_zip, machine)).encode()).hexdigest()


def to_records(imb: str, raw_scans: Iterable[Mapping[str, Any]], source: str) -> tuple[list[ScanRecord], int]:
    """Scan records ready to store, and how many raw scans had no usable time (kept out, counted)."""
    records, unusable = [], 0
    for raw in raw_scans:
        scan = normalise(raw)
        scan_imb = str(scan.get("imb") or imb).strip()
        when_text = str(scan.get("scan_date_time") or "").strip()
        when = parse_time(when_text)
        if when is None or not scan_imb:
            unusable += 1
            continue
        opcode = _digits_text(scan.get("scan_event_code"), 3)
        facility_zip = _digits_text(scan.get("scan_facility_zip"), 5)
        machine = str(scan.get("machine_name") or "").strip()
        records.append(
            ScanRecord(
                imb=scan_imb,
                scan_time=when,
                scan_time_text=when_text,
                op_code=opcode[:10],
                facility_zip=facility_zip[:10],
                facility_name=str(scan.get("scan_facility_name") or "")[:200],
                machine=machine[:50],
                source=source,
                raw_payload=json.dumps(raw, sort_keys=True, default=str),
                dedupe_key=dedupe_key(scan_imb, when_text, opcode, facility_zip, machine),
            )
        )
    return records, unusable


def ingest_result(db: Database, result: PieceResult, requested_at: datetime) -> tuple[int, int]:
    """Store one lookup's scans and log it, in one transaction; returns (scans returned, new scans)."""
    records, unusable = to_records(result.imb, result.scans, "api")
    outcome = str(result.outcome)
    with db.write() as conn:
        piece_id = piece_id_for(conn, result.imb)  # once per lookup, for the scans, the log and the status
        new = store_scans(conn, records, requested_at, known={result.imb: piece_id})
        note = f"{unusable} scan(s) without a readable time" if unusable else ""
        log_lookup(
            conn, result.imb, requested_at, outcome, result.http_status, len(records), note, piece_id=piece_id
        )
        if piece_id is not None:
            update_status(conn, piece_id, requested_at, outcome, requested_at, result.data)
        else:
            reply_id = reply_id_for(conn, result.imb)
            if reply_id is not None:
                update_reply_status(conn, reply_id, outcome, requested_at)
    return len(records), new


def log_failure(db: Database, imb: str, requested_at: datetime, outcome: str, error: str) -> None:
    with db.write() as conn:
        piece_id = piece_id_for(conn, imb)
        log_lookup(conn, imb, requested_at, outcome, None, 0, error, piece_id=piece_id)
        if piece_id is not None:
            update_status(conn, piece_id, requested_at, outcome, requested_at)
        else:
            reply_id = reply_id_for(conn, imb)
            if reply_id is not None:  # a failed lookup: when we asked is kept, what USPS said is not changed
                write_reply_status(conn, reply_id, looked_up_at=requested_at)


def refresh_piece_status(
    conn: Connection, imb: str, when: datetime, outcome: str | None, piece_data: dict[str, Any] | None = None
) -> None:
    piece_id = piece_id_for(conn, imb)
    if piece_id is not None:
        update_status(conn, piece_id, when, outcome, when, piece_data)
        return
    reply_id = reply_id_for(conn, imb)
    if reply_id is not None:
        update_reply_status(conn, reply_id, outcome, when if outcome is not None else None)
