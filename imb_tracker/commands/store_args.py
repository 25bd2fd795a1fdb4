"""Arguments of the store-backed commands, defined without importing the store.

The command functions live in :mod:`.store_cmds` and are imported only when
one of these commands runs, so ``imb-tracker encode`` never loads SQLAlchemy.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import TextIO


def lazy(name: str, module_name: str = "store_cmds") -> Callable[[argparse.Namespace, TextIO], int]:
    """A command function that imports its module (``imb_tracker.commands.<module_name>``) on first call."""

    def run(args: argparse.Namespace, out: TextIO) -> int:
        module = importlib.import_module(f"imb_tracker.commands.{module_name}")
        return int(getattr(module, name)(args, out))

    run.__name__ = name
    return run


def add_parsers(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    mailer = sub.add_parser("mailer", help="set up Mailer IDs and their serial ranges")
    msub = mailer.add_subparsers(dest="mailer_command", metavar="ACTION", required=True)
    add = msub.add_parser(
        "add",
        parents=[db_parent],
        help="add a Mailer ID",
        description="Add a Mailer ID with its serial range and uniqueness window.",
    )
    add.add_argument("--mid", required=True, help="Mailer ID (6 digits starting 0-8, or 9 digits starting 9)")
    add.add_argument("--name", required=True, help="who mails under this MID")
    add.add_argument("--crid", help="Customer Registration ID (from the Business Customer Gateway)")
    add.add_argument("--stid", default="270", help="default service type ID (default 270)")
    add.add_argument("--barcode-id", default="00", help="barcode ID (default 00)")
    add.add_argument("--serial-range", help="FIRST-LAST serials to use (default: all, from 1)")
    add.add_argument(
        "--window-days",
        type=int,
        default=90,
        help="days before a serial may be reused (default 90; 45 to 3650)",
    )
    add.add_argument(
        "--share-mail",
        action="store_true",
        help="this is the Share Mail MID USPS assigned (used on Share Mail reply pieces only)",
    )
    add.set_defaults(func=lazy("cmd_mailer_add"), creates_database=True)
    upd = msub.add_parser(
        "update",
        parents=[db_parent],
        help="change a Mailer ID's name, CRID, default STID, uniqueness window or serial range",
        description="Change what was set with 'mailer add'; the Mailer ID and the serials issued stay.",
    )
    upd.add_argument("--mid", required=True)
    upd.add_argument("--name", help="who mails under this MID")
    upd.add_argument("--crid", help="Customer Registration ID")
    upd.add_argument("--stid", help="default service type ID")
    upd.add_argument("--window-days", type=int, help="days before a serial may be reused (45 to 3650)")
    upd.add_argument(
        "--serial-range",
        metavar="FIRST-LAST",
        help="the shared serial range: it may grow, and never shrink past serials already issued",
    )
    upd.add_argument(
        "--share-mail",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mark (or with --no-share-mail unmark) this as the Share Mail MID USPS assigned",
    )
    upd.set_defaults(func=lazy("cmd_mailer_update"))
    lst = msub.add_parser("list", parents=[db_parent], help="list Mailer IDs and free serials")
    lst.set_defaults(func=lazy("cmd_mailer_list"))
    rng = msub.add_parser(
        "range",
        parents=[db_parent],
        help="give a workstation its own serial range",
        description="Give one workstation a separate part of a Mailer ID's serial range, "
        "for several computers that do not share a database.",
    )
    rng.add_argument("--mid", required=True)
    rng.add_argument("--workstation", required=True, help="the computer's name (see IMB_TRACKER_WORKSTATION)")
    rng.add_argument("--serial-range", required=True, help="FIRST-LAST")
    rng.add_argument("--kind", choices=("piece", "tray"), default="piece")
    rng.set_defaults(func=lazy("cmd_mailer_range"))

    imp = sub.add_parser(
        "import",
        parents=[db_parent],
        help="turn a mailing list into a stored mailing",
        description="Read a CSV, TSV or XLSX list, validate every row, and create a mailing with one "
        "piece and one unique serial per valid row, in one transaction.",
    )
    imp.add_argument("list_file", metavar="LIST_FILE")
    imp.add_argument("--mailer", required=True, metavar="MID", help="the Mailer ID to mail under")
    imp.add_argument("--name", required=True, metavar="MAILING", help="a name for the new mailing")
    imp.add_argument("--stid", help="service type ID (default: the mailer's)")
    imp.add_argument("--barcode-id", help="barcode ID (default: the mailer's)")
    imp.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help='say which field a column holds, e.g. --map "Street=address1" (repeatable)',
    )
    imp.add_argument(
        "--sheet",
        metavar="NAME|N",
        help="the worksheet of an .xlsx to read, by name or number among the visible sheets (default: the first)",
    )
    imp.add_argument(
        "--delimiter",
        metavar="CHAR",
        help="the delimiter of a text list: one character, or comma, tab, semicolon, pipe (default: sniffed)",
    )
    imp.add_argument(
        "--check-zips",
        action="store_true",
        help="warn per row when the ZIP does not belong to the city and state (offline ZIP list, no account)",
    )
    imp.add_argument(
        "--on-invalid",
        choices=("skip", "abort"),
        default="skip",
        help="import the valid rows and skip invalid ones (default), or import nothing",
    )
    imp.add_argument("--report", metavar="FILE.csv", help="write the full validation report as CSV")
    imp.add_argument("--show", type=int, default=50, help="how many problems to print (default 50)")
    imp.add_argument("--dry-run", action="store_true", help="validate only; create nothing")
    imp.add_argument(
        "--reuse-serials",
        action="store_true",
        help="confirm reusing serials issued before, once their uniqueness window has passed (after "
        "the range wrapped); without it such an import is refused, naming the dates",
    )
    imp.add_argument("--workstation", help="this computer's name for its own serial range")
    imp.add_argument(
        "--complete-zip4",
        action="store_true",
        help="ask USPS Addresses for missing ZIP+4 and delivery points (11-digit routing codes)",
    )
    imp.add_argument(
        "--usps", metavar="ENV", default=None, help="USPS environment for --complete-zip4 (see refresh)"
    )
    imp.set_defaults(func=lazy("cmd_import"))

    mls = sub.add_parser("mailings", parents=[db_parent], help="list mailings")
    mls.set_defaults(func=lazy("cmd_mailings"))

    pcs = sub.add_parser(
        "pieces",
        parents=[db_parent],
        help="export pieces with their IMbs",
        description="One row per piece: mailing, serial, tracking, routing, imb, bars, address.",
    )
    pcs.add_argument("--mailing", metavar="NAME", help="only this mailing (default: all)")
    pcs.add_argument(
        "--format",
        choices=("csv", "json", "xlsx"),
        default=None,
        help="csv (default), json, or xlsx (with --out); a .json or .xlsx --out name says it too",
    )
    pcs.add_argument("--out", metavar="FILE", help="write to a file instead of stdout")
    pcs.add_argument(
        "--excel",
        action="store_true",
        help='CSV for Excel: serials, ZIPs and IMbs written ="000123" so they keep their leading zeros',
    )
    pcs.set_defaults(func=lazy("cmd_pieces"))

    settings = sub.add_parser(
        "settings",
        help="show or change the settings the window and the commands share",
        description="The settings file in the config folder, shared with the window.",
    )
    ssub = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    show = ssub.add_parser("show", help="every setting and its value")
    show.set_defaults(func=lazy("cmd_settings_show"))
    put = ssub.add_parser(
        "set",
        help="change one setting (checked first)",
        description="Keys: see 'imb-tracker settings show'. Printer keys: printer.offset_x, "
        "printer.offset_y, printer.feed, or printer.NAME.offset_x for a named printer.",
    )
    put.add_argument("key")
    put.add_argument("value")
    put.set_defaults(func=lazy("cmd_settings_set"))
