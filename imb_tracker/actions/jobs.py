"""The user's jobs: one letter, printing a mailing, tray tags, exports (shared by the CLI and the GUI)."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from imb_tracker.imb import FieldError, TrayBarcode
from imb_tracker.layout.envelopes import (
    EnvelopeOptions,
    EnvelopePiece,
    JobResult,
    check_envelopes,
    render_envelopes,
)
from imb_tracker.layout.labels import LabelOptions, check_sheet, render_labels
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.layout.tags import make_tags, render_tags
from imb_tracker.layout.templates import EnvelopeTemplate, SheetTemplate
from imb_tracker.mail import AddressRecord, Problem, check_address
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import MailingSummary, create_mailing, get_mailing, iter_pieces
from imb_tracker.store.scans import scans_for
from imb_tracker.store.schema import mailings, pieces, scans
from imb_tracker.store.serials import reserve

log = logging.getLogger(__name__)

#: progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool | None]


class RulesBrokenError(ValueError):
    """Placement rules are broken: nothing was written.  ``problems`` are (piece number, who, message)."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


def envelope_piece(row: dict[str, Any]) -> EnvelopePiece:
    """What the layout needs of a stored piece (a row of ``iter_pieces``)."""
    return EnvelopePiece(str(row["name"]), str(row["company"]), str(row["address1"]), str(row["address2"]),
                         str(row["city"]), str(row["state"]), str(row["zip"]), str(row["zip4"]), str(row["bars"]),
                         str(row["imb"]))  # fmt: skip


def mailing_pieces(db: Database, mailing: str) -> tuple[int, Iterator[EnvelopePiece]]:
    """How many pieces a mailing has, and a stream of them ready for layout."""
    total = get_mailing(db, mailing).piece_count
    return total, (envelope_piece(row) for row in iter_pieces(db, mailing))


def check_mailing_envelopes(db: Database, mailing: str, template: EnvelopeTemplate, options: EnvelopeOptions,
                            limit: int = 20) -> tuple[int, list[tuple[int, str, str]]]:  # fmt: skip
    """Every broken placement rule (count, and the first ``limit`` as (piece number, who, message))."""
    _, stream = mailing_pieces(db, mailing)
    count = 0
    shown: list[tuple[int, str, str]] = []
    for number, piece, violation in check_envelopes(template, options, stream):
        count += 1
        if len(shown) < limit:
            who = f"piece {number} ({piece.name or piece.company})" if number else f"template {template.id}"
            shown.append((number, who, str(violation)))
    return count, shown


def print_envelopes(db: Database, mailing: str, template: EnvelopeTemplate, options: EnvelopeOptions, out: Path,
                    progress: Progress | None = None) -> JobResult:  # fmt: skip
    """Rule-check every piece, then write the PDF (nothing is written when a rule is broken)."""
    count, shown = check_mailing_envelopes(db, mailing, template, options)
    if count:
        raise RulesBrokenError(
            f"{count} placement rule(s) broken on {template.name} with the barcode {options.position}; nothing was "
            "written. Fix the addresses, or choose another template or barcode position",
            shown,
        )
    total, stream = mailing_pieces(db, mailing)
    return render_envelopes(template, options, stream, out, total, progress)


def print_labels(db: Database, mailing: str, sheet: SheetTemplate, options: LabelOptions, out: Path,
                 progress: Progress | None = None) -> JobResult:  # fmt: skip
    check_sheet(sheet, options)
    total, stream = mailing_pieces(db, mailing)
    return render_labels(sheet, options, stream, out, total, progress)


@dataclass(frozen=True)
class TrayTagJob:
    mid: str
    zip: str
    cin: str
    count: int
    destination: str = ""
    origin: str = ""
    processing_code: str = "1"
    label_type: str = "1"
    start_cell: int = 1


def print_tray_tags(db: Database, job: TrayTagJob, sheet: SheetTemplate, out: Path,
                    workstation: str = "") -> tuple[JobResult, list[TrayBarcode]]:  # fmt: skip
    """Reserve tray serials and write the tags; the fields are checked before any serial is used."""
    if job.count < 1:
        raise FieldError("count", str(job.count), "at least one tag is needed", "ask for 1 or more tags")
    mailer = get_mailer(db, job.mid)
    width = 14 - len(mailer.mid)
    origin = job.origin or mailer.name
    probe = TrayBarcode(job.zip, job.cin, mailer.mid, "0" * width, job.processing_code, job.label_type)
    make_tags([probe], job.destination, origin)  # validates every field first: no serial wasted on a typo
    reservation = reserve(db, mailer.mid, job.count, kind="tray", workstation=workstation,
                          purpose=f"tray tags {job.zip} CIN {job.cin}")  # fmt: skip
    codes = [TrayBarcode(job.zip, job.cin, mailer.mid, f"{s:0{width}d}", job.processing_code, job.label_type)
             for s in reservation]  # fmt: skip
    tags = make_tags(codes, job.destination, origin)
    result = render_tags(sheet, tags, out, SheetOptions(start_cell=job.start_cell))
    return result, codes


# ------------------------------------------------------------------ one letter


def check_letter(fields: dict[str, str]) -> tuple[AddressRecord | None, list[Problem]]:
    """Validate a typed-in address (the same rules as a list row)."""
    return check_address(fields)


def letter_preview(record: AddressRecord, mid: str, stid: str, barcode_id: str = "00") -> EnvelopePiece:
    """An envelope piece with a placeholder serial (all zeros) to show before anything is stored."""
    from imb_tracker.imb import ImbFields, encode  # noqa: PLC0415

    serial = "0" * (15 - len(mid))
    fields = ImbFields(barcode_id, stid, mid, serial, record.routing)
    return EnvelopePiece(record.name, record.company, record.address1, record.address2, record.city, record.state,
                         record.zip5, record.zip4, encode(fields), fields.tracking + record.routing)  # fmt: skip


def store_letter(db: Database, mid: str, record: AddressRecord, *, stid: str | None = None, name: str = "",
                 workstation: str = "") -> tuple[MailingSummary, EnvelopePiece]:  # fmt: skip
    """Store one letter as a mailing of one piece, with a fresh serial, before anything prints."""
    stamp = db.clock()
    who = record.name or record.company
    title = name or f"Letter to {who} {stamp:%Y-%m-%d %H:%M:%S}"
    summary = create_mailing(
        db, mid, title, [record], stid=stid, workstation=workstation, source_file="one letter"
    )
    row = next(iter_pieces(db, summary.name))
    return summary, envelope_piece(row)


# ------------------------------------------------------------------ exports

SCAN_COLUMNS = ("imb", "mailing", "name", "scan_time_as_reported", "op_code", "facility_name", "facility_zip",
                "machine", "source", "fetched_at", "raw_payload")  # fmt: skip


def _writer(
    path: Path, header: tuple[str, ...] | list[str]
) -> tuple[Callable[[list[Any]], None], Callable[[], None]]:
    """Row writer for .csv or .xlsx (chosen by the file name), and a close function."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # noqa: PLC0415

        book = Workbook(write_only=True)
        sheet = book.create_sheet(path.stem[:31] or "export")
        sheet.append(list(header))

        def close_xlsx() -> None:
            book.save(path)

        return (lambda row: sheet.append(["" if v is None else v for v in row])), close_xlsx
    if path.suffix.lower() not in (".csv", ".txt"):
        raise FieldError("file", path.name, "exports are .csv or .xlsx", "end the file name in .csv or .xlsx")
    handle = open(path, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed by the returned function
    writer = csv.writer(handle)
    writer.writerow(header)
    return writer.writerow, handle.close


def export_pieces(
    db: Database, path: Path, mailing: str | None = None, progress: Progress | None = None
) -> int:
    """Every piece (of one mailing, or all) with its IMb and address, to CSV or XLSX."""
    from imb_tracker.store.mailings import PIECE_COLUMNS  # noqa: PLC0415

    write, close = _writer(path, PIECE_COLUMNS)
    count = 0
    try:
        for row in iter_pieces(db, mailing):
            row["extra"] = json.dumps(row["extra"], ensure_ascii=False) if row["extra"] else ""
            write([row[c] for c in PIECE_COLUMNS])
            count += 1
            if progress is not None and count % 5000 == 0 and progress(count, 0) is False:
                break
    finally:
        close()
    return count


def export_scans(db: Database, path: Path, mailing: str | None = None, imb: str | None = None) -> int:
    """Every stored scan (of one mailing, one piece, or all), raw USPS payload included, to CSV or XLSX."""
    from sqlalchemy import select  # noqa: PLC0415

    write, close = _writer(path, SCAN_COLUMNS)
    count = 0
    try:
        if imb is not None:
            rows: Any = scans_for(db, imb)
            for r in rows:
                write([r["imb"], "", "", r["scan_time_text"], r["op_code"], r["facility_name"], r["facility_zip"],
                       r["machine"], r["source"], _iso(r["fetched_at"]), r["raw_payload"]])  # fmt: skip
                count += 1
            return count
        query = (
            select(scans, mailings.c.name.label("mailing"), pieces.c.name.label("piece_name"))
            .outerjoin(pieces, pieces.c.id == scans.c.piece_id)
            .outerjoin(mailings, mailings.c.id == pieces.c.mailing_id)
            .order_by(scans.c.imb, scans.c.scan_time)
        )
        if mailing is not None:
            query = query.where(mailings.c.name == mailing)
        with db.read() as conn:
            for r in conn.execution_options(yield_per=2000).execute(query).mappings():
                write([r["imb"], r["mailing"] or "", r["piece_name"] or "", r["scan_time_text"], r["op_code"],
                       r["facility_name"], r["facility_zip"], r["machine"], r["source"], _iso(r["fetched_at"]),
                       r["raw_payload"]])  # fmt: skip
                count += 1
    finally:
        close()
    return count


def _iso(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""
