"""Reply mail: the kinds' rules, linked and static reply IMbs, the printed pieces read back from pixels,
and replies tracked apart from their letters through the stand-in."""

from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from imb_tracker.actions.backend import open_workspace
from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.actions.refresh import RefreshPolicy, plan, run_refresh
from imb_tracker.actions.replies import (
    add_reply_design,
    draft_design,
    preview_design,
    print_replies,
    reply_rows,
    reply_summary,
)
from imb_tracker.app import app_paths
from imb_tracker.imb import FieldError, decode, encode_tracking
from imb_tracker.imb.reply import FIM_PATTERNS, check_design, default_stid, fim_bars
from imb_tracker.layout.replies import LEGEND_MIN_CAP
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings
from imb_tracker.store import open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces
from imb_tracker.store.schema import pieces, replies, scans
from imb_tracker.store.serials import reserve

from .cli_run import cli, sample_mailing
from .pdftools import NEEDS_POPPLER, Gray, rasterize, read_imb

BRM_LINES = ["ACME FUND", "PO BOX 1234", "SPRINGFIELD IL 62704-1234"]
CRM_LINES = ["ACME FUND", "100 MAIN ST", "SPRINGFIELD IL 62704-1234"]


def records(n: int) -> list[AddressRecord]:
    return [
        AddressRecord(i + 2, f"Donor {i}", "", f"{100 + i} Oak St", "", "Springfield", "IL", "62704", "1234")
        for i in range(n)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "replies.db"))
    add_mailer(database, "123456", "Acme Fund", stid="270")
    create_mailing(database, "123456", "Spring", records(200))
    return database


# ------------------------------------------------------------------ the kinds' rules


def test_default_stids_are_ivs_by_mid_values_and_by_zip_is_an_option() -> None:
    assert [default_stid(k) for k in ("brm", "qbrm", "crm", "prm")] == ["032", "032", "030", "031"]
    assert [default_stid(k, "linked", "zip") for k in ("brm", "crm", "prm")] == ["052", "050", "051"]
    assert default_stid("share", "linked") == "733" and default_stid("share", "static") == "734"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "brm", "stid": "032", "routing": "627041234", "barcode_id": "01"}, "barcode_id"),
        ({"kind": "brm", "stid": "032", "routing": "62704123456"}, "zip"),
        ({"kind": "crm", "stid": "030", "routing": "627041234"}, "zip"),
        ({"kind": "share", "stid": "733", "routing": "627041234"}, "stid"),
        ({"kind": "brm", "stid": "733", "routing": "627041234"}, "stid"),
        ({"kind": "brm", "stid": "032", "routing": "627041234", "share_mailer": True}, "mailer"),
    ],
)
def test_what_the_rules_forbid_is_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    kind, stid, routing = str(kwargs.pop("kind")), str(kwargs.pop("stid")), str(kwargs.pop("routing"))
    options = {"permit": "567", "permit_city": "SPRINGFIELD IL", **kwargs}
    with pytest.raises(FieldError) as caught:
        check_design(kind, stid, routing, **options)  # type: ignore[arg-type]
    assert caught.value.field == field, caught.value
    assert ";" in str(caught.value)  # the problem, then the fix


def test_share_mail_needs_a_share_mail_mailer(db: Database) -> None:
    with pytest.raises(FieldError, match="Share Mail"):
        add_reply_design(db, "123456", "share", "share", BRM_LINES, "627041234")
    add_mailer(db, "654321", "Share Co", share_mail=True)
    design, _ = add_reply_design(db, "654321", "share", "share", BRM_LINES, "627041234")
    assert design.stid == "733" and design.fim == "E"


def test_nothing_is_stored_when_the_address_line_disagrees_with_the_barcode(db: Database) -> None:
    with pytest.raises(FieldError, match="ZIP"):
        add_reply_design(
            db,
            "123456",
            "x",
            "brm",
            ["ACME", "SPRINGFIELD IL 62701-0001"],
            "627041234",
            permit="5",
            permit_city="SPRINGFIELD IL",
        )
    from imb_tracker.actions.replies import list_designs

    assert list_designs(db) == []
    draft = draft_design(db, "123456", "crm", CRM_LINES, "627041234")
    assert draft.problems and any("11" in p for p in draft.problems)  # CRM needs the 11-digit delivery point


def test_fim_geometry_is_the_references() -> None:
    for pattern, bits in FIM_PATTERNS.items():
        bars = fim_bars(pattern, 9.0, 4.0)
        assert len(bars) == bits.count("1")
        for bar in bars:
            assert bar.width == pytest.approx(1 / 32) and bar.height == pytest.approx(5 / 8)
            assert bar.y + bar.height == pytest.approx(4.0)  # from the top edge down
            from_right = 9.0 - (bar.x + bar.width)
            position = round((from_right - 2.0) * 16)
            assert from_right == pytest.approx(2.0 + position / 16)
            assert bits[8 - position] == "1"
        assert 9.0 - (bars[-1].x + bars[-1].width) == pytest.approx(2.0)  # bar 9: 2 in from the right


# ------------------------------------------------------------------ linked and static IMbs


def test_linked_replies_carry_their_letters_mid_and_serial_in_envelope_order(
    db: Database, tmp_path: Path
) -> None:
    add_reply_design(
        db, "123456", "env", "brm", BRM_LINES, "627041234", permit="567", permit_city="Springfield IL"
    )
    out = tmp_path / "replies.pdf"
    done = print_replies(db, "Spring", "env", out)
    assert done.pieces == 200 and done.linked_now == 200
    letters = list(iter_pieces(db, "Spring"))
    rows = reply_rows(db, "Spring")
    assert len(rows) == 200
    for letter, row in zip(letters, rows, strict=True):
        fields = decode(encode_tracking(row["reply_tracking"], row["reply_routing"])).fields
        assert (fields.mailer_id, fields.serial, fields.service_type, fields.barcode_id) == (
            "123456",
            letter.imb[11:20],
            "032",
            "00",
        )
        assert fields.routing == "627041234"
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 200
    # a second print reuses the links (same IMbs), never makes new ones
    again = print_replies(db, "Spring", "env", tmp_path / "again.pdf")
    assert again.linked_now == 0
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(replies)).scalar_one() == 200


def test_a_static_design_reserves_its_serial_so_no_letter_gets_it(db: Database, tmp_path: Path) -> None:
    design, _ = add_reply_design(
        db,
        "123456",
        "run",
        "brm",
        BRM_LINES,
        "627041234",
        permit="5",
        permit_city="SPRINGFIELD IL",
        static=True,
    )
    serial = int(design.static_tracking[11:])
    fresh = reserve(db, "123456", 500)
    assert serial not in set(fresh)
    with db.read() as conn:
        used = {int(t[11:]) for t in conn.execute(select(pieces.c.tracking)).scalars()}
    assert serial not in used
    print_replies(db, "Spring", "run", tmp_path / "static.pdf")
    with db.read() as conn:
        stored = conn.execute(select(replies.c.piece_id, replies.c.printed)).all()
    assert stored == [(None, 200)]  # one IMb for the run, counts only


def _link_in_process(path: str, out: str) -> int:
    from imb_tracker.actions.replies import print_replies as run

    return run(open_database(path), "Spring", "env", Path(out)).linked_now


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_printing_the_same_replies_link_each_letter_once(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        path = str(tmp_path / "two.db")
    else:
        from .conftest import new_postgres_database

        path = new_postgres_database(request.getfixturevalue("postgres_server"))
    db = open_database(path)
    add_mailer(db, "123456", "Acme Fund", stid="270")
    create_mailing(db, "123456", "Spring", records(200))
    add_reply_design(
        db, "123456", "env", "brm", BRM_LINES, "627041234", permit="5", permit_city="SPRINGFIELD IL"
    )
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        made = pool.starmap(_link_in_process, [(path, str(tmp_path / f"{i}.pdf")) for i in range(4)])
    assert sum(made) == 200  # one of them linked (or they shared the work); never twice
    with db.read() as conn:
        count = conn.execute(select(func.count()).select_from(replies)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(replies.c.piece_id)))).scalar_one()
    assert count == distinct == 200
    db.close()


# ------------------------------------------------------------------ the printed piece, read from pixels


def _dark_runs(
    img: Gray, y_in: float, x0_in: float, x1_in: float, page_h: float
) -> list[tuple[float, float]]:
    d = img.dpi
    y = int((page_h - y_in) * d)
    runs, start = [], None
    for x in range(int(x0_in * d), int(x1_in * d)):
        if img.dark(x, y) and start is None:
            start = x
        elif not img.dark(x, y) and start is not None:
            runs.append((start / d, x / d))
            start = None
    return runs


@NEEDS_POPPLER
@pytest.mark.parametrize(
    ("kind", "template", "routing", "lines"),
    [
        ("brm", "9", "627041234", BRM_LINES),
        ("crm", "6-3/4", "62704123456", CRM_LINES),
        ("brm", "card", "627041234", BRM_LINES),
    ],
)
def test_the_printed_reply_reads_back_at_600_dpi(
    db: Database, tmp_path: Path, kind: str, template: str, routing: str, lines: list[str]
) -> None:
    from imb_tracker.store.replies import ReplyOptions

    design, _ = add_reply_design(
        db,
        "123456",
        "p",
        kind,
        lines,
        routing,
        permit="567",
        permit_city="SPRINGFIELD IL",
        options=ReplyOptions(template=template),
    )
    out = tmp_path / "r.pdf"
    print_replies(db, "Spring", "p", out)
    tmpl, layout, broken = preview_design(design)
    assert broken == []
    w, h = tmpl.width, tmpl.height
    letters = list(iter_pieces(db, "Spring"))
    for page, letter in ((1, letters[0]), (200, letters[199])):  # same order as the envelopes
        img = rasterize(out, page, 600)
        assert (img.width, img.height) == (round(w * 600), round(h * 600))
        # the IMb: the letter's MID and serial, the reply STID and routing
        bars = read_imb(
            img, layout.bars_x - 0.05, layout.bars_y - 0.02, layout.bars_x + 3.3, layout.bars_y + 0.2, h
        )
        fields = decode(bars).fields
        assert (fields.mailer_id, fields.serial, fields.service_type, fields.routing) == (
            "123456",
            letter.imb[11:20],
            design.stid,
            routing,
        )
    # the FIM: the pattern's bars at 1/16 in positions, 1/32 in wide, the rightmost 2 in from the right edge
    img = rasterize(out, 1, 600)
    runs = _dark_runs(img, h - 0.3, w - 2.75, w - 1.8, h)
    bits = ["0"] * 9
    for left, right in runs:
        assert right - left == pytest.approx(1 / 32, abs=0.008)
        position = round((w - right - 2.0) * 16)
        assert (w - right) == pytest.approx(2.0 + position / 16, abs=1 / 64)
        bits[8 - position] = "1"
    assert "".join(bits) == FIM_PATTERNS[design.fim]
    x9 = int((w - 2.0 - 1 / 64) * 600)  # down the middle of bar 9, from the top edge
    run = 0
    while img.dark(x9, run):
        run += 1
    assert run / 600 == pytest.approx(5 / 8, abs=1 / 32)
    # nothing but the FIM in the FIM clear zone (3 in to 1-3/4 in from the right, top 5/8 in)
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0]
        for ch in first.chars:
            inside = w - 3.0 < ch["x1"] / 72 and ch["x0"] / 72 < w - 1.75 and ch["top"] / 72 < 5 / 8
            assert not inside, f"{ch['text']!r} printed in the FIM clear zone"
        if kind == "brm":
            legend = [c for c in first.chars if c["text"] == "B" and c["size"] >= 19]
            assert legend, "the BUSINESS REPLY MAIL legend"
            # its ink: capital letters at least 3/16 in tall
            row = legend[0]
            x = (row["x0"] + row["x1"]) / 2 / 72
            column = [
                y
                for y in range(int(row["top"] / 72 * 600), int(row["bottom"] / 72 * 600))
                if img.dark(int((x - 0.02) * 600), y)
            ]
            assert (max(column) - min(column) + 1) / 600 >= LEGEND_MIN_CAP - 0.005
        if kind == "crm":
            texts = " ".join(first.extract_text().split())
            assert "SPRINGFIELD IL 62704-1234" in texts
            city = [ln for ln in first.extract_text_lines() if "SPRINGFIELD IL" in ln["text"]][-1]
            above_bottom = (first.height - city["bottom"]) / 72
            assert 5 / 8 - 0.01 <= above_bottom <= 2.25 + 0.01


# ------------------------------------------------------------------ tracked apart, through the stand-in


def test_replies_come_back_through_the_stand_in_and_stay_apart_from_their_letters(tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "home")
    settings = Settings(configured=True, usps_env="demo")
    space = open_workspace(paths, settings, db_url=str(tmp_path / "demo.db"), mode="demo")
    db, backend = space.db, space.backend
    try:
        backend.set_quota(100_000)
        add_mailer(db, "123456", "Demo", stid="270")
        create_mailing(
            db,
            "123456",
            "Appeal",
            [
                AddressRecord(i + 2, f"Donor {i}", "", f"{i} Elm St", "", c, s, z, "")
                for i, (c, s, z) in enumerate([("Boise", "ID", "83702"), ("Austin", "TX", "78701")] * 100)
            ],
        )
        add_reply_design(
            db, "123456", "env", "brm", BRM_LINES, "627041234", permit="5", permit_city="SPRINGFIELD IL"
        )
        print_replies(db, "Appeal", "env", tmp_path / "r.pdf", backend=backend)
        mark_mailed(db, "Appeal", backend=backend)
        policy = RefreshPolicy(quota_per_minute=100_000, min_interval=timedelta(hours=12))
        for _day in range(14):
            backend.advance_demo(1)
            run_refresh(db, backend, plan(db, backend, policy, "Appeal").due, policy)
        with db.read() as conn:
            reply_scans = conn.execute(
                select(scans.c.imb, scans.c.piece_id).where(scans.c.reply_id.is_not(None))
            ).all()
            letter_scans = (
                conn.execute(select(scans.c.imb).where(scans.c.piece_id.is_not(None))).scalars().all()
            )
        assert reply_scans, "some recipients replied"
        assert all(piece_id is None and imb[2:5] == "032" for imb, piece_id in reply_scans)
        assert all(imb[2:5] == "270" for imb in letter_scans)
        rows = reply_rows(db, "Appeal")
        seen = [r for r in rows if r["reply_seen"]]
        arrived = [r for r in seen if r["arrived"]]
        assert 0 < len(seen) < 200 and arrived
        assert all(r["status"] == "Reply reached your post office" for r in arrived)
        assert all(r["status"] == "Reply on its way" for r in seen if not r["arrived"])
        assert all(r["first_inbound_scan"] <= r["last_inbound_scan"] for r in seen)
        summary = reply_summary(db, "Appeal")
        assert summary.replied == len(seen) and summary.rate == pytest.approx(len(seen) / 200)
        assert sum(n for _, n in summary.curve) == len(seen)
        assert {w["serial"] for w in summary.who} == {r["serial"] for r in seen}
        # the Letters table: the reply filters, and a reply IMb found as its letter
        from imb_tracker.store.browse import PieceFilter, browse_pieces, count_pieces

        assert count_pieces(db, PieceFilter(replies="arrived")) == len(arrived)
        assert count_pieces(db, PieceFilter(replies="replied")) == len(seen)
        assert count_pieces(db, PieceFilter(replies="waiting")) == 200 - len(seen)
        found = browse_pieces(
            db, PieceFilter(search=arrived[0]["reply_tracking"] + arrived[0]["reply_routing"])
        )
        assert [r["serial"] for r in found] == [arrived[0]["serial"]] and found[0]["reply_state"] == "arrived"
        with pytest.raises(ValueError, match="reply filter"):
            count_pieces(db, PieceFilter(replies="nonsense"))
        # one-click lookup of a letter brings its reply along; a reply IMb says whose reply it is
        from imb_tracker.actions.lookup import look_up

        replied = arrived[0]
        result = look_up(db, backend, str(replied["serial"]), stalled_days=5)
        assert result.reply is not None and result.reply["status"] == "Reply reached your post office"
        assert result.reply["scans"] and all(v.opcode for v in result.reply["scans"])
        assert result.timeline.imb[2:5] == "270"  # the letter's own timeline, not the reply's
        own = look_up(db, backend, replied["reply_tracking"] + replied["reply_routing"], stalled_days=5)
        assert own.reply_of is not None and f"serial {replied['serial']}" in own.reply_of
    finally:
        space.close()


# ------------------------------------------------------------------ the CLI, as users' scripts call it


def test_cli_reply_workflow_and_its_refusals(tmp_path: Path) -> None:
    home, d = sample_mailing(tmp_path)
    base = ["reply", "add", "--db", d, "--mailer", "123456", "--line", "ACME", "--line", "PO BOX 1", "--line"]
    refused = [
        [
            *base,
            "SPRINGFIELD IL 62704-1234",
            "--name",
            "a",
            "--kind",
            "brm",
            "--zip",
            "62704123401",
            "--permit",
            "5",
            "--permit-city",
            "SPRINGFIELD IL",
        ],
        [*base, "SPRINGFIELD IL 62704-1234", "--name", "b", "--kind", "crm", "--zip", "627041234"],
        [
            *base,
            "SPRINGFIELD IL 62704-1234",
            "--name",
            "c",
            "--kind",
            "brm",
            "--zip",
            "627041234",
            "--permit",
            "5",
            "--permit-city",
            "SPRINGFIELD IL",
            "--stid",
            "733",
        ],
        [*base, "SPRINGFIELD IL 62704-1234", "--name", "d", "--kind", "bogus", "--zip", "627041234"],
    ]
    for args in refused:
        result = cli(*args, home=home)
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip(), "a refusal says why"
    ok = cli(
        *base,
        "SPRINGFIELD IL 62704-1234",
        "--name",
        "env",
        "--kind",
        "brm",
        "--zip",
        "62704-1234",
        "--permit",
        "567",
        "--permit-city",
        "SPRINGFIELD IL",
        home=home,
    )
    assert ok.returncode == 0, ok.stderr
    listed = cli("reply", "list", "--db", d, home=home)
    assert "env" in listed.stdout and "032" in listed.stdout and ("a" not in listed.stdout.split())
    out = tmp_path / "replies.pdf"
    printed = cli(
        "print",
        "replies",
        "--db",
        d,
        "--mailing",
        "Spring",
        "--reply",
        "env",
        "--template",
        "9",
        "--out",
        str(out),
        home=home,
    )
    assert printed.returncode == 0, printed.stderr
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 194
    table = cli("pieces", "--db", d, "--mailing", "Spring", home=home).stdout.splitlines()
    header = table[0].split(",")
    assert {"reply_tracking", "reply_routing", "reply_bars"} <= set(header)
    answer = json.loads(
        cli("replies", "--db", d, "--mailing", "Spring", "--format", "json", home=home).stdout
    )
    assert len(answer) == 194 and answer[0]["reply_tracking"].startswith("00032123456")
    assert answer[0]["reply_seen"] is False and answer[0]["arrived"] is False
    assert {"first_inbound_scan", "last_inbound_scan"} <= set(answer[0])
