"""Issue 14: serials stay unique against copies, mistyped paths and wrong clocks (through the CLI)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from imb_tracker import cli
from imb_tracker.store import open_database
from imb_tracker.store.schema import mailings

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"
MID = "123456"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMB_TRACKER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("IMB_TRACKER_DB", raising=False)
    monkeypatch.delenv("IMB_TRACKER_USPS_ENV", raising=False)
    return tmp_path / "home"


def test_a_mistyped_db_path_is_an_error_not_a_new_database(tmp_path: Path) -> None:
    real = tmp_path / "office.db"
    assert run("mailer", "add", "--db", str(real), "--mid", MID, "--name", "Office")[0] == 0
    typo = tmp_path / "ofice.db"
    code, _, err = run("mailer", "list", "--db", str(typo))
    assert code == 1 and f"there is no database at {typo}" in err and "--create" in err
    assert not typo.exists()
    code, _, err = run("import", str(SAMPLE), "--db", str(typo), "--mailer", MID, "--name", "x")
    assert code == 1 and "no database at" in err and not typo.exists()
    code, out, _ = run("mailer", "list", "--db", str(typo), "--create")
    assert code == 0 and typo.exists() and "no mailers yet" in out


def test_the_same_mid_in_another_database_is_warned_about(tmp_path: Path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    code, _, err = run("mailer", "add", "--db", str(first), "--mid", MID, "--name", "A")
    assert code == 0 and "also set up" not in err
    code, _, err = run("mailer", "add", "--db", str(second), "--mid", MID, "--name", "B")
    assert code == 0 and f"Mailer ID {MID} is also set up in another database: {first}" in err
    copy = tmp_path / "copy.db"
    shutil.copy(first, copy)
    code, _, err = run("mailer", "list", "--db", str(copy))  # opening it notes it, and says what it is
    assert code == 0 and f"this database ({copy}) is a copy of {first}" in err
    code, _, err = run("mailer", "add", "--db", str(tmp_path / "c.db"), "--mid", MID, "--name", "C")
    assert code == 0 and "a copy of this database" not in err and str(copy) in err
    first.unlink()  # a deleted database is nothing to clash with
    code, _, err = run("mailer", "add", "--db", str(tmp_path / "d.db"), "--mid", "234567", "--name", "D")
    assert code == 0 and "also set up" not in err


def test_every_mailing_and_export_names_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "id.db"
    run("mailer", "add", "--db", str(db_path), "--mid", MID, "--name", "Office")
    code, _, err = run("import", str(SAMPLE), "--db", str(db_path), "--mailer", MID, "--name", "Spring")
    assert code == 0, err
    db = open_database(str(db_path))
    identity = db.identity()
    with db.read() as conn:
        stored = conn.execute(select(mailings.c.database_id)).scalars().all()
    db.close()
    assert len(identity) == 32 and stored == [identity]
    code, out, _ = run("pieces", "--db", str(db_path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 194 and {r["database_id"] for r in rows} == {identity}
    code, out, _ = run("pieces", "--db", str(db_path), "--format", "json")
    assert {p["database_id"] for p in json.loads(out)} == {identity}
    code, out, err = run("report", "--mailing", "Spring", "--db", str(db_path), "--csv")
    assert code == 0, err
    assert {r["database_id"] for r in csv.DictReader(io.StringIO(out))} == {identity}


def test_mailer_update_serial_range_widens_and_never_cuts_issued_serials(tmp_path: Path) -> None:
    db = str(tmp_path / "range.db")
    run("mailer", "add", "--db", db, "--mid", MID, "--name", "Office", "--serial-range", "100-300")
    assert run("import", str(SAMPLE), "--db", db, "--mailer", MID, "--name", "Spring")[0] == 0  # 100-293
    code, out, _ = run("mailer", "update", "--db", db, "--mid", MID, "--serial-range", "1-5000")
    assert code == 0 and "serials 1-5000" in out
    code, _, err = run("mailer", "update", "--db", db, "--mid", MID, "--serial-range", "150-5000")
    assert code == 1 and "serials 100-293 were already issued" in err
    code, _, err = run("mailer", "update", "--db", db, "--mid", MID, "--serial-range", "100-200")
    assert code == 1 and "100-293" in err
    code, out, _ = run("mailer", "update", "--db", db, "--mid", MID, "--serial-range", "100-293")
    assert code == 0 and "serials 100-293" in out


def test_a_wrap_that_reuses_serials_needs_reuse_serials(tmp_path: Path) -> None:
    """The wrap asks first, naming the date; a clock set back is refused outright."""
    db_path = tmp_path / "wrap.db"
    db = str(db_path)
    run("mailer", "add", "--db", db, "--mid", MID, "--name", "Office", "--serial-range", "1-200")
    run("mailer", "update", "--db", db, "--mid", MID, "--window-days", "45")
    assert run("import", str(SAMPLE), "--db", db, "--mailer", MID, "--name", "Spring")[0] == 0
    # move every reservation 50 days into the past: the window has passed, the serials were issued
    store = open_database(db)
    with store.write() as conn:
        conn.exec_driver_sql("UPDATE serial_blocks SET reserved_at = datetime(reserved_at, '-50 days')")
    store.close()
    code, _, err = run("import", str(SAMPLE), "--db", db, "--mailer", MID, "--name", "Fall")
    assert code == 1 and "were issued before, last on" in err and "--reuse-serials" in err
    when = (datetime.now() - timedelta(days=50)).strftime("%Y-%m-%d")
    assert when in err
    code, _, err = run(
        "import", str(SAMPLE), "--db", db, "--mailer", MID, "--name", "Fall", "--reuse-serials"
    )
    assert code == 0, err
    # a reservation in the future (a clock set back here) stops everything
    store = open_database(db)
    with store.write() as conn:
        conn.exec_driver_sql("UPDATE serial_blocks SET reserved_at = datetime('now', '+3 days')")
    store.close()
    code, _, err = run(
        "import", str(SAMPLE), "--db", db, "--mailer", MID, "--name", "Late", "--reuse-serials"
    )
    assert code == 1 and "this computer's clock says" in err and "Nothing was reserved" in err


def test_excel_csv_flavour_keeps_leading_zeros_and_still_neutralises_text(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run("mailer", "add", "--db", db, "--mid", MID, "--name", "Office")
    listing = tmp_path / "l.csv"
    listing.write_text(
        "Name,Address,City,State,ZIP\n=HYPERLINK(1),5 Elm St,Hartford,CT,06103\n", encoding="utf-8"
    )
    assert run("import", str(listing), "--db", db, "--mailer", MID, "--name", "Z")[0] == 0
    code, out, _ = run("pieces", "--db", db, "--excel")
    assert code == 0
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["zip"] == '="06103"' and row["serial"] == '="000000001"'
    assert row["imb"].startswith('="00270123456000000001') and row["name"] == "'=HYPERLINK(1)"
    code, out, _ = run("pieces", "--db", db)
    assert code == 0
    plain = next(csv.DictReader(io.StringIO(out)))
    assert plain["zip"] == "06103" and plain["name"] == "'=HYPERLINK(1)"
    code, out, _ = run("report", "--mailing", "Z", "--db", db, "--csv", "--excel")
    assert code == 0
    assert next(csv.DictReader(io.StringIO(out)))["imb"].startswith('="0027')
