"""The imb-tracker command line: exact output formats, exit codes, no tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imb_tracker import __version__
from imb_tracker.cli import main

SPEC4 = "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"
SPEC1 = "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"
SPEC1_DAMAGED = "T" + SPEC1[1:]


def run(
    args: list[str], stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a fresh process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )


def call(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version() -> None:
    result = run(["--version"])
    assert result.returncode == 0
    assert result.stdout.strip() == f"imb-tracker {__version__}"


def test_encode_from_fields(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(
        [
            "encode",
            "--mid",
            "567094",
            "--serial",
            "987654321",
            "--stid",
            "234",
            "--barcode-id",
            "01",
            "--zip",
            "01234567891",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0 and out == SPEC4 + "\n"


def test_encode_zip_with_dashes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(
        [
            "encode",
            "--mid",
            "567094",
            "--serial",
            "987654321",
            "--stid",
            "234",
            "--barcode-id",
            "01",
            "--zip",
            "01234-5678-91",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0 and out == SPEC4 + "\n"


def test_encode_from_tracking(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(["encode", "--tracking", "01234567094987654321"], capsys, monkeypatch)
    assert code == 0 and out == SPEC1 + "\n"
    code, out, _ = call(
        ["encode", "--tracking", "01234567094987654321", "--routing", "01234567891"], capsys, monkeypatch
    )
    assert out == SPEC4 + "\n"


def test_encode_json_and_stid_warning(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = call(
        ["encode", "--mid", "123456", "--serial", "000000001", "--stid", "300", "--json"], capsys, monkeypatch
    )
    assert code == 0
    obj = json.loads(out)
    assert obj["tracking"] == "00300123456000000001" and len(obj["bars"]) == 65
    assert "does not request IV-MTR" in err


def test_encode_field_error_exits_1_naming_field() -> None:
    result = run(["encode", "--mid", "9123456", "--serial", "12345678", "--stid", "270"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Mailer ID 9123456 has 7 digits" in result.stderr
    assert "Traceback" not in result.stderr


def test_encode_missing_fields_is_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = call(["encode", "--mid", "123456"], capsys, monkeypatch)
    assert code == 2 and "--serial" in err


def test_encode_stdin_one_line_per_input_line() -> None:
    lines = [
        "01234567094987654321",
        "01234567094987654321,01234567891",
        "05234567094987654321,01234",  # bad barcode ID
        "",  # empty line: still one output line
        "01234567094987654321,1234",  # bad routing
        "01234567094987654321,01234-5678-91",
    ]
    result = run(["encode", "-"], stdin="\r\n".join(lines) + "\n")
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    assert out[0] == SPEC1 and out[1] == SPEC4 and out[5] == SPEC4
    assert out[2].startswith("error: barcode ID's second digit must be 0-4")
    assert out[3].startswith("error: tracking code must be 20 digits (got 0)")
    assert out[4].startswith("error: routing code must be 0, 5, 9 or 11 digits (got 4)")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_encode_stdin_all_good_exits_0() -> None:
    result = run(["encode", "-"], stdin="01234567094987654321\n01234567094987654321,01234567891\n")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [SPEC1, SPEC4]


def test_decode_table_and_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(["decode", SPEC4], capsys, monkeypatch)
    assert code == 0
    assert "Mailer ID" in out and "567094" in out and "01234567891" in out
    code, out, _ = call(["decode", SPEC4, "--json"], capsys, monkeypatch)
    assert json.loads(out) == {
        "barcode_id": "01",
        "service_type": "234",
        "mailer_id": "567094",
        "serial": "987654321",
        "routing": "01234567891",
    }


def test_decode_damaged_fails_then_repairs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = call(["decode", SPEC1_DAMAGED], capsys, monkeypatch)
    assert code == 1 and out == "" and "character E" in err
    code, out, _ = call(["decode", SPEC1_DAMAGED, "--repair", "--json"], capsys, monkeypatch)
    obj = json.loads(out)
    assert code == 0 and obj["repaired_positions"] == [1] and obj["serial"] == "987654321"


def test_decode_stdin_json_lines() -> None:
    stdin = "\n".join([SPEC1, SPEC1_DAMAGED, "  " + SPEC4.lower(), "XYZ"]) + "\n"
    result = run(["decode", "-"], stdin=stdin)
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objs) == 4
    assert objs[0]["mailer_id"] == "567094" and objs[0]["routing"] == ""
    assert "error" in objs[1] and "error" in objs[3]
    assert objs[2]["routing"] == "01234567891"
    assert result.returncode == 1
    repaired = run(["decode", "--repair", "-"], stdin=SPEC1_DAMAGED + "\n")
    obj = json.loads(repaired.stdout)
    assert obj["repaired_positions"] == [1] and repaired.returncode == 0
    assert set(obj) >= {"barcode_id", "service_type", "mailer_id", "serial", "routing"}


def test_stid_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(["stid", "270"], capsys, monkeypatch)
    assert code == 0 and out.startswith("270  First-Class Mail, Full-Service, with IV-MTR tracking")
    code, out, _ = call(["stid", "--tracked"], capsys, monkeypatch)
    assert "310  " in out and "300  " not in out
    code, _, err = call(["stid", "998"], capsys, monkeypatch)
    assert code == 1 and "not in the USPS STID table" in err


def test_no_command_without_screen_explains(capsys: pytest.CaptureFixture[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "imb_tracker"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "no screen" in result.stderr and "Traceback" not in result.stderr


def test_cli_does_not_import_qt_or_reportlab() -> None:
    code = (
        "import sys; from imb_tracker.cli import main; main(['encode','--tracking','01234567094987654321']);"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','reportlab','httpx','sqlalchemy','openpyxl')];"
        "print('LOADED', bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in result.stdout


def test_the_program_ends_without_a_last_walk_over_its_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as the program (no argv), main() freezes what is left for a quick exit; called with
    arguments (a script, these tests) it leaves the collector alone."""
    import gc

    db = str(tmp_path / "f.db")
    assert main(["mailer", "add", "--db", db, "--mid", "123456", "--name", "A"]) == 0
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(sys, "argv", ["imb-tracker", "mailer", "list", "--db", db])
    try:
        assert main() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_quick_exit_still_writes_everything(tmp_path: Path) -> None:
    """The whole output arrives and the database is closed properly (its WAL folded in and removed)."""
    db = tmp_path / "q.db"
    home = {"IMB_TRACKER_HOME": str(tmp_path / "home")}
    assert run(["mailer", "add", "--db", str(db), "--mid", "123456", "--name", "A"], env=home).returncode == 0
    listed = run(["mailer", "list", "--db", str(db)], env=home)
    assert listed.returncode == 0 and listed.stdout.startswith("123456  A  STID 270")
    assert listed.stdout.endswith("\n") and db.exists() and not Path(f"{db}-wal").exists()
    args = ["--mid", "567094", "--serial", "987654321", "--stid", "234", "--barcode-id", "01"]
    encoded = run(["encode", *args, "--zip", "01234567891"])
    assert encoded.returncode == 0 and encoded.stdout == SPEC4 + "\n"
