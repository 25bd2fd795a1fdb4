"""The whole job against the built-in USPS stand-in, with no account: ``imb-tracker demo``.

A demo mailer and a mailing from the sample list, its envelopes, mailed, then
simulated days pass and each day's refresh is reported, then the mailing's
report.  The letters carry Business Reply envelopes (linked to each letter),
and a share of recipients reply a few simulated days after delivery.  It runs
through the same workflows as everything else (import,
printing, mark mailed, refresh, report) in demo mode's own database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from imb_tracker.app import AppPaths
from imb_tracker.imb.resources import resource_path
from imb_tracker.layout.templates import envelope_template, sheet_template
from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer, list_mailers
from imb_tracker.tracking.report import mailing_report, report_lines

from . import importing
from .backend import open_workspace
from .catalog import file_import_line, import_iv_file
from .containers import build_trays, print_mailing_tags, tray_statuses
from .mailings import mark_mailed
from .printing import envelope_options, print_envelopes
from .proof import write_proof
from .refresh import RefreshPolicy, plan, run_refresh
from .replies import add_reply_design, list_designs, print_replies, reply_summary
from .watch import Flags, flag_changes, flags_now

DEMO_MID = "123456"
DEMO_REPLY = "Demo reply envelope"
DEMO_REPLY_LINES = ("DEMO MAILER", "PO BOX 100", "SPRINGFIELD IL 62704-0100")


def settings_for_trays(settings: Settings) -> Settings:
    """The demo mailer's return address for Line 3 when the user has none."""
    if settings.return_address:
        return settings
    from dataclasses import replace  # noqa: PLC0415

    return replace(settings, return_address=list(DEMO_REPLY_LINES))


def write_demo_iv_file(db: Database, mailing: str, path: Path) -> int:
    """An IV data file (CSV) of the stand-in's handling-unit scans of the mailing's trays; returns its rows."""
    import csv  # noqa: PLC0415

    from imb_tracker.sandbox.state import container_events  # noqa: PLC0415
    from imb_tracker.store.containers import list_containers  # noqa: PLC0415
    from imb_tracker.store.mailings import get_mailing  # noqa: PLC0415

    mailed = get_mailing(db, mailing).mailed_at
    rows = [
        e for c in list_containers(db, mailing) for e in container_events(c.barcode, mailed or db.clock())
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        fields = list(rows[0]) if rows else ["handling_unit_barcode", "scan_date_time"]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def sample_list() -> Path:
    """The 200-row sample list (six rows broken on purpose), from a checkout or the installed package."""
    here = Path(__file__).resolve().parents[2] / "resources" / "sample" / "demo_list.csv"
    return here if here.is_file() else resource_path("sample", "demo_list.csv")


def run_demo(paths: AppPaths, settings: Settings, days: int, say: Callable[[str], None]) -> None:
    """Walk through the job, one line per step through ``say``."""
    folder = paths.ensure().data / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    space = open_workspace(paths, settings, mode="demo")
    db, backend = space.db, space.backend
    try:
        backend.set_quota(100_000)
        if not any(m.mid == DEMO_MID for m in list_mailers(db)):
            add_mailer(db, DEMO_MID, "Demo Mailer", stid="270")
        sample = sample_list()
        listing = importing.read(sample, options=importing.ReadOptions(check_zips=True))
        name = f"Demo mailing {backend.clock():%Y-%m-%d %H%M%S}"
        result = importing.save(db, listing, DEMO_MID, name, source=str(sample), backend=backend)
        say(
            f"1. created {name!r}: {result.imported} pieces from {sample.name} "
            f"({result.skipped} invalid rows reported and skipped)"
        )
        pdf = folder / "envelopes.pdf"
        options = envelope_options(
            settings,
            "address-above",
            False,
            return_lines=("DEMO MAILER", "PO BOX 100", "SPRINGFIELD IL 62704-0100"),
        )
        print_envelopes(db, name, envelope_template("10"), options, pdf)
        say(f"2. envelopes: {pdf}")
        if not any(d.name == DEMO_REPLY for d in list_designs(db)):
            add_reply_design(
                db,
                DEMO_MID,
                DEMO_REPLY,
                "brm",
                list(DEMO_REPLY_LINES),
                "627040100",
                permit="100",
                permit_city="SPRINGFIELD IL",
            )
        replies_pdf = folder / "replies.pdf"
        printed = print_replies(db, name, DEMO_REPLY, replies_pdf, backend=backend)
        say(
            f"   reply envelopes (Business Reply Mail, STID 032, one per letter in the same order): {replies_pdf} ({printed.pieces})"
        )
        trays = build_trays(db, name, settings_for_trays(settings), per_tray=50)
        tags_pdf = folder / "tray-tags.pdf"
        print_mailing_tags(db, name, sheet_template(settings.tag_stock or "avery-5371", "tags"), tags_pdf)
        say(f"   trays: {len(trays)} tray(s) with their tags, in tray order: {tags_pdf}")
        mark_mailed(db, name, backend=backend)
        say(f"3. mailed; the local USPS stand-in at {backend.url} now follows {result.imported} pieces")
        policy = RefreshPolicy(quota_per_minute=100_000, min_interval=timedelta(hours=12))
        flags: Flags | None = None
        for day in range(1, days + 1):
            backend.advance_demo(1)
            done = run_refresh(
                db,
                backend,
                plan(db, backend, policy, name).due,
                policy,
                settings=settings_for_trays(settings),
                mailing=name,
            )
            stages = mailing_report(db, name, backend.clock()).by_stage
            text = ", ".join(
                f"{n} {s.replace('_', ' ')}" for s, n in sorted(stages.items(), key=lambda kv: -kv[1])
            )
            back = reply_summary(db, name)
            if back.replied:
                text += f"; replies: {back.replied - back.arrived} on their way, {back.arrived} arrived"
            say(f"   day {day}: {done.requested} lookups, {done.new_scans} new scans -> {text}")
            if done.standards:
                say(f"          {done.standards}")
            # what the window notifies, and refresh --watch says
            now_flags = flags_now(db, backend.clock(), settings.stalled_days, [name])
            for change in flag_changes(flags, now_flags):
                say(f"          alert: {change.text}")
            flags = now_flags
        iv_file = folder / "iv-handling-units.csv"
        rows = write_demo_iv_file(db, name, iv_file)
        imported = import_iv_file(db, iv_file, backend.clock())
        say(
            f"   the stand-in's IV data file of tray scans ({rows} rows), imported: {file_import_line(imported, iv_file.name)}"
        )
        report = mailing_report(db, name, backend.clock(), settings.stalled_days)
        say("4. summary\n" + "\n".join("   " + line for line in report_lines(report)))
        trays_now = tray_statuses(db, name, backend.clock(), settings.tray_unseen_days)
        say(
            "   trays by their letters' scans: "
            + "; ".join(f"tray {t.container.number} {t.words.lower()}" for t in trays_now)
        )
        say("5. replies\n" + "\n".join("   " + line for line in reply_summary(db, name).lines(limit=8)))
        proof_pdf, proof_html = folder / "proof-of-mailing.pdf", folder / "status-page.html"
        for out in (proof_pdf, proof_html):
            write_proof(db, out, mailing=name, now=backend.clock(), stalled_days=settings.stalled_days)
        say(f"6. proof of mailing for the case file: {proof_pdf}; a status page to send: {proof_html}")
        say(
            f"files:\n   database   {db.display_name()}\n   envelopes  {pdf}\n   replies    {replies_pdf}\n"
            f"   tray tags  {tags_pdf}\n   IV file    {iv_file}\n   proof      {proof_pdf}\n"
            f"   status     {proof_html}"
        )
    finally:
        space.close()
