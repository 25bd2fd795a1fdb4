"""Arguments of ``imb-tracker trays …`` and ``print placards`` (the work is in :mod:`.tray_cmds`)."""

from __future__ import annotations

import argparse

from .store_args import lazy


def add_parsers(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    trays = sub.add_parser("trays", help="a mailing's trays and sacks: build, list, move pieces, manifest")
    tsub = trays.add_subparsers(dest="trays_command", metavar="ACTION", required=True)
    build = tsub.add_parser(
        "build",
        parents=[db_parent],
        help="put every piece of a mailing into a tray, each tray with its own 24-digit barcode",
        description="Fill trays in print order: 5-digit trays for ZIPs with enough pieces, then 3-digit, "
        "then mixed (MXD). Every live piece goes into exactly one tray. Line 1 and 2 come from the "
        "destination and the content identifier (CIN), Line 3 from the mailer's name and city.",
    )
    build.add_argument("--mailing", required=True, metavar="NAME")
    build.add_argument("--per-tray", type=int, default=None, metavar="N", help="at most N pieces a tray")
    build.add_argument(
        "--thickness",
        type=float,
        default=None,
        metavar="IN",
        help="piece thickness in inches: fill each tray by length (default: the setting, 0.025)",
    )
    build.add_argument("--sack", action="store_true", help="sacks instead of trays (flats; rare for letters)")
    build.add_argument(
        "--column", metavar="NAME", help="an imported column whose value names each piece's tray"
    )
    build.add_argument(
        "--origin",
        default="",
        metavar="'CITY ST'",
        help="Line 3's city and state (default: the return address)",
    )
    build.add_argument(
        "--replace", action="store_true", help="build again (the old tray barcodes are not reused)"
    )
    build.add_argument("--workstation", help="this computer's name for its own serial range")
    build.set_defaults(func=lazy("cmd_trays_build", "tray_cmds"))

    lst = tsub.add_parser("list", parents=[db_parent], help="the mailing's trays with their lines and pieces")
    lst.add_argument("--mailing", required=True, metavar="NAME")
    lst.add_argument("--format", choices=("text", "csv", "json"), default="text")
    lst.add_argument("--excel", action="store_true", help="CSV for Excel: barcodes keep their leading zeros")
    lst.set_defaults(func=lazy("cmd_trays_list", "tray_cmds"))

    move = tsub.add_parser("move", parents=[db_parent], help="move pieces (by serial) into another tray")
    move.add_argument("--mailing", required=True, metavar="NAME")
    move.add_argument("--serials", required=True, metavar="LIST", help="serials and ranges, e.g. 10-20,25")
    move.add_argument("--to", type=int, required=True, metavar="N", help="the tray number to move them into")
    move.set_defaults(func=lazy("cmd_trays_move", "tray_cmds"))

    lines = tsub.add_parser(
        "lines", parents=[db_parent], help="edit a tray's Line 1, 2 or 3 (its barcode stays)"
    )
    lines.add_argument("--mailing", required=True, metavar="NAME")
    lines.add_argument("--tray", type=int, required=True, metavar="N")
    lines.add_argument("--line1", metavar="TEXT")
    lines.add_argument("--line2", metavar="TEXT")
    lines.add_argument("--line3", metavar="TEXT")
    lines.set_defaults(func=lazy("cmd_trays_lines", "tray_cmds"))

    status = tsub.add_parser("status", parents=[db_parent], help="each tray by its pieces' scans")
    status.add_argument("--mailing", required=True, metavar="NAME")
    status.set_defaults(func=lazy("cmd_trays_status", "tray_cmds"))

    cins = tsub.add_parser(
        "cins", help="the content identifier numbers (CINs) in use, in words, with their source"
    )
    cins.set_defaults(func=lazy("cmd_trays_cins", "tray_cmds"))

    manifest = tsub.add_parser("manifest", parents=[db_parent], help="the tray manifest as CSV or PDF")
    manifest.add_argument("--mailing", required=True, metavar="NAME")
    manifest.add_argument("--out", required=True, metavar="FILE.csv|FILE.pdf")
    manifest.add_argument("--excel", action="store_true", help="CSV for Excel")
    manifest.set_defaults(func=lazy("cmd_trays_manifest", "tray_cmds"))


def add_placard_parser(psub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pl = psub.add_parser(
        "placards",
        parents=[db_parent],
        help="pallet placards (8 x 11 in) with the 99M Intelligent Mail container barcode, two per pallet",
        description="Two placards per pallet, for adjacent sides: Lines 1-3 at least 1/2 in high and the "
        "GS1-128 container barcode (99M + Mailer ID + serial, from the allocator).",
    )
    pl.add_argument("--mailer", metavar="MID", help="the Mailer ID (not needed with --mailing)")
    pl.add_argument("--mailing", metavar="NAME", help="a pallet for the mailing's trays not yet on a pallet")
    pl.add_argument("--line1", metavar="TEXT", help="destination (default with --mailing: from its trays)")
    pl.add_argument("--line2", metavar="TEXT", help="content, e.g. 'FCM LTR'")
    pl.add_argument("--line3", default=None, metavar="TEXT", help="origin (default: the mailer and its city)")
    pl.add_argument("--count", type=int, default=1, metavar="N", help="how many pallets (default 1)")
    pl.add_argument("--out", required=True, metavar="FILE.pdf")
    pl.add_argument("--workstation", help="this computer's name for its own serial range")
    pl.set_defaults(func=lazy("cmd_placards", "tray_cmds"))
