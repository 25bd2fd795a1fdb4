"""Several processes allocating at once, and a process killed in the middle of an import."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.schema import mailings, pieces, serial_blocks
from imb_tracker.store.serials import reserve

from .conftest import new_postgres_database

WORKER = r"""
import json, sys
from imb_tracker.store import open_database
from imb_tracker.store.serials import reserve
url, out, per_call, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = open_database(url)
got = []
for _ in range(calls):
    got.extend(reserve(db, "123456", per_call, purpose="race"))
with open(out, "w") as fh:
    json.dump(got, fh)
"""

PROCESSES = 8
PER_PROCESS = 2000


def race(url: str, tmp_path: Path, per_call: int) -> list[int]:
    db = open_database(url)
    add_mailer(db, "123456", "Race")
    db.close()
    procs = []
    for i in range(PROCESSES):
        out = tmp_path / f"worker{i}.json"
        cmd = [sys.executable, "-c", WORKER, url, str(out), str(per_call), str(PER_PROCESS // per_call)]
        procs.append((subprocess.Popen(cmd, stderr=subprocess.PIPE), out))
    serials: list[int] = []
    for proc, out in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        serials.extend(json.loads(out.read_text()))
    return serials


@pytest.mark.slow
def test_eight_processes_on_one_sqlite_file_get_distinct_serials(tmp_path: Path) -> None:
    serials = race(f"sqlite:///{tmp_path / 'race.db'}", tmp_path, per_call=10)
    assert len(serials) == PROCESSES * PER_PROCESS == 16_000
    assert len(set(serials)) == 16_000
    assert set(serials) == set(range(1, 16_001))  # and nothing was skipped either


@pytest.mark.slow
def test_eight_processes_on_postgresql_get_distinct_serials(tmp_path: Path, postgres_server: str) -> None:
    serials = race(new_postgres_database(postgres_server), tmp_path, per_call=10)
    assert len(serials) == 16_000 == len(set(serials))
    assert set(serials) == set(range(1, 16_001))


REPLY_WORKER = r"""
import json, sys
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.replies import add_design, link_replies
url, out, n = sys.argv[1], sys.argv[2], sys.argv[3]
db = open_database(url)
lines = ["ACME", "PO BOX 1", "SPRINGFIELD IL 62704-1234"]
rows = [AddressRecord(i + 2, f"P{i}", "", f"{i} Elm St", "", "Springfield", "IL", "62704") for i in range(300)]
create_mailing(db, "123456", f"M{n}", rows)
linked = add_design(db, "123456", f"L{n}", "brm", lines, "627041234", permit="5", permit_city="SPRINGFIELD IL")
static = add_design(
    db, "123456", f"S{n}", "brm", lines, "627041234", permit="5", permit_city="SPRINGFIELD IL", mode="static"
)
link_replies(db, f"M{n}", linked.name)
with open(out, "w") as fh:
    json.dump([int(static.static_tracking[11:])], fh)
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_linked_and_static_reply_serials_stay_unique_while_others_allocate(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """Four processes reserving serials while four make mailings with linked and static replies."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'replies-race.db'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    db = open_database(url)
    add_mailer(db, "123456", "Race")
    procs = []
    for i in range(8):
        out = tmp_path / f"w{i}.json"
        cmd = (
            [sys.executable, "-c", WORKER, url, str(out), "10", "50"]
            if i % 2
            else [sys.executable, "-c", REPLY_WORKER, url, str(out), str(i)]
        )
        procs.append((subprocess.Popen(cmd, stderr=subprocess.PIPE), out))
    held: list[int] = []
    for proc, out in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        held.extend(json.loads(out.read_text()))  # reserved serials, and the static designs' serials
    from imb_tracker.store.schema import replies

    with db.read() as conn:
        letters = {row.id: row.tracking for row in conn.execute(select(pieces.c.id, pieces.c.tracking))}
        linked = conn.execute(
            select(replies.c.piece_id, replies.c.tracking).where(replies.c.piece_id.is_not(None))
        )
        linked_rows = list(linked)
    held.extend(int(t[11:]) for t in letters.values())
    assert len(held) == 4 * 500 + 4 * (300 + 1) == len(set(held))  # nobody's serial is anyone else's
    assert len(linked_rows) == 4 * 300
    for piece_id, tracking in linked_rows:  # each reply: its own letter's MID and serial, the reply STID
        assert tracking[5:] == letters[piece_id][5:] and tracking[2:5] == "032"
    db.close()


def write_list(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Address", "City", "State", "ZIP"])
        for i in range(rows):
            w.writerow([f"Person {i}", f"{i + 1} Main St", "Springfield", "IL", "62704"])


@pytest.mark.slow
def test_sigkill_during_import_leaves_no_half_mailing_and_burns_its_serials(tmp_path: Path) -> None:
    db_path = tmp_path / "kill.db"
    listing = tmp_path / "big.csv"
    write_list(listing, 50_000)
    db = open_database(str(db_path))
    add_mailer(db, "123456", "Kill test")
    db.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imb_tracker",
            "import",
            str(listing),
            "--db",
            str(db_path),
            "--mailer",
            "123456",
            "--name",
            "doomed",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stderr is not None
    saw_progress = False
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if line.startswith("saving pieces:"):
            saw_progress = True
            break
        assert time.monotonic() < deadline
    assert saw_progress, "the import never reached the saving step"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    db = open_database(str(db_path))
    with db.read() as conn:
        mailing_rows = conn.execute(select(mailings.c.id, mailings.c.piece_count)).all()
        piece_count = conn.execute(select(func.count()).select_from(pieces)).scalar_one()
        blocks = conn.execute(select(serial_blocks.c.first_serial, serial_blocks.c.last_serial)).all()
    # The mailing is absent (killed inside the transaction) or complete (killed just after commit).
    if mailing_rows:
        assert mailing_rows[0][1] == 50_000 == piece_count
    else:
        assert piece_count == 0
    # Its serials were reserved before the pieces were written, and stay reserved.
    assert blocks == [(1, 50_000)]
    # The bulk insert had set the pieces' indexes aside inside its transaction: they are all back
    with db.read() as conn:
        names = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'pieces'")
        }
    assert {
        "ix_pieces_name",
        "ix_pieces_zip5",
        "ix_pieces_status",
        "ix_pieces_last_scan",
        "ix_pieces_tracking",
    } <= names
    nxt = reserve(db, "123456", 10)
    assert nxt.ranges == ((50_001, 50_010),)
    db.close()


def test_concurrent_migration_of_a_new_database(tmp_path: Path) -> None:
    """Several processes opening a brand-new database at once all see one complete schema."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code = "import sys; from imb_tracker.store import open_database; open_database(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    from imb_tracker.store.migrations import LATEST
    from imb_tracker.store.schema import schema_version

    db = open_database(url)
    with db.read() as conn:
        versions = conn.execute(select(schema_version.c.version)).scalars().all()
    assert versions == list(range(1, LATEST + 1))
