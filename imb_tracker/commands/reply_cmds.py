"""``imb-tracker reply …``, ``print replies`` and ``replies``: reply mail from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from imb_tracker.actions.exports import write_csv
from imb_tracker.actions.printing import RulesBrokenError, envelope_options
from imb_tracker.actions.replies import (
    REPLY_COLUMNS,
    ReplyOptions,
    add_reply_design,
    delete_design,
    list_designs,
    print_replies,
    reply_csv_row,
    reply_rows,
)
from imb_tracker.imb.reply import visibility

from .common import CommandFailedError, ProgressLine, load_settings, open_db, workstation_name

SHOW_VIOLATIONS = 20


def cmd_reply_add(args: argparse.Namespace, out: TextIO) -> int:
    options = ReplyOptions(
        template=args.template,
        imb_position=args.imb_position,
        bars=not args.no_bars,
        stamp_box=not args.no_stamp_box,
        arrival_zips=tuple(z.strip() for z in args.arrival_zip),
    )
    try:
        design, warnings = add_reply_design(
            open_db(args),
            args.mailer,
            args.name,
            args.kind,
            args.line,
            args.zip,
            permit=args.permit,
            permit_city=args.permit_city,
            stid=args.stid,
            static=args.static,
            by_zip=args.by_zip,
            fim=args.fim,
            options=options,
            workstation=workstation_name(args, load_settings(args)) if args.static else "",
        )
    except RulesBrokenError as exc:
        _show_rules(exc)
        raise CommandFailedError(str(exc)) from None
    imb = f", IMb {design.static_tracking}{design.routing}" if design.static_tracking else ""
    out.write(
        f"added reply design {design.name!r}: {design.kind_name}, Mailer ID {design.mid}, STID {design.stid}, "
        f"{design.mode}{imb}, routing {design.routing}, FIM {design.fim or 'none'}\n"
    )
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _design_row(d: object) -> dict[str, object]:
    from imb_tracker.actions.replies import ReplyDesign  # noqa: PLC0415

    assert isinstance(d, ReplyDesign)
    return {
        "name": d.name,
        "mailer": d.mid,
        "kind": d.kind,
        "stid": d.stid,
        "mode": d.mode,
        "routing": d.routing,
        "static_imb": (d.static_tracking + d.routing) if d.static_tracking else "",
        "permit": d.permit,
        "permit_city": d.permit_city,
        "fim": d.fim,
        "template": d.options.template,
        "imb_position": d.options.imb_position,
        "lines": " / ".join(d.lines),
        "visibility": visibility(d.kind, d.stid),
    }


def cmd_reply_list(args: argparse.Namespace, out: TextIO) -> int:
    designs = list_designs(open_db(args))
    rows = [_design_row(d) for d in designs]
    if args.format == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return 0
    if args.format == "csv":
        write_csv(out, list(_EMPTY_HEADER), [[r[c] for c in _EMPTY_HEADER] for r in rows])
        return 0
    if not designs:
        out.write(
            "no reply designs yet; add one with: imb-tracker reply add --mailer MID --name … --kind brm …\n"
        )
        return 0
    for d in designs:
        permit = f"  permit {d.permit} {d.permit_city}" if d.permit else ""
        static = f"  static IMb {d.static_tracking}{d.routing}" if d.static_tracking else ""
        out.write(
            f"{d.name}  {d.kind_name}  MID {d.mid}  STID {d.stid}  {d.mode}  ZIP {d.routing}{permit}{static}  "
            f"FIM {d.fim or 'none'}  {d.options.template}\n"
            f"    {' / '.join(d.lines)}\n    {visibility(d.kind, d.stid)}\n"
        )
    return 0


_EMPTY_HEADER = (
    "name", "mailer", "kind", "stid", "mode", "routing", "static_imb", "permit", "permit_city", "fim",
    "template", "imb_position", "lines", "visibility",
)  # fmt: skip


def cmd_reply_remove(args: argparse.Namespace, out: TextIO) -> int:
    delete_design(open_db(args), args.name)
    out.write(f"removed reply design {args.name!r}\n")
    return 0


def cmd_print_replies(args: argparse.Namespace, out: TextIO) -> int:
    settings = load_settings(args)
    interleave = envelope_options(settings) if args.interleave else None
    try:
        result = print_replies(
            open_db(args),
            args.mailing,
            args.reply,
            Path(args.out),
            template_id=args.template,
            position=args.imb_position,
            interleave=interleave,
            envelope_id=args.envelope,
            replace_other=args.replace,
            workstation=workstation_name(args, settings),
            progress=ProgressLine("reply pieces"),
        )
    except RulesBrokenError as exc:
        _show_rules(exc)
        raise CommandFailedError(str(exc)) from None
    what = "envelope(s) each followed by its reply piece" if args.interleave else "reply piece(s)"
    out.write(
        f"wrote {result.pieces:,} {what} ({result.design.name}, {result.design.kind_name}, STID "
        f"{result.design.stid}) to {args.out}; {result.linked_now:,} new reply IMb(s)\n"
    )
    print(
        "print it at 100% / actual size (no 'fit to page'); check with: imb-tracker print calibration",
        file=sys.stderr,
    )
    return 0


def cmd_replies(args: argparse.Namespace, out: TextIO) -> int:
    rows = reply_rows(open_db(args), args.mailing)
    if args.format == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return 0
    if args.format == "text":
        for r in rows:
            who = r["name"] or r["company"]
            out.write(
                f"{r['serial']}  {who}  {r['status']}  first {r['first_inbound_scan'] or '-'}  "
                f"last {r['last_inbound_scan'] or '-'}\n"
            )
        return 0
    write_csv(out, REPLY_COLUMNS, (reply_csv_row(r) for r in rows), excel=args.excel)
    return 0


def _show_rules(exc: RulesBrokenError) -> None:
    for _number, who, message in exc.problems[:SHOW_VIOLATIONS]:
        print(f"rule: {who}: {message}", file=sys.stderr)
