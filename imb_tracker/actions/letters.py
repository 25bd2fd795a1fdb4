"""One letter at a time: type an address, print it, print it again, void it — the same everywhere.

A letter is stored once, with a fresh serial, when it is first printed or saved; *Print again*
and *Reprint* make the same PDF from the stored piece (same serial, same IMb).  Letters are
grouped into one mailing a month ("Single letters – December 2026"), so demo mode's frozen
clock or two letters to one person never collide on a mailing name.  Storing the same
recipient twice on one day is something the front end asks about first
(:func:`same_recipient_today`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from imb_tracker.imb import ImbFields, encode
from imb_tracker.layout import rules
from imb_tracker.layout.envelopes import EnvelopeOptions, layout_piece, render_envelopes
from imb_tracker.layout.templates import EnvelopeTemplate
from imb_tracker.mail import Problem, check_address
from imb_tracker.records import AddressRecord, StoredPiece
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import add_letter, get_piece, letters_like, void_piece

from .backend import UspsBackend
from .printing import RulesBrokenError

log = logging.getLogger(__name__)

__all__ = [
    "LetterResult",
    "check_letter",
    "group_name",
    "letter_preview",
    "letter_problems",
    "print_letter",
    "reprint",
    "same_recipient_today",
    "void",
]


@dataclass(frozen=True)
class LetterResult:
    piece: StoredPiece
    pdf: Path

    @property
    def mailing(self) -> str:
        return self.piece.mailing


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


def group_name(when: datetime) -> str:
    """The mailing single letters of ``when``'s month go into."""
    return f"Single letters – {when:%B %Y}"


def same_recipient_today(db: Database, record: AddressRecord) -> list[StoredPiece]:
    """Letters already stored today (by the database's clock) for this recipient, newest first."""
    today = datetime.combine(db.clock().date(), time.min)
    return letters_like(db, record, today)


def _check(template: EnvelopeTemplate, options: EnvelopeOptions, piece: StoredPiece) -> None:
    problems = letter_problems(template, options, piece)
    if problems:
        raise RulesBrokenError(
            f"{len(problems)} placement rule(s) broken on {template.name}; nothing was stored or written",
            [(1, piece.name or piece.company, p) for p in problems],
        )


def print_letter(
    db: Database,
    mid: str,
    record: AddressRecord,
    template: EnvelopeTemplate,
    options: EnvelopeOptions,
    out: Path | Callable[[StoredPiece], Path],
    *,
    stid: str | None = None,
    workstation: str = "",
    name: str = "",
    backend: UspsBackend | None = None,
    allow_reuse: bool = False,
) -> LetterResult:
    """Check the rules, store the letter with a fresh serial, write its PDF (in that order).

    Nothing is stored when a rule is broken.  ``out`` is the PDF's path, or a function that
    names it from the stored letter (its serial).  ``name`` puts it in that mailing instead of
    this month's single letters.  In demo mode the stand-in follows it.
    """
    mailer = get_mailer(db, mid)
    _check(
        template, options, letter_preview(record, mailer.mid, stid or mailer.default_stid, mailer.barcode_id)
    )
    piece = add_letter(
        db,
        mailer.mid,
        name or group_name(db.clock()),
        record,
        stid=stid,
        workstation=workstation,
        allow_reuse=allow_reuse,
    )
    if backend is not None and backend.demo:
        backend.follow_in_demo(db, piece.mailing)
    path = out(piece) if callable(out) else out
    render_envelopes(template, options, [piece], path, 1)
    log.info("stored and wrote one letter: %s", path)
    return LetterResult(piece, path)


def reprint(
    db: Database, piece_id: int, template: EnvelopeTemplate, options: EnvelopeOptions, out: Path
) -> LetterResult:
    """The PDF of a stored piece again: same serial, same IMb, nothing new stored."""
    piece = get_piece(db, piece_id)
    _check(template, options, piece)
    render_envelopes(template, options, [piece], out, 1)
    log.info("reprinted serial %s of %r: %s", piece.serial, piece.mailing, out)
    return LetterResult(piece, out)


def void(db: Database, piece_id: int) -> StoredPiece:
    """A letter printed but not mailed: never looked up again, its serial stays reserved (not reused)."""
    return void_piece(db, piece_id, db.clock())
