"""USPS commands: credentials, lookup, refresh, scans import, report, sandbox, demo."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import httpx

from imb_tracker.app import app_paths
from imb_tracker.layout.envelopes import EnvelopeOptions, EnvelopePiece, render_envelopes
from imb_tracker.layout.templates import envelope_template
from imb_tracker.mail import read_list
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database, utcnow
from imb_tracker.store.mailers import add_mailer, list_mailers
from imb_tracker.store.mailings import create_mailing, iter_pieces, mark_mailed
from imb_tracker.store.scans import find_piece, lookups_for, scans_for
from imb_tracker.tracking.files import ScanFileError, import_scan_file
from imb_tracker.tracking.ingest import ingest_result, log_failure
from imb_tracker.tracking.planner import plan_refresh
from imb_tracker.tracking.refresh import refresh
from imb_tracker.tracking.report import REPORT_COLUMNS, mailing_report, report_lines, report_rows, scan_views
from imb_tracker.tracking.status import in_order, piece_status
from imb_tracker.usps.config import environment, sandbox_environment
from imb_tracker.usps.credentials import CredentialsError, clear_iv, load_iv, save_iv
from imb_tracker.usps.errors import UspsError
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota

from .common import ProgressLine, open_db
from .store_cmds import CommandFailedError

ENV_VAR = "IMB_TRACKER_USPS_ENV"


def _client(args: argparse.Namespace, quota: Quota | None = None) -> IvClient:
    env = environment(getattr(args, "usps", None) or os.environ.get(ENV_VAR) or "production")
    try:
        creds = load_iv()
    except CredentialsError as exc:
        raise CommandFailedError(str(exc)) from None
    return IvClient(env, creds.username, creds.password, quota=quota)


def cmd_credentials_set(args: argparse.Namespace, out: TextIO) -> int:
    username = args.username or input("BCG username: ").strip()
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("BCG password: ")
    if not username or not password:
        raise CommandFailedError("both a username and a password are needed")
    try:
        save_iv(username, password)
    except CredentialsError as exc:
        raise CommandFailedError(str(exc)) from None
    out.write(f"saved the credentials for {username} in the system keyring\n")
    return 0


def cmd_credentials_test(args: argparse.Namespace, out: TextIO) -> int:
    client = _client(args)
    try:
        out.write(client.test() + "\n")
    except UspsError as exc:
        raise CommandFailedError(str(exc)) from None
    finally:
        client.close()
    return 0


def cmd_credentials_clear(args: argparse.Namespace, out: TextIO) -> int:
    out.write("removed the saved credentials\n" if clear_iv() else "no saved credentials to remove\n")
    return 0


def timeline(
    db: Database, imb: str, now: datetime, mailed_at: datetime | None
) -> tuple[list[dict[str, object]], str, str]:
    views = scan_views(scans_for(db, imb))
    last_lookup = lookups_for(db, imb)
    not_found = bool(last_lookup) and last_lookup[-1]["outcome"] == "not_found"
    status = piece_status(views, now, mailed_at, None, not_found)
    items = [
        {"time_as_reported_by_usps": v.when_text, "stage": v.stage, "what": v.words, "opcode": v.opcode,
         "facility": v.facility, "implied": v.implied}
        for v in in_order(views)
    ]  # fmt: skip
    return items, status.words, status.window


def cmd_lookup(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    key = "".join(args.key.split())
    piece = find_piece(db, key)
    imb = (piece["tracking"] + piece["routing"]) if piece else key
    if not imb.isdigit() or len(imb) not in (20, 25, 29, 31):
        raise CommandFailedError(f"{args.key!r} is not a stored piece, and not a 20/25/29/31-digit IMb")
    if not args.offline:
        client = _client(args)
        requested = utcnow()
        try:
            result = client.lookup(imb)
        except UspsError as exc:
            log_failure(db, imb, requested, type(exc).__name__, str(exc))
            print(f"imb-tracker: USPS lookup failed: {exc} (stored history shown)", file=sys.stderr)
        else:
            ingest_result(db, result, requested)
        finally:
            client.close()
    mailed = (piece["mailed_at"] or piece["created_at"]) if piece else None
    items, status, window = timeline(db, imb, utcnow(), mailed)
    if args.json:
        out.write(
            json.dumps({"imb": imb, "status": status, "usps_window": window, "scans": items}, indent=2) + "\n"
        )
        return 0
    who = (
        f"  {piece['name'] or piece['company']}, {piece['city']} {piece['state']}  (mailing {piece['mailing']})"
        if piece
        else "  (not in this database)"
    )
    out.write(f"IMb {imb}\n{who}\nStatus: {status}\n{window}\n")
    for item in items:
        flag = " [implied]" if item["implied"] else ""
        out.write(
            f"  {item['time_as_reported_by_usps']}  {item['what']}{flag}\n      {item['facility']}  op {item['opcode']}\n"
        )
    if not items:
        out.write("  no scans stored yet\n")
    return 0


def cmd_refresh(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    now = utcnow()
    plan = plan_refresh(db, now, args.mailing, min_interval=timedelta(minutes=args.min_interval_minutes))
    print(f"{len(plan.due):,} piece(s) to look up; {plan.recently_checked:,} checked recently; "
          f"{plan.past_window:,} past USPS's window (local history kept)", file=sys.stderr)  # fmt: skip
    if not plan.due:
        out.write("nothing to refresh\n")
        return 0
    client = _client(args, Quota(per_minute=args.quota_per_minute))
    line = ProgressLine("looking up")
    try:
        summary = refresh(db, client, plan.due, clock=utcnow, max_lookups=args.max,
                          progress=lambda done, total, _imb: line(done, total))  # fmt: skip
    finally:
        client.close()
    out.write(summary.line() + "\n")
    return 1 if summary.stopped_reason else 0


def cmd_scans_import(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    try:
        read, new, bad = import_scan_file(db, args.file, utcnow())
    except ScanFileError as exc:
        raise CommandFailedError(f"{args.file}: {exc}") from None
    out.write(f"read {read:,} scan(s) from {args.file}: {new:,} new, {read - new:,} already stored"
              + (f"; {bad:,} row(s) without an IMb or a readable time skipped" if bad else "") + "\n")  # fmt: skip
    return 0 if read else 1


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    db = open_db(args)
    report = mailing_report(db, args.mailing, utcnow(), args.stalled_days)
    if args.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(report_rows(report))
        return 0
    out.write("\n".join(report_lines(report)) + "\n")
    return 0


def cmd_sandbox(args: argparse.Namespace, out: TextIO) -> int:
    server = SandboxServer(
        args.port, faults=args.faults, quota_per_minute=args.quota_per_minute, token_ttl=args.token_ttl
    )
    server.start()
    out.write(f"USPS stand-in listening on {server.url}\n  use: --usps {server.url}\n"
              f"  IV sign-in: {DEMO_USERNAME} / {DEMO_PASSWORD}\nCtrl-C to stop\n")  # fmt: skip
    out.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    response = httpx.post(url, json=body, timeout=30)
    response.raise_for_status()
    result: dict[str, object] = response.json()
    return result


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    paths = app_paths(args.dev_dir).ensure()
    folder = paths.data / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    server = SandboxServer(0).start()
    try:
        clock = server.sandbox.clock.now
        db = open_database(str(paths.data / "demo.db"), clock=clock)
        if not any(m.mid == "123456" for m in list_mailers(db)):
            add_mailer(db, "123456", "Demo Mailer", stid="270")
        sample = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"
        if not sample.is_file():
            from imb_tracker.imb.resources import resource_path  # noqa: PLC0415

            sample = resource_path("sample", "demo_list.csv")
        listing = read_list(sample)
        name = f"Demo mailing {clock():%Y-%m-%d %H%M%S}"
        summary = create_mailing(db, "123456", name, listing.records, source_file=str(sample))
        out.write(f"1. created {name!r}: {summary.piece_count} pieces from {sample.name} "
                  f"({len(listing.invalid_rows)} invalid rows reported and skipped)\n")  # fmt: skip
        rows = list(iter_pieces(db, name))
        pdf = folder / "envelopes.pdf"
        pieces = (EnvelopePiece(str(r["name"]), str(r["company"]), str(r["address1"]), str(r["address2"]),
                                str(r["city"]), str(r["state"]), str(r["zip"]), str(r["zip4"]), str(r["bars"]),
                                str(r["imb"])) for r in rows)  # fmt: skip
        options = EnvelopeOptions(return_lines=("DEMO MAILER", "PO BOX 100", "SPRINGFIELD IL 62704-0100"))
        render_envelopes(envelope_template("10"), options, pieces, pdf, len(rows))
        out.write(f"2. envelopes: {pdf}\n")
        mailed = clock()
        mark_mailed(db, name, mailed)
        _post(f"{server.url}/sandbox/pieces", {"pieces": [
            {"imb": r["imb"], "mailed_at": mailed.isoformat(), "city": r["city"], "state": r["state"], "zip": r["zip"]}
            for r in rows
        ]})  # fmt: skip
        out.write(f"3. mailed; the local USPS stand-in at {server.url} now follows {len(rows)} pieces\n")
        client = IvClient(
            sandbox_environment(server.url), DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=100_000)
        )
        try:
            for day in range(1, args.days + 1):
                server.sandbox.clock.advance(timedelta(days=1))
                plan = plan_refresh(db, clock(), name, min_interval=timedelta(hours=12))
                result = refresh(db, client, plan.due, clock=clock, cancel=threading.Event())
                stages = mailing_report(db, name, clock()).by_stage
                text = ", ".join(
                    f"{n} {s.replace('_', ' ')}" for s, n in sorted(stages.items(), key=lambda kv: -kv[1])
                )
                out.write(
                    f"   day {day}: {result.requested} lookups, {result.new_scans} new scans -> {text}\n"
                )
        finally:
            client.close()
        report = mailing_report(db, name, clock())
        out.write("4. summary\n" + "\n".join("   " + line for line in report_lines(report)) + "\n")
        out.write(f"files:\n   database   {db.display_name()}\n   envelopes  {pdf}\n")
    finally:
        server.stop()
    return 0
