"""mailer / import / mailings / pieces through the real command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imb_tracker.imb import decode

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    result = run(
        "mailer", "add", "--db", path, "--mid", "123456", "--name", "Acme Charity", "--crid", "1234567"
    )
    assert result.returncode == 0, result.stderr
    assert "added Mailer ID 123456 (Acme Charity): STID 270, serials 1-999999999" in result.stdout
    return path


def test_mailer_list_and_errors(db: str) -> None:
    out = run("mailer", "list", "--db", db)
    assert out.returncode == 0
    assert "123456  Acme Charity  STID 270  CRID 1234567  window 90 days" in out.stdout
    assert "999,999,999 free" in out.stdout
    dup = run("mailer", "add", "--db", db, "--mid", "123456", "--name", "Again")
    assert dup.returncode == 1 and "already set up" in dup.stderr and "Traceback" not in dup.stderr
    bad = run("mailer", "add", "--db", db, "--mid", "9123456", "--name", "X")
    assert bad.returncode == 1 and "Mailer ID 9123456 has 7 digits" in bad.stderr
    short = run("mailer", "add", "--db", db, "--mid", "234567", "--name", "X", "--window-days", "30")
    assert short.returncode == 1 and "at least 45 days" in short.stderr


def test_workstation_range_command(db: str) -> None:
    shrink = run(
        "mailer", "range", "--db", db, "--mid", "123456", "--workstation", "pc2", "--serial-range", "5-10"
    )
    assert shrink.returncode == 1 and "overlaps the shared range" in shrink.stderr


def test_import_sample_list_then_export(db: str, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    result = run(
        "import",
        str(SAMPLE),
        "--db",
        db,
        "--mailer",
        "123456",
        "--name",
        "Spring appeal",
        "--report",
        str(report),
    )
    assert result.returncode == 0, result.stderr
    assert (
        "created mailing 'Spring appeal': 194 pieces for Mailer ID 123456, STID 270, serials 1-194"
        in result.stdout
    )
    assert "6 invalid row(s) skipped" in result.stdout
    assert "200 rows read: 194 valid, 6 invalid" in result.stderr
    assert "row 44, column 'State': 'ZZ' is not a US state code" in result.stderr
    assert "saving pieces: 194/194 (100%)" in result.stderr
    assert len(report.read_text().splitlines()) == 1 + 8  # header + 6 errors + 2 warnings

    out = run("pieces", "--db", db, "--mailing", "Spring appeal", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 194
    need = {
        "mailing",
        "serial",
        "tracking",
        "routing",
        "imb",
        "bars",
        "name",
        "address1",
        "address2",
        "city",
        "state",
        "zip",
    }
    assert need <= set(rows[0])
    first = rows[0]
    assert first["serial"] == "000000001" and first["imb"] == first["tracking"] + first["routing"]
    assert decode(first["bars"]).fields.payload == first["imb"]

    out_file = tmp_path / "pieces.json"
    out = run("pieces", "--db", db, "--format", "json", "--out", str(out_file))
    assert out.returncode == 0 and "wrote 194 piece(s)" in out.stderr
    data = json.loads(out_file.read_text())
    assert len(data) == 194 and data[0]["extra"] == {"Donor ID": "D10000"}

    listing = run("mailings", "--db", db)
    assert "Spring appeal  MID 123456  STID 270  194 pieces  serials 1-194" in listing.stdout


def test_import_nothing_valid_exits_non_zero(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Address,City,State,ZIP\nAnn,,Salem,ZZ,1\n", encoding="utf-8")
    result = run("import", str(bad), "--db", db, "--mailer", "123456", "--name", "Nope")
    assert result.returncode == 1
    assert "nothing to import" in result.stderr
    assert run("mailings", "--db", db).stdout.startswith("no mailings yet")


def test_import_abort_on_invalid_and_dry_run(db: str) -> None:
    result = run(
        "import", str(SAMPLE), "--db", db, "--mailer", "123456", "--name", "X", "--on-invalid", "abort"
    )
    assert result.returncode == 1 and "nothing imported" in result.stderr
    dry = run("import", str(SAMPLE), "--db", db, "--mailer", "123456", "--name", "X", "--dry-run")
    assert dry.returncode == 0 and "194 recipient(s) would be imported" in dry.stdout


def test_import_with_map_and_env_database(tmp_path: Path) -> None:
    path = str(tmp_path / "env.db")
    env = {"IMB_TRACKER_DB": path}
    assert run("mailer", "add", "--mid", "912345678", "--name", "Nine", env=env).returncode == 0
    listing = tmp_path / "odd.csv"
    listing.write_text("Who,Where,Town,St,Code\nAnn,1 A St,Salem,OR,97301\n", encoding="utf-8")
    result = run(
        "import",
        str(listing),
        "--mailer",
        "912345678",
        "--name",
        "Odd",
        "--map",
        "Who=name",
        "--map",
        "Where=address1",
        "--map",
        "Code=zip",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = run("pieces", "--format", "json", env=env)
    assert json.loads(out.stdout)[0]["tracking"] == "00270912345678000001"


def test_unknown_mailer_and_mailing(db: str) -> None:
    result = run("import", str(SAMPLE), "--db", db, "--mailer", "654321", "--name", "X")
    assert result.returncode == 1 and "mailer add --mid 654321" in result.stderr
    out = run("pieces", "--db", db, "--mailing", "Nope")
    assert out.returncode == 1 and "no mailing called 'Nope'" in out.stderr


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    out = run("mailer", "list", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert out.returncode == 1 and "database error" in out.stderr and "Traceback" not in out.stderr
