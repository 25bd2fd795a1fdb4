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
from datetime import datetime
from pathlib import Path
from typing import Any

from imb_tracker.store.engine import Database
from imb_tracker.store.scans import store_scans

from .ingest import refresh_piece_status, to_records


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


def import_scan_file(db: Database, path: str | Path, now: datetime) -> tuple[int, int, int]:
    """Store every scan in the file; returns (scans read, new scans stored, rows without IMb or time)."""
    path = Path(path)
    if not path.is_file():
        raise ScanFileError(f"{path} does not exist")
    events = _events(path.read_bytes())
    records, unusable = [], 0
    for event in events:
        recs, bad = to_records("", [event], "file")
        records.extend(recs)
        unusable += bad
    with db.write() as conn:
        new = store_scans(conn, records, now)
        for imb in sorted({r.imb for r in records}):
            refresh_piece_status(conn, imb, now, None)
    return len(records), new, unusable
