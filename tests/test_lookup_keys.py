"""Issue 14: a lookup finds exactly what was asked, or asks back; a short serial is never a suffix match.

Before: ``lookup 5`` showed serial 185 (another recipient), ``lookup 1`` showed 191, ``lookup 15`` 115.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imb_tracker.actions.errors import ActionError
from imb_tracker.actions.lookup import AmbiguousSerialError, resolve
from imb_tracker.imb import encode_tracking
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing


def people(n: int) -> list[AddressRecord]:
    return [
        AddressRecord(
            row=i + 2,
            name=f"P{i + 1}",
            company="",
            address1=f"{i} Main St",
            address2="",
            city="Austin",
            state="TX",
            zip5="78701",
        )
        for i in range(n)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "keys.db"))
    add_mailer(database, "123456", "Acme")
    create_mailing(database, "123456", "M", people(200))  # serials 1-200: 5, 15, 105, 115, 185 all exist
    return database


@pytest.mark.parametrize("key", ["5", "15", "1", "185", "000000005", " 5 "])
def test_a_serial_is_that_serial(db: Database, key: str) -> None:
    imb, piece = resolve(db, key)
    assert piece is not None and int(piece["serial"]) == int(key)
    assert imb == f"00270123456{int(key):09d}78701"
    assert piece["name"] == f"P{int(key)}"


def test_the_other_keys(db: Database) -> None:
    full = "0027012345600000001578701"
    assert resolve(db, full)[1]["name"] == "P15"  # type: ignore[index]
    assert resolve(db, full[:20]) == (full, resolve(db, full)[1])  # the tracking code finds the routing
    assert resolve(db, encode_tracking(full[:20], full[20:]))[0] == full  # 65 bars
    outside = "0027012345699999999978701"
    assert resolve(db, outside) == (outside, None)  # a full IMb need not be stored
    for bad, says in (
        ("999", "no stored piece has serial 999"),
        ("1234567890", "has 10 digits"),
        ("12a", "is not a serial"),
        ("A" * 65, "not readable bars"),
    ):
        with pytest.raises(ActionError, match=says):
            resolve(db, bad)


def test_a_serial_of_two_mailers_asks_back(db: Database) -> None:
    add_mailer(db, "654321", "Other")
    create_mailing(db, "654321", "O", people(10))
    with pytest.raises(AmbiguousSerialError) as info:
        resolve(db, "5")
    assert {mid for mid, _imb in info.value.candidates} == {"123456", "654321"}
    assert resolve(db, "5", "654321")[0] == "0027065432100000000578701"
    assert resolve(db, "150")[0] == "0027012345600000015078701"  # only one mailer has it: no question


def test_the_cli_exits_2_with_the_candidates(db: Database, tmp_path: Path) -> None:
    add_mailer(db, "654321", "Other")
    create_mailing(db, "654321", "O", people(10))
    path = str(tmp_path / "keys.db")
    run = subprocess.run(
        [sys.executable, "-m", "imb_tracker", "lookup", "5", "--offline", "--db", path],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2 and "Mailer ID 654321: 0027065432100000000578701" in run.stderr
    assert "--mailer MID" in run.stderr and "Traceback" not in run.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "imb_tracker", "lookup", "5", "--offline", "--db", path, "--mailer", "123456"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0 and "IMb 0027012345600000000578701" in ok.stdout and "P5," in ok.stdout
