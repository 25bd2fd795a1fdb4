"""The letters table over a generated database of 1,000,000 pieces: lazy pages, search, filter, sort.

The database is built once per test run (about a minute) through the real
allocator and ``create_mailing``.  These tests check behaviour only; how fast
it is, is measured (and held to its budgets) by ``benchmarks/bench_gui.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from imb_tracker.gui.letters_model import KEYS, PAGE, STATUS_COLUMN, LettersModel
from imb_tracker.store import Database, open_database
from imb_tracker.store.browse import PieceFilter, count_pieces
from tests.synthetic import generate

MILLION = 1_000_000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def million_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("million") / "million.db"
    db = open_database(str(path))
    assert generate(db, MILLION) == MILLION
    return db


def test_a_million_pieces_open_scroll_search_filter_and_sort(qtbot: QtBot, million_db: Database) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    model = LettersModel(million_db, view)
    view.setModel(model)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    # scrolling to the end of what is loaded fetches the next page (keyset, not OFFSET)
    for _ in range(20):
        view.scrollToBottom()
        qtbot.wait(5)
    assert model.rowCount() > PAGE * 3
    serials = [int(model.data(model.index(r, KEYS.index("serial")))) for r in range(model.rowCount())]
    assert serials == sorted(serials, reverse=True)  # newest first, no gaps or repeats across pages
    assert len(set(serials)) == len(serials)

    model.set_search("Nora Zeller")
    names = [model.data(model.index(r, KEYS.index("name"))) for r in range(model.rowCount())]
    assert names and all("Nora Zeller" in n for n in names)
    total = count_pieces(million_db, model.filter)
    assert total > PAGE  # about 1 in 676: more than a page, so paging applies to search results too
    model.set_search("")

    model.sort(KEYS.index("name"), Qt.SortOrder.AscendingOrder)
    names = [model.data(model.index(r, KEYS.index("name"))) for r in range(model.rowCount())]
    assert names == sorted(names)

    model.set_filter(PieceFilter(status="sorted"))
    assert model.rowCount() == PAGE
    shown = {model.data(model.index(r, STATUS_COLUMN)) for r in range(model.rowCount())}
    assert {s.split(" — ")[0] for s in shown} == {"Sorted for the carrier"}  # some add a failed lookup
    model.set_filter(PieceFilter(status="never"))
    assert model.data(model.index(0, STATUS_COLUMN)) == "Not looked up yet"
    assert count_pieces(million_db) == MILLION


def test_search_finds_by_zip_serial_and_full_imb(million_db: Database, tmp_path: Path) -> None:
    model = LettersModel(million_db)
    model.set_filter(PieceFilter(search="000777777"))  # a serial: the end of the tracking code
    assert model.rowCount() == 1
    imb = model.imb_at(0)
    model.set_filter(PieceFilter(search=imb))
    assert model.rowCount() == 1 and model.imb_at(0) == imb
    model.set_filter(PieceFilter(search="97201"))  # a ZIP
    assert model.rowCount() == PAGE and {
        model.data(model.index(r, KEYS.index("zip"))) for r in range(PAGE)
    } == {"97201"}


def _brute(db: Database, where: str, params: tuple[object, ...] = ()) -> list[int]:
    """The newest 1,000 matching piece ids, read the slow way (every row, no index)."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.id FROM pieces p NOT INDEXED LEFT JOIN piece_status s ON s.piece_id = p.id "
            f"WHERE {where} ORDER BY p.id DESC LIMIT 1000",
            params,
        )
        return [int(r[0]) for r in rows]


def test_every_status_filter_and_sort_reads_its_index_and_finds_what_a_full_scan_finds(
    million_db: Database,
) -> None:
    """The kept sort keys and the per-filter indexes (schema 11) give the same letters as reading
    every row would, across two keyset pages."""
    from datetime import datetime, timedelta

    from imb_tracker.store.browse import browse_pieces

    now = million_db.clock()
    cutoff = now - timedelta(days=3)
    cases = {
        "never": ("s.piece_id IS NULL", ()),
        "not_seen": ("s.stage = 'not_seen'", ()),
        "in_mail": ("s.stage IN ('origin','transit','destination') AND s.last_scan_at >= ?", (cutoff,)),
        "stalled": ("s.stage IN ('origin','transit','destination') AND s.last_scan_at < ?", (cutoff,)),
        "sorted": ("s.stage IN ('carrier_sort','expected_delivered','delivery_implied')", ()),
        "late": ("s.late_after <> '' AND s.late_after < ?", (now.date().isoformat(),)),
        "failed": ("s.last_outcome NOT IN ('ok','not_found','no_data','file')", ()),
    }
    for status, (where, params) in cases.items():
        f = PieceFilter(status=status, now=now, stalled_before=cutoff)
        first = browse_pieces(million_db, f, sort="id", descending=True)
        second = browse_pieces(million_db, f, sort="id", descending=True, after=(None, first[-1]["id"]))
        got = [int(r["id"]) for r in first + second]
        assert got == _brute(million_db, where, params), status
        assert len(got) == 1000, status  # the generated data has more than two pages of each
    # Status and Last scan sort by the keys kept on the piece: the order of the stage and scan time
    for key, column in (("status", "stage"), ("last_scan", "last_scan_at")):
        for descending in (False, True):
            page = browse_pieces(million_db, sort=key, descending=descending, limit=2000)
            values = [(r[column] or "", r["id"]) for r in page]
            values = [(str(v), i) for v, i in values]
            assert values == sorted(values, reverse=descending), (key, descending)
    # a date range pages newest first by creation time, with nothing skipped between pages
    with million_db.read() as conn:
        times = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT created_at FROM pieces ORDER BY 1")]
    start = datetime.fromisoformat(str(times[2]))
    f = PieceFilter(created_from=start, created_to=start + timedelta(microseconds=1))
    first = browse_pieces(million_db, f, descending=True)
    second = browse_pieces(million_db, f, descending=True, after=(first[-1]["sort_key"], first[-1]["id"]))
    ids = [int(r["id"]) for r in first + second]
    with million_db.read() as conn:
        expected = [
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT id FROM pieces NOT INDEXED WHERE created_at = ? ORDER BY id DESC LIMIT 1000",
                (times[2],),
            )
        ]
    assert ids == expected and len(ids) == 1000
