"""Issue 14: store edges on SQLite and PostgreSQL — long names, odd searches, the first tray tag raced."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imb_tracker.imb import FieldError
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.browse import browse_pieces, count_pieces
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.serials import serial_status

from .conftest import new_postgres_database


def record(row: int) -> AddressRecord:
    return AddressRecord(row, f"Ann Lee {row}", "", "5 Elm St", "", "Hartford", "CT", "06103")


def test_a_too_long_mailing_name_is_refused_before_any_serial(db_url: str) -> None:
    db = open_database(db_url)
    add_mailer(db, "123456", "Acme")
    with pytest.raises(FieldError, match="at most 200 characters"):
        create_mailing(db, "123456", "N" * 300, [record(i) for i in range(100)])
    assert serial_status(db, "123456").next == 1  # type: ignore[union-attr]  # nothing reserved
    db.close()


@pytest.mark.parametrize("text", ["1234567890123456789", "99999999999999999999999", "Ann\x00Lee", "\x00"])
def test_odd_searches_answer_without_an_error(db_url: str, text: str) -> None:
    db = open_database(db_url)
    add_mailer(db, "123456", "Acme")
    create_mailing(db, "123456", "Spring", [record(i) for i in range(3)])
    rows = browse_pieces(db, search=text)
    assert count_pieces(db, search=text) == len(rows)
    db.close()


RACE = r"""
import json, sys
from imb_tracker.store import open_database
from imb_tracker.store.serials import reserve
db = open_database(sys.argv[1])
print(json.dumps(list(reserve(db, "123456", 5, kind="tray"))))
"""


def test_eight_processes_make_the_first_tray_tags_at_once_on_postgresql(
    postgres_server: str, tmp_path: Path
) -> None:
    """Before: one of them got a raw unique-key error (FOR UPDATE on a missing row locks nothing)."""
    url = new_postgres_database(postgres_server)
    db = open_database(url)
    add_mailer(db, "123456", "Acme")
    db.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    serials: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        serials.extend(json.loads(out))
    assert sorted(serials) == list(range(1, 41))


def test_routing_codes_are_not_changed_once_a_mailing_is_mailed(db_url: str) -> None:
    from datetime import datetime

    from imb_tracker.store.errors import ConflictError
    from imb_tracker.store.mailings import iter_pieces, mark_mailed, set_routing

    db = open_database(db_url)
    add_mailer(db, "123456", "Acme")
    create_mailing(db, "123456", "Spring", [record(i) for i in range(2)])
    first = next(iter_pieces(db, "Spring"))
    assert set_routing(db, "Spring", {first.id: ("1234", "01")}) == 1  # type: ignore[dict-item]
    assert next(iter_pieces(db, "Spring")).routing == "06103123401"
    mark_mailed(db, "Spring", datetime(2026, 12, 1))
    with pytest.raises(ConflictError, match="already mailed"):
        set_routing(db, "Spring", {first.id: ("9999", "02")})  # type: ignore[dict-item]
    db.close()
