"""Arguments of ``imb-tracker reply …`` and ``imb-tracker replies`` (the work is in :mod:`.reply_cmds`)."""

from __future__ import annotations

import argparse

from .store_args import lazy

KINDS = ("brm", "qbrm", "crm", "prm", "share")
POSITIONS = ("address-above", "address-below", "clear-zone")


def add_parsers(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    reply = sub.add_parser("reply", help="reply mail designs: BRM, QBRM, CRM, Permit Reply, Share Mail")
    rsub = reply.add_subparsers(dest="reply_command", metavar="ACTION", required=True)
    add = rsub.add_parser(
        "add",
        parents=[db_parent],
        help="add a reply piece design to a Mailer ID",
        description="A reply envelope or card design: its kind, the address it comes back to, the routing "
        "ZIP+4 (or 11-digit delivery point for CRM), the permit, and the STID. Linked designs give each "
        "letter's reply the letter's Mailer ID and serial, so you see who replied; static designs print one "
        "IMb on every piece and count replies.",
    )
    add.add_argument("--mailer", required=True, metavar="MID")
    add.add_argument("--name", required=True, metavar="LABEL", help="what to call the design")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument(
        "--line",
        action="append",
        required=True,
        metavar="TEXT",
        help="a reply address line (repeat; the last is the city, state and ZIP+4)",
    )
    add.add_argument(
        "--zip", required=True, help="the reply ZIP+4 (BRM), or the 11-digit delivery point (CRM)"
    )
    add.add_argument("--permit", default="", metavar="N", help="the permit number (BRM, QBRM, PRM)")
    add.add_argument("--permit-city", default="", metavar="'CITY ST'", help="the permit's city and state")
    add.add_argument(
        "--stid",
        default=None,
        metavar="NNN",
        help="service type ID (default: the kind's IV 'by MID' code: BRM/QBRM 032, CRM 030, PRM 031, "
        "Share Mail 733 linked / 734 static)",
    )
    add.add_argument(
        "--by-zip",
        action="store_true",
        help="use the kind's IV 'by ZIP' code instead (BRM 052, CRM 050, PRM 051): IV shows those scans to "
        "whoever it entitles to the reply ZIP+4",
    )
    add.add_argument("--static", action="store_true", help="one IMb for every piece (counts only)")
    add.add_argument("--fim", default=None, help="FIM pattern A, C, D, E or none (default: the kind's)")
    add.add_argument("--barcode-id", default="00", help=argparse.SUPPRESS)  # refused unless 00
    add.add_argument(
        "--template", default="9", help="9, 6-3/4, card or custom:WxH: the design's usual size (default 9)"
    )
    add.add_argument("--imb-position", choices=POSITIONS, default="address-above")
    add.add_argument("--no-bars", action="store_true", help="BRM: leave out the horizontal bars")
    add.add_argument("--no-stamp-box", action="store_true", help="CRM: leave out the 'place stamp here' box")
    add.add_argument(
        "--arrival-zip",
        action="append",
        default=[],
        metavar="ZIP",
        help="facility ZIP where a reply has reached you (repeat; default: the reply ZIP)",
    )
    add.add_argument("--workstation", help="this computer's name for its own serial range (static designs)")
    add.set_defaults(func=lazy("cmd_reply_add", "reply_cmds"))

    lst = rsub.add_parser("list", parents=[db_parent], help="list reply designs")
    lst.add_argument("--format", choices=("text", "csv", "json"), default="text")
    lst.set_defaults(func=lazy("cmd_reply_list", "reply_cmds"))

    rm = rsub.add_parser("remove", parents=[db_parent], help="remove a design that never printed a reply")
    rm.add_argument("--name", required=True, metavar="LABEL")
    rm.set_defaults(func=lazy("cmd_reply_remove", "reply_cmds"))

    rep = sub.add_parser(
        "replies",
        parents=[db_parent],
        help="who has replied to a mailing",
        description="Per piece: its reply piece, whether USPS has seen the reply, its first and last inbound "
        "scan, and whether it arrived (its last scan at the reply address's facility).",
    )
    rep.add_argument("--mailing", required=True, metavar="NAME")
    rep.add_argument("--format", choices=("csv", "json", "text"), default="csv")
    rep.add_argument("--excel", action="store_true", help="CSV for Excel: codes keep their leading zeros")
    rep.set_defaults(func=lazy("cmd_replies", "reply_cmds"))


def add_print_parser(psub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pr = psub.add_parser(
        "replies",
        parents=[db_parent],
        help="one reply piece per letter of a mailing, in the envelopes' order",
        description="Reply envelopes or cards with the FIM, legends and reply IMb, one per piece of the "
        "mailing and in the same order as 'print envelopes', checked against the placement rules first. "
        "--interleave puts each letter's envelope before its reply piece.",
    )
    pr.add_argument("--mailing", required=True, metavar="NAME")
    pr.add_argument("--reply", required=True, metavar="LABEL", help="the reply design (see 'reply list')")
    pr.add_argument("--template", default=None, help="9, 6-3/4, card or custom:WxH (default: the design's)")
    pr.add_argument("--imb-position", choices=POSITIONS, default=None, help="default: the design's")
    pr.add_argument("--out", required=True, metavar="FILE.pdf")
    pr.add_argument("--interleave", action="store_true", help="each outbound envelope, then its reply piece")
    pr.add_argument("--envelope", default="10", help="with --interleave: the letters' envelope (default 10)")
    pr.add_argument(
        "--replace",
        action="store_true",
        help="replace replies of another design not yet scanned (a piece has one reply piece)",
    )
    pr.add_argument("--workstation", help="this computer's name for its own serial range (Share Mail)")
    pr.set_defaults(func=lazy("cmd_print_replies", "reply_cmds"))
