"""``imb-tracker print …``: the PDFs, with the rule check before anything is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from imb_tracker.actions.catalog import envelope_template, get_mailer, get_mailing, sheet_template
from imb_tracker.actions.printing import (
    RulesBrokenError,
    TrayTagJob,
    envelope_options,
    print_alignment,
    print_bars,
    print_calibration,
    print_envelopes,
    print_labels,
    print_tray_tags,
)
from imb_tracker.layout.labels import LabelOptions
from imb_tracker.layout.sheets import SheetOptions

from .common import CommandFailedError, ProgressLine, load_settings, open_db, workstation_name

SHOW_VIOLATIONS = 20


def cmd_envelopes(args: argparse.Namespace, out: TextIO) -> int:
    template = envelope_template(args.template)
    settings = load_settings(args)
    # Flags win; the return address, endorsement and printer offsets come from the settings otherwise.
    changes: dict[str, object] = {
        "uppercase": not args.keep_case,
        "logo": Path(args.logo) if args.logo else None,
    }
    if args.return_line:
        changes["return_lines"] = tuple(args.return_line)
    if args.endorsement is not None:
        changes["endorsement"] = args.endorsement
    if args.offset_x is not None:
        changes["offset_x"] = args.offset_x
    if args.offset_y is not None:
        changes["offset_y"] = args.offset_y
    options = envelope_options(
        settings, args.imb_position, args.human_readable, printer=args.printer or "", **changes
    )
    if options.logo is not None and not options.logo.is_file():
        raise CommandFailedError(f"logo file {args.logo!r} does not exist")
    try:
        result = print_envelopes(
            open_db(args), args.mailing, template, options, Path(args.out), ProgressLine("envelopes")
        )
    except RulesBrokenError as exc:
        for _number, who, message in exc.problems[:SHOW_VIOLATIONS]:
            print(f"rule: {who}: {message}", file=sys.stderr)
        raise CommandFailedError(str(exc)) from None
    out.write(
        f"wrote {result.pages:,} envelope(s) ({template.name}, barcode {options.position}) to {args.out}\n"
    )
    _print_hint()
    return 0


def cmd_labels(args: argparse.Namespace, out: TextIO) -> int:
    sheet = sheet_template(args.layout)
    sheet_opts = SheetOptions(args.start_cell, args.order, args.offset_x, args.offset_y)
    if args.alignment:
        print_alignment(sheet, sheet_opts, Path(args.out))
        out.write(f"wrote the alignment test sheet for {sheet.name} to {args.out}\n")
        return 0
    if not args.mailing:
        raise CommandFailedError("print labels: give --mailing NAME (or --alignment for a test sheet)")
    options = LabelOptions(imb=not args.no_imb, uppercase=not args.keep_case, sheet=sheet_opts)
    db = open_db(args)
    total = get_mailing(db, args.mailing).piece_count
    result = print_labels(db, args.mailing, sheet, options, Path(args.out), ProgressLine("labels"))
    out.write(f"wrote {total:,} label(s) on {result.pages:,} sheet(s) of {sheet.name} to {args.out}\n")
    _print_hint()
    return 0


def cmd_tray_tags(args: argparse.Namespace, out: TextIO) -> int:
    sheet = sheet_template(args.stock, "tags")
    settings = load_settings(args)
    if args.mailing:
        from imb_tracker.actions.containers import print_mailing_tags  # noqa: PLC0415

        if args.mailer or args.zip or args.cin or args.count:
            raise CommandFailedError(
                "--mailing prints the mailing's own trays: leave out --mailer, --zip, --cin, --count"
            )
        n = print_mailing_tags(open_db(args), args.mailing, sheet, Path(args.out), args.start_cell)
        out.write(f"wrote the {n} tray tag(s) of {args.mailing!r}, in tray order, to {args.out}\n")
        _print_hint()
        return 0
    missing = [f"--{name}" for name in ("mailer", "zip", "cin", "count") if getattr(args, name) in (None, "")]
    if missing:
        raise CommandFailedError(
            f"give --mailing NAME for a mailing's trays, or {', '.join(missing)} for loose tags"
        )
    if args.count < 1:
        raise CommandFailedError("--count must be at least 1")
    job = TrayTagJob(
        mid=get_mailer(open_db(args), args.mailer).mid,
        zip=args.zip,
        cin=args.cin,
        count=args.count,
        destination=args.destination,
        origin=args.origin or "",
        processing_code=args.processing_code or settings.tray_processing_code,
        label_type=args.label_type or settings.tray_label_type,
        start_cell=args.start_cell,
        reuse_serials=args.reuse_serials,
        origin_place=settings.return_address[-1] if settings.return_address else "",
    )
    result, codes = print_tray_tags(
        open_db(args), job, sheet, Path(args.out), workstation_name(args, settings)
    )
    out.write(
        f"wrote {len(codes)} tray tag(s) on {result.pages} sheet(s) to {args.out}: "
        f"{codes[0].digits} … {codes[-1].digits}\n"
    )
    _print_hint()
    return 0


def cmd_calibration(args: argparse.Namespace, out: TextIO) -> int:
    print_calibration(Path(args.out))
    out.write(f"wrote the calibration page to {args.out}; print it at 100% and measure the rulers\n")
    return 0


def cmd_bars(args: argparse.Namespace, out: TextIO) -> int:
    print_bars(args.bars, Path(args.out))
    out.write(f"wrote the barcode to {args.out}\n")
    return 0


def _print_hint() -> None:
    print(
        "print it at 100% / actual size (no 'fit to page'); check with: imb-tracker print calibration",
        file=sys.stderr,
    )
