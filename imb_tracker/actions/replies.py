"""Reply mail through the one door: designs, printing reply pieces, and who has replied.

``imb-tracker reply …``, ``print replies``, ``replies`` and the window's
reply editor, Replies filter and report all call these.  A design is rule-
checked on its template before it is stored, and again with the options a
print asks for before a reply is linked or a page written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from imb_tracker.imb import FieldError, encode_tracking, stid_table
from imb_tracker.imb.reply import (
    BY_MID,
    BY_ZIP,
    KINDS,
    UNTRACKED,
    check_design,
    default_stid,
    reply_kind,
    tracing,
    visibility,
)
from imb_tracker.layout.envelopes import POSITIONS, EnvelopeOptions, check_template
from imb_tracker.layout.replies import (
    ReplyArt,
    check_reply_template,
    layout_reply,
    render_interleaved,
    render_replies,
)
from imb_tracker.layout.templates import EnvelopeTemplate, envelope_template
from imb_tracker.records import StoredPiece
from imb_tracker.store.engine import Database
from imb_tracker.store.errors import NotFoundError
from imb_tracker.store.mailers import get_mailer
from imb_tracker.store.mailings import get_mailing, iter_pieces, mailing_row
from imb_tracker.store.replies import (
    ReplyDesign,
    ReplyOptions,
    add_design,
    clean_lines,
    delete_design,
    get_design,
    link_replies,
    list_designs,
    mailing_replies,
    record_print,
    reply_by_imb,
    reply_for_piece,
    static_replies,
    update_design_options,
)
from imb_tracker.store.scans import scans_for
from imb_tracker.tracking.replies import REPLY_WORDS, response_curve
from imb_tracker.tracking.report import scan_views
from imb_tracker.tracking.status import in_order

from .backend import UspsBackend
from .printing import RulesBrokenError, check_output

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool | None]

#: the reply kinds in words, for the editor's list (key -> name)
KIND_NAMES = {k: reply_kind(k).name for k in KINDS}

__all__ = [
    "KIND_NAMES",
    "REPLY_COLUMNS",
    "Draft",
    "ReplyDesign",
    "ReplyOptions",
    "ReplyPrint",
    "ReplySummary",
    "add_reply_design",
    "delete_design",
    "design_warnings",
    "draft_design",
    "get_design",
    "list_designs",
    "piece_reply",
    "preview_design",
    "print_replies",
    "reply_csv_row",
    "reply_json",
    "reply_of_imb",
    "reply_rows",
    "reply_summary",
    "save_design_options",
]


def art_of(design: ReplyDesign, position: str | None = None) -> ReplyArt:
    """What a design prints (the IMb where ``position`` says, else where the design says)."""
    o = design.options
    return ReplyArt(
        kind=design.kind,
        lines=design.lines,
        permit=design.permit,
        permit_city=design.permit_city,
        fim=design.fim,
        bars=o.bars,
        stamp_box=o.stamp_box,
        position=position or o.imb_position,
    )


def _template(template_id: str | None, design: ReplyDesign | None = None) -> EnvelopeTemplate:
    return envelope_template(template_id or (design.options.template if design else "9"))


def _refuse_broken(template: EnvelopeTemplate, art: ReplyArt, what: str) -> None:
    problems = [str(v) for v in check_reply_template(template, art)]
    if problems:
        raise RulesBrokenError(
            f"{len(problems)} placement rule(s) broken on {template.name} with the barcode {art.position}; {what}. "
            "Shorten the address lines, or choose another template or barcode position",
            [(0, f"template {template.id}", p) for p in dict.fromkeys(problems)],
        )


def design_warnings(design: ReplyDesign) -> list[str]:
    """What the user should know about a design's STID: who sees its scans, or that nobody will."""
    how = tracing(design.kind, design.stid)
    out = []
    if how == UNTRACKED:
        out.append(f"STID {design.stid} asks USPS for no tracking: {visibility(design.kind, design.stid)}")
    elif how == BY_ZIP:
        out.append(f"STID {design.stid} is traced by ZIP: {visibility(design.kind, design.stid)}")
    out.extend(stid_table().warnings(design.stid))
    return out


def add_reply_design(
    db: Database,
    mid: str,
    name: str,
    kind: str,
    lines: list[str],
    zip_code: str,
    *,
    permit: str = "",
    permit_city: str = "",
    stid: str | None = None,
    static: bool = False,
    by_zip: bool = False,
    fim: str | None = None,
    options: ReplyOptions | None = None,
    workstation: str = "",
) -> tuple[ReplyDesign, list[str]]:
    """Check the design against its kind's rules and its template's placement rules, then store it.

    Returns the design and its warnings (an untracked or by-ZIP STID).
    """
    options = options or ReplyOptions()
    mode = "static" if static else "linked"
    if stid is None:
        stid = default_stid(kind, mode, BY_ZIP if by_zip else BY_MID)
    if options.imb_position not in POSITIONS:
        raise FieldError(
            "imb_position", options.imb_position, "unknown barcode position", "use " + ", ".join(POSITIONS)
        )
    template = envelope_template(options.template)
    options = replace(options, template=template.id)
    probe = ReplyDesign(
        0,
        mid,
        "",
        name,
        reply_kind(kind).key,
        stid,
        "00",
        mode,
        tuple(lines),
        "",
        permit,
        permit_city,
        reply_kind(kind).fim if fim is None else ("" if fim.lower() in ("", "none") else fim.upper()),
        options,
        datetime.now(),
    )
    _refuse_broken(template, art_of(probe), "nothing was stored")
    design = add_design(
        db,
        mid,
        name,
        kind,
        lines,
        zip_code,
        permit=permit,
        permit_city=permit_city,
        stid=stid,
        mode=mode,
        fim=fim,
        options=options,
        workstation=workstation,
    )
    return design, design_warnings(design)


@dataclass(frozen=True)
class Draft:
    """A design being edited (not stored): what it would print, and every rule it breaks so far."""

    design: ReplyDesign
    template: EnvelopeTemplate
    layout: Any  # layout.replies.ReplyLayout
    problems: list[str]  # the kind's rules first (with their fix), then the placement rules
    warnings: list[str]  # who sees the scans of an untracked or by-ZIP STID


def draft_design(
    db: Database,
    mid: str,
    kind: str,
    lines: list[str],
    zip_code: str,
    *,
    name: str = "",
    permit: str = "",
    permit_city: str = "",
    stid: str | None = None,
    static: bool = False,
    by_zip: bool = False,
    options: ReplyOptions | None = None,
) -> Draft:
    """The reply editor's live preview: the same checks as :func:`add_reply_design`, nothing stored.

    A broken rule does not stop the preview: it is listed, and the piece is drawn as far as it goes.
    """
    options = options or ReplyOptions()
    mode = "static" if static else "linked"
    k = reply_kind(kind)
    stid = (stid or default_stid(k.key, mode, BY_ZIP if by_zip else BY_MID)).strip()
    routing = "".join(ch for ch in zip_code if ch.isdigit())
    problems: list[str] = []
    try:
        mailer = get_mailer(db, mid)
    except (NotFoundError, FieldError) as exc:
        problems.append(str(exc))
        share = False
    else:
        share = mailer.share_mail
    try:
        check_design(
            k.key,
            stid,
            routing,
            mode=mode,
            share_mailer=share,
            permit=permit,
            permit_city=permit_city,
            fim=k.fim,
        )
    except FieldError as exc:
        problems.append(str(exc))
    try:
        cleaned = clean_lines(lines, routing)
    except FieldError as exc:
        problems.append(str(exc))
        cleaned = tuple(" ".join(line.split()).upper() for line in lines if line.strip())
    design = ReplyDesign(
        0,
        mid,
        "",
        name,
        k.key,
        stid,
        "00",
        mode,
        cleaned,
        routing,
        permit.strip(),
        " ".join(permit_city.upper().split()),
        k.fim,
        options,
        datetime.now(),
    )
    template, layout, broken = preview_design(design)
    problems.extend(dict.fromkeys(broken))
    return Draft(design, template, layout, problems, design_warnings(design))


def save_design_options(db: Database, name: str, options: ReplyOptions) -> ReplyDesign:
    """Change how a stored design prints, after its template's placement rules pass (its IMbs stay)."""
    design = get_design(db, name)
    if options.imb_position not in POSITIONS:
        raise FieldError(
            "imb_position", options.imb_position, "unknown barcode position", "use " + ", ".join(POSITIONS)
        )
    template = envelope_template(options.template)
    options = replace(options, template=template.id)
    _refuse_broken(template, art_of(replace(design, options=options)), "nothing was changed")
    return update_design_options(db, name, options)


def preview_design(
    design: ReplyDesign, template_id: str | None = None, position: str | None = None
) -> tuple[EnvelopeTemplate, Any, list[str]]:
    """The laid-out reply piece (with a placeholder serial) and its broken rules, for the editor's preview."""
    template = _template(template_id, design)
    routing = "".join(ch for ch in design.routing if ch.isdigit())
    tracking = design.static_tracking or f"00{design.stid}{design.mid}{'0' * (15 - len(design.mid))}"
    try:
        bars = encode_tracking(tracking, routing)
    except ValueError:
        bars = encode_tracking(tracking, "")
    layout = layout_reply(template, art_of(design, position), bars)
    return template, layout, [str(v) for v in layout.violations]


@dataclass(frozen=True)
class ReplyPrint:
    pages: int
    pieces: int
    path: Path
    design: ReplyDesign
    linked_now: int  # reply IMbs made by this print (the rest were made by an earlier print)
    cancelled: bool = False


def print_replies(
    db: Database,
    mailing: str,
    design_name: str,
    out: Path,
    *,
    template_id: str | None = None,
    position: str | None = None,
    interleave: EnvelopeOptions | None = None,
    envelope_id: str = "10",
    replace_other: bool = False,
    workstation: str = "",
    progress: Progress | None = None,
    backend: UspsBackend | None = None,
) -> ReplyPrint:
    """One reply piece per outbound piece, in the envelopes' order; with ``interleave``, each after its letter.

    The design's rules are checked on the template (and the letters' on their envelope when
    interleaved) before any reply is linked or any page written.  In demo mode (``backend``)
    the stand-in is told about the replies of a mailing already mailed, so some come back.
    """
    design = get_design(db, design_name)
    template = _template(template_id, design)
    art = art_of(design, position)
    _refuse_broken(template, art, "nothing was written")
    envelope = envelope_template(envelope_id) if interleave is not None else None
    if envelope is not None and interleave is not None:
        from .printing import check_mailing_envelopes  # noqa: PLC0415

        count, shown = check_mailing_envelopes(db, mailing, envelope, interleave)
        if count:
            raise RulesBrokenError(
                f"{count} placement rule(s) broken on the letters' {envelope.name}; nothing was written",
                shown,
            )
    total = get_mailing(db, mailing).piece_count
    check_output(out)
    linked = link_replies(db, mailing, design.name, replace=replace_other, workstation=workstation)

    def reply_bars(piece: StoredPiece) -> str:
        if design.mode == "static":
            return encode_tracking(design.static_tracking, design.routing)
        tracking, routing = linked.replies[int(piece.id or 0)]
        return encode_tracking(tracking, routing)

    def stream() -> Iterator[tuple[StoredPiece, str]]:
        for piece in iter_pieces(db, mailing):
            yield piece, reply_bars(piece)

    if envelope is not None and interleave is not None:
        result = render_interleaved(envelope, interleave, template, art, stream(), out, total, progress)
    else:
        result = render_replies(template, art, (b for _, b in stream()), out, total, progress)
    if not result.cancelled:
        record_print(db, design, mailing, total, template.id)
        if backend is not None and backend.demo:
            backend.follow_replies(db, mailing)
    return ReplyPrint(result.pages, total, out, design, linked.new, result.cancelled)


#: the columns of ``imb-tracker replies`` (CSV header, JSON keys)
REPLY_COLUMNS = (
    "serial",
    "letter_imb",
    "name",
    "company",
    "city",
    "state",
    "zip",
    "reply_design",
    "reply_tracking",
    "reply_routing",
    "reply_seen",
    "first_inbound_scan",
    "last_inbound_scan",
    "arrived",
    "status",
)


def _when(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value else ""


def reply_rows(db: Database, mailing: str) -> list[dict[str, Any]]:
    """Per piece of the mailing: its reply, whether USPS saw it, first and last inbound scan, arrived.

    Typed for JSON: ``reply_seen`` and ``arrived`` are booleans, or ``None`` when the piece has
    no reply piece; the scan times are ISO strings or ``None``. :func:`reply_csv_row` words them.
    """
    out = []
    for r in mailing_replies(db, mailing):
        has = r["reply_id"] is not None
        state = str(r["reply_state"] or "") if has else ""
        out.append(
            {
                "serial": r["serial"],
                "letter_imb": str(r["piece_tracking"]) + str(r["piece_routing"] or ""),
                "name": r["name"],
                "company": r["company"],
                "city": r["city"],
                "state": r["state"],
                "zip": r["zip5"],
                "reply_design": r["design"] or "",
                "reply_tracking": r["tracking"] or "",
                "reply_routing": r["routing"] or "",
                "reply_seen": bool(r["scan_count"]) if has else None,
                "first_inbound_scan": _when(r["first_scan_at"]) or None,
                "last_inbound_scan": _when(r["last_scan_at"]) or None,
                "arrived": state == "arrived" if has else None,
                "status": REPLY_WORDS.get(state, "") if has else "no reply piece",
            }
        )
    return out


def reply_csv_row(row: dict[str, Any]) -> list[Any]:
    """One :func:`reply_rows` row as spreadsheet cells: yes/no for the facts, blank for none."""

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    return [cell(row[c]) for c in REPLY_COLUMNS]


@dataclass(frozen=True)
class ReplySummary:
    """A mailing's replies at a glance: rate, daily curve, who replied; static designs' counts."""

    mailing: str
    mailed_at: datetime | None
    with_reply: int  # pieces with a linked reply piece
    replied: int  # of those, seen by USPS
    arrived: int
    curve: list[tuple[int, int]]  # (day since mailing, replies first seen that day)
    who: list[dict[str, Any]]  # the replied pieces, first reply first
    static: list[dict[str, Any]]  # per static design: printed, responses, last scan

    @property
    def has_replies(self) -> bool:
        """Whether the mailing printed any reply piece (linked or static): the report shows a section."""
        return bool(self.with_reply or self.static)

    @property
    def rate(self) -> float | None:
        return self.replied / self.with_reply if self.with_reply else None

    def lines(self, limit: int | None = None) -> list[str]:
        """The report's reply section; ``limit`` shortens the list of who replied (the report keeps it whole)."""
        out = []
        if not self.with_reply and not self.static:
            return ["no reply pieces printed for this mailing"]
        if self.with_reply:
            rate = f"{self.rate:.1%}" if self.rate is not None else "-"
            out.append(
                f"replies: {self.replied:,} of {self.with_reply:,} reply pieces seen by USPS ({rate}); "
                f"{self.arrived:,} reached your post office"
            )
        for s in self.static:
            out.append(
                f"static reply {s['design']}: {s['printed']:,} printed, {s['responses']:,} response(s) counted, "
                f"last scan {s['last_scan'] or '-'}"
            )
        if self.curve:
            top = max(n for _, n in self.curve) or 1
            out.append("replies per day since mailing:")
            for day, n in self.curve:
                out.append(f"  day {day:>3}  {n:>5}  {'#' * max(1 if n else 0, round(n * 40 / top))}")
        if self.who:
            shown = self.who if limit is None else self.who[:limit]
            out.append("who replied:")
            for w in shown:
                out.append(
                    f"  {w['first_inbound_scan']}  {w['name'] or w['company']}  ({w['city']} {w['state']})  {w['status']}"
                )
            if len(shown) < len(self.who):
                out.append(
                    f"  … and {len(self.who) - len(shown):,} more (imb-tracker replies --mailing NAME)"
                )
        return out


def reply_summary(db: Database, mailing: str) -> ReplySummary:
    """The response curve, reply rate and list of who replied, for the mailing report."""
    rows = reply_rows(db, mailing)
    with db.read() as conn:
        mailed = mailing_row(conn, mailing)["mailed_at"]
    with_reply = [r for r in rows if r["reply_tracking"]]
    replied = [r for r in with_reply if r["reply_seen"]]
    firsts = [datetime.fromisoformat(r["first_inbound_scan"]) for r in replied]
    static = [
        {
            "design": s["design"],
            "printed": int(s["printed"]),
            "responses": int(s["responses"]),
            "last_scan": _when(s["last_scan_at"]),
        }
        for s in static_replies(db, mailing)
    ]
    return ReplySummary(
        mailing,
        mailed,
        len(with_reply),
        len(replied),
        sum(1 for r in with_reply if r["arrived"]),
        response_curve(firsts, mailed),
        sorted(replied, key=lambda r: r["first_inbound_scan"]),
        static,
    )


def piece_reply(db: Database, piece_id: int) -> dict[str, Any] | None:
    """A letter's reply piece for its detail view: IMb, bars, state in words, first and last scan."""
    row = reply_for_piece(db, piece_id)
    if row is None:
        return None
    imb = str(row["tracking"]) + str(row["routing"])
    return {
        "design": row["design"],
        "kind": reply_kind(str(row["kind"])).name,
        "stid": row["stid"],
        "imb": imb,
        "bars": encode_tracking(str(row["tracking"]), str(row["routing"])),
        "state": row["state"],
        "status": REPLY_WORDS.get(str(row["state"]), ""),
        "first_scan_at": row["first_scan_at"],
        "last_scan_at": row["last_scan_at"],
        "arrived_at": row["arrived_at"],
        "looked_up_at": row["looked_up_at"],
        "scan_count": int(row["scan_count"]),
        "scans": in_order(scan_views(scans_for(db, imb))),
    }


def reply_of_imb(db: Database, imb: str) -> str | None:
    """For a reply IMb looked up by itself: whose reply it is, in words (None: not a stored reply)."""
    row = reply_by_imb(db, imb)
    if row is None:
        return None
    kind = reply_kind(str(row["kind"])).name
    status = REPLY_WORDS.get(str(row["state"]), "")
    if row["piece_id"] is None:
        return (
            f"the static {kind} IMb of design {row['design']!r}: {int(row['responses']):,} response(s) "
            f"counted; {status}"
        )
    letter = str(row["letter_tracking"]) + str(row["letter_routing"] or "")
    return (
        f"the {kind} reply piece (design {row['design']!r}) of serial {row['serial']}, "
        f"{row['name'] or row['company']} (mailing {row['mailing']}, letter IMb {letter}): {status}"
    )


def reply_json(reply: dict[str, Any] | None) -> dict[str, Any] | None:
    """:func:`piece_reply` for JSON output: times as ISO text, the scans as the timeline gives them."""
    if reply is None:
        return None
    out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in reply.items() if k != "scans"}
    out["scans"] = [
        {"time_as_reported_by_usps": v.when_text, "what": v.words, "opcode": v.opcode, "facility": v.facility}
        for v in reply["scans"]
    ]
    return out


def check_design_template(design: ReplyDesign, template_id: str | None = None) -> list[str]:
    return [str(v) for v in check_reply_template(_template(template_id, design), art_of(design))]


# the envelope rule check is used when interleaving; re-exported so the front ends need only this module
check_envelope_template = check_template
