"""Reply mail in the store: designs per mailer, reply IMbs linked to their letters, and their status.

A *linked* reply to outbound piece P carries P's Mailer ID and serial with the
reply STID and routing (the rule other tools use, reply-mail.md §1.2), so the
pair (MID, serial) is already P's: it is never handed to another piece inside
the window.  Linking also records a fresh ``serial_blocks`` row over those
serials, so the window runs again from the day the replies were made — a
reply can come back weeks after its letter.  A Share Mail design's MID is not
the letter's (a Share Mail MID is used on nothing else), so its linked replies
take serials of their own from that MID's allocator.

A *static* design has one IMb for every piece it prints, stored once, with counts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from imb_tracker.imb import FieldError
from imb_tracker.imb.reply import check_design, default_stid, reply_kind

from .engine import Database, new_id
from .errors import ConflictError, NotFoundError
from .mailers import _mailer_row
from .mailings import mailing_row
from .schema import (
    mailers,
    mailings,
    pieces,
    replies,
    reply_designs,
    reply_prints,
    scans,
    serial_blocks,
    serial_pools,
)
from .serials import _merge, reserve

log = logging.getLogger(__name__)

#: a reply's states (``replies.state``): printed and not seen, seen on its way, at the reply ZIP's office
PRINTED, ON_ITS_WAY, ARRIVED = "printed", "on_its_way", "arrived"
#: the Letters table's reply filter: key -> the reply states it shows ("" shows every letter)
REPLY_FILTER_STATES: dict[str, tuple[str, ...]] = {
    "": (),
    "with_reply": (PRINTED, ON_ITS_WAY, ARRIVED),
    "replied": (ON_ITS_WAY, ARRIVED),
    "arrived": (ARRIVED,),
    "waiting": (PRINTED,),
}

MAX_LINES = 6
MAX_LINE = 60
MAX_NAME = 100
TEMPLATES = ("9", "6-3/4", "card")


@dataclass(frozen=True)
class ReplyOptions:
    """How a design prints: its template, where the IMb goes, BRM bars, CRM stamp box; where replies arrive."""

    template: str = "9"
    imb_position: str = "address-above"
    bars: bool = True  # BRM horizontal bars (optional with an IMb)
    stamp_box: bool = True  # CRM "place stamp here" box
    arrival_zips: tuple[str, ...] = ()  # facility ZIPs where a reply has reached you (default: the reply ZIP)

    def as_json(self) -> str:
        return json.dumps(
            {
                "template": self.template,
                "imb_position": self.imb_position,
                "bars": self.bars,
                "stamp_box": self.stamp_box,
                "arrival_zips": list(self.arrival_zips),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ReplyOptions:
        data = json.loads(text or "{}")
        return cls(
            template=str(data.get("template", "9")),
            imb_position=str(data.get("imb_position", "address-above")),
            bars=bool(data.get("bars", True)),
            stamp_box=bool(data.get("stamp_box", True)),
            arrival_zips=tuple(str(z) for z in data.get("arrival_zips", ())),
        )


@dataclass(frozen=True)
class ReplyDesign:
    """A reply piece design: what it is, who it goes back to, and which barcode it carries."""

    id: int
    mid: str
    mailer_name: str
    name: str
    kind: str
    stid: str
    barcode_id: str
    mode: str
    lines: tuple[str, ...]
    routing: str
    permit: str
    permit_city: str
    fim: str
    options: ReplyOptions
    created_at: datetime
    static_tracking: str = ""  # the one tracking code of a static design

    @property
    def kind_name(self) -> str:
        return reply_kind(self.kind).name

    @property
    def arrival_zips(self) -> tuple[str, ...]:
        return self.options.arrival_zips or (self.routing[:5],)


@dataclass(frozen=True)
class LinkResult:
    """What linking a mailing's pieces to a design did."""

    design: ReplyDesign
    pieces: int  # outbound pieces in the mailing
    new: int  # replies made now (the rest existed from an earlier print)
    replies: dict[int, tuple[str, str]] = field(default_factory=dict)  # piece id -> (tracking, routing)


def _zip_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def clean_lines(lines: list[str] | tuple[str, ...], routing: str) -> tuple[str, ...]:
    """The reply address lines, upper case; the last is the city/state/ZIP+4 line matching the barcode."""
    out = tuple(" ".join(line.split()).upper() for line in lines if line.strip())
    if not out:
        raise FieldError(
            "line", "", "the reply address has no lines", 'add --line "NAME" … --line "CITY ST 12345-6789"'
        )
    if len(out) > MAX_LINES:
        raise FieldError(
            "line", str(len(out)), f"a reply address has at most {MAX_LINES} lines", "drop the optional ones"
        )
    for line in out:
        if len(line) > MAX_LINE:
            raise FieldError(
                "line",
                line,
                f"a reply address line has at most {MAX_LINE} characters",
                "abbreviate it (Pub 28)",
            )
    last = out[-1].split()
    zip_text = _zip_digits(last[-1]) if last else ""
    if len(last) < 3 or len(zip_text) not in (5, 9):
        raise FieldError(
            "line",
            out[-1],
            "the last reply address line must be the city, state and ZIP+4",
            'e.g. --line "SPRINGFIELD IL 62701-1234"',
        )
    if zip_text != routing[: len(zip_text)] or len(zip_text) != 9:
        raise FieldError(
            "line",
            out[-1],
            f"the ZIP Code in the last line ({last[-1]}) must be the ZIP+4 in the barcode ({routing[:5]}-{routing[5:9]})",
            "write the same ZIP+4 in both",
        )
    return out


def _design(row: RowMapping, static_tracking: str = "") -> ReplyDesign:
    return ReplyDesign(
        id=int(row["id"]),
        mid=str(row["mid"]),
        mailer_name=str(row["mailer_name"]),
        name=str(row["name"]),
        kind=str(row["kind"]),
        stid=str(row["stid"]),
        barcode_id=str(row["barcode_id"]),
        mode=str(row["mode"]),
        lines=tuple(json.loads(row["lines"])),
        routing=str(row["routing"]),
        permit=str(row["permit"]),
        permit_city=str(row["permit_city"]),
        fim=str(row["fim"]),
        options=ReplyOptions.from_json(str(row["options"])),
        created_at=row["created_at"],
        static_tracking=static_tracking,
    )


def _design_query() -> Any:
    return select(reply_designs, mailers.c.mid, mailers.c.name.label("mailer_name")).join(
        mailers, mailers.c.id == reply_designs.c.mailer_id
    )


def _static_tracking(conn: Connection, design_id: int) -> str:
    row = conn.execute(
        select(replies.c.tracking).where(replies.c.design_id == design_id, replies.c.piece_id.is_(None))
    ).first()
    return str(row[0]) if row else ""


def validate_design_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise FieldError("name", name, "the reply design needs a name", 'e.g. --name "Donor BRE"')
    if len(text) > MAX_NAME:
        raise FieldError("name", name[:40], f"a design name has at most {MAX_NAME} characters", "shorten it")
    return text


def add_design(
    db: Database,
    mid: str,
    name: str,
    kind: str,
    lines: list[str] | tuple[str, ...],
    zip_code: str,
    *,
    permit: str = "",
    permit_city: str = "",
    stid: str | None = None,
    mode: str = "linked",
    barcode_id: str = "00",
    fim: str | None = None,
    options: ReplyOptions | None = None,
    workstation: str = "",
) -> ReplyDesign:
    """Store a reply design after every rule of its kind is checked (nothing is stored on a refusal).

    A static design reserves its one serial from the allocator first, so its IMb is never a letter's.
    """
    name = validate_design_name(name)
    k = reply_kind(kind)
    routing = _zip_digits(zip_code)
    options = options or ReplyOptions()
    stid = (stid or default_stid(k.key, mode)).strip()
    fim_value = k.fim if fim is None else ("" if fim.strip().lower() in ("", "none") else fim.strip().upper())
    with db.read() as conn:
        mailer = _mailer_row(conn, mid)
        if conn.execute(select(reply_designs.c.id).where(reply_designs.c.name == name)).first():
            raise ConflictError(f"there is a reply design called {name!r} already; pick another name")
    check_design(
        k.key,
        stid,
        routing,
        mode=mode,
        barcode_id=barcode_id,
        share_mailer=bool(mailer["share_mail"]),
        permit=permit,
        permit_city=permit_city,
        fim=fim_value,
    )
    cleaned = clean_lines(lines, routing)
    for z in options.arrival_zips:
        if not (z.isdigit() and len(z) == 5):
            raise FieldError(
                "arrival_zip", z, "an arrival facility ZIP is 5 digits", "e.g. --arrival-zip 62701"
            )
    static_tracking = ""
    if mode == "static":
        reservation = reserve(
            db, mailer["mid"], 1, workstation=workstation, purpose=f"static reply design {name}"
        )
        serial = next(iter(reservation))
        width = 15 - len(mailer["mid"])
        static_tracking = f"{barcode_id}{stid}{mailer['mid']}{serial:0{width}d}"
    with db.write() as conn:
        if conn.execute(select(reply_designs.c.id).where(reply_designs.c.name == name)).first():
            raise ConflictError(f"there is a reply design called {name!r} already; pick another name")
        now = db.clock()
        design_id = new_id(
            conn.execute(
                reply_designs.insert().values(
                    mailer_id=mailer["id"],
                    name=name,
                    kind=k.key,
                    stid=stid,
                    barcode_id=barcode_id,
                    mode=mode,
                    lines=json.dumps(list(cleaned)),
                    routing=routing,
                    permit=permit.strip(),
                    permit_city=" ".join(permit_city.upper().split()),
                    fim=fim_value,
                    options=options.as_json(),
                    created_at=now,
                )
            )
        )
        if static_tracking:
            conn.execute(
                replies.insert().values(
                    design_id=design_id,
                    piece_id=None,
                    tracking=static_tracking,
                    routing=routing,
                    created_at=now,
                )
            )
    return get_design(db, name)


def get_design(db: Database, name: str) -> ReplyDesign:
    with db.read() as conn:
        row = (
            conn.execute(_design_query().where(reply_designs.c.name == " ".join(name.split())))
            .mappings()
            .first()
        )
        if row is None:
            known = [
                str(r[0]) for r in conn.execute(select(reply_designs.c.name).order_by(reply_designs.c.name))
            ]
            hint = (
                ("; the designs are: " + ", ".join(known))
                if known
                else "; add one with imb-tracker reply add"
            )
            raise NotFoundError(f"there is no reply design {name!r}{hint}")
        return _design(row, _static_tracking(conn, int(row["id"])))


def list_designs(db: Database, mid: str | None = None) -> list[ReplyDesign]:
    with db.read() as conn:
        query = _design_query().order_by(reply_designs.c.name)
        if mid is not None:
            query = query.where(mailers.c.mid == mid)
        return [_design(r, _static_tracking(conn, int(r["id"]))) for r in conn.execute(query).mappings()]


def update_design_options(db: Database, name: str, options: ReplyOptions) -> ReplyDesign:
    """Change how a design prints (template, IMb position, bars, stamp box, arrival ZIPs); its barcode stays."""
    design = get_design(db, name)
    with db.write() as conn:
        conn.execute(
            reply_designs.update().where(reply_designs.c.id == design.id).values(options=options.as_json())
        )
    return get_design(db, name)


def delete_design(db: Database, name: str) -> None:
    """Remove a design that never printed a reply (one that did is history and stays)."""
    design = get_design(db, name)
    with db.write() as conn:
        used = conn.execute(
            select(func.count()).select_from(reply_prints).where(reply_prints.c.design_id == design.id)
        ).scalar_one()
        linked = conn.execute(
            select(func.count())
            .select_from(replies)
            .where(replies.c.design_id == design.id, replies.c.piece_id.is_not(None))
        ).scalar_one()
        if used or linked:
            raise ConflictError(
                f"reply design {design.name!r} has printed replies; it stays with their history"
            )
        conn.execute(replies.delete().where(replies.c.design_id == design.id))
        conn.execute(reply_designs.delete().where(reply_designs.c.id == design.id))


def link_replies(
    db: Database, mailing: str, design_name: str, *, replace: bool = False, workstation: str = ""
) -> LinkResult:
    """Give every piece of ``mailing`` its reply IMb of ``design_name`` (idempotent), in one transaction.

    Refused, with nothing stored: a design of another mailer (a linked reply carries the letter's
    MID), pieces that already have a reply of another design (unless ``replace`` and none of those
    was scanned yet), and a serial issued again since the letter (the reply would share it).
    """
    design = get_design(db, design_name)
    if design.mode == "static":
        with db.read() as conn:
            m = mailing_row(conn, mailing)
            count = int(
                conn.execute(
                    select(func.count()).select_from(pieces).where(pieces.c.mailing_id == m["id"])
                ).scalar_one()
            )
        return LinkResult(design, count, 0, {})
    share = design.kind == "share"
    with db.read() as conn:
        m = mailing_row(conn, mailing)
        mailing_mid = conn.execute(select(mailers.c.mid).where(mailers.c.id == m["mailer_id"])).scalar_one()
        piece_rows = list(
            conn.execute(
                select(pieces.c.id, pieces.c.serial, pieces.c.created_at)
                .where(pieces.c.mailing_id == m["id"])
                .order_by(pieces.c.id)
            )
        )
        have = _replies_of(conn, int(m["id"]))
    if not share and str(mailing_mid) != design.mid:
        raise FieldError(
            "reply",
            design.name,
            f"reply design {design.name!r} belongs to Mailer ID {design.mid}, but mailing {mailing!r} was mailed "
            f"under {mailing_mid}; a linked reply carries its letter's Mailer ID and serial",
            f"make a design under Mailer ID {mailing_mid}",
        )
    other = [pid for pid, did in have.items() if did != design.id]
    if other and not replace:
        raise ConflictError(
            f"{len(other):,} piece(s) of {mailing!r} already have a reply piece of another design; print them with "
            "that design, or replace it with --replace (only while none of those replies has been scanned)"
        )
    todo = [(int(pid), int(serial)) for pid, serial, _ in piece_rows if have.get(int(pid)) != design.id]
    share_serials: list[int] = []
    if share and todo:
        share_serials = list(
            reserve(
                db, design.mid, len(todo), workstation=workstation, purpose=f"Share Mail replies to {mailing}"
            )
        )
    width = 15 - len(design.mid)
    with db.write() as conn:
        # another process may have linked (some of) these since the read above: look again under the
        # write lock (BEGIN IMMEDIATE on SQLite, the mailing's row locked on PostgreSQL)
        conn.execute(select(mailings.c.id).where(mailings.c.id == m["id"]).with_for_update()).first()
        have = _replies_of(conn, int(m["id"]))
        if sorted(pid for pid, did in have.items() if did != design.id) != sorted(other):
            raise ConflictError(
                f"the replies of {mailing!r} changed while this print was being prepared; print again"
            )
        todo = [(int(pid), int(serial)) for pid, serial, _ in piece_rows if have.get(int(pid)) != design.id]
        if share and len(todo) > len(share_serials):
            raise ConflictError(
                f"the replies of {mailing!r} changed while this print was being prepared; print again"
            )
        if other:
            scanned = conn.execute(
                select(func.count())
                .select_from(scans)
                .join(replies, replies.c.id == scans.c.reply_id)
                .where(replies.c.piece_id.in_(other))
            ).scalar_one()
            if scanned:
                raise ConflictError(
                    f"{scanned:,} scan(s) of the earlier replies of {mailing!r} are stored; those replies are "
                    "in the mail and cannot be replaced"
                )
            conn.execute(replies.delete().where(replies.c.piece_id.in_(other)))
        now = db.now(conn)
        if not share and todo:
            _check_serials_still_theirs(conn, int(m["mailer_id"]), int(m["id"]), todo, mailing)
        rows = []
        for i, (pid, serial) in enumerate(todo):
            s = share_serials[i] if share else serial
            rows.append(
                {
                    "design_id": design.id,
                    "piece_id": pid,
                    "tracking": f"{design.barcode_id}{design.stid}{design.mid}{s:0{width}d}",
                    "routing": design.routing,
                    "created_at": now,
                }
            )
        for start in range(0, len(rows), 2000):
            conn.execute(replies.insert(), rows[start : start + 2000])
        if not share and todo:
            _hold_serials(conn, int(m["mailer_id"]), [s for _, s in todo], now, f"replies to {mailing}")
        result = {
            int(r[0]): (str(r[1]), str(r[2]))
            for r in conn.execute(
                select(replies.c.piece_id, replies.c.tracking, replies.c.routing)
                .join(pieces, pieces.c.id == replies.c.piece_id)
                .where(pieces.c.mailing_id == m["id"])
            )
        }
    if todo:
        log.info("linked %d reply piece(s) of %s to mailing %s", len(todo), design.name, mailing)
    return LinkResult(design, len(piece_rows), len(todo), result)


def _replies_of(conn: Connection, mailing_id: int) -> dict[int, int]:
    """The mailing's pieces that have a linked reply: piece id -> the reply's design id."""
    return {
        int(r[0]): int(r[1])
        for r in conn.execute(
            select(replies.c.piece_id, replies.c.design_id)
            .join(pieces, pieces.c.id == replies.c.piece_id)
            .where(pieces.c.mailing_id == mailing_id)
        )
    }


def _check_serials_still_theirs(
    conn: Connection, mailer_id: int, mailing_id: int, todo: list[tuple[int, int]], mailing: str
) -> None:
    """No later piece of the same Mailer ID has one of these serials (a wrap of the range since the letter)."""
    piece_of = {serial: pid for pid, serial in todo}
    later = conn.execute(
        select(pieces.c.id, pieces.c.serial)
        .join(mailings, mailings.c.id == pieces.c.mailing_id)
        .where(
            mailings.c.mailer_id == mailer_id,
            pieces.c.mailing_id != mailing_id,
            pieces.c.serial >= min(piece_of),
            pieces.c.serial <= max(piece_of),
            pieces.c.id > min(piece_of.values()),
        )
    ).all()
    clash = sorted(
        int(serial) for pid, serial in later if int(serial) in piece_of and int(pid) > piece_of[int(serial)]
    )
    if clash:
        raise ConflictError(
            f"serial {clash[0]} of mailing {mailing!r} has been issued again since (after a wrap of the range), "
            "so a linked reply would share its IMb with a newer letter; reprint those letters first"
        )


def _hold_serials(conn: Connection, mailer_id: int, serials: list[int], now: datetime, purpose: str) -> None:
    """Record the reply serials as reserved from now: the window runs again while replies can come back."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            select(serial_pools.c.id)
            .where(serial_pools.c.mailer_id == mailer_id, serial_pools.c.kind == "piece")
            .with_for_update()
        ).all()
    pools = list(
        conn.execute(
            select(
                serial_pools.c.id,
                serial_pools.c.first_serial,
                serial_pools.c.last_serial,
                serial_pools.c.workstation,
            )
            .where(serial_pools.c.mailer_id == mailer_id, serial_pools.c.kind == "piece")
            .order_by(serial_pools.c.workstation)
        ).mappings()
    )
    if not pools:
        return
    rows = []
    for first, last in _merge([(s, s) for s in serials]):
        pool = next((p for p in pools if p["first_serial"] <= first <= p["last_serial"]), pools[0])
        rows.append(
            {
                "mailer_id": mailer_id,
                "pool_id": pool["id"],
                "kind": "piece",
                "first_serial": first,
                "last_serial": last,
                "reserved_at": now,
                "workstation": pool["workstation"],
                "purpose": purpose[:200],
            }
        )
    conn.execute(serial_blocks.insert(), rows)


def record_print(db: Database, design: ReplyDesign, mailing: str, count: int, template: str) -> None:
    """A reply print job that was written: counted per design and mailing (a static design's only record)."""
    with db.write() as conn:
        m = mailing_row(conn, mailing)
        conn.execute(
            reply_prints.insert().values(
                design_id=design.id,
                mailing_id=m["id"],
                pieces=count,
                template=template[:40],
                printed_at=db.clock(),
            )
        )
        if design.mode == "static":
            conn.execute(
                replies.update()
                .where(replies.c.design_id == design.id, replies.c.piece_id.is_(None))
                .values(printed=replies.c.printed + count)
            )
        else:
            conn.execute(
                replies.update()
                .where(replies.c.piece_id.in_(select(pieces.c.id).where(pieces.c.mailing_id == m["id"])))
                .where(replies.c.design_id == design.id)
                .values(printed=replies.c.printed + 1)
            )


def reply_id_for(conn: Connection, imb: str) -> int | None:
    """The stored reply whose tracking + routing is this IMb (newest first), or None."""
    row = conn.execute(
        select(replies.c.id)
        .where(replies.c.tracking == imb[:20], replies.c.routing == imb[20:])
        .order_by(replies.c.id.desc())
    ).first()
    return int(row[0]) if row else None


def reply_by_imb(db: Database, imb: str) -> RowMapping | None:
    """A stored reply IMb with its design and (linked) letter: serial, name, mailing; None if not a reply."""
    with db.read() as conn:
        reply_id = reply_id_for(conn, imb)
        if reply_id is None:
            return None
        query = (
            select(
                replies.c.state,
                replies.c.piece_id,
                replies.c.responses,
                reply_designs.c.name.label("design"),
                reply_designs.c.kind,
                reply_designs.c.mode,
                pieces.c.serial,
                pieces.c.name,
                pieces.c.company,
                pieces.c.tracking.label("letter_tracking"),
                pieces.c.routing.label("letter_routing"),
                mailings.c.name.label("mailing"),
            )
            .join(reply_designs, reply_designs.c.id == replies.c.design_id)
            .outerjoin(pieces, pieces.c.id == replies.c.piece_id)
            .outerjoin(mailings, mailings.c.id == pieces.c.mailing_id)
            .where(replies.c.id == reply_id)
        )
        return conn.execute(query).mappings().first()


def reply_row(conn: Connection, reply_id: int) -> RowMapping:
    return conn.execute(select(replies).where(replies.c.id == reply_id)).mappings().one()


def reply_scan_rows(conn: Connection, reply_id: int) -> list[RowMapping]:
    return list(conn.execute(select(scans).where(scans.c.reply_id == reply_id)).mappings())


def write_reply_status(conn: Connection, reply_id: int, **values: Any) -> None:
    conn.execute(replies.update().where(replies.c.id == reply_id).values(**values))


def design_of_reply(conn: Connection, reply_id: int) -> RowMapping:
    return (
        conn.execute(
            select(reply_designs)
            .join(replies, replies.c.design_id == reply_designs.c.id)
            .where(replies.c.id == reply_id)
        )
        .mappings()
        .one()
    )


def reply_candidates(db: Database, mailing: str | None = None) -> list[RowMapping]:
    """Per reply IMb: its IMb, when it was made, its letter's mailing date, last scan and last lookup."""
    query = (
        select(
            replies.c.id,
            replies.c.tracking,
            replies.c.routing,
            replies.c.created_at,
            replies.c.last_scan_at,
            replies.c.looked_up_at,
            replies.c.printed,
            replies.c.piece_id,
            mailings.c.mailed_at,
            mailings.c.name.label("mailing"),
            pieces.c.voided_at,
        )
        .outerjoin(pieces, pieces.c.id == replies.c.piece_id)
        .outerjoin(mailings, mailings.c.id == pieces.c.mailing_id)
        .order_by(replies.c.id)
    )
    if mailing is not None:
        query = query.where(mailings.c.name == mailing)
    with db.read() as conn:
        return list(conn.execute(query).mappings())


def reply_map(db: Database, mailing: str | None = None) -> dict[int, tuple[str, str]]:
    """Piece id -> (reply tracking, routing), for the pieces (of one mailing, or all) that have a reply."""
    query = select(replies.c.piece_id, replies.c.tracking, replies.c.routing).where(
        replies.c.piece_id.is_not(None)
    )
    with db.read() as conn:
        if mailing is not None:
            m = mailing_row(conn, mailing)
            query = query.join(pieces, pieces.c.id == replies.c.piece_id).where(
                pieces.c.mailing_id == m["id"]
            )
        return {int(r[0]): (str(r[1]), str(r[2])) for r in conn.execute(query)}


def mailing_replies(db: Database, mailing: str) -> list[RowMapping]:
    """Every piece of a mailing with its reply (None columns when it has none), in print order."""
    with db.read() as conn:
        m = mailing_row(conn, mailing)
        query = (
            select(
                pieces.c.id.label("piece_id"),
                pieces.c.serial,
                pieces.c.tracking.label("piece_tracking"),
                pieces.c.routing.label("piece_routing"),
                pieces.c.name,
                pieces.c.company,
                pieces.c.city,
                pieces.c.state,
                pieces.c.zip5,
                replies.c.id.label("reply_id"),
                replies.c.tracking,
                replies.c.routing,
                replies.c.state.label("reply_state"),
                replies.c.first_scan_at,
                replies.c.last_scan_at,
                replies.c.last_facility_zip,
                replies.c.arrived_at,
                replies.c.scan_count,
                replies.c.looked_up_at,
                reply_designs.c.name.label("design"),
            )
            .outerjoin(replies, replies.c.piece_id == pieces.c.id)
            .outerjoin(reply_designs, reply_designs.c.id == replies.c.design_id)
            .where(pieces.c.mailing_id == m["id"])
            .order_by(pieces.c.id)
        )
        return list(conn.execute(query).mappings())


def static_replies(db: Database, mailing: str | None = None) -> list[RowMapping]:
    """The static designs' IMbs with their counts (printed in total, and for ``mailing``)."""
    query = (
        select(replies, reply_designs.c.name.label("design"), reply_designs.c.kind)
        .join(reply_designs, reply_designs.c.id == replies.c.design_id)
        .where(replies.c.piece_id.is_(None))
    )
    with db.read() as conn:
        if mailing is not None:
            m = mailing_row(conn, mailing)
            used = select(reply_prints.c.design_id).where(reply_prints.c.mailing_id == m["id"])
            query = query.where(replies.c.design_id.in_(used))
        return list(conn.execute(query).mappings())


def reply_for_piece(db: Database, piece_id: int) -> RowMapping | None:
    """A piece's reply with its design's name and kind, or None."""
    with db.read() as conn:
        return (
            conn.execute(
                select(
                    replies, reply_designs.c.name.label("design"), reply_designs.c.kind, reply_designs.c.stid
                )
                .join(reply_designs, reply_designs.c.id == replies.c.design_id)
                .where(replies.c.piece_id == piece_id)
            )
            .mappings()
            .first()
        )


def replies_for_design(db: Database, design: ReplyDesign) -> Iterator[RowMapping]:
    with db.read() as conn:
        yield from conn.execute(select(replies).where(replies.c.design_id == design.id)).mappings()
