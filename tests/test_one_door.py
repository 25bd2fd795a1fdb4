"""One door (issue 13): the command line and the window give the same result for the same input.

Both run against one home folder (one settings file, one database) and one
USPS stand-in on loopback: the window through its pages and dialogs, the CLI
as a real ``imb-tracker`` process.  Compared: the envelope PDF (page count,
text and bars of every page), the piece export (byte for byte), and a lookup
(status, expected delivery and every scan of the timeline).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pdfplumber
import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from imb_tracker.app import app_paths
from imb_tracker.gui.main_window import MainWindow
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.settings import SettingsFile

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample" / "demo_list.csv"
RETURN = "ACME FOOD BANK|PO BOX 1|SPRINGFIELD IL 62701"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(0) as srv:
        yield srv


@pytest.fixture
def home(tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with the stand-in as the USPS environment, a return address, a mailer and a mailing."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IMB_TRACKER_IV_USERNAME", DEMO_USERNAME)
    monkeypatch.setenv("IMB_TRACKER_IV_PASSWORD", DEMO_PASSWORD)
    monkeypatch.delenv("IMB_TRACKER_USPS_ENV", raising=False)
    monkeypatch.delenv("IMB_TRACKER_DB", raising=False)
    settings = SettingsFile(app_paths(folder).ensure().config)
    for key, value in (
        ("configured", "true"),
        ("usps_env", server.url),
        ("return_address", RETURN),
        ("endorsement", "Address Service Requested"),
        ("default_mailer", "123456"),
    ):
        settings.set(key, value)
    assert cli(folder, "mailer", "add", "--mid", "123456", "--name", "Acme", "--stid", "270").returncode == 0
    assert cli(folder, "import", str(SAMPLE), "--mailer", "123456", "--name", "Spring").returncode == 0
    return folder


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", "--dev-dir", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def window_for(qtbot: QtBot, home: Path) -> MainWindow:
    window = MainWindow(app_paths(home))
    qtbot.addWidget(window)
    window.show()
    assert window.ctx.db is not None and window.ctx.backend is not None
    assert window.ctx.backend.url == "" and window.ctx.backend.mode.startswith("http://127.0.0.1")
    return window


def pages(pdf: Path) -> list[tuple[str, list[tuple[float, float, float, float]]]]:
    """Each page's text and its filled rectangles (the 65 bars), rounded to 1/1000 pt."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            bars = sorted((round(r["x0"], 3), round(r["top"], 3), round(r["width"], 3), round(r["height"], 3))
                          for r in page.rects if r["fill"])  # fmt: skip
            out.append((page.extract_text() or "", bars))
    return out


def test_envelopes_are_the_same_pdf_from_both_front_ends(qtbot: QtBot, home: Path, tmp_path: Path) -> None:
    from_cli = tmp_path / "cli.pdf"
    run = cli(home, "print", "envelopes", "--mailing", "Spring", "--out", str(from_cli))
    assert run.returncode == 0, run.stderr
    window = window_for(qtbot, home)
    window.mailings.select("Spring")
    with qtbot.waitSignal(window.mailings.pdf_ready, timeout=60_000) as ready:
        window.mailings.print_envelopes()
    from_gui = Path(ready.args[0])
    cli_pages, gui_pages = pages(from_cli), pages(from_gui)
    assert len(cli_pages) == len(gui_pages) == 194
    assert cli_pages == gui_pages
    text, bars = gui_pages[0]
    assert "ACME FOOD BANK" in text and "ADDRESS SERVICE REQUESTED" in text  # the shared settings
    assert len(bars) == 65
    window.close()


def test_piece_exports_are_the_same_rows(
    qtbot: QtBot, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_cli, from_gui = tmp_path / "cli.csv", tmp_path / "gui.csv"
    assert cli(home, "pieces", "--mailing", "Spring", "--out", str(from_cli)).returncode == 0
    window = window_for(qtbot, home)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(from_gui), "CSV (*.csv)"))
    window.mailings.select("Spring")
    window.mailings.export(scans=False)
    qtbot.waitUntil(lambda: from_gui.exists() and not window.ctx.tasks.running(), timeout=30_000)
    assert from_gui.read_bytes() == from_cli.read_bytes()
    assert len(from_cli.read_text(encoding="utf-8-sig").splitlines()) == 195
    window.close()


def test_a_lookup_gives_the_same_timeline(qtbot: QtBot, home: Path, server: SandboxServer) -> None:
    window = window_for(qtbot, home)
    db = window.ctx.db
    assert db is not None
    from imb_tracker.store.mailings import iter_pieces

    first, second = list(iter_pieces(db, "Spring"))[:2]
    mailed = (server.sandbox.clock.now() - timedelta(days=4)).isoformat()
    body = {"pieces": [{"imb": p.imb, "mailed_at": mailed, "city": p.city, "state": p.state, "zip": p.zip5}
                       for p in (first, second)]}  # fmt: skip
    httpx.post(f"{server.url}/sandbox/pieces", json=body, timeout=30).raise_for_status()

    run = cli(home, "lookup", first.imb, "--json")
    assert run.returncode == 0, run.stderr
    from_cli = json.loads(run.stdout)
    dialog = window.open_piece(second.imb)
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.lookup.isEnabled() and bool(dialog.timeline), timeout=30_000)
    # the window's answer for the second piece, and the CLI's for the first, are read back through
    # the other front end too: the CLI offline for the second, the window's timeline for the first
    again = json.loads(cli(home, "lookup", second.imb, "--json", "--offline").stdout)
    assert again["status"] == dialog.status.text()
    assert [(s["time_as_reported_by_usps"], s["what"]) for s in again["scans"]] == [
        (v.when_text, v.words) for v in dialog.timeline
    ]
    other = window.open_piece(first.imb)
    assert other.status.text() == from_cli["status"]
    assert [(v.when_text, v.words) for v in other.timeline] == [
        (s["time_as_reported_by_usps"], s["what"]) for s in from_cli["scans"]
    ]
    assert from_cli["scans"] and from_cli["status"] != "Not seen by USPS yet"
    expected = from_cli["expected_delivery"]
    assert (expected is None) == (other.expected.text() == "not given by USPS")
    # one sign-in each (the CLI process, the window), however many lookups
    assert server.sandbox.stats["authenticate"] == 2
    other.close()
    dialog.close()
    window.close()
    assert window.dialogs == []  # closed dialogs are let go


def test_usps_demo_works_in_the_cli_as_in_the_window(tmp_path: Path) -> None:
    """Demo mode: the in-process stand-in and the demo database, chosen by the setting or by --usps."""
    home = tmp_path / "demo-home"
    SettingsFile(app_paths(home).ensure().config).set("usps_env", "demo")  # as the window's demo mode does
    assert cli(home, "mailer", "add", "--mid", "123456", "--name", "Demo").returncode == 0
    made = cli(home, "import", str(SAMPLE), "--mailer", "123456", "--name", "D")
    assert made.returncode == 0 and "194 pieces" in made.stdout
    assert (home / "data" / "demo.db").exists() and not (home / "data" / "imb-tracker.db").exists()
    SettingsFile(app_paths(home).config).set("usps_env", "production")
    looked = cli(home, "lookup", "000000001", "--usps", "demo", "--json")  # the flag wins over the setting
    assert looked.returncode == 0, looked.stderr
    assert json.loads(looked.stdout)["imb"].startswith("00270123456000000001")
    bad = cli(home, "lookup", "000000001", "--usps", "nowhere")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == (
        "imb-tracker: error: --usps: unknown USPS environment 'nowhere'; use production, test, demo or a "
        "base URL such as http://127.0.0.1:8080"
    )


def test_importing_a_list_gives_the_same_pieces(qtbot: QtBot, tmp_path: Path, server: SandboxServer) -> None:
    """The import wizard and ``imb-tracker import`` make the same mailing from the same list."""
    from tests.test_gui_app import import_sample

    homes = []
    for name in ("cli", "gui"):
        home = tmp_path / name
        settings = SettingsFile(app_paths(home).ensure().config)
        for key, value in (("configured", "true"), ("usps_env", server.url), ("default_mailer", "123456")):
            settings.set(key, value)
        assert cli(home, "mailer", "add", "--mid", "123456", "--name", "Acme").returncode == 0
        homes.append(home)
    made = cli(homes[0], "import", str(SAMPLE), "--mailer", "123456", "--name", "Sample")
    assert made.returncode == 0, made.stderr
    window = window_for(qtbot, homes[1])
    import_sample(qtbot, window, "Sample")
    window.close()
    exports = []
    for home in homes:
        out = tmp_path / f"{home.name}.csv"
        assert cli(home, "pieces", "--mailing", "Sample", "--out", str(out)).returncode == 0
        # the last column is each database's own identity: everything before it must match
        exports.append(b"\n".join(line.rsplit(b",", 1)[0] for line in out.read_bytes().splitlines()))
    assert exports[0] == exports[1] and exports[0].count(b"\n") == 194


def test_refresh_policy_and_export_names_are_checked(home: Path, tmp_path: Path) -> None:
    """A quota of 0 would mean no limit at all: refused in one line; CSV goes to any file name asked for."""
    for flags, says in (
        (("--quota-per-minute", "0"), "the quota must be more than 0 lookups a minute (got 0)"),
        (("--workers", "0"), "workers must be 1 to 16 (got 0)"),
        (("--min-interval-minutes", "-5"), "the minimum interval cannot be negative (got -5 minutes)"),
    ):
        run = cli(home, "refresh", *flags)
        assert run.returncode == 1 and run.stderr.strip().endswith(says), run.stderr
        assert "Traceback" not in run.stderr
    out = tmp_path / "pieces.txt"
    assert cli(home, "pieces", "--mailing", "Spring", "--out", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8-sig").startswith("mailing,serial,tracking")
    xlsx = cli(home, "pieces", "--mailing", "Spring", "--format", "xlsx")
    assert xlsx.returncode == 1 and "give --out FILE.xlsx" in xlsx.stderr
