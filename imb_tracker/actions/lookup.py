"""Look up one piece at USPS and read its timeline: the same answer in the letter's window and in ``lookup``.

The timeline counts the expected-delivery date IV gave and the user's
stalled-days setting, in both front ends (the CLI once ignored both).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from imb_tracker.imb import ImbError, decode, encode_tracking
from imb_tracker.store.engine import Database
from imb_tracker.store.scans import find_piece, lookups_for, piece_status_row, pieces_with_serial, scans_for
from imb_tracker.tracking.estimates import Estimate, is_late
from imb_tracker.tracking.ingest import ingest_result, log_failure
from imb_tracker.tracking.report import scan_views
from imb_tracker.tracking.status import ScanView, in_order, piece_status
from imb_tracker.tracking.status_index import piece_estimate
from imb_tracker.usps.errors import UspsError
from imb_tracker.usps.iv import Outcome

from .backend import UspsBackend
from .errors import ActionError

log = logging.getLogger(__name__)

IMB_LENGTHS = (20, 25, 29, 31)


@dataclass(frozen=True)
class LookupEntry:
    """One line of the lookup log: when we asked USPS and what came back."""

    requested_at: datetime
    outcome: str
    http_status: int | None
    scan_count: int
    error: str


@dataclass(frozen=True)
class Timeline:
    """Everything known of one piece: who, where it is, every scan in order, and what USPS said."""

    imb: str
    piece: dict[str, Any] | None  # the stored piece (None: a barcode not in this database)
    status: str  # in plain words
    window: str  # how long USPS keeps its data
    stage: str
    expected: date | None  # IV's expected delivery date, when it gave one
    stalled: bool
    scans: list[ScanView]  # oldest first
    raw_payloads: list[Any]  # as USPS sent them (parsed JSON, or the text)
    lookups: list[LookupEntry]
    mailed_at: datetime | None
    bars: str | None  # the 65 bars, when the IMb is valid
    estimate: Estimate | None = None  # the in-home estimate and its basis (None: not in this database)
    late: bool = False  # looked up, past the estimate by more than a delivery day, no carrier-sort scan

    @property
    def who(self) -> str:
        if not self.piece:
            return ""
        return str(self.piece["name"] or self.piece["company"])

    @property
    def transit_days(self) -> float | None:
        """Days from mailing to the last scan."""
        if self.mailed_at is None or not self.scans:
            return None
        return (max(v.when for v in self.scans) - self.mailed_at).total_seconds() / 86400

    def as_json(self) -> dict[str, Any]:
        return {
            "imb": self.imb,
            "status": self.status,
            "stage": self.stage,
            "stalled": self.stalled,
            "expected_delivery": self.expected.isoformat() if self.expected else None,
            "estimated_in_home": self.estimate.in_home.isoformat()
            if self.estimate and self.estimate.in_home
            else None,
            "estimate_basis": self.estimate.basis if self.estimate else None,
            "late": self.late,
            "usps_window": self.window,
            "scans": [
                {
                    "time_as_reported_by_usps": v.when_text,
                    "stage": v.stage,
                    "what": v.words,
                    "opcode": v.opcode,
                    "facility": v.facility,
                    "implied": v.implied,
                }
                for v in self.scans
            ],
        }


@dataclass(frozen=True)
class LookupResult:
    """What one lookup did: the timeline afterwards and, when USPS was asked, what it answered."""

    timeline: Timeline
    asked_usps: bool
    message: str  # e.g. "USPS returned 5 scan(s), 2 new"
    error: UspsError | None = None  # USPS failed: the stored history is still shown
    new_scans: int = field(default=0)
    #: the letter's linked reply piece afterwards (``replies.piece_reply``), looked up with it
    reply: dict[str, Any] | None = None
    #: when the IMb asked about is itself a reply piece: whose, in words
    reply_of: str | None = None


class AmbiguousSerialError(ActionError):
    """A serial that several Mailer IDs have issued: the user has to say which (``candidates``)."""

    def __init__(self, serial: str, candidates: list[tuple[str, str]]) -> None:
        listed = "; ".join(f"Mailer ID {mid}: {imb}" for mid, imb in candidates)
        super().__init__(
            f"serial {serial} was issued under {len(candidates)} Mailer IDs ({listed}); say which "
            "with --mailer MID, or give the whole IMb"
        )
        self.candidates = candidates


def resolve(db: Database, key: str, mailer: str | None = None) -> tuple[str, dict[str, Any] | None]:
    """The IMb for ``key``, and the stored piece when there is one.

    ``key`` is exactly one of: a serial (up to 9 digits) of a stored piece, matched exactly, padded
    to its Mailer ID's width (never the end of another number); a 20-digit tracking code; a 25, 29
    or 31-digit IMb; or the 65 bar letters.  A serial issued under several Mailer IDs needs
    ``mailer``; a tracking code or IMb need not be stored.
    """
    text = "".join(key.split()).replace("-", "")
    if len(text) == 65 and set(text.upper()) <= set("ADFT"):
        try:
            text = decode(text).fields.payload
        except ImbError as exc:
            raise ActionError(f"{key[:20]}… are not readable bars: {exc}") from None
    if not text.isdigit():
        raise ActionError(
            f"{key!r} is not a serial, a 20-digit tracking code, a 25/29/31-digit IMb or 65 bars"
        )
    if len(text) <= 9:
        found = pieces_with_serial(db, int(text), mailer)
        if not found:
            whose = f" under Mailer ID {mailer}" if mailer else ""
            raise ActionError(
                f"no stored piece has serial {text}{whose}; give the whole IMb to look up a letter "
                "that is not in this database"
            )
        if len(found) > 1:
            raise AmbiguousSerialError(text, [(str(p["mid"]), p["tracking"] + p["routing"]) for p in found])
        piece = found[0]
        return piece["tracking"] + piece["routing"], dict(piece)
    if len(text) not in IMB_LENGTHS:
        raise ActionError(
            f"{key!r} has {len(text)} digits; give a serial (up to 9), the 20-digit tracking code "
            "or the whole IMb (25, 29 or 31 digits)"
        )
    found_imb = find_piece(db, text)
    if found_imb is not None and len(text) == 20:
        return found_imb["tracking"] + found_imb["routing"], dict(found_imb)
    return text, dict(found_imb) if found_imb else None


def timeline(
    db: Database,
    imb: str,
    now: datetime,
    stalled_days: int,
    piece: dict[str, Any] | None = None,
    *,
    known: bool = False,
) -> Timeline:
    """The piece's stored history and status (no USPS request)."""
    if piece is None and not known:
        found = find_piece(db, imb)
        piece = dict(found) if found else None
    rows = scans_for(db, imb)
    views = scan_views(rows)
    history = lookups_for(db, imb)
    not_found = bool(history) and history[-1]["outcome"] == Outcome.NOT_FOUND
    expected: date | None = None
    if piece:
        st = piece_status_row(db, int(piece["id"]))
        text = str(st["expected_delivery"]) if st and st["expected_delivery"] else ""
        try:
            expected = date.fromisoformat(text[:10]) if text else None
        except ValueError:
            expected = None
    mailed = (piece["mailed_at"] or piece["created_at"]) if piece else None
    status = piece_status(views, now, mailed, expected, not_found, stalled_days)
    est: Estimate | None = None
    if piece:
        with db.read() as conn:
            est = piece_estimate(conn, int(piece["id"]), views, expected)
    raw = [
        json.loads(r["raw_payload"]) if r["raw_payload"].startswith("{") else r["raw_payload"] for r in rows
    ]
    try:
        bars: str | None = encode_tracking(imb[:20], imb[20:])
    except ImbError:
        bars = None
    return Timeline(
        imb=imb,
        piece=piece,
        status=status.words,
        window=status.window,
        stage=status.stage,
        expected=expected,
        stalled=status.stage == "stalled",
        scans=in_order(views),
        raw_payloads=raw,
        lookups=[
            LookupEntry(h["requested_at"], h["outcome"], h["http_status"], h["scan_count"], h["error"] or "")
            for h in history
        ],
        mailed_at=mailed,
        bars=bars,
        estimate=est,
        # as the letters table and the report: only a letter USPS was asked about is called late
        late=est is not None and bool(history or rows) and is_late(est, now.date()),
    )


def look_up(
    db: Database,
    backend: UspsBackend | None,
    key: str,
    *,
    stalled_days: int,
    offline: bool = False,
    mailer: str | None = None,
) -> LookupResult:
    """Ask USPS about one piece (unless ``offline``), store every scan, and return the timeline.

    A USPS failure is logged against the piece and returned in ``error``; the stored
    history is still the answer.  No saved credentials raise CredentialsError.  A letter with
    a linked reply piece still on its way (not arrived) has the reply looked up too, by the
    reply's own IMb, so its scans are stored apart from the letter's.
    """
    from .replies import piece_reply, reply_of_imb  # noqa: PLC0415 - replies' layouts load only when asked

    imb, piece = resolve(db, key, mailer)
    message, error, new = "stored history only", None, 0
    reply = piece_reply(db, int(piece["id"])) if piece and piece.get("id") is not None else None
    if not offline and backend is not None:
        client = backend.iv_client()
        requested = backend.clock()
        try:
            result = client.lookup(imb)
        except UspsError as exc:
            log_failure(db, imb, requested, type(exc).__name__, str(exc))
            error, message = exc, f"USPS lookup failed: {exc}"
        else:
            returned, new = ingest_result(db, result, requested)
            message = (
                f"USPS returned {returned} scan(s), {new} new"
                if result.found
                else "USPS has no data for it yet"
            )
            if reply is not None and reply["state"] != "arrived":
                message += "; its reply: " + _look_up_reply(db, client, str(reply["imb"]), requested)
                reply = piece_reply(db, int(piece["id"])) if piece else None
        finally:
            client.close()
    now = backend.clock() if backend is not None else db.clock()
    return LookupResult(
        timeline(db, imb, now, stalled_days, piece, known=True),
        not offline and backend is not None,
        message,
        error,
        new,
        reply,
        reply_of_imb(db, imb) if piece is None else None,
    )


def _look_up_reply(db: Database, client: Any, imb: str, requested: datetime) -> str:
    """One lookup of a reply IMb with the letter's client; a failure is logged and said, not raised."""
    try:
        result = client.lookup(imb)
    except UspsError as exc:
        log_failure(db, imb, requested, type(exc).__name__, str(exc))
        return f"lookup failed ({exc})"
    returned, new = ingest_result(db, result, requested)
    return f"{returned} scan(s), {new} new" if result.found else "not seen by USPS yet"
