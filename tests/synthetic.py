"""Generated databases of many pieces, for the letters-table tests and the GUI benchmark (not app code).

Pieces go through the real allocator and ``create_mailing`` (so serials are
honest and the schema is the app's own); some get a tracking status so the
status filters have something to find.  Names and places are fictional.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import bindparam, select

from imb_tracker.records import AddressRecord
from imb_tracker.store.browse import index_new_pieces
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer, list_mailers
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.scans import scan_key
from imb_tracker.store.schema import STAGE_GROUP, piece_status, pieces

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Eva",
    "Finn",
    "Gus",
    "Hana",
    "Ivan",
    "June",
    "Kofi",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Vic",
    "Wren",
    "Xia",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diaz",
    "Ellis",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quist",
    "Reyes",
    "Singh",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zeller",
]
PLACES = [
    ("SPRINGFIELD", "IL", "62704"),
    ("PORTLAND", "OR", "97201"),
    ("AUSTIN", "TX", "78701"),
    ("DENVER", "CO", "80202"),
    ("ALBANY", "NY", "12207"),
    ("MADISON", "WI", "53703"),
    ("RALEIGH", "NC", "27601"),
    ("BOISE", "ID", "83702"),
    ("TAMPA", "FL", "33602"),
    ("OMAHA", "NE", "68102"),
]
STAGES = ["not_seen", "origin", "transit", "destination", "carrier_sort"]
WORDS = {
    "not_seen": "Not seen by USPS yet",
    "origin": "In origin processing",
    "transit": "In transit to the destination",
    "destination": "At the destination plant",
    "carrier_sort": "Sorted for the carrier",
}


def generate(
    db: Database,
    count: int,
    *,
    mid: str = "123456",
    per_mailing: int = 100_000,
    seed: int = 7,
    with_status_every: int = 3,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Add ``count`` pieces in mailings of ``per_mailing``; returns how many were added."""
    rng = random.Random(seed)
    if not any(m.mid == mid for m in list_mailers(db)):
        add_mailer(db, mid, "Synthetic Mailer", stid="270")
    made = 0
    number = 0
    while made < count:
        size = min(per_mailing, count - made)
        number += 1
        records = []
        for i in range(size):
            city, state, zip5 = PLACES[rng.randrange(len(PLACES))]
            records.append(
                AddressRecord(
                    i + 2,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "",
                    f"{rng.randrange(1, 9999)} MAIN ST",
                    "",
                    city,
                    state,
                    zip5,
                    f"{rng.randrange(10000):04d}",
                    f"{rng.randrange(100):02d}",
                    None,
                )
            )
        summary = create_mailing(db, mid, f"Synthetic {number:03d} ({size:,})", records)
        made += size
        if with_status_every:
            _statuses(db, summary.id, with_status_every, rng)
        if progress is not None:
            progress(made, count)
    index_new_pieces(db)
    return made


def _statuses(db: Database, mailing_id: int, every: int, rng: random.Random) -> None:
    now = db.clock()
    with db.write() as conn:
        ids = [int(r[0]) for r in conn.execute(select(pieces.c.id).where(pieces.c.mailing_id == mailing_id))]
        rows = []
        for piece_id in ids[::every]:
            stage = STAGES[rng.randrange(len(STAGES))]
            seen = stage != "not_seen"
            last = now - timedelta(hours=rng.randrange(1, 24 * 12)) if seen else None
            in_mail = STAGE_GROUP[stage] == "in_mail"
            # letters on the way have an estimate to turn late against: a few days either side of now
            late_after = (now + timedelta(days=rng.randrange(-6, 6))).date().isoformat() if in_mail else ""
            rows.append(
                {
                    "piece_id": piece_id,
                    "stage": stage,
                    "words": WORDS[stage],
                    "last_scan_at": last,
                    "scan_count": STAGES.index(stage),
                    "looked_up_at": now,
                    # one lookup in a hundred failed (the "Last lookup failed" filter)
                    "last_outcome": "RateLimitedError"
                    if rng.randrange(100) == 0
                    else "ok"
                    if seen
                    else "not_found",
                    "late_after": late_after,
                    "est_in_home": late_after,
                    "est_basis": "rough" if in_mail else "",
                    "stage_group": STAGE_GROUP[stage],
                }
            )
        if rows:
            conn.execute(piece_status.insert(), rows)
            # the letters table's sort keys on the piece, as store.scans.write_status keeps them
            conn.execute(
                pieces.update().where(pieces.c.id == bindparam("pid")),
                [
                    {
                        "pid": r["piece_id"],
                        "status_key": r["stage"],
                        "last_scan_key": scan_key(r["last_scan_at"]),
                    }
                    for r in rows
                ],
            )
