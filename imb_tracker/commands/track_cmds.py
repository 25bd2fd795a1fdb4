"""USPS commands: credentials, lookup, refresh, scans import, report, sandbox, demo."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from imb_tracker.actions.backend import check_sign_in, choose_mode
from imb_tracker.actions.catalog import (
    clear_iv,
    file_import_line,
    import_iv_file,
    mailing_report,
    report_json,
    report_lines,
    save_iv,
)
from imb_tracker.actions.demo import run_demo
from imb_tracker.actions.exports import export_report
from imb_tracker.actions.lookup import AmbiguousSerialError, Timeline, look_up
from imb_tracker.actions.refresh import RefreshPolicy, plan, run_refresh
from imb_tracker.actions.replies import reply_json, reply_summary
from imb_tracker.app import app_paths
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.tracking.files import ScanFileError
from imb_tracker.usps.credentials import CredentialsError

from .common import CommandFailedError, ProgressLine, load_settings, workspace


def _ask(prompt: str, secret: bool) -> str:
    """A typed answer at the terminal; a script without one gets told which flags to use."""
    if not sys.stdin.isatty():
        raise CommandFailedError(
            "not at a terminal: give the username with --username and the password on stdin with "
            "--password-stdin",
            2,
        )
    try:
        return getpass.getpass(prompt) if secret else input(prompt)
    except EOFError:
        raise CommandFailedError("no answer was typed; nothing was saved") from None


def cmd_credentials_set(args: argparse.Namespace, out: TextIO) -> int:
    username = (args.username or _ask("BCG username: ", secret=False)).strip()
    password = (
        sys.stdin.readline().rstrip("\r\n") if args.password_stdin else _ask("BCG password: ", secret=True)
    )
    if not username or not password:
        raise CommandFailedError("both a username and a password are needed")
    try:
        save_iv(username, password)
    except CredentialsError as exc:
        raise CommandFailedError(str(exc)) from None
    out.write(f"saved the credentials for {username} in the system keyring\n")
    return 0


def cmd_credentials_test(args: argparse.Namespace, out: TextIO) -> int:
    out.write(check_sign_in(choose_mode(args.usps, load_settings(args))) + "\n")
    return 0


def cmd_credentials_clear(args: argparse.Namespace, out: TextIO) -> int:
    out.write("removed the saved credentials\n" if clear_iv() else "no saved credentials to remove\n")
    return 0


def print_timeline(t: Timeline, out: TextIO, reply_of: str | None = None) -> None:
    """The timeline in words, as ``lookup`` prints it (``reply_of``: whose reply piece this IMb is)."""
    p = t.piece
    who = (
        f"  {t.who}, {p['city']} {p['state']}  (mailing {p['mailing']})"
        if p
        else f"  {reply_of}"
        if reply_of
        else "  (not in this database)"
    )
    out.write(f"IMb {t.imb}\n{who}\nStatus: {t.status}\n{t.window}\n")
    if t.expected is not None:
        out.write(f"Expected delivery: {t.expected:%A %d %B %Y} (USPS's estimate)\n")
    est = t.estimate
    if est is not None and est.in_home is not None:
        flag = " — LATE (no carrier-sort scan a delivery day after it)" if t.late else ""
        out.write(f"Estimated in home: {est.in_home:%A %d %B %Y} ({est.basis}: {est.detail}){flag}\n")
    if t.stalled:
        out.write(
            "Stalled: in the mail with no new scan for too many delivery days (the stalled_days setting)\n"
        )
    for v in t.scans:
        flag = " [implied]" if v.implied else ""
        out.write(f"  {v.when_text}  {v.words}{flag}\n      {v.facility}  op {v.opcode}\n")
    if not t.scans:
        out.write("  no scans stored yet\n")


def print_reply(reply: dict[str, Any], out: TextIO) -> None:
    """The letter's reply piece under its timeline."""
    out.write(
        f"Reply piece: {reply['kind']}, STID {reply['stid']}, IMb {reply['imb']}\n  {reply['status']}\n"
    )
    for v in reply["scans"]:
        out.write(f"  {v.when_text}  {v.words}\n      {v.facility}  op {v.opcode}\n")


def cmd_lookup(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    try:
        result = look_up(
            space.db,
            space.backend,
            args.key,
            stalled_days=space.settings.stalled_days,
            offline=args.offline,
            mailer=args.mailer,
        )
    except AmbiguousSerialError as exc:
        raise CommandFailedError(str(exc), code=2) from None
    failed = result.error is not None
    if failed:
        print(f"imb-tracker: {result.message} (stored history shown)", file=sys.stderr)
    if args.json:
        answer = result.timeline.as_json()
        answer["reply"] = reply_json(result.reply)
        answer["reply_of"] = result.reply_of
        out.write(json.dumps(answer, indent=2) + "\n")
    else:
        print_timeline(result.timeline, out, result.reply_of)
        if result.reply is not None:
            print_reply(result.reply, out)
    return 1 if failed else 0  # the history was shown, but USPS was not asked successfully


def cmd_refresh(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    policy = RefreshPolicy.from_settings(
        space.settings,
        quota_per_minute=args.quota_per_minute,
        min_interval_minutes=args.min_interval_minutes,
        workers=args.workers,
    )
    if args.watch:
        from imb_tracker.actions.watch import parse_every, watch  # noqa: PLC0415

        every = parse_every(args.watch)

        def say(text: str) -> None:
            out.write(text + "\n")
            out.flush()

        try:
            watch(
                space.db,
                space.backend,
                policy,
                every,
                say,
                stalled_days=space.settings.stalled_days,
                mailing=args.mailing,
                rounds=args.watch_rounds,
                settings=space.settings,
            )
        except KeyboardInterrupt:
            say("stopped")
        return 0
    chosen = plan(space.db, space.backend, policy, args.mailing)
    print(
        f"{len(chosen.due):,} piece(s) to look up"
        + (f" ({chosen.replies_due:,} of them reply pieces)" if chosen.replies_due else "")
        + f"; {chosen.recently_checked:,} checked recently; "
        f"{chosen.past_window:,} past USPS's window (local history kept)",
        file=sys.stderr,
    )
    if not chosen.due:
        out.write("nothing to refresh\n")
        return 0
    line = ProgressLine("looking up")
    summary = run_refresh(
        space.db,
        space.backend,
        chosen.due,
        policy,
        max_lookups=args.max,
        progress=lambda done, total, _imb: line(done, total),
        settings=space.settings,
        mailing=args.mailing,
    )
    out.write(summary.line() + "\n")
    if summary.standards:
        out.write(summary.standards + "\n")
    return 1 if summary.stopped_reason or summary.failed else 0  # any piece failed: a script should know


def cmd_scans_import(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    try:
        result = import_iv_file(space.db, args.file, space.backend.clock())
    except ScanFileError as exc:
        raise CommandFailedError(f"{args.file}: {exc}") from None
    out.write(file_import_line(result, args.file) + "\n")
    return 0 if result.read or result.container_read else 1


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    stalled = args.stalled_days if args.stalled_days is not None else space.settings.stalled_days
    now = space.backend.clock()
    if args.csv or args.format == "csv":
        export_report(space.db, args.mailing, now, stalled, out, excel=args.excel)
        return 0
    if args.format == "json":
        answer = report_json(mailing_report(space.db, args.mailing, now, stalled))
        back = reply_summary(space.db, args.mailing)
        if back.has_replies:
            answer["replies"] = {
                "with_reply": back.with_reply,
                "replied": back.replied,
                "arrived": back.arrived,
            }
        out.write(json.dumps(answer, ensure_ascii=False, indent=1) + "\n")
        return 0
    out.write("\n".join(report_lines(mailing_report(space.db, args.mailing, now, stalled))) + "\n")
    back = reply_summary(space.db, args.mailing)
    if back.has_replies:
        out.write("\n".join(back.lines()) + "\n")
    return 0


def cmd_proof(args: argparse.Namespace, out: TextIO) -> int:
    from imb_tracker.actions.proof import write_proof  # noqa: PLC0415

    space = workspace(args)
    count = write_proof(
        space.db,
        Path(args.out),
        key=args.serial or args.imb,
        mailing=args.mailing,
        mailer=args.mailer,
        now=space.backend.clock(),
        stalled_days=space.settings.stalled_days,
    )
    out.write(f"wrote the proof-of-mailing record of {count:,} letter(s) to {args.out}\n")
    return 0


def cmd_sandbox(args: argparse.Namespace, out: TextIO) -> int:
    server = SandboxServer(
        args.port, faults=args.faults, quota_per_minute=args.quota_per_minute, token_ttl=args.token_ttl
    )
    server.start()
    out.write(
        f"USPS stand-in listening on {server.url}\n  use: --usps {server.url}\n"
        f"  IV sign-in: {DEMO_USERNAME} / {DEMO_PASSWORD}\nCtrl-C to stop\n"
    )
    out.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    def say(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    run_demo(app_paths(args.dev_dir), load_settings(args), args.days, say)
    return 0
