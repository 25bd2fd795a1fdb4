"""The letters table's model: rows come from the store a page at a time as the view scrolls.

Qt asks ``canFetchMore``/``fetchMore`` when the view nears the end of what is
loaded, so opening a database of a million pieces reads one page, not a
million rows.  Search and sort go to the database (keyset pages), never
through Python over all rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from imb_tracker.store.browse import browse_pieces, count_pieces
from imb_tracker.store.engine import Database

COLUMNS = [("Mailing", "mailing"), ("Serial", "serial"), ("Name", "name"), ("City", "city"), ("State", "state"),
           ("ZIP", "zip"), ("IMb", None)]  # fmt: skip
PAGE = 500

Index = QModelIndex | QPersistentModelIndex


class LettersModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[Any] = []
        self._done = False
        self.search = ""
        self.mailing: str | None = None
        self.sort_key = "serial"
        self.descending = False
        self.reload()

    # -- loading

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = browse_pieces(self._db, search=self.search, mailing=self.mailing, sort=self.sort_key,
                                   descending=self.descending, limit=PAGE)  # fmt: skip
        self._done = len(self._rows) < PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or self._done or not self._rows:
            return
        last = self._rows[-1]
        more = browse_pieces(self._db, search=self.search, mailing=self.mailing, sort=self.sort_key,
                             descending=self.descending, after=(last["sort_key"], last["id"]), limit=PAGE)  # fmt: skip
        self._done = len(more) < PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def set_search(self, text: str) -> None:
        self.search = text
        self.reload()

    def total(self) -> int:
        """How many pieces match the current search (for the status bar)."""
        return count_pieces(self._db, search=self.search, mailing=self.mailing)

    # -- Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()][0]
        values = {
            "Mailing": row["mailing"], "Serial": row["tracking"][5 + (9 if row["tracking"][5] == "9" else 6) :],
            "Name": row["name"] or row["company"], "City": row["city"], "State": row["state"], "ZIP": row["zip5"],
            "IMb": row["tracking"] + row["routing"],
        }  # fmt: skip
        return values[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def imb_at(self, row: int) -> str:
        r = self._rows[row]
        return str(r["tracking"] + r["routing"])
