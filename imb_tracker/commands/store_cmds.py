"""``imb-tracker mailer …``, ``import``, ``mailings`` and ``pieces``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TextIO

from imb_tracker.imb import stid_table
from imb_tracker.mail import AddressRecord, ListError, read_list, report_csv, report_text
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer, list_mailers, list_pools, set_workstation_range
from imb_tracker.store.mailings import (
    PIECE_COLUMNS,
    check_new_mailing,
    create_mailing,
    iter_pieces,
    list_mailings,
)
from imb_tracker.store.serials import serial_status

from .common import ProgressLine, open_db, workstation_name


class CommandFailedError(Exception):
    """A command finished without doing its job; the message says why (exit 1)."""


def cmd_mailer_add(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    mailer = add_mailer(
        db, args.mid, args.name, crid=args.crid, stid=args.stid, barcode_id=args.barcode_id,
        serial_range=args.serial_range, window_days=args.window_days,
    )  # fmt: skip
    status = serial_status(db, mailer.mid)
    assert status is not None  # add_mailer creates the shared pool
    out.write(
        f"added Mailer ID {mailer.mid} ({mailer.name}): STID {mailer.default_stid}, "
        f"serials {status.first}-{status.last}, "
        f"uniqueness window {mailer.window_days} days\n"
    )
    for warning in stid_table().warnings(mailer.default_stid):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_mailer_list(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    rows = list_mailers(db)
    if not rows:
        out.write('no mailers yet; add one with: imb-tracker mailer add --mid 123456 --name "Your name"\n')
        return 0
    for m in rows:
        out.write(
            f"{m.mid}  {m.name}  STID {m.default_stid}  CRID {m.crid or '-'}  window {m.window_days} days\n"
        )
        for pool in list_pools(db, m.mid):
            status = serial_status(db, m.mid, pool.kind, pool.workstation)
            free = status.free if status else 0
            who = f"workstation {pool.workstation}" if pool.workstation else "shared"
            out.write(
                f"    {pool.kind} serials {pool.first_serial}-{pool.last_serial} ({who}): "
                f"{free:,} free, next {pool.next_serial}\n"
            )
    return 0


def cmd_mailer_range(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    pool = set_workstation_range(db, args.mid, args.workstation, args.serial_range, kind=args.kind)
    out.write(
        f"workstation {pool.workstation} now takes {pool.kind} serials {pool.first_serial}-{pool.last_serial} "
        f"for Mailer ID {args.mid}\n"
    )
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.list_file)
    db = open_db(args)
    check_new_mailing(db, args.mailer, args.name)
    print(f"reading {path} …", file=sys.stderr)
    try:
        result = read_list(path, args.map or [])
    except ListError as exc:
        raise CommandFailedError(f"{path.name}: {exc}") from None
    print(f"read as {result.encoding}" + (f", delimiter {result.delimiter!r}" if result.delimiter else ""),
          file=sys.stderr)  # fmt: skip
    mapped = ", ".join(f"{field}={result.headers[i]!r}" for field, i in result.mapping.items())
    print(f"columns: {mapped}", file=sys.stderr)
    print(report_text(result, limit=args.show), file=sys.stderr)
    if args.report:
        Path(args.report).write_text(report_csv(result), encoding="utf-8")
        print(f"full report written to {args.report}", file=sys.stderr)
    if not result.records:
        raise CommandFailedError(f"nothing to import: {path.name} has no valid recipient rows")
    if result.invalid_rows and args.on_invalid == "abort":
        raise CommandFailedError(
            f"{len(result.invalid_rows):,} invalid row(s) and --on-invalid abort: nothing imported; fix the rows "
            "or use --on-invalid skip"
        )
    records = result.records
    if args.complete_zip4:
        records = _complete_zip4(db, args, records)
    if args.dry_run:
        out.write(f"dry run: {len(records):,} recipient(s) would be imported\n")
        return 0
    summary = create_mailing(
        db, args.mailer, args.name, records, stid=args.stid, barcode_id=args.barcode_id,
        source_file=str(path), workstation=workstation_name(args), progress=ProgressLine("saving pieces"),
    )  # fmt: skip
    for warning in stid_table().warnings(summary.stid):
        print(f"warning: {warning}", file=sys.stderr)
    out.write(
        f"created mailing {summary.name!r}: {summary.piece_count:,} pieces for Mailer ID {summary.mid}, "
        f"STID {summary.stid}, serials {summary.first_serial}-{summary.last_serial}"
        + (f"; {len(result.invalid_rows):,} invalid row(s) skipped" if result.invalid_rows else "")
        + "\n"
    )
    return 0


def _complete_zip4(
    db: Database, args: argparse.Namespace, records: list[AddressRecord]
) -> list[AddressRecord]:
    import os  # noqa: PLC0415

    from imb_tracker.store.engine import utcnow  # noqa: PLC0415
    from imb_tracker.tracking.addresses import complete_routing  # noqa: PLC0415
    from imb_tracker.usps.apis import ApisClient  # noqa: PLC0415
    from imb_tracker.usps.config import environment  # noqa: PLC0415
    from imb_tracker.usps.credentials import CredentialsError, load_api  # noqa: PLC0415
    from imb_tracker.usps.errors import AuthError  # noqa: PLC0415

    try:
        key, secret = load_api()
    except CredentialsError as exc:
        raise CommandFailedError(str(exc)) from None
    env = environment(args.usps or os.environ.get("IMB_TRACKER_USPS_ENV") or "production")
    client = ApisClient(env, key, secret)
    try:
        done, summary = complete_routing(
            db, client, records, clock=utcnow, progress=ProgressLine("ZIP+4 lookups")
        )
    except AuthError as exc:
        raise CommandFailedError(str(exc)) from None
    finally:
        client.close()
    print(summary.line(), file=sys.stderr)
    return done


def cmd_mailings(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    rows = list_mailings(db)
    if not rows:
        out.write("no mailings yet; create one with: imb-tracker import LIST.csv --mailer MID --name NAME\n")
    for m in rows:
        out.write(
            f"{m.name}  MID {m.mid}  STID {m.stid}  {m.piece_count:,} pieces  serials "
            f"{m.first_serial}-{m.last_serial}  created {m.created_at:%Y-%m-%d %H:%M} UTC  {m.status}\n"
        )
    return 0


def cmd_pieces(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    target = open(args.out, "w", newline="", encoding="utf-8") if args.out else out  # noqa: SIM115
    count = 0
    try:
        rows = iter_pieces(db, args.mailing)
        if args.format == "csv":
            writer = csv.writer(target, lineterminator="\n")
            writer.writerow(PIECE_COLUMNS)
            for row in rows:
                row["extra"] = json.dumps(row["extra"], ensure_ascii=False) if row["extra"] else ""
                writer.writerow([row[c] for c in PIECE_COLUMNS])
                count += 1
        else:
            target.write("[")
            for row in rows:
                target.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
                count += 1
            target.write("\n]\n")
    finally:
        if args.out:
            target.close()
    if args.out:
        print(f"wrote {count:,} piece(s) to {args.out}", file=sys.stderr)
    return 0
