"""``imb-tracker mailer …``, ``import``, ``mailings`` and ``pieces``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from imb_tracker.actions import importing, mailers
from imb_tracker.actions.catalog import (
    list_mailers,
    list_mailings,
    list_pools,
    report_csv,
    report_text,
    serial_status,
    set_workstation_range,
    update_mailer,
)
from imb_tracker.mail import ListError

from .common import CommandFailedError, ProgressLine, load_settings, open_db, workspace, workstation_name

__all__ = ["CommandFailedError"]


def cmd_mailer_add(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    added = mailers.add(
        space.db,
        args.mid,
        args.name,
        paths=space.paths,
        crid=args.crid,
        stid=args.stid,
        barcode_id=args.barcode_id,
        serial_range=args.serial_range,
        window_days=args.window_days,
        share_mail=args.share_mail,
    )
    mailer = added.mailer
    status = serial_status(space.db, mailer.mid)
    assert status is not None  # add_mailer creates the shared pool
    out.write(
        f"added Mailer ID {mailer.mid} ({mailer.name}): STID {mailer.default_stid}, "
        f"serials {status.first}-{status.last}, "
        f"uniqueness window {mailer.window_days} days\n"
    )
    for warning in added.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_mailer_update(args: argparse.Namespace, out: TextIO) -> int:
    wanted = (args.name, args.crid, args.stid, args.window_days, args.serial_range, args.share_mail)
    if all(value is None for value in wanted):
        raise CommandFailedError(
            "mailer update: give at least one of --name, --crid, --stid, --window-days, --serial-range, "
            "--share-mail / --no-share-mail",
            2,
        )
    db = open_db(args)
    mailer = update_mailer(
        db,
        args.mid,
        name=args.name,
        crid=args.crid,
        stid=args.stid,
        window_days=args.window_days,
        serial_range=args.serial_range,
        share_mail=args.share_mail,
    )
    status = serial_status(db, mailer.mid)
    span = f", serials {status.first}-{status.last}" if status else ""
    out.write(
        f"updated Mailer ID {mailer.mid} ({mailer.name}): STID {mailer.default_stid}, CRID {mailer.crid or '-'}, "
        f"uniqueness window {mailer.window_days} days{span}\n"
    )
    return 0


def cmd_mailer_list(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    rows = list_mailers(db)
    if not rows:
        out.write('no mailers yet; add one with: imb-tracker mailer add --mid 123456 --name "Your name"\n')
        return 0
    for m in rows:
        out.write(
            f"{m.mid}  {m.name}  STID {m.default_stid}  CRID {m.crid or '-'}  window {m.window_days} days"
            + ("  Share Mail MID" if m.share_mail else "")
            + "\n"
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
    space = workspace(args)
    db = space.db
    importing.check_outputs(path, args.report)
    importing.check_name(db, args.mailer, args.name)
    print(f"reading {path} …", file=sys.stderr)
    try:
        options = importing.ReadOptions(
            sheet=args.sheet, delimiter=args.delimiter, check_zips=args.check_zips
        )
        result = importing.read(path, args.map or [], options)
    except ListError as exc:
        raise CommandFailedError(f"{path.name}: {exc}") from None
    print(result.read_as(), file=sys.stderr)
    mapped = ", ".join(f"{field}={result.headers[i]!r}" for field, i in result.mapping.items())
    print(f"columns: {mapped}", file=sys.stderr)
    print(report_text(result, limit=args.show), file=sys.stderr)
    if args.report:
        Path(args.report).write_text(report_csv(result), encoding="utf-8")
        print(f"full report written to {args.report}", file=sys.stderr)
    done = importing.save(
        db,
        result,
        args.mailer,
        args.name,
        source=str(path),
        on_invalid=args.on_invalid,
        complete_zip4=args.complete_zip4,
        backend=space.backend,
        stid=args.stid,
        barcode_id=args.barcode_id,
        workstation=workstation_name(args, space.settings),
        dry_run=args.dry_run,
        progress=ProgressLine("saving pieces"),
        allow_reuse=args.reuse_serials,
    )
    if done.completion is not None:
        print(done.completion.line(), file=sys.stderr)
    for warning in done.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out.write(done.line() + "\n")
    return 0


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
    from imb_tracker.actions.exports import export_pieces  # noqa: PLC0415 - not loaded for an import

    db = open_db(args)
    target: Path | TextIO = Path(args.out) if args.out else out
    # --format wins; without it a .xlsx or .json file name says the format, anything else is CSV
    by_name = args.out and Path(args.out).suffix.lower() in (".xlsx", ".json")
    count = export_pieces(
        db, target, args.mailing, fmt=args.format or (None if by_name else "csv"), excel=args.excel
    )
    if args.out:
        print(f"wrote {count:,} piece(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_settings_show(args: argparse.Namespace, out: TextIO) -> int:
    from imb_tracker.settings import shown  # noqa: PLC0415

    file = load_settings(args)
    rows = shown(file)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.write(f"{key:<{width}}  {value}\n")
    return 0


def cmd_settings_set(args: argparse.Namespace, out: TextIO) -> int:
    from imb_tracker.settings import SettingsError, shown  # noqa: PLC0415

    from .common import settings_file  # noqa: PLC0415

    try:
        settings = settings_file(args).set(args.key, args.value)
    except SettingsError as exc:
        raise CommandFailedError(str(exc)) from None
    value = dict(shown(settings)).get(args.key.replace("printers.", "printer."), args.value)
    out.write(f"{args.key} = {value}\n")
    return 0
