"""The letters table model: lazy pages from the store, search and sort in the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from imb_tracker.gui.letters_model import KEYS, PAGE, STATUS_COLUMN, LettersModel
from imb_tracker.mail import AddressRecord
from imb_tracker.store import open_database
from imb_tracker.store.browse import count_pieces
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing


def make_db(tmp_path: Path, n: int):  # type: ignore[no-untyped-def]
    db = open_database(str(tmp_path / "letters.db"))
    add_mailer(db, "123456", "Acme")
    states = ["IL", "TX", "MA"]
    recs = [
        AddressRecord(
            i + 2,
            f"Person {i:05d}",
            "",
            f"{i} Main St",
            "",
            "Springfield",
            states[i % 3],
            f"{60000 + i % 100:05d}",
        )
        for i in range(n)
    ]
    create_mailing(db, "123456", "Spring", recs)
    return db


def test_loads_a_page_at_a_time(qtbot: QtBot, tmp_path: Path) -> None:
    model = LettersModel(make_db(tmp_path, 1200))
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 1200 and not model.canFetchMore(QModelIndex())
    assert model.data(model.index(0, KEYS.index("serial"))) == "000001200"  # newest first
    assert model.data(model.index(1199, len(KEYS) - 1)).startswith("00270123456000000001")
    assert model.data(model.index(0, STATUS_COLUMN)) == "Not looked up yet"
    assert model.headerData(KEYS.index("name"), Qt.Orientation.Horizontal) == "Name"
    view = QTableView()
    qtbot.addWidget(view)
    # The view must not outlive its model: PySide frees an unparented model with its Python wrapper.
    model.setParent(view)
    view.setModel(model)
    view.show()


def test_search_and_sort_happen_in_the_database(qtbot: QtBot, tmp_path: Path) -> None:
    model = LettersModel(make_db(tmp_path, 1200))
    model.set_search("Person 01199")
    assert model.rowCount() == 1 and count_pieces(model._db, model.filter) == 1
    model.set_search("000000777")  # a serial, as the end of the tracking code
    assert model.rowCount() == 1 and model.data(model.index(0, KEYS.index("name"))) == "Person 00776"
    model.set_search("")
    model.sort(KEYS.index("name"), Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, KEYS.index("name"))) == "Person 01199"
    model.fetchMore(QModelIndex())
    names = [model.data(model.index(r, KEYS.index("name"))) for r in range(model.rowCount())]
    assert names == sorted(names, reverse=True) and len(set(names)) == len(names) == 1000
    model.sort(KEYS.index("state"))
    states = [model.data(model.index(r, KEYS.index("state"))) for r in range(model.rowCount())]
    assert states == sorted(states)


def test_search_finds_pieces_before_and_after_they_are_indexed(tmp_path: Path) -> None:
    from imb_tracker.store.browse import PieceFilter, browse_pieces, has_search_index, index_new_pieces

    db = make_db(tmp_path, 50)
    assert has_search_index(db)
    recs = [AddressRecord(2, "Zelda Quarrington", "", "1 Elm St", "", "Springfield", "IL", "62704")]
    create_mailing(db, "123456", "Later", recs)  # an import indexes its own pieces
    assert index_new_pieces(db) == 0
    assert [r["name"] for r in browse_pieces(db, PieceFilter(search="quarring"))] == ["Zelda Quarrington"]
    with db.write() as conn:  # as a database written by an older version leaves it: nothing indexed
        conn.exec_driver_sql("INSERT INTO piece_search(piece_search) VALUES('delete-all')")
        conn.exec_driver_sql("UPDATE piece_search_upto SET id = 0")
    found = browse_pieces(db, PieceFilter(search="quarring"))
    assert [r["name"] for r in found] == ["Zelda Quarrington"]  # found through LIKE on the unindexed tail
    assert index_new_pieces(db) == 51
    assert index_new_pieces(db) == 0
    assert [r["name"] for r in browse_pieces(db, PieceFilter(search="quarring"))] == ["Zelda Quarrington"]
    assert len(browse_pieces(db, PieceFilter(search="Person 0004"))) == 10
