"""Trays, sacks and pallets: the grouping rules, every piece in exactly one tray, the tags and placards
read back from pixels, and container serials that never repeat."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from imb_tracker.actions.containers import (
    build_trays,
    move_pieces,
    print_mailing_tags,
    print_placards,
    set_lines,
    tray_rows,
    tray_statuses,
    write_manifest_csv,
)
from imb_tracker.imb import ContainerBarcode, FieldError, TrayBarcode
from imb_tracker.imb.presort import (
    LINE_MAX,
    PieceSpot,
    content_words,
    origin_line,
    per_tray_for,
    plan_trays,
)
from imb_tracker.layout.placards import BAR_HEIGHT, LINE_MIN_CAP, MODULE
from imb_tracker.layout.sheets import cell_box
from imb_tracker.layout.templates import sheet_template
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.errors import ConflictError
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing
from imb_tracker.store.schema import container_pieces, pieces

from .cli_run import cli, sample_mailing
from .pdftools import NEEDS_POPPLER, NEEDS_ZBAR, rasterize

NOW_FOR_FILES = datetime(2026, 12, 2, 8, 0)
SETTINGS = Settings(
    return_address=["ACME FUND", "PO BOX 1", "SPRINGFIELD IL 62704-0001"], tray_min_5d=30, tray_min_3d=40
)
PLACES = (
    [("Springfield", "IL", "62704")] * 70
    + [("Springfield", "IL", "62701")] * 25
    + [("Chicago", "IL", "62702")] * 20
    + [("Boise", "ID", "83702")] * 45
    + [("Austin", "TX", "78701")] * 40
)


def records() -> list[AddressRecord]:
    return [
        AddressRecord(i + 2, f"Donor {i}", "", f"{i} Oak St", "", c, s, z, "")
        for i, (c, s, z) in enumerate(PLACES)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "trays.db"))
    add_mailer(database, "123456", "Acme Fund", stid="270")
    create_mailing(database, "123456", "Spring", records())
    return database


# ------------------------------------------------------------------ the rules, pure


def test_every_piece_lands_in_exactly_one_tray_by_level() -> None:
    spots = [PieceSpot(i, z, c, s) for i, (c, s, z) in enumerate(PLACES)]
    plans = plan_trays(spots, 30, min_5d=30, min_3d=40)
    ids = [i for p in plans for i in p.piece_ids]
    assert sorted(ids) == list(range(len(PLACES))) and len(ids) == len(set(ids))
    assert all(len(p.piece_ids) <= 30 for p in plans)
    levels = [(p.level, p.zip) for p in plans]
    # 62704 (70) and 83702 (45) and 78701 (40) make 5-digit trays; 62701 + 62702 (45) a 3-digit one
    assert levels.count(("5d", "62704")) == 3 and ("5d", "83702") in levels and ("5d", "78701") in levels
    assert ("3d", "62700") in levels and not any(level == "mxd" for level, _ in levels)
    for p in plans:  # each tray's pieces keep their print order
        assert list(p.piece_ids) == sorted(p.piece_ids)
    with pytest.raises(ValueError):
        plan_trays(spots, 0)


def test_lines_fit_thirty_characters_by_the_stated_rules() -> None:
    assert origin_line("Acme Fund", "Springfield", "IL") == "ACME FUND SPRINGFIELD IL"
    assert (
        origin_line("Acme Corporation International Services", "Fort Lauderdale", "FL")
        == "ACME CORP FT LAUDERDALE FL"
    )
    long = origin_line("The Greater Springfield Community Foundation", "Saint Petersburg", "FL")
    assert len(long) <= LINE_MAX and long.endswith("ST PETERSBURG FL")
    assert origin_line("Ümlaut & Sons, Inc.", "Anytown", "NY") == "UMLAUT & SONS INC ANYTOWN NY"
    for name in ("X" * 80, "A B C D E F G H I J K L M N O P Q R S T U V W", ""):
        assert len(origin_line(name, "Springfield", "IL")) <= LINE_MAX
    assert content_words("FCM LTR 5D BC") == "First-Class Mail letters, 5-digit, barcoded"
    assert per_tray_for(0.025) == 460
    with pytest.raises(ValueError):
        per_tray_for(0)


# ------------------------------------------------------------------ built, stored, listed


def test_built_trays_hold_every_piece_once_and_the_manifest_agrees(db: Database, tmp_path: Path) -> None:
    made = build_trays(db, "Spring", SETTINGS, per_tray=30)
    assert sum(c.pieces for c in made) == len(PLACES)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(container_pieces)).scalar_one() == len(PLACES)
        assert conn.execute(select(func.count()).select_from(pieces)).scalar_one() == len(PLACES)
    barcodes = [c.barcode for c in made]
    assert len(set(barcodes)) == len(made)
    for c in made:
        code = TrayBarcode.from_digits(c.barcode)
        assert (code.mailer_id, code.processing_code, code.label_type) == ("123456", "1", "1")
        assert code.content_id == {"5d": "242", "3d": "244", "mxd": "246"}[c.level]
        assert len(c.line1) <= 30 and c.line3 == "ACME FUND SPRINGFIELD IL"
    five = next(c for c in made if c.level == "5d" and c.zip == "62704")
    assert five.line1 == "SPRINGFIELD IL 62704" and five.line2 == "FCM LTR 5D BC"
    # the manifest and the pieces export agree piece by piece
    text = io.StringIO()
    write_manifest_csv(db, "Spring", text)
    manifest = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert [int(r["pieces"]) for r in manifest] == [c.pieces for c in made]
    from imb_tracker.actions.exports import export_pieces

    out = io.StringIO()
    export_pieces(db, out, "Spring", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    per_tray: dict[str, list[int]] = {}
    for r in rows:
        per_tray.setdefault(r["tray"], []).append(int(r["serial"]))
    assert set(per_tray) == set(barcodes)
    for m in manifest:
        serials = per_tray[m["barcode"]]
        assert len(serials) == int(m["pieces"])
        assert (min(serials), max(serials)) == (int(m["first_serial"]), int(m["last_serial"]))
    # built again: refused, or with replace new barcodes (the old serials are never reissued)
    with pytest.raises(ConflictError):
        build_trays(db, "Spring", SETTINGS, per_tray=30)
    again = build_trays(db, "Spring", SETTINGS, per_tray=30, replace=True)
    assert not {c.barcode for c in again} & set(barcodes)


def test_trays_by_column_moves_and_line_edits(db: Database) -> None:
    build_trays(db, "Spring", SETTINGS, per_tray=500)
    rows = tray_rows(db, "Spring")
    first, last = rows[0], rows[-1]
    moved = move_pieces(db, "Spring", [int(first["first_serial"])], int(last["tray"]))
    assert moved == 1
    after = {r["tray"]: r["pieces"] for r in tray_rows(db, "Spring")}
    assert after[first["tray"]] == first["pieces"] - 1 and after[last["tray"]] == last["pieces"] + 1
    with pytest.raises(FieldError, match="serial"):
        move_pieces(db, "Spring", [999_999], 1)
    edited = set_lines(db, "Spring", 1, line1="springfield il 62704")
    assert edited.line1 == "SPRINGFIELD IL 62704"
    with pytest.raises(FieldError, match="30"):
        set_lines(db, "Spring", 1, line2="X" * 31)


def test_a_tray_none_of_whose_pieces_was_seen_is_flagged(db: Database) -> None:
    from imb_tracker.store.mailings import mark_mailed

    build_trays(db, "Spring", SETTINGS, per_tray=100)
    now = db.clock()
    mark_mailed(db, "Spring", now - timedelta(days=8))
    statuses = tray_statuses(db, "Spring", now, unseen_days=5)
    assert statuses and all(s.not_seen and s.words == "Tray not seen at all" for s in statuses)
    assert not any(s.not_seen for s in tray_statuses(db, "Spring", now - timedelta(days=4), unseen_days=5))


# ------------------------------------------------------------------ on paper, read back


@NEEDS_POPPLER
@NEEDS_ZBAR
def test_zbar_reads_every_tag_and_placard_at_300_dpi(db: Database, tmp_path: Path) -> None:
    made = build_trays(db, "Spring", SETTINGS, per_tray=30)
    tags = tmp_path / "tags.pdf"
    print_mailing_tags(db, "Spring", sheet_template("avery-5371", "tags"), tags)
    placards = tmp_path / "placards.pdf"
    made_placards = print_placards(db, placards, SETTINGS, mailing="Spring")
    loose = tmp_path / "loose.pdf"
    loose_placards = print_placards(
        db, loose, SETTINGS, mid="123456", line1="AUSTIN TX 787", line2="FCM LTR", count=2
    )
    read = []
    for pdf in (tags, placards, loose):
        out = subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True
        )
        del out
    for png in sorted(tmp_path.glob("*.png")):
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False
        )
        read.extend(line.strip() for line in result.stdout.splitlines() if line.strip())
    assert {c.barcode for c in made} <= set(read)
    containers = {p.barcode.data for p in [*made_placards, *loose_placards]}
    assert all(c.startswith("99M123456") and len(c) == 21 for c in containers)
    assert containers <= set(read)
    assert sum(1 for r in read if r.startswith("99M")) == 2 * len(containers)  # two placards per pallet


@NEEDS_POPPLER
def test_placard_barcode_and_lettering_measure_inside_the_limits(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    print_placards(
        db, out, SETTINGS, mid="123456", line1="SPRINGFIELD IL 627", line2="FCM LTR", line3="ACME FUND"
    )
    img = rasterize(out, 1, 600)
    d = 600
    # the bars: a row through the middle of the symbol
    y = int((11.0 - 2.0 - BAR_HEIGHT / 2) * d)
    runs, start = [], None
    for x in range(img.width):
        if img.dark(x, y) and start is None:
            start = x
        elif not img.dark(x, y) and start is not None:
            runs.append((start, x))
            start = None
    bars = [r for r in runs if 0.2 * d < r[0] < 8.3 * d]
    length = (bars[-1][1] - bars[0][0]) / d
    narrowest = min(b - a for a, b in bars) / d
    assert 0.0225 - 1 / d <= narrowest <= 0.0275 + 1 / d and narrowest == pytest.approx(MODULE, abs=1.5 / d)
    assert 6.25 <= length <= 7.25
    assert length + 20 * MODULE <= 7.25  # with both quiet zones too
    # quiet zones: nothing dark 10 X either side of the symbol on that row
    quiet = int(10 * MODULE * d)
    assert not any(img.dark(x, y) for x in range(bars[0][0] - quiet, bars[0][0]))
    assert not any(img.dark(x, y) for x in range(bars[-1][1] + 1, bars[-1][1] + quiet))
    column = (bars[0][0] + bars[0][1]) // 2
    up = down = y  # the bar's own run of dark pixels through the middle row
    while img.dark(column, up - 1):
        up -= 1
    while img.dark(column, down + 1):
        down += 1
    assert 0.75 <= (down - up + 1) / d <= 1.1
    # Line 1's capitals at least 1/2 in high: the first ink rows of the placard's left text column
    left = int((0.25 + 0.375) * d)
    rows = [
        r
        for r in range(int(0.3 * d), int(1.3 * d))
        if any(img.dark(x, r) for x in range(left, left + int(0.5 * d)))
    ]
    assert (max(rows) - min(rows) + 1) / d >= LINE_MIN_CAP


@NEEDS_POPPLER
def test_tag_line_1_starts_at_least_an_eighth_below_the_top(db: Database, tmp_path: Path) -> None:
    build_trays(db, "Spring", SETTINGS, per_tray=30)
    out = tmp_path / "tags.pdf"
    sheet = sheet_template("avery-5371", "tags")
    print_mailing_tags(db, "Spring", sheet, out)
    img = rasterize(out, 1, 600)
    d = 600
    for number in (1, 2):
        x, y = cell_box(sheet, number)
        top = sheet.page_height - (y + sheet.height)
        inked = [
            r
            for r in range(int(top * d), int((top + 0.6) * d))
            if any(img.dark(c, r) for c in range(int((x + 0.1) * d), int((x + sheet.width - 0.1) * d)))
        ]
        assert inked[0] / d - top >= 0.125


# ------------------------------------------------------------------ serials never repeat


WORKER = r"""
import json, sys
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings
from imb_tracker.store import open_database
from imb_tracker.store.mailings import create_mailing, iter_pieces
from imb_tracker.actions.containers import build_trays, print_placards
from pathlib import Path
url, out, n, tmp = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
db = open_database(url)
rows = [AddressRecord(i + 2, f"P{i}", "", f"{i} Elm", "", "Springfield", "IL", f"627{i % 10:02d}") for i in range(200)]
create_mailing(db, "123456", f"M{n}", rows)
s = Settings(return_address=["SPRINGFIELD IL 62704"])
trays = build_trays(db, f"M{n}", s, per_tray=10)
pallets = print_placards(db, Path(tmp) / f"p{n}.pdf", s, mid="123456", line1="A", line2="B", count=3)
with open(out, "w") as fh:
    json.dump({"trays": [t.barcode for t in trays], "pallets": [p.barcode.data for p in pallets]}, fh)
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_processes_building_trays_and_pallets_never_share_a_serial(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.db'}"
    else:
        from .conftest import new_postgres_database

        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    db = open_database(url)
    add_mailer(db, "123456", "Race")
    procs = []
    for i in range(4):
        out = tmp_path / f"w{i}.json"
        cmd = [sys.executable, "-c", WORKER, url, str(out), str(i), str(tmp_path)]
        procs.append((subprocess.Popen(cmd, stderr=subprocess.PIPE), out))
    trays: list[str] = []
    pallets: list[str] = []
    for proc, out in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        got = json.loads(out.read_text())
        trays.extend(got["trays"])
        pallets.extend(got["pallets"])
    tray_serials = [TrayBarcode.from_digits(t).serial for t in trays]
    assert len(trays) == 4 * 20 and len(set(tray_serials)) == len(trays)
    pallet_serials = [ContainerBarcode.from_data(p).serial for p in pallets]
    assert len(pallets) == 12 and len(set(pallet_serials)) == 12
    db.close()


# ------------------------------------------------------------------ the CLI, as scripts call it


def test_cli_trays_build_list_tags_and_pieces(tmp_path: Path) -> None:
    home, d = sample_mailing(tmp_path)
    built = cli("trays", "build", "--db", d, "--mailing", "Spring", "--per-tray", "50", home=home)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built 4 tray(s) for 194 piece(s)")
    listed = cli("trays", "list", "--db", d, "--mailing", "Spring", "--format", "csv", home=home)
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert list(rows[0]) == [
        "tray",
        "barcode",
        "line1",
        "line2",
        "line3",
        "pieces",
        "first_serial",
        "last_serial",
    ]
    assert sum(int(r["pieces"]) for r in rows) == 194
    as_json = json.loads(
        cli("trays", "list", "--db", d, "--mailing", "Spring", "--format", "json", home=home).stdout
    )
    assert [r["barcode"] for r in as_json] == [r["barcode"] for r in rows]
    tags = tmp_path / "t.pdf"
    printed = cli("print", "tray-tags", "--db", d, "--mailing", "Spring", "--out", str(tags), home=home)
    assert printed.returncode == 0 and tags.is_file(), printed.stderr
    loose = cli(
        "print",
        "tray-tags",
        "--db",
        d,
        "--mailer",
        "123456",
        "--zip",
        "62704",
        "--cin",
        "242",
        "--count",
        "2",
        "--out",
        str(tmp_path / "l.pdf"),
        home=home,
    )
    assert loose.returncode == 0, loose.stderr
    neither = cli("print", "tray-tags", "--db", d, "--out", str(tmp_path / "n.pdf"), home=home)
    assert neither.returncode != 0 and "--mailing" in neither.stderr and "Traceback" not in neither.stderr
    table = list(
        csv.DictReader(io.StringIO(cli("pieces", "--db", d, "--mailing", "Spring", home=home).stdout))
    )
    assert {r["tray"] for r in table} == {r["barcode"] for r in rows}
    placards = cli(
        "print",
        "placards",
        "--db",
        d,
        "--mailer",
        "123456",
        "--line1",
        "SPRINGFIELD IL 627",
        "--line2",
        "FCM LTR",
        "--out",
        str(tmp_path / "p.pdf"),
        home=home,
    )
    assert placards.returncode == 0 and "99M 123456" in placards.stdout, placards.stderr
    bad = cli("trays", "move", "--db", d, "--mailing", "Spring", "--serials", "5-x", "--to", "1", home=home)
    assert bad.returncode != 0 and "--serials" in bad.stderr and "Traceback" not in bad.stderr


def test_iv_file_container_scans_are_stored_against_their_tray_or_pallet(
    db: Database, tmp_path: Path
) -> None:
    from imb_tracker.store.containers import container_scan_rows
    from imb_tracker.tracking.files import import_iv_file

    made = build_trays(db, "Spring", SETTINGS, per_tray=60)
    pallet = print_placards(db, tmp_path / "p.pdf", SETTINGS, mailing="Spring")[0]
    letter = next(
        iter(__import__("imb_tracker.store.mailings", fromlist=["iter_pieces"]).iter_pieces(db, "Spring"))
    )
    iv = tmp_path / "iv.csv"
    iv.write_text(
        "Handling Unit Barcode,IMb,Scan Date Time,Scan Event Code,Scan Facility ZIP\n"
        f"{made[0].barcode},,2026-12-01T10:00:00,HU1,62703\n"
        f"{made[0].barcode},,2026-12-01T10:00:00,HU1,62703\n"  # the same scan twice: stored once
        f"(99){pallet.barcode.data[2:]},,2026-12-01T11:00:00,HU2,62703\n"
        f"{'9' * 24},,2026-12-01T12:00:00,HU1,62703\n"  # a tray this database does not know
        f"{made[1].barcode},,not a time,HU1,62703\n"
        f",{letter.imb},2026-12-01T09:00:00,891,62703\n",
        encoding="utf-8",
    )
    result = import_iv_file(db, iv, NOW_FOR_FILES)
    assert (result.read, result.new) == (1, 1)  # the letter's own scan
    assert (result.container_read, result.container_new, result.container_unknown, result.skipped) == (
        3,
        2,
        1,
        1,
    )
    stored = container_scan_rows(db, made[0].id)
    assert (
        len(stored) == 1
        and stored[0]["op_code"] == "HU1"
        and "Handling Unit Barcode" in stored[0]["raw_payload"]
    )
    statuses = {s.container.number: s for s in tray_statuses(db, "Spring", NOW_FOR_FILES)}
    assert statuses[made[0].number].tray_scans == 1 and "scanned 1×" in statuses[made[0].number].words


def test_the_users_own_cin_lines_add_to_the_table(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imb_tracker.actions.containers import cin_entries, user_cin_file

    monkeypatch.setenv("IMB_TRACKER_HOME", str(tmp_path / "home"))
    own = user_cin_file()
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("cin,content_line\n246,fcm ltr bc wkg mixed\n999,FCM LTR TEST\n", encoding="utf-8")
    table = cin_entries()
    assert (
        table["999"] == "FCM LTR TEST"
        and table["246"] == "FCM LTR BC WKG MIXED"
        and table["242"] == "FCM LTR 5D BC"
    )
    made = build_trays(db, "Spring", Settings(return_address=["SPRINGFIELD IL 62704"]), per_tray=500)
    assert {c.line2 for c in made if c.level == "mxd"} == {"FCM LTR BC WKG MIXED"}
    own.write_text("24x,NOT A CIN\n", encoding="utf-8")
    with pytest.raises(FieldError, match=r"cin\.csv line 1"):
        cin_entries()


def test_a_formula_typed_into_a_line_stays_text_in_the_manifest(db: Database) -> None:
    build_trays(db, "Spring", SETTINGS, per_tray=500)
    set_lines(db, "Spring", 1, line1='=HYPERLINK("http://x")')
    text = io.StringIO()
    write_manifest_csv(db, "Spring", text)
    row = next(csv.DictReader(io.StringIO(text.getvalue())))
    assert not row["line1"].startswith(("=", "+", "-", "@")) and "HYPERLINK" in row["line1"]
