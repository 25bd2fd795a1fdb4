"""Printing: envelopes, labels, tray tags and one letter, rule-checked before anything is written.

Shared by ``imb-tracker print …`` and the window.  The placement rules always
run, on the options as printed (printer offsets included), and nothing is
stored or written when one is broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from imb_tracker.imb import FieldError, TrayBarcode
from imb_tracker.layout.calibration import render_bars, render_calibration
from imb_tracker.layout.envelopes import (
    EnvelopeOptions,
    JobResult,
    check_envelopes,
    render_envelopes,
)
from imb_tracker.layout.labels import LabelOptions, check_labels, render_alignment_sheet, render_labels
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.layout.tags import make_tags, render_tags
from imb_tracker.layout.templates import EnvelopeTemplate, SheetTemplate
from imb_tracker.records import StoredPiece
from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import get_mailing, iter_pieces
from imb_tracker.store.serials import reserve

log = logging.getLogger(__name__)

#: progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool | None]


class RulesBrokenError(ValueError):
    """Placement rules are broken: nothing was written.  ``problems`` are (piece number, who, message)."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


def envelope_options(
    settings: Settings,
    position: str | None = None,
    human_readable: bool | None = None,
    *,
    printer: str = "",
    **changes: object,
) -> EnvelopeOptions:
    """Envelope options from the user's settings: return address, endorsement, the printer's offsets."""
    setup = settings.printer(printer)
    base = EnvelopeOptions(
        position=position or settings.imb_position,
        human_readable=settings.human_readable if human_readable is None else human_readable,
        return_lines=tuple(settings.return_address),
        endorsement=settings.endorsement,
        offset_x=setup.offset_x,
        offset_y=setup.offset_y,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def mailing_pieces(db: Database, mailing: str) -> tuple[int, Iterator[StoredPiece]]:
    """How many pieces a mailing has, and a stream of them ready for layout."""
    total = get_mailing(db, mailing).piece_count
    return total, iter_pieces(db, mailing)


def check_mailing_envelopes(
    db: Database, mailing: str, template: EnvelopeTemplate, options: EnvelopeOptions, limit: int = 20
) -> tuple[int, list[tuple[int, str, str]]]:
    """Every broken placement rule (count, and the first ``limit`` as (piece number, who, message))."""
    _, stream = mailing_pieces(db, mailing)
    count = 0
    shown: list[tuple[int, str, str]] = []
    for number, piece, violation in check_envelopes(template, options, stream):
        count += 1
        if len(shown) < limit:
            who = f"piece {number} ({piece.name or piece.company})" if number else f"template {template.id}"
            shown.append((number, who, str(violation)))
    return count, shown


def print_envelopes(
    db: Database,
    mailing: str,
    template: EnvelopeTemplate,
    options: EnvelopeOptions,
    out: Path,
    progress: Progress | None = None,
) -> JobResult:
    """Rule-check every piece, then write the PDF (nothing is written when a rule is broken)."""
    count, shown = check_mailing_envelopes(db, mailing, template, options)
    if count:
        raise RulesBrokenError(
            f"{count} placement rule(s) broken on {template.name} with the barcode {options.position}; nothing was "
            "written. Fix the addresses, or choose another template or barcode position",
            shown,
        )
    total, stream = mailing_pieces(db, mailing)
    return render_envelopes(template, options, stream, out, total, progress)


def print_labels(
    db: Database,
    mailing: str,
    sheet: SheetTemplate,
    options: LabelOptions,
    out: Path,
    progress: Progress | None = None,
) -> JobResult:
    """Rule-check every label (lines that do not fit at 8 pt, offsets), then write the sheets."""
    _, stream = mailing_pieces(db, mailing)
    count = 0
    shown: list[tuple[int, str, str]] = []
    for number, piece, violation in check_labels(sheet, options, stream):
        count += 1
        if len(shown) < 20:
            shown.append((number, f"piece {number} ({piece.name or piece.company})", str(violation)))
    if count:
        raise RulesBrokenError(
            f"{count} rule(s) broken on {sheet.name}; nothing was written. Shorten the addresses, or choose "
            "wider labels",
            shown,
        )
    total, stream = mailing_pieces(db, mailing)
    return render_labels(sheet, options, stream, out, total, progress)


@dataclass(frozen=True)
class TrayTagJob:
    mid: str
    zip: str
    cin: str
    count: int
    destination: str = ""
    origin: str = ""
    processing_code: str = "1"
    label_type: str = "1"
    start_cell: int = 1
    #: confirms handing out tray serials issued before (a wrap; see store.serials.reserve)
    reuse_serials: bool = False
    #: the return address's last line ("CITY ST 12345"): Line 3's city and state when no origin is given
    origin_place: str = ""


def check_output(out: Path) -> None:
    """Refuse an output path that cannot be written (a folder, a missing folder, no permission) up front."""
    if out.is_dir():
        raise FieldError("out", str(out), f"{out} is a folder", "give a file name, e.g. tags.pdf")
    if not out.parent.is_dir():
        raise FieldError(
            "out", str(out), f"the folder {out.parent} does not exist", "create it, or choose another"
        )
    existed = out.exists()
    try:
        with open(out, "ab"):
            pass
    except OSError as exc:
        raise FieldError(
            "out", str(out), f"{out} cannot be written: {exc.strerror or exc}", "choose another file"
        ) from None
    if not existed:
        out.unlink(missing_ok=True)


def print_tray_tags(
    db: Database, job: TrayTagJob, sheet: SheetTemplate, out: Path, workstation: str = ""
) -> tuple[JobResult, list[TrayBarcode]]:
    """Reserve tray serials and write the tags; the fields are checked before any serial is used."""
    if job.count < 1:
        raise FieldError("count", str(job.count), "at least one tag is needed", "ask for 1 or more tags")
    mailer = get_mailer(db, job.mid)
    width = 14 - len(mailer.mid)
    if job.origin:
        origin = job.origin
    else:
        from imb_tracker.imb.presort import origin_line  # noqa: PLC0415

        from .containers import origin_of  # noqa: PLC0415

        city, state, _zip = origin_of(Settings(return_address=[job.origin_place] if job.origin_place else []))
        origin = origin_line(mailer.name, city, state)
    probe = TrayBarcode(job.zip, job.cin, mailer.mid, "0" * width, job.processing_code, job.label_type)
    from .containers import cin_entries  # noqa: PLC0415

    table = cin_entries()
    make_tags(
        [probe], job.destination, origin, table
    )  # validates every field first: no serial wasted on a typo
    check_output(out)  # and the file can be written: no serial wasted on a missing folder either
    reservation = reserve(
        db,
        mailer.mid,
        job.count,
        kind="tray",
        workstation=workstation,
        purpose=f"tray tags {job.zip} CIN {job.cin}",
        allow_reuse=job.reuse_serials,
    )
    codes = [
        TrayBarcode(job.zip, job.cin, mailer.mid, f"{s:0{width}d}", job.processing_code, job.label_type)
        for s in reservation
    ]
    tags = make_tags(codes, job.destination, origin, table)
    result = render_tags(sheet, tags, out, SheetOptions(start_cell=job.start_cell))
    return result, codes


def print_alignment(sheet: SheetTemplate, options: SheetOptions, out: Path) -> None:
    """The label sheet's alignment test page (no pieces)."""
    options.validate(sheet)
    render_alignment_sheet(sheet, options, out)


def print_calibration(out: Path) -> None:
    render_calibration(out)


def print_bars(bars: str, out: Path) -> None:
    render_bars(bars, out)
