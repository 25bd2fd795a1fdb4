"""The proof-of-mailing record: every fact in the PDF and the HTML page, a fingerprint that can be
recomputed, a page that loads nothing and runs nothing, hostile names kept as text."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pdfplumber
import pytest

from imb_tracker.actions.errors import ActionError
from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.actions.proof import payload_fingerprint, write_proof
from imb_tracker.records import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces
from imb_tracker.store.scans import scans_for, store_scans
from imb_tracker.tracking.ingest import refresh_piece_status, to_records

from .cli_run import cli

HOSTILE = '<script>alert("x")</script> & Sons'


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "proof.db"))
    add_mailer(database, "123456", "Acme Fund", stid="270")
    rows = [
        AddressRecord(2, HOSTILE, "", "1 Elm St", "", "Springfield", "IL", "62704", "1234"),
        AddressRecord(3, "Jo Lee", "", "2 Elm St", "", "Springfield", "IL", "62704", "1234"),
    ]
    create_mailing(database, "123456", "Spring", rows)
    mark_mailed(database, "Spring", datetime(2026, 12, 21, 9, 0))
    first = next(iter_pieces(database, "Spring")).imb
    scans = [
        {
            "scan_date_time": "2026-12-22T03:00:00",
            "scan_event_code": "891",
            "mail_phase": "Phase 1a - Origin Primary Processing",
            "scan_facility_name": "SPRINGFIELD IL P&DC",
            "scan_facility_zip": "62703",
        },
        {
            "scan_date_time": "2026-12-24 10:15:00",
            "scan_event_code": "919",
            "mail_phase": "Phase 3c - Destination Sequenced Carrier Sortation",
            "scan_facility_zip": "62703",
        },
    ]
    with database.write() as conn:
        records, _ = to_records(first, scans, "api")
        store_scans(conn, records, datetime(2026, 12, 25))
        refresh_piece_status(conn, first, datetime(2026, 12, 25), "ok")
    return database


def test_the_pdf_holds_every_fact_and_the_bars(db: Database, tmp_path: Path) -> None:
    letter = next(iter_pieces(db, "Spring"))
    out = tmp_path / "proof.pdf"
    assert write_proof(db, out, key=str(letter.serial), now=datetime(2026, 12, 30)) == 1
    digest, count = payload_fingerprint(db, letter.imb)
    stored = "\n".join(str(r["raw_payload"]) for r in scans_for(db, letter.imb))
    assert digest == hashlib.sha256(stored.encode()).hexdigest() and count == 2
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        text = " ".join(page.extract_text().split())
        bars = [r for r in page.rects if 0.01 * 72 < r["width"] < 0.03 * 72]
    for fact in (
        letter.imb,
        f"Serial {letter.imb[11:20]}",
        "Acme Fund",
        "Mailer ID 123456",
        "In the home 2026-12-26",
        "Mailed 2026-12-21",
        "2026-12-26 (estimated; basis: stop-the-clock",
        digest,
        "2026-12-24 10:15:00",
        "does not prove delivery",
    ):
        assert fact in text, fact
    assert len(bars) == 65
    heights = {round(r["height"] / 72, 2) for r in bars}  # full, ascender/descender, tracker
    assert len(heights) >= 3 and max(heights) == pytest.approx(0.145, abs=0.011)


def test_the_html_page_runs_and_loads_nothing_and_keeps_names_as_text(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "spring.html"
    assert write_proof(db, out, mailing="Spring", now=datetime(2026, 12, 30)) == 2
    page = out.read_text(encoding="utf-8")
    lowered = page.lower()
    assert (
        "<script" not in lowered
        and "src=" not in lowered
        and "href=" not in lowered
        and "http" not in lowered
    )
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons" in page
    assert page.count("<svg") == 2 and page.count("<rect") == 130
    assert "No scan is stored for this letter." in page  # the second letter was never scanned
    assert "does not prove delivery" in page


def test_refusals_name_the_fix(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ActionError, match=r"\.pdf or an \.html"):
        write_proof(db, tmp_path / "p.txt", mailing="Spring")
    with pytest.raises(ActionError, match="no stored piece has serial 999"):
        write_proof(db, tmp_path / "p.pdf", key="999")


def test_cli_proof(db: Database, tmp_path: Path) -> None:
    home, path = tmp_path / "home", db.display_name()
    done = cli("proof", "--db", path, "--mailing", "Spring", "--out", str(tmp_path / "m.pdf"), home=home)
    assert done.returncode == 0 and "2 letter(s)" in done.stdout, done.stderr
    both = cli(
        "proof",
        "--db",
        path,
        "--mailing",
        "Spring",
        "--serial",
        "1",
        "--out",
        str(tmp_path / "x.pdf"),
        home=home,
    )
    assert both.returncode == 2 and "Traceback" not in both.stderr
    bad = cli("proof", "--db", path, "--mailing", "Spring", "--out", str(tmp_path / "x.docx"), home=home)
    assert bad.returncode != 0 and ".html" in bad.stderr and "Traceback" not in bad.stderr
