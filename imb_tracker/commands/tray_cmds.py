"""``imb-tracker trays …`` and ``print placards``: a mailing's containers from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from imb_tracker.actions.containers import (
    TRAY_COLUMNS,
    build_trays,
    manifest_lines,
    move_pieces,
    print_placards,
    set_lines,
    tray_rows,
    tray_statuses,
    write_manifest_csv,
    write_manifest_pdf,
)
from imb_tracker.actions.exports import write_csv
from imb_tracker.actions.printing import check_output

from .common import CommandFailedError, load_settings, open_db, workspace, workstation_name


def parse_serials(text: str) -> list[int]:
    """'10-20,25' → [10, …, 20, 25]; a clear error for anything else."""
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise CommandFailedError(f"--serials: {part!r} is not a serial or a range like 10-20")
        lo, hi = int(first), int(last or first)
        if hi < lo or hi - lo > 1_000_000:
            raise CommandFailedError(
                f"--serials: {part!r} is not a range from low to high (at most a million)"
            )
        out.extend(range(lo, hi + 1))
    if not out:
        raise CommandFailedError("--serials: give serials or ranges, e.g. 10-20,25")
    return out


def cmd_trays_build(args: argparse.Namespace, out: TextIO) -> int:
    settings = load_settings(args)
    made = build_trays(
        open_db(args),
        args.mailing,
        settings,
        per_tray=args.per_tray,
        thickness=args.thickness,
        sack=args.sack,
        column=args.column,
        origin=args.origin,
        replace=args.replace,
        workstation=workstation_name(args, settings),
    )
    pieces = sum(c.pieces for c in made)
    kind = made[0].kind if made else "tray"
    out.write(f"built {len(made)} {kind}(s) for {pieces:,} piece(s) of {args.mailing!r}:\n")
    for c in made:
        out.write(
            f"{c.kind} {c.number}  {c.barcode}  {c.pieces:>5,} piece(s)  serials {c.first_serial}-{c.last_serial}  "
            f"{c.line1} / {c.line2} / {c.line3}\n"
        )
    return 0


def cmd_trays_list(args: argparse.Namespace, out: TextIO) -> int:
    rows = tray_rows(open_db(args), args.mailing)
    if args.format == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif args.format == "csv":
        write_csv(
            out,
            TRAY_COLUMNS,
            ([r[c] if r[c] is not None else "" for c in TRAY_COLUMNS] for r in rows),
            args.excel,
        )
    else:
        if not rows:
            out.write(f"{args.mailing!r} has no trays yet: imb-tracker trays build --mailing NAME\n")
        for r in rows:
            out.write(
                f"{r['kind']} {r['tray']}  {r['barcode']}  {r['pieces']:,} piece(s), serials "
                f"{r['first_serial']}-{r['last_serial']}\n    {r['line1']} / {r['line2']} ({r['content']}) / "
                f"{r['line3']}\n"
            )
    return 0


def cmd_trays_move(args: argparse.Namespace, out: TextIO) -> int:
    moved = move_pieces(open_db(args), args.mailing, parse_serials(args.serials), args.to)
    out.write(f"moved {moved:,} piece(s) into tray {args.to}\n")
    return 0


def cmd_trays_lines(args: argparse.Namespace, out: TextIO) -> int:
    c = set_lines(
        open_db(args), args.mailing, args.tray, line1=args.line1, line2=args.line2, line3=args.line3
    )
    out.write(f"tray {c.number}  {c.barcode}\n    {c.line1} / {c.line2} / {c.line3}\n")
    return 0


def cmd_trays_status(args: argparse.Namespace, out: TextIO) -> int:
    space = workspace(args)
    for s in tray_statuses(space.db, args.mailing, space.backend.clock(), space.settings.tray_unseen_days):
        first = f"{s.first_scan:%Y-%m-%d %H:%M}" if s.first_scan else "-"
        last = f"{s.last_scan:%Y-%m-%d %H:%M}" if s.last_scan else "-"
        out.write(
            f"{s.container.kind} {s.container.number}  {s.container.barcode}  {s.words}  first {first}  last {last}\n"
        )
    return 0


def cmd_trays_cins(args: argparse.Namespace, out: TextIO) -> int:
    from imb_tracker.actions.containers import CIN_SOURCE, cin_entries, content_words, user_cin_file  # noqa: PLC0415

    own = user_cin_file()
    out.write(f"source: {CIN_SOURCE}\n")
    out.write(
        f"your additions and changes: {own}"
        + ("" if own.is_file() else " (none yet; lines 'CIN,LINE 2')")
        + "\n"
    )
    for cin, text in sorted(cin_entries().items()):
        out.write(f"{cin}  {text:<22}  {content_words(text)}\n")
    return 0


def cmd_trays_manifest(args: argparse.Namespace, out: TextIO) -> int:
    target = Path(args.out)
    check_output(target)
    db = open_db(args)
    if target.suffix.lower() == ".pdf":
        write_manifest_pdf(db, args.mailing, target)
    else:
        with target.open("w", newline="", encoding="utf-8-sig" if args.excel else "utf-8") as handle:
            write_manifest_csv(db, args.mailing, handle, args.excel)
    out.write(f"wrote the tray manifest of {args.mailing!r} to {target}\n")
    for line in manifest_lines(db, args.mailing):
        out.write(line + "\n")
    return 0


def cmd_placards(args: argparse.Namespace, out: TextIO) -> int:
    settings = load_settings(args)
    if not args.mailing and not args.mailer:
        raise CommandFailedError("give --mailer MID (and --line1/--line2), or --mailing NAME")
    if not args.mailing and not (args.line1 and args.line2):
        raise CommandFailedError("give --line1 (destination) and --line2 (content), or --mailing NAME")
    if args.count < 1:
        raise CommandFailedError("--count must be at least 1")
    made = print_placards(
        open_db(args),
        Path(args.out),
        settings,
        mid=args.mailer,
        mailing=args.mailing,
        line1=args.line1,
        line2=args.line2,
        line3=args.line3,
        count=args.count,
        workstation=workstation_name(args, settings),
    )
    out.write(f"wrote {2 * len(made)} placard(s), two per pallet, to {args.out}:\n")
    for p in made:
        out.write(f"  99M {p.barcode.mailer_id} {p.barcode.serial}  {p.line1} / {p.line2} / {p.line3}\n")
    return 0
