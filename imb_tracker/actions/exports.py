"""Exports: pieces, scans and mailing reports, as CSV, Excel or JSON, the same from the window and the CLI."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from imb_tracker.cells import csv_row, excel_row
from imb_tracker.imb import FieldError, encode_tracking
from imb_tracker.records import PIECE_COLUMNS, StoredPiece
from imb_tracker.store.containers import tray_map
from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import iter_pieces
from imb_tracker.store.replies import reply_map
from imb_tracker.store.scans import iter_scan_rows

if TYPE_CHECKING:
    from imb_tracker.tracking.report import MailingReport

log = logging.getLogger(__name__)

#: progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool | None]


#: the last column of every export: the identity of the database the serials came from (schema 6)
DATABASE_COLUMN = "database_id"
#: each piece's reply piece (issue 16) and its tray's 24-digit barcode (issue 17): empty when none
REPLY_COLUMNS = ("reply_tracking", "reply_routing", "reply_bars", "tray")
SCAN_COLUMNS = (
    "imb",
    "mailing",
    "name",
    "scan_time_as_reported",
    "op_code",
    "facility_name",
    "facility_zip",
    "machine",
    "source",
    "fetched_at",
    "raw_payload",
)


def _writer(
    path: Path, header: tuple[str, ...] | list[str], kind: str | None = None, excel: bool = False
) -> tuple[Callable[[list[Any]], None], Callable[[], None]]:
    """Row writer for a CSV or Excel file, and a close function.

    ``kind`` "csv" or "xlsx"; None reads it from the file name (.csv/.txt or .xlsx, anything else refused).
    CSV files get a byte-order mark, so a spreadsheet opens them as UTF-8.
    """
    if kind is None and path.suffix.lower() not in (".csv", ".txt", ".xlsx"):
        raise FieldError("file", path.name, "exports are .csv or .xlsx", "end the file name in .csv or .xlsx")
    if (kind or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")) == "xlsx":
        from openpyxl import Workbook  # noqa: PLC0415
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        book = Workbook(write_only=True)
        sheet = book.create_sheet(path.stem[:31] or "export")
        sheet.append(list(header))

        def close_xlsx() -> None:
            book.save(path)

        def append(row: list[Any]) -> None:
            # every cell a string: nothing becomes a formula, and serials, ZIPs and IMbs keep their zeros
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)

        return append, close_xlsx
    handle = open(path, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed by the returned function
    return _csv_rows(handle, header, excel, "\r\n"), handle.close


def _csv_rows(
    out: IO[str], header: tuple[str, ...] | list[str], excel: bool, lineterminator: str = "\n"
) -> Callable[[list[Any]], None]:
    """Write the header; return the row writer: spreadsheet-safe cells, digit codes as text with ``excel``."""
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow(header)
    if excel:
        return lambda row: writer.writerow(excel_row(header, row))
    return lambda row: writer.writerow(csv_row(row))


def write_csv(
    out: IO[str], header: list[str] | tuple[str, ...], rows: Iterable[list[Any]], excel: bool = False
) -> int:
    """Rows as spreadsheet-safe CSV on a stream (``replies``, ``reply list``); returns how many."""
    write = _csv_rows(out, header, excel)
    count = 0
    for row in rows:
        write(row)
        count += 1
    return count


FORMATS = ("csv", "xlsx", "json")


def export_format(path: Path | None, wanted: str | None = None) -> str:
    """The export format: as asked, else from the file name (.csv, .txt, .xlsx, .json)."""
    if wanted:
        if wanted not in FORMATS:
            raise FieldError(
                "format", wanted, "exports are csv, xlsx or json", "use --format csv, xlsx or json"
            )
        return wanted
    suffix = path.suffix.lower() if path is not None else ".csv"
    by_suffix = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}
    if suffix not in by_suffix:
        raise FieldError(
            "file",
            path.name if path else "",
            "exports are .csv, .xlsx or .json",
            "end the file name in .csv, .xlsx or .json",
        )
    return by_suffix[suffix]


def export_pieces(
    db: Database,
    target: Path | IO[str],
    mailing: str | None = None,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
    excel: bool = False,
) -> int:
    """Every piece (of one mailing, or all) with its IMb and address; returns how many were written.

    ``target`` is a file (format from its name unless ``fmt`` says) or an open text stream (CSV or JSON).
    ``excel``: the CSV flavour for Excel, which keeps the codes' leading zeros (see :mod:`imb_tracker.cells`).
    """
    path = target if isinstance(target, Path) else None
    kind = export_format(path, fmt)
    if kind == "xlsx" and path is None:
        raise FieldError("format", kind, "Excel files cannot go to standard output", "give --out FILE.xlsx")
    count = 0
    identity = db.identity()
    replies = reply_map(db, mailing)
    trays = tray_map(db, mailing)

    def with_reply(piece: StoredPiece) -> dict[str, object]:
        row = piece.export_row()
        tracking, routing = replies.get(int(piece.id or 0), ("", ""))
        row["reply_tracking"], row["reply_routing"] = tracking, routing
        row["reply_bars"] = encode_tracking(tracking, routing) if tracking else ""
        row["tray"] = trays.get(int(piece.id or 0), "")
        return row

    if kind == "json":
        out = open(path, "w", encoding="utf-8") if path else target  # noqa: SIM115 - closed below
        assert not isinstance(out, Path)
        try:
            out.write("[")
            for piece in iter_pieces(db, mailing):
                item = {**with_reply(piece), DATABASE_COLUMN: identity}
                out.write(("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False))
                count += 1
            out.write("\n]\n")
        finally:
            if path:
                out.close()
        return count
    header = (*PIECE_COLUMNS, *REPLY_COLUMNS, DATABASE_COLUMN)
    if path is None:
        write, close = _stream_writer(target, header, excel)  # type: ignore[arg-type]
    else:  # the format was asked for (--format) or read from the name: any file name will do
        write, close = _writer(path, header, kind, excel)
    try:
        for piece in iter_pieces(db, mailing):
            row = with_reply(piece)
            row["extra"] = json.dumps(row["extra"], ensure_ascii=False) if row["extra"] else ""
            write([*(row[c] for c in (*PIECE_COLUMNS, *REPLY_COLUMNS)), identity])
            count += 1
            if progress is not None and count % 5000 == 0 and progress(count, 0) is False:
                break
    finally:
        close()
    return count


def _stream_writer(
    out: IO[str], header: tuple[str, ...], excel: bool = False
) -> tuple[Callable[[list[Any]], None], Callable[[], None]]:
    return _csv_rows(out, header, excel), out.flush


def export_scans(db: Database, path: Path, mailing: str | None = None, imb: str | None = None) -> int:
    """Every stored scan (of one mailing, one piece, or all), raw USPS payload included, to CSV or XLSX."""
    write, close = _writer(path, (*SCAN_COLUMNS, DATABASE_COLUMN))
    identity = db.identity()
    count = 0
    try:
        for r in iter_scan_rows(db, mailing=mailing, imb=imb):
            write(
                [
                    r["imb"],
                    r["mailing"] or "",
                    r["piece_name"] or "",
                    r["scan_time_text"],
                    r["op_code"],
                    r["facility_name"],
                    r["facility_zip"],
                    r["machine"],
                    r["source"],
                    _iso(r["fetched_at"]),
                    r["raw_payload"],
                    identity,
                ]
            )
            count += 1
    finally:
        close()
    return count


def export_report(
    db: Database, mailing: str, now: datetime, stalled_days: int, out: IO[str], excel: bool = False
) -> int:
    """One CSV row per piece of a mailing's report; returns the rows written."""
    from imb_tracker.tracking.report import mailing_report  # noqa: PLC0415

    return write_report(mailing_report(db, mailing, now, stalled_days), out, db.identity(), excel)


def write_report(report: MailingReport, out: IO[str], database_id: str, excel: bool = False) -> int:
    """A report already made (the window shows it first) as spreadsheet-safe CSV rows."""
    from imb_tracker.tracking.report import REPORT_COLUMNS, report_rows  # noqa: PLC0415

    write = _csv_rows(out, [*REPORT_COLUMNS, DATABASE_COLUMN], excel)
    count = 0
    for row in report_rows(report):
        write([*row, database_id])
        count += 1
    return count


def _iso(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""
