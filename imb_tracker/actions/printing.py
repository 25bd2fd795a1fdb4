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

from imb_tracker.imb import FieldError, ImbFields, TrayBarcode, encode
from imb_tracker.layout import rules
from imb_tracker.layout.calibration import render_bars, render_calibration
from imb_tracker.layout.envelopes import (
    EnvelopeOptions,
    JobResult,
    check_envelopes,
    layout_piece,
    render_envelopes,
)
from imb_tracker.layout.labels import LabelOptions, check_labels, render_alignment_sheet, render_labels
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.layout.tags import make_tags, render_tags
from imb_tracker.layout.templates import EnvelopeTemplate, SheetTemplate
from imb_tracker.mail import Problem, check_address
from imb_tracker.records import AddressRecord, StoredPiece
from imb_tracker.settings import Settings
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import MailingSummary, create_mailing, get_mailing, iter_pieces
from imb_tracker.store.serials import reserve

from .backend import UspsBackend

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
    origin = job.origin or mailer.name
    probe = TrayBarcode(job.zip, job.cin, mailer.mid, "0" * width, job.processing_code, job.label_type)
    make_tags([probe], job.destination, origin)  # validates every field first: no serial wasted on a typo
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
    tags = make_tags(codes, job.destination, origin)
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


# ------------------------------------------------------------------ one letter


def check_letter(fields: dict[str, str]) -> tuple[AddressRecord | None, list[Problem]]:
    """Validate a typed-in address (the same rules as a list row)."""
    return check_address(fields)


def letter_preview(record: AddressRecord, mid: str, stid: str, barcode_id: str = "00") -> StoredPiece:
    """The piece with a placeholder serial (all zeros), to show before anything is stored."""
    fields = ImbFields(barcode_id, stid, mid, "0" * (15 - len(mid)), record.routing)
    return StoredPiece(record, fields.tracking, record.routing, encode(fields))


def letter_problems(template: EnvelopeTemplate, options: EnvelopeOptions, piece: StoredPiece) -> list[str]:
    """Every broken rule for one letter, in words (size and template first, then the piece as laid out)."""
    found = [str(v) for v in rules.check_letter_size(template.width, template.height)]
    found += [str(v) for v in layout_piece(template, options, piece).violations]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class LetterResult:
    summary: MailingSummary
    piece: StoredPiece
    pdf: Path


def print_letter(
    db: Database,
    mid: str,
    record: AddressRecord,
    template: EnvelopeTemplate,
    options: EnvelopeOptions,
    out: Path | Callable[[MailingSummary], Path],
    *,
    stid: str | None = None,
    workstation: str = "",
    name: str = "",
    backend: UspsBackend | None = None,
    allow_reuse: bool = False,
) -> LetterResult:
    """Check the rules, store the letter with a fresh serial, write its PDF (in that order).

    Nothing is stored when a rule is broken.  ``out`` is the PDF's path, or a function that
    names it from the stored letter (its serial).  In demo mode the stand-in follows it.
    """
    mailer = get_mailer(db, mid)
    problems = letter_problems(
        template, options, letter_preview(record, mailer.mid, stid or mailer.default_stid, mailer.barcode_id)
    )
    if problems:
        raise RulesBrokenError(
            f"{len(problems)} placement rule(s) broken on {template.name}; nothing was stored or written",
            [(1, record.name or record.company, p) for p in problems],
        )
    summary, piece = store_letter(
        db, mailer.mid, record, stid=stid, name=name, workstation=workstation, allow_reuse=allow_reuse
    )
    if backend is not None and backend.demo:
        backend.follow_in_demo(db, summary.name)
    path = out(summary) if callable(out) else out
    render_envelopes(template, options, [piece], path, 1)
    log.info("stored and wrote one letter: %s", path)
    return LetterResult(summary, piece, path)


def store_letter(
    db: Database,
    mid: str,
    record: AddressRecord,
    *,
    stid: str | None = None,
    name: str = "",
    workstation: str = "",
    allow_reuse: bool = False,
) -> tuple[MailingSummary, StoredPiece]:
    """Store one letter as a mailing of one piece, with a fresh serial, before anything prints."""
    stamp = db.clock()
    who = record.name or record.company
    title = name or f"Letter to {who} {stamp:%Y-%m-%d %H:%M:%S}"
    summary = create_mailing(
        db,
        mid,
        title,
        [record],
        stid=stid,
        workstation=workstation,
        source_file="one letter",
        allow_reuse=allow_reuse,
    )
    return summary, next(iter_pieces(db, summary.name))
