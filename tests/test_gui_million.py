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
    assert {model.data(model.index(r, STATUS_COLUMN)) for r in range(model.rowCount())} == {
        "Sorted for the carrier"
    }
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
