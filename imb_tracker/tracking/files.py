"""Importing IV data files for users who do not use the API (iv-api.md §2.8).

Delimited files from the IV-MTR web application (one-time query or feed;
comma, tab or pipe; any column order or casing) and JSON files in the
push-feed shape (an ``events`` array — or ``data``/``records``/``scans`` —
with camelCase keys), possibly gzip-compressed without saying so.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from imb_tracker.store.containers import store_container_scan
from imb_tracker.store.engine import Database
from imb_tracker.store.scans import store_scans

from .ingest import parse_time, refresh_piece_status, to_records
from .scanfields import normalise


class ScanFileError(ValueError):
    """The file is not an IV data file we can read."""


MAX_UNPACKED = 512 * 1024 * 1024  # a gzip file that unpacks to more is not an IV data file


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_UNPACKED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ScanFileError(f"the file says it is gzip-compressed but cannot be unpacked ({exc})") from None
    if len(out) > MAX_UNPACKED:
        raise ScanFileError(
            f"the file unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB; it is not an IV data file"
        )
    return out


def _events(data: bytes) -> list[dict[str, Any]]:
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    if b"\x00" in data:
        raise ScanFileError(
            "the file holds NUL bytes, so it is not an IV data file (CSV, pipe-delimited or JSON)"
        )
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise ScanFileError(f"the file is not UTF-8 text (byte {exc.start:,}); IV data files are") from None
    if not text:
        raise ScanFileError("the file is empty")
    if text[0] in "[{":
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise ScanFileError(f"the file looks like JSON but cannot be read: {exc}") from None
        if isinstance(body, dict):
            for key in ("events", "data", "records", "scans"):
                if isinstance(body.get(key), list):
                    return [e for e in body[key] if isinstance(e, dict)]
            raise ScanFileError("the JSON has no events, data, records or scans array")
        return [e for e in body if isinstance(e, dict)]
    first = text.split("\n", 1)[0]
    delimiter = max(("|", ",", "\t", ";"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [
            {k.strip(): (v if isinstance(v, str) else "").strip() for k, v in row.items() if k}
            for row in reader
        ]
    except csv.Error as exc:
        raise ScanFileError(f"line {reader.line_num} cannot be read ({exc})") from None


@dataclass(frozen=True)
class FileImport:
    """What one IV data file gave: piece scans, and handling-unit / container scans."""

    read: int  # piece scans read
    new: int  # of those, not stored before
    skipped: int  # rows with neither a usable IMb and time nor a container barcode and time
    container_read: int = 0  # tray, sack or pallet scans read
    container_new: int = 0
    container_unknown: int = (
        0  # container scans whose barcode is no stored tray or pallet (kept out, counted)
    )


#: column names a handling-unit (tray, sack) or container (pallet) barcode comes under in IV files,
#: compared without case, spaces or underscores; IV-MTR's own names are UNCONFIRMED (containers.md §3)
CONTAINER_KEYS = (
    "handlingunitbarcode",
    "handlingunitimb",
    "hubarcode",
    "traybarcode",
    "imtb",
    "imtraybarcode",
    "containerbarcode",
    "imcb",
    "imcontainerbarcode",
    "palletbarcode",
)


def container_barcode(event: dict[str, Any]) -> str:
    """The 24-digit tray barcode or 21-character 99M barcode a row carries, or ''."""
    for key, value in event.items():
        name = str(key).lower().replace("_", "").replace(" ", "").replace("-", "")
        if name in CONTAINER_KEYS and isinstance(value, str | int):
            text = str(value).strip().replace("(99)", "99").replace(" ", "")
            if (len(text) == 24 and text.isdigit()) or (
                len(text) == 21 and text.startswith("99M") and text[3:].isdigit()
            ):
                return text
    return ""


def import_iv_file(db: Database, path: str | Path, now: datetime) -> FileImport:
    """Store every scan in the file: piece scans against their pieces, container scans against their
    stored tray, sack or pallet (raw row kept); nothing is dropped without being counted."""
    path = Path(path)
    if not path.is_file():
        raise ScanFileError(f"{path} does not exist")
    events = _events(path.read_bytes())
    records, unusable = [], 0
    boxes: list[tuple[str, dict[str, Any]]] = []
    for event in events:
        barcode = container_barcode(event)
        if barcode and not normalise(event).get("imb"):
            boxes.append((barcode, event))
            continue
        recs, bad = to_records("", [event], "file")
        records.extend(recs)
        unusable += bad
    box_read = box_new = unknown = 0
    with db.write() as conn:
        new = store_scans(conn, records, now)
        for imb in sorted({r.imb for r in records}):
            refresh_piece_status(conn, imb, now, None)
        for barcode, event in boxes:
            scan = normalise(event)
            when = parse_time(str(scan.get("scan_date_time") or "").strip())
            if when is None:
                unusable += 1  # no readable time
                continue
            done = store_container_scan(
                conn,
                barcode,
                when,
                "".join(ch for ch in str(scan.get("scan_event_code") or "") if ch.isalnum()),
                "".join(ch for ch in str(scan.get("scan_facility_zip") or "") if ch.isdigit()),
                str(scan.get("scan_facility_name") or ""),
                json.dumps(event, sort_keys=True, default=str),
                now,
            )
            if done == "unknown":
                unknown += 1
            else:
                box_read += 1
                box_new += done == "new"
    return FileImport(len(records), new, unusable, box_read, box_new, unknown)


def import_scan_file(db: Database, path: str | Path, now: datetime) -> tuple[int, int, int]:
    """Store every scan in the file; returns (piece scans read, new piece scans stored, rows skipped)."""
    result = import_iv_file(db, path, now)
    return result.read, result.new, result.skipped
