"""imb-tracker print …: PDFs from a stored mailing, and refusals before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from imb_tracker.imb import decode
from imb_tracker.store import open_database
from imb_tracker.store.mailings import iter_pieces

from .pdftools import NEEDS_POPPLER, rasterize, read_imb

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=os.environ.copy(),
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("print") / "print.db")
    assert run("mailer", "add", "--db", path, "--mid", "123456", "--name", "Acme Charity").returncode == 0
    result = run("import", str(SAMPLE), "--db", path, "--mailer", "123456", "--name", "Demo")
    assert result.returncode == 0, result.stderr
    return path


@NEEDS_POPPLER
def test_print_envelopes_and_read_the_first_one_back(db: str, tmp_path: Path) -> None:
    out = tmp_path / "env.pdf"
    result = run(
        "print",
        "envelopes",
        "--db",
        db,
        "--mailing",
        "Demo",
        "--out",
        str(out),
        "--imb-position",
        "clear-zone",
        "--return-line",
        "ACME CHARITY",
        "--return-line",
        "PO BOX 100",
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 194 envelope(s) (#10 business envelope, barcode clear-zone)" in result.stdout
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 194
    first = next(iter_pieces(open_database(db), "Demo"))
    img = rasterize(out, 1, 600)
    bars = read_imb(
        img, 5.5 - 0.06, 0.24, 5.5 + 3.0, 0.25 + 0.155, 4.125
    )  # clear zone: x = 9.5 - 4.0, y = 0.25
    assert decode(bars).fields.payload == first.imb


def test_rule_violations_stop_the_job_before_writing(db: str, tmp_path: Path) -> None:
    out = tmp_path / "bad.pdf"
    result = run(
        "print", "envelopes", "--db", db, "--mailing", "Demo", "--out", str(out), "--template", "custom:12x7"
    )
    assert result.returncode == 1
    assert "outside the letter range" in result.stderr and "nothing was written" in result.stderr
    assert not out.exists()


def test_print_labels_tags_calibration_and_bars(db: str, tmp_path: Path) -> None:
    labels = tmp_path / "labels.pdf"
    result = run(
        "print",
        "labels",
        "--db",
        db,
        "--mailing",
        "Demo",
        "--layout",
        "avery-5163",
        "--start-cell",
        "3",
        "--out",
        str(labels),
    )
    assert result.returncode == 0 and "wrote 194 label(s) on 20 sheet(s)" in result.stdout
    refused = run(
        "print",
        "labels",
        "--db",
        db,
        "--mailing",
        "Demo",
        "--layout",
        "avery-5160",
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert refused.returncode == 1 and "Intelligent Mail barcode needs" in refused.stderr
    align = run("print", "labels", "--layout", "5162", "--alignment", "--out", str(tmp_path / "align.pdf"))
    assert align.returncode == 0
    tags = tmp_path / "tags.pdf"
    first = run(
        "print",
        "tray-tags",
        "--db",
        db,
        "--mailer",
        "123456",
        "--zip",
        "62704",
        "--cin",
        "242",
        "--count",
        "3",
        "--out",
        str(tags),
    )
    assert first.returncode == 0, first.stderr
    assert "627042421123456000000011 … 627042421123456000000031" in first.stdout
    again = run(
        "print",
        "tray-tags",
        "--db",
        db,
        "--mailer",
        "123456",
        "--zip",
        "62704",
        "--cin",
        "242",
        "--count",
        "1",
        "--out",
        str(tags),
    )
    assert "627042421123456000000041" in again.stdout  # tray serials never repeat
    bad = run(
        "print",
        "tray-tags",
        "--db",
        db,
        "--mailer",
        "123456",
        "--zip",
        "6270",
        "--cin",
        "242",
        "--count",
        "1",
        "--out",
        str(tags),
    )
    assert bad.returncode == 1 and "destination ZIP must be 5 digits" in bad.stderr
    assert run("print", "calibration", "--out", str(tmp_path / "cal.pdf")).returncode == 0
    bars = run(
        "print",
        "bars",
        "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT",
        "--out",
        str(tmp_path / "bars.pdf"),
    )
    assert bars.returncode == 0
    wrong = run("print", "bars", "ATTF", "--out", str(tmp_path / "w.pdf"))
    assert wrong.returncode == 1 and "65 bars" in wrong.stderr
