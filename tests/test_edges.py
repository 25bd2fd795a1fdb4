"""Issue 14 regressions at the edges: each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from imb_tracker.imb import FieldError
from imb_tracker.records import AddressRecord
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer, update_mailer
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.schema import mailers
from imb_tracker.store.serials import serial_status
from imb_tracker.usps.config import sandbox_environment
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota


def stand_in_client(srv: SandboxServer) -> IvClient:
    """An IV client for the stand-in, with no quota to speak of and no real sleeping between retries."""
    return IvClient(
        sandbox_environment(srv.url),
        DEMO_USERNAME,
        DEMO_PASSWORD,
        quota=Quota(per_minute=100_000),
        sleep=lambda _s: None,
    )


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


HOSTILE = [
    '=HYPERLINK("http://x.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '=WEBSERVICE("http://x")',
]


def test_exports_are_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    """Before: 60 of 80 hostile cells were written unescaped to CSV, and XLSX made real formula cells."""
    import csv

    from openpyxl import load_workbook

    from imb_tracker.actions.exports import export_pieces
    from imb_tracker.mail import read_list

    listed = tmp_path / "hostile.csv"
    with open(listed, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Company", "Address", "City", "State", "ZIP", "Notes"])
        for i, bad in enumerate(HOSTILE):
            writer.writerow([bad, bad, f"{i + 1} Main St", "Austin", "TX", "01234", bad])
    result = read_list(listed)
    assert len(result.records) == len(HOSTILE)
    warned = {p.row for p in result.problems if "looks like a spreadsheet formula" in p.problem}
    assert len(warned) == len(HOSTILE)  # every row warned ("-2+3" was missed before)
    db = open_database(str(tmp_path / "h.db"))
    add_mailer(db, "123456", "A")
    create_mailing(db, "123456", "M", result.records)
    out = tmp_path / "pieces.csv"
    export_pieces(db, out, "M")
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["name"].startswith("'") for r in rows)
    assert all(not r[k].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for k in r)
    assert rows[0]["serial"] == "000000001" and rows[0]["zip"] == "01234"
    book = tmp_path / "pieces.xlsx"
    export_pieces(db, book, "M")
    sheet = load_workbook(book).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type == "s" for c in cells if c.value not in (None, ""))
    header = [c.value for c in next(sheet.iter_rows())]
    first = {h: c.value for h, c in zip(header, next(sheet.iter_rows(min_row=2)), strict=True)}
    assert first["serial"] == "000000001" and first["zip"] == "01234" and first["name"] == HOSTILE[0]


def test_system_deps_waits_for_apt_and_installs_venv() -> None:
    """Before: it failed at once when another apt held the lock, and stock Debian lacked python3-venv."""
    script = (Path(__file__).resolve().parents[1] / "tools" / "system-deps.sh").read_text(encoding="utf-8")
    assert "DPkg::Lock::Timeout=300" in script and script.count('"${LOCK_WAIT[@]}"') == 2
    assert "python3-venv" in script
    run = subprocess.run(
        ["bash", "-n", "tools/system-deps.sh"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_an_answer_of_any_shape_never_kills_a_refresh_worker(tmp_path: Path) -> None:
    """Before: a number as mail_phase crashed the storing transaction and killed the worker silently (the
    piece not logged, the summary short, exit 0); deeply nested JSON did the same."""
    from datetime import timedelta

    import httpx
    from sqlalchemy import select

    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.store.mailings import iter_pieces, mark_mailed
    from imb_tracker.store.schema import lookups, scans
    from imb_tracker.tracking.refresh import refresh

    with SandboxServer(0) as srv:
        db = open_database(str(tmp_path / "r.db"), clock=srv.sandbox.clock.now)
        add_mailer(db, "123456", "A")
        recs = [
            AddressRecord(
                row=i + 2,
                name=f"P{i}",
                company="",
                address1=f"{i} Main St",
                address2="",
                city="Austin",
                state="TX",
                zip5="78701",
            )
            for i in range(6)
        ]
        create_mailing(db, "123456", "M", recs)
        mark_mailed(db, "M", srv.sandbox.clock.now() - timedelta(days=3))
        imbs = [p.imb for p in iter_pieces(db, "M")]
        mailed = (srv.sandbox.clock.now() - timedelta(days=3)).isoformat()
        httpx.post(
            f"{srv.url}/sandbox/pieces",
            json={"pieces": [{"imb": i, "mailed_at": mailed} for i in imbs]},
            timeout=30,
        ).raise_for_status()
        httpx.post(
            f"{srv.url}/sandbox/faults", json={"next": ["badtype", "deep"]}, timeout=30
        ).raise_for_status()
        client = stand_in_client(srv)
        summary = refresh(db, client, imbs, clock=srv.sandbox.clock.now, workers=1)
        client.close()
    assert summary.requested == 6  # every piece accounted for
    assert summary.found + summary.not_found + summary.failed == 6
    assert summary.failed == 1 and summary.errors == {"unexpected_answer": 1}  # the nesting, with its reason
    with db.read() as conn:
        logged = {r.imb: r.outcome for r in conn.execute(select(lookups.c.imb, lookups.c.outcome))}
        odd = conn.execute(select(scans).where(scans.c.imb == imbs[0])).mappings().all()
    assert set(logged) == set(imbs) and logged[imbs[1]] == "unexpected_answer"
    assert len(odd) == 1 and '"mail_phase": 42' in odd[0]["raw_payload"]  # the odd answer stored, raw


def test_a_token_echoed_by_the_server_is_never_stored_or_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: server error text went verbatim into lookups.error, bearer token included."""
    import logging

    import httpx
    from sqlalchemy import select

    from imb_tracker.app import RedactingFormatter
    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.store.schema import lookups
    from imb_tracker.tracking.refresh import refresh

    imb = "0027012345600000123420500000599"
    with SandboxServer(0) as srv:
        db = open_database(str(tmp_path / "t.db"), clock=srv.sandbox.clock.now)
        httpx.post(f"{srv.url}/sandbox/faults", json={"next": ["echo"]}, timeout=30).raise_for_status()
        client = stand_in_client(srv)
        token = client.token().access
        summary = refresh(db, client, [imb], clock=srv.sandbox.clock.now, workers=1)
        client.close()
    assert summary.failed == 1
    with db.read() as conn:
        errors = [r[0] for r in conn.execute(select(lookups.c.error))]
    assert errors and "Bearer [redacted]" in errors[0] and token not in errors[0]
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "USPS said: Bearer %s", (token,), None)
    assert token not in RedactingFormatter("%(message)s").format(record)


def test_answers_for_another_barcode_redirects_and_retyped_codes(tmp_path: Path) -> None:
    """Before: scans of an answer naming another IMb were stored on the asked-for piece, a 3xx was read as
    'no data', and "066" then 66 for the same scan made a duplicate row."""
    import httpx

    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.store.scans import scans_for
    from imb_tracker.tracking.ingest import to_records
    from imb_tracker.usps.errors import ServiceUnavailableError
    from imb_tracker.usps.iv import MismatchedAnswerError

    imb = "0027012345600000123420500000599"
    with SandboxServer(0) as srv:
        client = stand_in_client(srv)
        httpx.post(f"{srv.url}/sandbox/faults", json={"next": ["otherimb"]}, timeout=30).raise_for_status()
        with pytest.raises(MismatchedAnswerError, match="another barcode"):
            client.lookup(imb)
        httpx.post(f"{srv.url}/sandbox/faults", json={"next": ["redirect"]}, timeout=30).raise_for_status()
        with pytest.raises(ServiceUnavailableError, match="redirected"):
            client.lookup(imb)
        assert client.lookup(imb).found  # and then the real answer
        client.close()
    as_text = {
        "scan_date_time": "2026-12-01T10:00:00",
        "scan_event_code": "066",
        "scan_facility_zip": "01234",
    }
    as_numbers = {**as_text, "scan_event_code": 66, "scan_facility_zip": 1234}
    (first,), _ = to_records(imb, [as_text], "api")
    (second,), _ = to_records(imb, [as_numbers], "api")
    assert first.dedupe_key == second.dedupe_key and second.op_code == "066"
    db = open_database(str(tmp_path / "d.db"))
    from imb_tracker.store.scans import store_scans

    with db.write() as conn:
        assert store_scans(conn, [first], first.scan_time) == 1
        assert store_scans(conn, [second], second.scan_time) == 0
    assert len(scans_for(db, imb)) == 1


def test_a_sign_in_outage_backs_off_once_for_the_whole_run(tmp_path: Path) -> None:
    """Before: 24 password POSTs in one second, one per piece, with Retry-After: 30 ignored."""
    import httpx

    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.tracking.refresh import refresh
    from imb_tracker.usps.errors import SignInUnavailableError

    imbs = [f"002701234560000012{i:02d}62704" for i in range(24)]
    with SandboxServer(0) as srv:
        httpx.post(
            f"{srv.url}/sandbox/faults", json={"sign_in_outage": 100, "retry_after": 30}, timeout=30
        ).raise_for_status()
        db = open_database(str(tmp_path / "o.db"), clock=srv.sandbox.clock.now)
        client = stand_in_client(srv)
        summary = refresh(db, client, imbs, clock=srv.sandbox.clock.now, workers=4)
        assert srv.sandbox.stats["authenticate"] == 1  # one password POST for the whole run
        assert "sign-in service is unavailable" in summary.stopped_reason and "30 s" in summary.stopped_reason
        with pytest.raises(SignInUnavailableError) as info:
            client.lookup(imbs[0])  # still inside the 30 s: no new POST
        assert info.value.retry_after == 30
        assert srv.sandbox.stats["authenticate"] == 1
        client.close()


def test_the_limiter_keeps_every_rolling_minute_within_the_quota() -> None:
    """Before: 62 requests in a rolling 60 s at a 60/min quota, and up to 70 after an idle spell."""
    from imb_tracker.usps.ratelimit import Quota, RateLimiter

    now = [1000.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(Quota(per_minute=60), clock=lambda: now[0], sleep=sleep)
    sent: list[float] = []
    for burst in range(4):  # bursts of demand with idle spells between them
        for _ in range(90):
            limiter.acquire()
            sent.append(now[0])
        now[0] += 45.0 if burst % 2 else 300.0  # idle: the bucket fills to ten seconds' worth
    assert len(sent) == 360
    worst = max(sum(1 for t in sent if start <= t < start + 60.0) for start in sent)
    assert worst <= 60
    # and it still delivers the quota: a long run at full demand averages 60 a minute
    span = sent[89] - sent[0]
    assert 60 <= 90 / (span / 60) <= 62


def test_the_hour_quota_holds_in_any_rolling_hour() -> None:
    from imb_tracker.usps.ratelimit import Quota, RateLimiter

    now = [0.0]
    limiter = RateLimiter(
        Quota(per_hour=60), clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
    )
    sent = []
    for _ in range(150):
        limiter.acquire()
        sent.append(now[0])
    assert max(sum(1 for t in sent if s <= t < s + 3600) for s in sent) <= 60


def test_no_traceback_for_files_that_cannot_be_written_or_read(tmp_path: Path) -> None:
    """Before: FileNotFoundError, IsADirectoryError, OSError and PIL's UnidentifiedImageError reached the
    screen as tracebacks, and --report pointed at the list overwrote the list."""
    sample = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"
    listed = tmp_path / "list.csv"
    listed.write_bytes(sample.read_bytes())
    db = str(tmp_path / "x.db")
    assert cli("mailer", "add", "--db", db, "--mid", "123456", "--name", "A").returncode == 0
    assert cli("import", str(listed), "--db", db, "--mailer", "123456", "--name", "M").returncode == 0
    bad_logo = tmp_path / "logo.png"
    bad_logo.write_text("not an image", encoding="utf-8")
    cases = [
        (
            ("pieces", "--db", db, "--mailing", "M", "--out", str(tmp_path / "no" / "such" / "p.csv")),
            "No such file or directory",
        ),
        (("pieces", "--db", db, "--mailing", "M", "--out", str(tmp_path)), "Is a directory"),
        (("print", "calibration", "--out", "/dev/full"), "No space left on device"),
        (
            (
                "print",
                "envelopes",
                "--db",
                db,
                "--mailing",
                "M",
                "--out",
                str(tmp_path / "e.pdf"),
                "--logo",
                str(bad_logo),
            ),
            "cannot identify image file",
        ),
        (
            ("import", str(listed), "--db", db, "--mailer", "123456", "--name", "N", "--report", str(listed)),
            "is the list being imported",
        ),
        (("mailings", "--db", "mysql://u:p@localhost/db"), "imb-tracker: "),
    ]
    for args, says in cases:
        run = cli(*args)
        assert run.returncode != 0, args
        assert "Traceback" not in run.stderr and says in run.stderr, (args, run.stderr)
        assert len(run.stderr.strip().splitlines()) <= 3, run.stderr
    assert listed.read_bytes() == sample.read_bytes()  # the list is untouched


def test_the_users_files_are_the_users_only(tmp_path: Path) -> None:
    """Before: the database, log and settings were 0644 in 0755 folders."""
    import stat

    home = tmp_path / "home"
    assert cli("--dev-dir", str(home), "mailer", "add", "--mid", "123456", "--name", "A").returncode == 0
    assert cli("--dev-dir", str(home), "settings", "set", "stalled_days", "7").returncode == 0

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    for folder in ("data", "config", "cache", "logs"):
        assert mode(home / folder) == 0o700, folder
    for file in ("data/imb-tracker.db", "logs/imb-tracker.log", "config/settings.json"):
        assert mode(home / file) == 0o600, file


def test_a_dribbled_body_meets_the_overall_deadline() -> None:
    """Before: the 20 s timeout was per read, so a server sending a byte every 50 ms held a worker for ever."""
    import time

    import httpx

    from imb_tracker.sandbox import SandboxServer
    from imb_tracker.usps.errors import ServiceUnavailableError

    imb = "0027012345600000123420500000599"
    with SandboxServer(0) as srv:
        client = IvClient(
            sandbox_environment(srv.url),
            DEMO_USERNAME,
            DEMO_PASSWORD,
            quota=Quota(per_minute=100_000),
            sleep=lambda _s: None,
            timeout=0.5,  # each read; the whole request gets 1.5 s
        )
        client.token()
        body = {"next": ["dribble"], "hang_seconds": 30}
        httpx.post(f"{srv.url}/sandbox/faults", json=body, timeout=30).raise_for_status()
        started = time.monotonic()
        assert client.lookup(imb).found  # the dribble was cut off at 1.5 s and the retry answered
        assert time.monotonic() - started < 5
        body = {"next": ["dribble"] * 8, "hang_seconds": 30}
        httpx.post(f"{srv.url}/sandbox/faults", json=body, timeout=30).raise_for_status()
        started = time.monotonic()
        with pytest.raises(ServiceUnavailableError, match="did not answer in time"):
            client.lookup(imb)
        assert time.monotonic() - started < 15
        client.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>maintenance</html>",
        b"{}",
        b'{"access_token": null}',
        b'{"access_token": "t", "expires_in": "soon"}',
        b"[1, 2]",
    ],
)
def test_an_addresses_sign_in_without_a_usable_token_is_a_clean_error(answer: bytes) -> None:
    """Before: a non-JSON token answer raised JSONDecodeError, a missing access_token KeyError."""
    import httpx

    from imb_tracker.usps.apis import ApisClient
    from imb_tracker.usps.errors import ServiceUnavailableError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer, headers={"Content-Type": "application/json"})

    client = ApisClient(
        sandbox_environment("http://usps.test"),
        "id",
        "secret",
        transport=httpx.MockTransport(handler),
        sleep=lambda _s: None,
    )
    try:
        with pytest.raises(ServiceUnavailableError, match="without a usable token"):
            client.token()
    finally:
        client.close()
