"""The sandbox's world: seeded pieces whose scans appear as simulated time passes.

A scan is visible once the sandbox clock reaches it; a piece whose last scan
is more than ``retention_days`` old (default 30) answers "Barcode not found."
exactly like one that never existed (iv-api.md §5, §7.2).  Pieces registered
at run time (the demo's mailing) get a realistic journey derived from their
IMb: origin processing, transit, destination processing, carrier sortation —
with a few that stall and a few never scanned.  Reply pieces registered with
their outbound letter come back for a share of recipients a few simulated days
after the letter's delivery (:func:`reply_journey`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures")


class SimClock:
    """Simulated now: the real start time plus however much the tests or demo moved it."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self.start + self.offset

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self.offset += delta
            return self.start + self.offset


@dataclass
class Piece:
    imb: str
    mailed_at: datetime
    scans: list[tuple[datetime, dict[str, Any]]]
    expected_delivery: datetime | None = None
    empty_body: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    also_seen_as: list[str] = field(default_factory=list)

    def visible_scans(self, now: datetime) -> list[tuple[datetime, dict[str, Any]]]:
        return [(t, s) for t, s in self.scans if t <= now]


PHASES = [
    ("891", "Phase 1a - Origin Primary Processing", "DBCS-004", 6, 14),
    ("892", "Phase 1b - Origin Secondary Processing", "DBCS-009", 14, 22),
    ("894", "Phase 2c - Destination Primary Processing", "DBCS-012", 30, 46),
    ("918", "Phase 3c - Destination Sequenced Carrier Sortation", "DBCS-051", 50, 60),
    ("919", "Phase 3c - Destination Sequenced Carrier Sortation", "DBCS-051", 60, 70),
]


def journey(
    imb: str, mailed_at: datetime, city: str, state: str, zip5: str
) -> tuple[list[tuple[datetime, dict[str, Any]]], datetime | None]:
    """A deterministic, plausible set of scans for a registered piece."""
    digest = hashlib.sha256(imb.encode()).digest()
    # 0: never scanned; 1: stalls after origin; 2: stalls at the destination plant (late and
    # stalled); 3: held four days on the way (late until it is sorted); else the full trip
    fate = digest[0] % 20
    slow = digest[1] % 3 + (4 if fate == 3 else 0)  # extra days in transit
    scans: list[tuple[datetime, dict[str, str]]] = []
    origin = ("SPRINGFIELD IL PROCESSING AND DISTRIBUTION CENTER", "SPRINGFIELD", "IL", "62703")
    dest_name = f"{city.upper()} {state.upper()} PROCESSING AND DISTRIBUTION CENTER"
    steps = [] if fate == 0 else PHASES[:2] if fate == 1 else PHASES[:3] if fate == 2 else PHASES
    for i, (code, phase, machine, lo, hi) in enumerate(steps):
        hours = lo + digest[2 + i] % max(hi - lo, 1) + (slow * 24 if i >= 2 else 0)
        at = mailed_at + timedelta(hours=hours, minutes=digest[8 + i] % 60, seconds=digest[14 + i] % 60)
        if code in ("918", "919"):
            # Carrier sortation runs through the night and early morning, at the destination's
            # time: 03:00-10:59 for the first pass, so the 08:00 clearance cut-off falls inside
            # it and both "same day" and "next delivery day" appear (stop_the_clock.csv).
            first_pass = datetime.combine(
                (mailed_at + timedelta(hours=PHASES[3][3] + slow * 24)).date(), datetime.min.time()
            ) + timedelta(hours=3 + digest[2 + 3] % 8, minutes=digest[8 + 3] % 60)
            at = first_pass + timedelta(minutes=0 if code == "918" else 40 + digest[9 + i] % 50)
            at = max(at, scans[-1][0] + timedelta(hours=2)) if scans else at
        facility = origin if i < 2 else (dest_name, city.upper(), state.upper(), zip5[:3] + "99")
        scans.append(
            (
                at,
                {
                    "scan_date_time": at.strftime("%Y-%m-%dT%H:%M:%S"),
                    "scan_event_code": code,
                    "handling_event_type": "A",
                    "mail_phase": phase,
                    "machine_name": machine,
                    "scanner_type": machine.split("-")[0],
                    "scan_facility_name": facility[0],
                    "scan_facility_locale_key": f"{digest[20 + (i >= 2)]:07d}",
                    "scan_facility_city": facility[1],
                    "scan_facility_state": facility[2],
                    "scan_facility_zip": facility[3],
                },
            )
        )
    # IV gives no expected delivery date for about one piece in five (then estimates fall back to
    # the service standard); a held piece's date is the one it would have had
    expected = None if digest[4] % 5 == 0 else mailed_at + timedelta(days=3 + digest[1] % 3)
    return scans, expected


#: the share of recipients whose reply comes back in the stand-in (demo mode's "response rate")
REPLY_SHARE = 0.35


def _scan(
    at: datetime, code: str, phase: str, machine: str, facility: tuple[str, str, str, str], key: int
) -> dict[str, Any]:
    return {
        "scan_date_time": at.strftime("%Y-%m-%dT%H:%M:%S"),
        "scan_event_code": code,
        "handling_event_type": "A",
        "mail_phase": phase,
        "machine_name": machine,
        "scanner_type": machine.split("-", maxsplit=1)[0],
        "scan_facility_name": facility[0],
        "scan_facility_locale_key": f"{key:07d}",
        "scan_facility_city": facility[1],
        "scan_facility_state": facility[2],
        "scan_facility_zip": facility[3],
    }


def reply_journey(
    imb: str, outbound_mailed_at: datetime, city: str, state: str, zip5: str, share: float = REPLY_SHARE
) -> list[tuple[datetime, dict[str, Any]]]:
    """The scans of a reply piece coming back from (city, state, zip5) to the ZIP in its routing.

    Deterministic from the reply IMb: about ``share`` of recipients reply, 2 to 8 days after
    their letter's delivery; of those, one in eight is still in transit (no scan at the reply
    ZIP's own office), the rest end with a box-mail scan at the reply ZIP (it "arrived").
    """
    digest = hashlib.sha256(("reply" + imb).encode()).digest()
    if digest[0] / 256 >= share:
        return []
    reply_zip = imb[20:25] or "62704"
    sent = outbound_mailed_at + timedelta(days=4 + digest[1] % 7, hours=digest[2] % 10)
    origin = (
        f"{city.upper()} {state.upper()} PROCESSING AND DISTRIBUTION CENTER",
        city.upper(),
        state.upper(),
        zip5[:3] + "99",
    )
    dest = ("REPLY MAIL PROCESSING AND DISTRIBUTION CENTER", "", "", reply_zip[:3] + "99")
    office = ("REPLY MAIL POST OFFICE", "", "", reply_zip)
    steps = [
        (0, "891", "Phase 1a - Origin Primary Processing", "DBCS-004", origin),
        (20 + digest[3] % 20, "894", "Phase 2c - Destination Primary Processing", "DBCS-012", dest),
    ]
    if digest[4] % 8:
        steps.append(
            (50 + digest[5] % 20, "895", "Phase 3b - Destination Box Mail Processing", "DBCS-030", office)
        )
    return [
        (
            sent + timedelta(hours=h, minutes=digest[6 + i] % 60),
            _scan(
                sent + timedelta(hours=h, minutes=digest[6 + i] % 60),
                code,
                phase,
                machine,
                facility,
                digest[12 + i],
            ),
        )
        for i, (h, code, phase, machine, facility) in enumerate(steps)
    ]


def container_events(barcode: str, mailed_at: datetime, origin_zip: str = "62703") -> list[dict[str, Any]]:
    """The stand-in's handling-unit scans of a tray, sack or pallet, as rows of an IV data file.

    Deterministic from the barcode: most trays are scanned once or twice at the origin plant on
    the day of mailing; one in five is never scanned as a tray (its pieces may still be).  The
    column names and the event codes are the stand-in's own (IV-MTR's are UNCONFIRMED).
    """
    digest = hashlib.sha256(("tray" + barcode).encode()).digest()
    if digest[0] % 5 == 0:
        return []
    rows = []
    for i in range(1 + digest[1] % 2):
        at = mailed_at + timedelta(hours=4 + 3 * i + digest[2 + i] % 3, minutes=digest[4 + i] % 60)
        rows.append(
            {
                "handling_unit_barcode": barcode,
                "scan_date_time": at.strftime("%Y-%m-%dT%H:%M:%S"),
                "scan_event_code": "HU" + str(i + 1),
                "handling_event_type": "container",
                "mail_phase": "Phase 1 - Origin Processing (handling unit)",
                "scan_facility_name": "SPRINGFIELD IL PROCESSING AND DISTRIBUTION CENTER",
                "scan_facility_city": "SPRINGFIELD",
                "scan_facility_state": "IL",
                "scan_facility_zip": origin_zip,
            }
        )
    return rows


class World:
    """All pieces the sandbox knows, guarded by one lock (requests arrive on many threads)."""

    def __init__(self, clock: SimClock, retention_days: int = 30, expiry_rule: str = "last_scan") -> None:
        self.clock = clock
        self.retention = timedelta(days=retention_days)
        self.expiry_rule = expiry_rule
        self._pieces: dict[str, Piece] = {}
        self._lock = threading.Lock()

    def seed_fixtures(self, path: Path = FIXTURES / "pieces.json") -> int:
        data = json.loads(path.read_text(encoding="utf-8"))
        start = self.clock.now()
        for entry in data["pieces"]:
            mailed = start - timedelta(days=entry["mailed_days_ago"])
            scans = []
            for raw in entry["scans"]:
                scan = {k: v for k, v in raw.items() if k != "after_hours"}
                at = mailed + timedelta(hours=raw["after_hours"])
                scan["scan_date_time"] = at.strftime("%Y-%m-%dT%H:%M:%S")
                scans.append((at, scan))
            for i in range(entry.get("generate_scans", 0)):
                at = mailed + timedelta(minutes=30 * (i + 1))
                scans.append(
                    (
                        at,
                        {
                            "scan_date_time": at.strftime("%Y-%m-%dT%H:%M:%S"),
                            "scan_event_code": "895",
                            "handling_event_type": "A",
                            "mail_phase": "Phase 3b - Destination Box Mail Processing",
                            "machine_name": f"DBCS-{i % 40:03d}",
                            "scanner_type": "DBCS",
                            "scan_facility_name": "SPRINGFIELD IL PROCESSING AND DISTRIBUTION CENTER",
                            "scan_facility_locale_key": "3456789",
                            "scan_facility_city": "SPRINGFIELD",
                            "scan_facility_state": "IL",
                            "scan_facility_zip": "62703",
                        },
                    )
                )
            expected = (
                mailed + timedelta(days=entry["expected_delivery_days"])
                if "expected_delivery_days" in entry
                else None
            )
            piece = Piece(
                entry["imb"],
                mailed,
                scans,
                expected,
                entry.get("empty_body", False),
                entry.get("extra_data", {}),
                entry.get("also_seen_as", []),
            )
            with self._lock:
                self._pieces[piece.imb] = piece
        return len(data["pieces"])

    def register(
        self, imb: str, mailed_at: datetime, city: str = "SPRINGFIELD", state: str = "IL", zip5: str = "62704"
    ) -> None:
        scans, expected = journey(imb, mailed_at, city, state, zip5)
        with self._lock:
            self._pieces[imb] = Piece(imb, mailed_at, scans, expected)

    def register_reply(
        self,
        imb: str,
        outbound_mailed_at: datetime,
        city: str,
        state: str,
        zip5: str,
        responses: int = 0,
        letter_imb: str = "",
    ) -> bool:
        """A reply IMb: linked (``responses`` 0) replies or not; a static IMb gets ``responses`` pieces.

        With ``letter_imb``, only a recipient whose letter reached the carrier replies, and the
        reply leaves from the day of that letter's last scan.

        Each piece of a static IMb carries its own ``piece_id`` in its scans, as USPS numbers the
        pieces of a static IMb (reply-mail.md §1.2; the live field name is UNCONFIRMED).  Returns
        whether any reply comes back.
        """
        if responses:
            scans = []
            for n in range(responses):
                for at, scan in reply_journey(f"{imb}/{n}", outbound_mailed_at, city, state, zip5, share=1.0):
                    scans.append((at, {**scan, "piece_id": f"{imb[-9:]}{n:05d}"}))
            scans.sort(key=lambda ts: ts[0])
        else:
            start = outbound_mailed_at
            if letter_imb:
                trip, _expected = journey(letter_imb, outbound_mailed_at, city, state, zip5)
                if len(trip) < len(PHASES):
                    return False  # the letter never arrived: nobody replies to it
                start = trip[-1][0] - timedelta(days=3)  # reply_journey adds 4-10 days
            scans = reply_journey(imb, start, city, state, zip5)
        if not scans:
            return False
        with self._lock:
            self._pieces[imb] = Piece(imb, scans[0][0], scans, None)
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._pieces)

    def expired(self, piece: Piece, now: datetime) -> bool:
        if self.expiry_rule == "mailed":
            return now > piece.mailed_at + timedelta(days=45)
        last = max((t for t, _ in piece.visible_scans(now)), default=None)
        return last is not None and now > last + self.retention

    def piece_payload(self, imb: str) -> tuple[str, dict[str, Any] | None]:
        """('found', body) / ('empty', None) / ('missing', None) for a GET by IMb."""
        now = self.clock.now()
        with self._lock:
            piece = self._pieces.get(imb)
        if piece is None or now < piece.mailed_at:
            return "missing", None
        if piece.empty_body:
            return "empty", None
        visible = piece.visible_scans(now)
        if not visible or self.expired(piece, now):
            return "missing", None
        scans = [s for _, s in visible]
        scans.reverse()  # IV does not promise any order; clients must sort
        data: dict[str, Any] = {
            "imb": piece.imb,
            "mail_class": "First Class",
            "mail_shape": "Letter",
            "expected_delivery_date": piece.expected_delivery.strftime("%Y-%m-%d")
            if piece.expected_delivery
            else None,
            "start_the_clock_date": visible[0][0].strftime("%Y-%m-%d"),
            "scans": scans,
        }
        data.update(piece.extra)
        return "found", {"message": None, "data": data}

    def barcodes(self, mid: str, serial: str, stid: str | None) -> list[str]:
        now = self.clock.now()
        out = []
        with self._lock:
            pieces = list(self._pieces.values())
        for piece in pieces:
            tracking = piece.imb[:20]
            mid_here = tracking[5:14] if tracking[5] == "9" else tracking[5:11]
            serial_here = tracking[5 + len(mid_here) :]
            matches = mid_here == mid and serial_here == serial and (stid is None or tracking[2:5] == stid)
            if matches and piece.visible_scans(now) and not self.expired(piece, now):
                out.append(piece.imb)
                out.extend(piece.also_seen_as)
        return out
