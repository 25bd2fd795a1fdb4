"""Issue 14 regressions at the edges: each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from imb_tracker.imb import FieldError
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer, update_mailer
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.schema import mailers
from imb_tracker.store.serials import serial_status


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_window_is_45_to_3650_days(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "w.db"))
    for days in (44, 3651, 1_000_000):
        with pytest.raises(FieldError, match="uniqueness window"):
            add_mailer(db, "123456", "A", window_days=days)
    add_mailer(db, "123456", "A", window_days=3650)
    with pytest.raises(FieldError):
        update_mailer(db, "123456", window_days=1_000_000)


def test_a_file_with_a_million_day_window_still_works_and_can_be_mended(tmp_path: Path) -> None:
    """Before: every mailer, import and tray-tag command failed with OverflowError, for good."""
    path = tmp_path / "old.db"
    db = open_database(str(path))
    add_mailer(db, "123456", "A")
    with db.write() as conn:  # as an older version let it be written
        conn.execute(update(mailers).values(window_days=1_000_000))
    status = serial_status(db, "123456")
    assert status is not None and status.free > 0
    rec = AddressRecord(
        row=2,
        name="A B",
        company="",
        address1="1 Main St",
        address2="",
        city="Austin",
        state="TX",
        zip5="78701",
    )
    assert create_mailing(db, "123456", "M", [rec]).piece_count == 1
    listed = cli("mailer", "list", "--db", str(path))
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    mended = cli("mailer", "update", "--db", str(path), "--mid", "123456", "--window-days", "90")
    assert mended.returncode == 0 and "uniqueness window 90 days" in mended.stdout
