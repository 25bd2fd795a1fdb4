"""Arguments of ``imb-tracker print …`` (the work is in :mod:`.print_cmds`, imported on use)."""

from __future__ import annotations

import argparse

from .reply_args import add_print_parser as add_reply_print_parser
from .store_args import lazy
from .tray_args import add_placard_parser

POSITIONS = ("address-above", "address-below", "clear-zone")


def _offsets(p: argparse.ArgumentParser, default: float | None = 0.0) -> None:
    note = " (default: the printer's offset in the settings)" if default is None else ""
    p.add_argument(
        "--offset-x",
        type=float,
        default=default,
        metavar="IN",
        help=f"move everything right by IN inches (printer drift){note}",
    )
    p.add_argument(
        "--offset-y", type=float, default=default, metavar="IN", help=f"move everything up by IN inches{note}"
    )


def add_parsers(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pr = sub.add_parser("print", help="make print-ready PDFs: envelopes, labels, tray tags, calibration")
    psub = pr.add_subparsers(dest="print_command", metavar="WHAT", required=True)

    env = psub.add_parser(
        "envelopes",
        parents=[db_parent],
        help="one addressed envelope per piece of a mailing",
        description="Addressed envelopes with the IMb, one page per piece, checked against "
        "the USPS placement rules before anything is written.",
    )
    env.add_argument("--mailing", required=True, metavar="NAME")
    env.add_argument("--out", required=True, metavar="FILE.pdf")
    env.add_argument(
        "--template",
        default="10",
        help="10, 9, 6-3/4, monarch, 11, 12, 6x9 or custom:WxH (inches); default 10",
    )
    env.add_argument(
        "--imb-position",
        choices=POSITIONS,
        default="address-above",
        help="where the barcode goes (default address-above)",
    )
    env.add_argument(
        "--human-readable", action="store_true", help="print the barcode digits too (never in the clear zone)"
    )
    env.add_argument(
        "--return-line",
        action="append",
        default=[],
        metavar="TEXT",
        help="a return-address line (repeat for each line; default: the return_address setting)",
    )
    env.add_argument(
        "--endorsement",
        default=None,
        help="ancillary endorsement, e.g. 'Address Service Requested' (default: the setting)",
    )
    env.add_argument(
        "--printer",
        default="",
        metavar="NAME",
        help="use this printer's offsets from the settings (printer.NAME.offset_x …)",
    )
    env.add_argument("--logo", metavar="IMAGE", help="PNG or JPEG logo for the return address")
    env.add_argument("--keep-case", action="store_true", help="do not upper-case the delivery address")
    _offsets(env, default=None)
    env.set_defaults(func=lazy("cmd_envelopes", "print_cmds"))

    lab = psub.add_parser(
        "labels",
        parents=[db_parent],
        help="address labels on Avery sheets",
        description="Address labels with the IMb above the name line. "
        "Use --alignment for a test sheet instead.",
    )
    lab.add_argument("--mailing", metavar="NAME", help="the mailing to print (not needed with --alignment)")
    lab.add_argument(
        "--layout",
        required=True,
        help="avery-5161, 5162, 5163, 5164, 5159 (with IMb) or avery-5160 (--no-imb)",
    )
    lab.add_argument("--out", required=True, metavar="FILE.pdf")
    lab.add_argument(
        "--start-cell",
        type=int,
        default=1,
        metavar="N",
        help="first label to use on a partly used sheet (1-based)",
    )
    lab.add_argument(
        "--order", choices=("row", "column"), default="row", help="fill across rows (default) or down columns"
    )
    lab.add_argument("--no-imb", action="store_true", help="address only, no barcode")
    lab.add_argument(
        "--alignment", action="store_true", help="print the alignment test sheet for this layout"
    )
    lab.add_argument("--keep-case", action="store_true", help="do not upper-case the address")
    _offsets(lab)
    lab.set_defaults(func=lazy("cmd_labels", "print_cmds"))

    tags = psub.add_parser(
        "tray-tags",
        parents=[db_parent],
        help="tray or sack tags with the 24-digit tray barcode",
        description="The tags of a mailing's trays, in tray order (--mailing; build the trays first with "
        "'imb-tracker trays build'), or loose tags with unique 24-digit Intelligent Mail tray barcodes "
        "(--mailer --zip --cin --count; serials from the same allocator as pieces, in their own series).",
    )
    tags.add_argument("--mailing", metavar="NAME", help="the tags of this mailing's trays, in tray order")
    tags.add_argument("--mailer", metavar="MID", help="loose tags: the Mailer ID")
    tags.add_argument(
        "--zip", help="loose tags: destination ZIP Code of the trays (a 3-digit destination: prefix + 00)"
    )
    tags.add_argument("--cin", help="loose tags: content identifier number, e.g. 242 = FCM LTR 5D BC")
    tags.add_argument("--count", type=int, metavar="N", help="loose tags: how many")
    tags.add_argument("--out", required=True, metavar="FILE.pdf")
    tags.add_argument(
        "--destination", default="", metavar="TEXT", help="Line 1 text before the ZIP, e.g. 'SPRINGFIELD IL'"
    )
    tags.add_argument(
        "--origin",
        default="",
        metavar="TEXT",
        help="Line 3: mailer and city/state (default: the mailer's name and the return address's city)",
    )
    tags.add_argument(
        "--stock", default="avery-5371", help="avery-5371 (business-card tags) or plain (default avery-5371)"
    )
    tags.add_argument(
        "--processing-code", default=None, help="IMtb digit 9 (default: the tray_processing_code setting, 1)"
    )
    tags.add_argument(
        "--label-type", default=None, help="IMtb digit 24 (default: the tray_label_type setting, 1)"
    )
    tags.add_argument("--start-cell", type=int, default=1, metavar="N")
    tags.add_argument("--workstation", help="this computer's name for its own serial range")
    tags.add_argument(
        "--reuse-serials",
        action="store_true",
        help="confirm reusing tray serials issued before, once their window has passed (after a wrap)",
    )
    tags.set_defaults(func=lazy("cmd_tray_tags", "print_cmds"))

    add_reply_print_parser(psub, db_parent)
    add_placard_parser(psub, db_parent)

    cal = psub.add_parser("calibration", help="rulers and a nominal IMb to check the printer does not scale")
    cal.add_argument("--out", required=True, metavar="FILE.pdf")
    cal.set_defaults(func=lazy("cmd_calibration", "print_cmds"))

    bars = psub.add_parser("bars", help="any 65-letter bar string at exact size")
    bars.add_argument("bars", metavar="BARS")
    bars.add_argument("--out", required=True, metavar="FILE.pdf")
    bars.set_defaults(func=lazy("cmd_bars", "print_cmds"))
