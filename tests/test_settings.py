"""The settings file both front ends share: typed values, checked changes, old files, damaged files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imb_tracker.settings import PrinterSetup, Settings, SettingsError, SettingsFile, keys, set_value, shown


def test_a_new_folder_gives_the_defaults_and_a_saved_file_reads_back(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "config")
    assert file.load() == Settings()
    s = file.load()
    s.return_address = ["ACME", "PO BOX 1", "SPRINGFIELD IL 62704"]
    s.usps_env, s.stalled_days = "test", 7
    s.with_printer("HP LaserJet", offset_x=0.02, feed="rotate")
    file.save(s)
    again = file.load()
    assert again == s
    assert again.printer("HP LaserJet") == PrinterSetup(0.02, 0.0, "rotate")
    assert again.printer("another") == PrinterSetup()  # no default printer set: no offsets
    assert [p.name for p in (tmp_path / "config").iterdir()] == ["settings.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("stalled_days", "7", 7),
        ("usps_env", "demo", "demo"),
        ("usps_env", "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        (
            "return_address",
            "ACME|PO BOX 1|SPRINGFIELD IL 62704",
            ["ACME", "PO BOX 1", "SPRINGFIELD IL 62704"],
        ),
        ("human_readable", "yes", True),
        ("default_mailer", "912345678", "912345678"),
        ("iv_quota_per_minute", "600", 600),
        ("demo_days_ahead", "2.5", 2.5),
    ],
)
def test_set_parses_and_checks(key: str, value: str, expected: object) -> None:
    assert getattr(set_value(Settings(), key, value), key) == expected


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("stalled_days", "99", "out of range; give 1 to 60"),
        ("stalled_days", "five", "not a whole number"),
        ("usps_env", "prod", "not production, test, demo or an http(s):// base URL"),
        ("default_mailer", "9123456", "not a Mailer ID"),
        ("imb_position", "top", "not one of address-above, address-below, clear-zone"),
        ("human_readable", "maybe", "not yes or no"),
        ("return_address", "|".join(["X" * 10] * 6), "at most 5 lines"),
        ("endorsement", "A\tB", "one line"),
        ("stalled-day", "5", "no such setting; did you mean stalled_days?"),
        ("printer.offset_z", "1", "printer settings are offset_x, offset_y, feed"),
        ("printer.HP.offset_x", "2", "out of range"),
        ("printer.feed", "sideways", "not one of as-is, rotate"),
    ],
)
def test_a_bad_value_names_the_key_and_the_fix(key: str, value: str, says: str) -> None:
    before = Settings()
    with pytest.raises(SettingsError) as info:
        set_value(before, key, value)
    assert key in str(info.value) and says in str(info.value)


def test_printer_keys_and_show(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path)
    file.set("printer.offset_x", "-0.03")  # the default printer
    file.set("printer.Front Desk.feed", "rotate")
    s = file.load()
    assert s.printer("").offset_x == -0.03 and s.printer("Front Desk").feed == "rotate"
    assert s.printer("unknown").offset_x == -0.03  # falls back to the default printer
    rows = dict(shown(s))
    assert rows["printer.offset_x"] == "-0.03" and rows["printer.Front Desk.feed"] == "rotate"
    assert set(keys()) >= {"usps_env", "return_address", "printer.offset_x"}


def test_a_refused_value_writes_nothing(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path)
    file.set("stalled_days", "9")
    with pytest.raises(SettingsError):
        file.set("stalled_days", "0")
    assert file.load().stalled_days == 9


def test_a_damaged_or_hand_edited_file_falls_back_value_by_value(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "stalled_days": "seven",
                "usps_env": "nowhere",
                "endorsement": "OK",
                "return_address": [1, 2],
                "printers": {"HP": {"offset_x": "x"}},
                "unknown": 1,
            }
        ),
        encoding="utf-8",
    )
    s = SettingsFile(tmp_path).load()
    assert (s.stalled_days, s.usps_env, s.endorsement, s.return_address) == (3, "production", "OK", [])
    assert s.printers == {}
    path.write_text("{ not json", encoding="utf-8")
    assert SettingsFile(tmp_path).load() == Settings()
    path.write_text("[1, 2]", encoding="utf-8")
    assert SettingsFile(tmp_path).load() == Settings()


def test_the_old_window_settings_are_read_once(tmp_path: Path) -> None:
    """Version 1 kept the window's settings in a QSettings INI file; they carry over."""
    (tmp_path / "imb-tracker.ini").write_text(
        "[app]\nconfigured=true\nusps_mode=demo\nmailer_mid=123456\nquota_per_minute=300\n"
        'return_lines="ACME\\nPO BOX 1"\nprinter_offset_x=0.05\nenvelope_feed=rotate\nstalled_days=8\n'
        "label_layout=avery-5163\nbogus=1\nstalled_days_typo=x\n",
        encoding="utf-8",
    )
    s = SettingsFile(tmp_path).load()
    assert (s.configured, s.usps_env, s.default_mailer, s.iv_quota_per_minute, s.stalled_days) == (
        True,
        "demo",
        "123456",
        300,
        8,
    )
    assert s.return_address == ["ACME", "PO BOX 1"] and s.label_layout == "avery-5163"
    assert s.printer() == PrinterSetup(0.05, 0.0, "rotate")


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", "--dev-dir", str(home), "settings", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ},
    )


def test_settings_show_and_set_on_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = run(home, "set", "return_address", "ACME|PO BOX 1")
    assert done.returncode == 0 and done.stdout == "return_address = ACME | PO BOX 1\n"
    shown_text = run(home, "show").stdout
    assert "return_address" in shown_text and "ACME | PO BOX 1" in shown_text
    bad = run(home, "set", "nosuch", "1")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr == "imb-tracker: setting 'nosuch': no such setting (see: imb-tracker settings show)\n"
    assert run(home, "set", "stalled_days", "0").returncode == 1
    assert json.loads((home / "config" / "settings.json").read_text(encoding="utf-8"))["return_address"] == [
        "ACME",
        "PO BOX 1",
    ]
