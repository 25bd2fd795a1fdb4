"""``imb-tracker print …``: the PDFs, with the rule check before anything is written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from imb_tracker.imb import TrayBarcode
from imb_tracker.layout.calibration import render_bars, render_calibration
from imb_tracker.layout.envelopes import EnvelopeOptions, EnvelopePiece, check_envelopes, render_envelopes
from imb_tracker.layout.labels import LabelOptions, check_sheet, render_alignment_sheet, render_labels
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.layout.tags import make_tags, render_tags
from imb_tracker.layout.templates import envelope_template, sheet_template
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import get_mailing, iter_pieces
from imb_tracker.store.serials import reserve

from .common import ProgressLine, open_db, workstation_name
from .store_cmds import CommandFailedError

SHOW_VIOLATIONS = 20


def _pieces(args: argparse.Namespace) -> tuple[int, Iterator[EnvelopePiece]]:
    db = open_db(args)
    total = get_mailing(db, args.mailing).piece_count

    def rows() -> Iterator[EnvelopePiece]:
        for row in iter_pieces(db, args.mailing):
            yield EnvelopePiece(str(row["name"]), str(row["company"]), str(row["address1"]), str(row["address2"]),
                                str(row["city"]), str(row["state"]), str(row["zip"]), str(row["zip4"]),
                                str(row["bars"]), str(row["imb"]))  # fmt: skip

    return total, rows()


def cmd_envelopes(args: argparse.Namespace, out: TextIO) -> int:
    template = envelope_template(args.template)
    options = EnvelopeOptions(
        position=args.imb_position, human_readable=args.human_readable, uppercase=not args.keep_case,
        return_lines=tuple(args.return_line), endorsement=args.endorsement,
        logo=Path(args.logo) if args.logo else None, offset_x=args.offset_x, offset_y=args.offset_y,
    )  # fmt: skip
    if options.logo is not None and not options.logo.is_file():
        raise CommandFailedError(f"logo file {args.logo!r} does not exist")
    total, pieces = _pieces(args)
    problems = 0
    for number, piece, violation in check_envelopes(template, options, pieces):
        problems += 1
        if problems <= SHOW_VIOLATIONS:
            who = f"piece {number} ({piece.name or piece.company})" if number else f"template {template.id}"
            print(f"rule: {who}: {violation}", file=sys.stderr)
    if problems:
        raise CommandFailedError(
            f"{problems} placement rule(s) broken on {template.name} with the barcode {options.position}; "
            "nothing was written. Fix the addresses, or choose another template or barcode position"
        )
    _, pieces = _pieces(args)
    result = render_envelopes(template, options, pieces, Path(args.out), total, ProgressLine("envelopes"))
    out.write(
        f"wrote {result.pages:,} envelope(s) ({template.name}, barcode {options.position}) to {args.out}\n"
    )
    _print_hint()
    return 0


def cmd_labels(args: argparse.Namespace, out: TextIO) -> int:
    sheet = sheet_template(args.layout)
    sheet_opts = SheetOptions(args.start_cell, args.order, args.offset_x, args.offset_y)
    if args.alignment:
        sheet_opts.validate(sheet)
        render_alignment_sheet(sheet, sheet_opts, Path(args.out))
        out.write(f"wrote the alignment test sheet for {sheet.name} to {args.out}\n")
        return 0
    if not args.mailing:
        raise CommandFailedError("print labels: give --mailing NAME (or --alignment for a test sheet)")
    options = LabelOptions(imb=not args.no_imb, uppercase=not args.keep_case, sheet=sheet_opts)
    check_sheet(sheet, options)
    total, pieces = _pieces(args)
    result = render_labels(sheet, options, pieces, Path(args.out), total, ProgressLine("labels"))
    out.write(f"wrote {total:,} label(s) on {result.pages:,} sheet(s) of {sheet.name} to {args.out}\n")
    _print_hint()
    return 0


def cmd_tray_tags(args: argparse.Namespace, out: TextIO) -> int:
    if args.count < 1:
        raise CommandFailedError("--count must be at least 1")
    sheet = sheet_template(args.stock, "tags")
    db = open_db(args)
    mailer = get_mailer(db, args.mailer)
    width = 14 - len(mailer.mid)
    # Validate the fields once before reserving serials (nothing is wasted on a typo).
    probe = TrayBarcode(args.zip, args.cin, mailer.mid, "0" * width, args.processing_code, args.label_type)
    make_tags([probe],
              args.destination, args.origin or mailer.name)  # fmt: skip
    reservation = reserve(db, mailer.mid, args.count, kind="tray", workstation=workstation_name(args),
                          purpose=f"tray tags {args.zip} CIN {args.cin}")  # fmt: skip
    codes = [TrayBarcode(args.zip, args.cin, mailer.mid, f"{s:0{width}d}", args.processing_code, args.label_type)
             for s in reservation]  # fmt: skip
    tags = make_tags(codes, args.destination, args.origin or mailer.name)
    result = render_tags(sheet, tags, Path(args.out), SheetOptions(start_cell=args.start_cell))
    out.write(
        f"wrote {len(tags)} tray tag(s) on {result.pages} sheet(s) to {args.out}: "
        f"{codes[0].digits} … {codes[-1].digits}\n"
    )
    _print_hint()
    return 0


def cmd_calibration(args: argparse.Namespace, out: TextIO) -> int:
    render_calibration(Path(args.out))
    out.write(f"wrote the calibration page to {args.out}; print it at 100% and measure the rulers\n")
    return 0


def cmd_bars(args: argparse.Namespace, out: TextIO) -> int:
    render_bars(args.bars, Path(args.out))
    out.write(f"wrote the barcode to {args.out}\n")
    return 0


def _print_hint() -> None:
    print("print it at 100% / actual size (no 'fit to page'); check with: imb-tracker print calibration",
          file=sys.stderr)  # fmt: skip
