"""Trays, sacks and pallets through the one door: build them, list them, print their tags,
manifest and placards, and follow them by their pieces' scans.

``imb-tracker trays …``, ``print tray-tags --mailing``, ``print placards`` and the
window's Trays view call these.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from imb_tracker.imb import FieldError, TrayBarcode, stid_table
from imb_tracker.imb.presort import (
    CINS,
    PieceSpot,
    TrayPlan,
    class_prefix,
    content_words,
    destination_line,
    origin_line,
    per_tray_for,
    plan_trays,
)
from imb_tracker.layout.templates import CIN_SOURCE, SheetTemplate, cin_table
from imb_tracker.settings import Settings
from imb_tracker.store.containers import (
    Container,
    Labels,
    add_pallet,
    column_groups,
    container_pieces_of,
    container_scan_counts,
    container_seen,
    list_containers,
    mailer_of_mailing,
    mark_printed,
    move_pieces,
    piece_spots,
    set_lines,
    store_trays,
    tray_ends,
)
from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import get_mailing

log = logging.getLogger(__name__)

__all__ = [
    "CIN_SOURCE",
    "TRAY_COLUMNS",
    "Container",
    "TrayStatus",
    "add_pallet",
    "build_trays",
    "cin_entries",
    "container_pieces_of",
    "content_words",
    "move_pieces",
    "origin_of",
    "print_mailing_tags",
    "print_placards",
    "set_lines",
    "tray_rows",
    "tray_statuses",
    "user_cin_file",
    "write_manifest_csv",
    "write_manifest_pdf",
]

#: the columns of ``imb-tracker trays list`` (CSV header, JSON keys), in this order
TRAY_COLUMNS = ("tray", "barcode", "line1", "line2", "line3", "pieces", "first_serial", "last_serial")


def user_cin_file() -> Path:
    """The user's own CIN table (``cin.csv`` in the settings folder): its lines add to or replace the shipped ones."""
    from imb_tracker.app import app_paths  # noqa: PLC0415

    return app_paths().config / "cin.csv"


def cin_entries() -> dict[str, str]:
    """The CIN table in use: the shipped one (source: ``layout.templates.CIN_SOURCE``) plus the user's."""
    return cin_table(user_cin_file())


def origin_of(settings: Settings, origin: str = "") -> tuple[str, str, str]:
    """The mailer's city, state and ZIP for Line 3: ``origin`` ("CITY ST"), else the return address.

    The return address's last line is read as "CITY ST 12345[-6789]"; without one, ("", "", "").
    """
    text = origin.strip() or (settings.return_address[-1] if settings.return_address else "")
    words = text.replace(",", " ").split()
    zip_code = ""
    if words and words[-1].replace("-", "").isdigit():
        zip_code = words.pop()[:5]
    if len(words) >= 2 and len(words[-1]) == 2 and words[-1].isalpha():
        return " ".join(words[:-1]).upper(), words[-1].upper(), zip_code
    if origin.strip():
        raise FieldError(
            "origin", origin, "the origin is the mailer's city and 2-letter state", 'e.g. "ANYTOWN NY"'
        )
    return "", "", zip_code


def _labels(settings: Settings, kind: str) -> Labels:
    if kind == "sack":
        return Labels(settings.sack_processing_code, settings.sack_label_type)
    return Labels(settings.tray_processing_code, settings.tray_label_type)


def _level_of(group: Sequence[PieceSpot]) -> tuple[str, str]:
    """A hand-made tray's level and barcode ZIP: 5-digit or 3-digit when its pieces share one, else mixed."""
    zips = {s.zip5 for s in group}
    if len(zips) == 1:
        return "5d", next(iter(zips))
    prefixes = {z[:3] for z in zips}
    if len(prefixes) == 1:
        return "3d", next(iter(prefixes)) + "00"
    return "mxd", group[0].zip5


def build_trays(
    db: Database,
    mailing: str,
    settings: Settings,
    *,
    per_tray: int | None = None,
    thickness: float | None = None,
    sack: bool = False,
    column: str | None = None,
    origin: str = "",
    replace: bool = False,
    workstation: str = "",
) -> list[Container]:
    """Put every live piece of ``mailing`` into exactly one tray (or sack) and give each its barcode.

    Automatic: 5-digit, then 3-digit, then mixed trays of at most ``per_tray`` pieces (or as
    many as fit by ``thickness``), in print order (:func:`imb.presort.plan_trays`).  With
    ``column``, the value of that imported column names each piece's tray.  Line 1 and Line 2
    come from the tray's destination and CIN, Line 3 from the mailer's name and city.
    """
    kind = "sack" if sack else "tray"
    if per_tray is None:
        per_tray = settings.tray_pieces or per_tray_for(thickness or settings.piece_thickness)
    if per_tray < 1:
        raise FieldError("per_tray", str(per_tray), "a tray holds at least one piece", "e.g. --per-tray 400")
    summary = get_mailing(db, mailing)
    info = stid_table().get(summary.stid)
    prefix = class_prefix(info.mail_class if info else "First-Class Mail")
    city, state, origin_zip = origin_of(settings, origin)
    mailer = mailer_of_mailing(db, mailing)
    line3 = origin_line(str(mailer["name"]), city, state)
    if column:
        plans: list[TrayPlan] = []
        for _value, group in column_groups(db, mailing, column):
            level, zip_code = _level_of(group)
            for i in range(0, len(group), per_tray):
                part = group[i : i + per_tray]
                first = part[0]
                plans.append(
                    TrayPlan(
                        level, zip_code, tuple(s.id for s in part), first.city.upper(), first.state.upper()
                    )
                )
    else:
        spots = piece_spots(db, mailing)
        plans = plan_trays(
            spots, per_tray, min_5d=settings.tray_min_5d, min_3d=settings.tray_min_3d, origin_zip=origin_zip
        )
    cins = {level: CINS[(prefix, level)] for level in ("5d", "3d", "mxd")}
    table = cin_entries()
    lines = [(destination_line(p, city, state), table.get(cins[p.level], ""), line3) for p in plans]
    return store_trays(
        db,
        mailing,
        plans,
        cins,
        lines,
        kind=kind,
        labels=_labels(settings, kind),
        replace=replace,
        workstation=workstation,
    )


def tray_rows(db: Database, mailing: str) -> list[dict[str, Any]]:
    """``trays list``: per tray or sack, its barcode, lines, piece count, first and last serial."""
    return [
        {
            "tray": c.number,
            "kind": c.kind,
            "barcode": c.barcode,
            "line1": c.line1,
            "line2": c.line2,
            "line3": c.line3,
            "pieces": c.pieces,
            "first_serial": c.first_serial,
            "last_serial": c.last_serial,
            "content": content_words(c.line2),
            "level": c.level,
            "pallet": c.parent,
        }
        for c in list_containers(db, mailing, ("tray", "sack"))
    ]


@dataclass(frozen=True)
class TrayStatus:
    """A tray as its pieces' scans show it."""

    container: Container
    seen: int  # pieces of it USPS scanned
    first_scan: datetime | None
    last_scan: datetime | None
    not_seen: bool  # no piece scanned ``unseen_days`` after mailing
    tray_scans: int = 0  # scans of the tray's own barcode (from IV data files)
    last_tray_scan: datetime | None = None

    @property
    def words(self) -> str:
        own = f"; the tray itself scanned {self.tray_scans}×" if self.tray_scans else ""
        if self.not_seen:
            return "Tray not seen at all" + own
        if not self.seen:
            return "Not seen yet" + own
        return f"{self.seen:,} of {self.container.pieces:,} pieces seen" + own


def tray_statuses(db: Database, mailing: str, now: datetime, unseen_days: int = 5) -> list[TrayStatus]:
    """Each tray's first and last scan of any piece in it, how many were seen, and "not seen at all"."""
    mailed = get_mailing(db, mailing).mailed_at
    seen = container_seen(db, mailing)
    own = container_scan_counts(db, mailing)
    late = mailed is not None and now - mailed > timedelta(days=unseen_days)
    out = []
    for c in list_containers(db, mailing, ("tray", "sack")):
        count, first, last = seen.get(c.id, (0, None, None))
        scans, last_own = own.get(c.id, (0, None))
        out.append(TrayStatus(c, count, first, last, late and count == 0 and scans == 0, scans, last_own))
    return out


def write_manifest_csv(db: Database, mailing: str, out: IO[str], excel: bool = False) -> int:
    """The tray manifest as CSV: per tray its barcode, lines, count, first and last piece; returns rows."""
    from .exports import write_csv  # noqa: PLC0415

    header = [
        "tray",
        "kind",
        "barcode",
        "line1",
        "line2",
        "line3",
        "content",
        "pieces",
        "first_serial",
        "last_serial",
        "first_piece",
        "last_piece",
        "pallet",
    ]
    rows = []
    ends = tray_ends(db, mailing)
    for c in list_containers(db, mailing, ("tray", "sack")):
        first, last = ends.get(c.id, ("", ""))
        rows.append(
            [
                c.number,
                c.kind,
                c.barcode,
                c.line1,
                c.line2,
                c.line3,
                content_words(c.line2),
                c.pieces,
                c.first_serial or "",
                c.last_serial or "",
                first,
                last,
                c.parent,
            ]
        )
    write_csv(out, header, rows, excel)
    return len(rows)


def manifest_lines(db: Database, mailing: str) -> list[str]:
    """The manifest in words, one line per tray (for the CLI and the PDF)."""
    out = []
    for c in list_containers(db, mailing, ("tray", "sack")):
        out.append(
            f"{c.kind} {c.number}: {c.barcode}  {c.pieces:,} piece(s), serials {c.first_serial}-{c.last_serial}  "
            f"{c.line1} / {c.line2} ({content_words(c.line2)}) / {c.line3}"
        )
    return out


def tags_for_mailing(db: Database, mailing: str) -> list[Container]:
    """The mailing's trays and sacks in order, for their tags (refused when it has none yet)."""
    found = list_containers(db, mailing, ("tray", "sack"))
    if not found:
        raise FieldError(
            "mailing",
            mailing,
            f"{mailing!r} has no trays yet",
            f"build them: imb-tracker trays build --mailing {mailing!r}",
        )
    return found


def print_mailing_tags(
    db: Database, mailing: str, sheet: SheetTemplate, out: Path, start_cell: int = 1
) -> int:
    """The tags of a mailing's trays, in tray order, on ``sheet``; returns how many."""
    from imb_tracker.layout.sheets import SheetOptions  # noqa: PLC0415
    from imb_tracker.layout.tags import TrayTag, render_tags  # noqa: PLC0415

    from .printing import check_output  # noqa: PLC0415

    found = tags_for_mailing(db, mailing)
    check_output(out)
    tags = [TrayTag(TrayBarcode.from_digits(c.barcode), c.line1, c.line2, c.line3) for c in found]
    render_tags(sheet, tags, out, SheetOptions(start_cell=start_cell))
    mark_printed(db, [c.id for c in found])
    return len(tags)


def print_placards(
    db: Database,
    out: Path,
    settings: Settings,
    *,
    mid: str | None = None,
    mailing: str | None = None,
    line1: str | None = None,
    line2: str | None = None,
    line3: str | None = None,
    count: int = 1,
    workstation: str = "",
) -> list[Any]:
    """Pallet placards, two per pallet, each pallet with its own 99M barcode from the allocator.

    With ``mailing``: one pallet for the mailing's trays not yet on a pallet, stored with them;
    its lines default to the trays' destination, the class's letters ("FCM LTR") and the
    origin line.  Without: ``count`` loose pallets for ``mid`` with the lines given.
    """
    from imb_tracker.imb import ContainerBarcode  # noqa: PLC0415
    from imb_tracker.layout.placards import Placard, render_placards  # noqa: PLC0415
    from imb_tracker.store.mailers import get_mailer  # noqa: PLC0415
    from imb_tracker.store.serials import reserve  # noqa: PLC0415

    from .printing import check_output  # noqa: PLC0415

    check_output(out)
    placards = []
    if mailing:
        trays = tags_for_mailing(db, mailing)
        summary = get_mailing(db, mailing)
        info = stid_table().get(summary.stid)
        first = line1 or trays[0].line1
        second = line2 or f"{class_prefix(info.mail_class if info else 'First-Class Mail')} LTR"
        third = line3 if line3 is not None else trays[0].line3  # the trays' origin line
        pallet = add_pallet(db, mailing, (first, second, third), workstation=workstation)
        placards.append(
            Placard(ContainerBarcode.from_data(pallet.barcode), pallet.line1, pallet.line2, pallet.line3)
        )
    else:
        if not mid:
            raise FieldError("mailer", "", "a loose placard needs its Mailer ID", "add --mailer MID")
        mailer_row = get_mailer(db, mid)
        three = tuple(" ".join((t or "").upper().split()) for t in (line1, line2, line3 or mailer_row.name))
        for n, text in enumerate(three, 1):
            if len(text) > 30 or (n < 3 and not text):
                raise FieldError(f"line{n}", text, f"Line {n} needs 1 to 30 characters", "shorten or add it")
        width = 18 - len(mailer_row.mid)
        ContainerBarcode(mailer_row.mid, "0" * width)
        for serial in reserve(
            db, mailer_row.mid, count, kind="container", workstation=workstation, purpose="pallet placards"
        ):
            placards.append(Placard(ContainerBarcode(mailer_row.mid, f"{serial:0{width}d}"), *three))
    render_placards(placards, out)
    return placards


def write_manifest_pdf(db: Database, mailing: str, out: Path) -> int:
    """The tray manifest on letter pages: per tray its barcode, lines, count, first and last piece."""
    from imb_tracker.layout.draw import INCH  # noqa: PLC0415
    from imb_tracker.layout.pdfwriter import Content, PdfWriter  # noqa: PLC0415

    trays = tags_for_mailing(db, mailing)
    pages: list[Content] = []
    page = Content()
    y = 10.2

    def header(c: Content) -> None:
        c.text(0.75 * INCH, 10.5 * INCH, f"Tray manifest: {mailing}", "Helvetica-Bold", 13)

    header(page)
    ends = tray_ends(db, mailing)
    for c in trays:
        first, last = ends.get(c.id, ("", ""))
        block = [
            (f"{c.kind.capitalize()} {c.number}   {c.barcode}   {c.pieces:,} piece(s)", "Helvetica-Bold", 10),
            (f"Line 1  {c.line1}", "Helvetica", 9),
            (f"Line 2  {c.line2}  ({content_words(c.line2)})", "Helvetica", 9),
            (f"Line 3  {c.line3}", "Helvetica", 9),
            (
                f"First piece: serial {c.first_serial} {first}    Last piece: serial {c.last_serial} {last}",
                "Helvetica",
                9,
            ),
        ]
        if y - 0.18 * len(block) < 0.75:
            pages.append(page)
            page = Content()
            header(page)
            y = 10.2
        for text, font, size in block:
            page.text(0.75 * INCH, y * INCH, text, font, size)
            y -= 0.18
        y -= 0.12
    pages.append(page)
    with PdfWriter(out, title=f"IMb Tracker tray manifest: {mailing}") as writer:
        for p in pages:
            writer.add_page(p, 8.5 * INCH, 11 * INCH)
    return len(trays)
