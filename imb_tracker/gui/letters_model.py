"""The letters table's model: rows come from the store a page at a time as the view scrolls.

Qt asks ``canFetchMore``/``fetchMore`` when the view nears the end of what is
loaded, so opening a database of a million pieces reads one page, not a
million rows.  Search, filters and sort go to the database (keyset pages),
never through Python over all rows.  Rows whose lookup finished are re-read
in place (``apply_rows``, with statuses read in the background), so results
appear as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from imb_tracker.actions.catalog import (
    LOOKUP_ANSWERED,
    REPLY_WORDS,
    browse_pieces,
    estimate,
    is_stalled,
    stalled_before,
    utcnow,
)
from imb_tracker.store.browse import PieceFilter
from imb_tracker.store.engine import Database

from .widgets import STAGE_STYLE, local_time, stage_icon

# (header, sort key)
#: (header, sort key); what a user looks at first comes first, so it shows at 1024 px wide too.
#: Status and Last scan stay side by side (a lookup repaints the two together).
COLUMNS = [
    ("Name", "name"),
    ("City", "city"),
    ("Status", "status"),
    ("Last scan", "last_scan"),  # USPS's local time (the header's tooltip says so)
    ("In home (est.)", "estimate"),  # the kept estimate and "late"; not sortable
    ("Mailing", "mailing"),
    ("Reply", "reply"),  # the linked reply piece's state; not sortable (no index orders by it)
    ("Serial", "serial"),
    ("State", "state"),
    ("ZIP", "zip"),
    ("IMb", None),
]
KEYS = [key for _, key in COLUMNS]
STATUS_COLUMN = KEYS.index("status")
REPLY_COLUMN = KEYS.index("reply")
ESTIMATE_COLUMN = KEYS.index("estimate")
UNSORTABLE = {None, "reply", "estimate"}
PAGE = 500
FAILURES = {
    "RateLimitedError": "rate limited; will be retried",
    "UnavailableError": "USPS unavailable; will be retried",
    "AuthError": "sign-in refused",
    "auth_error": "sign-in refused",
    "AccessDeniedError": "no access to this Mailer ID",
}

Index = QModelIndex | QPersistentModelIndex


def status_of(row: Any, now: datetime, stalled_days: int = 3) -> tuple[str, str]:
    """(stage key for colour and icon, words) of one browse row."""
    if row.get("voided_at") is not None:
        return "void", "Void — printed, not mailed"
    stage = row["stage"]
    if stage is None:
        return "", "Not looked up yet"
    words = str(row["words"])
    outcome = row["last_outcome"]
    if is_stalled(str(stage), row["last_scan_at"], now, stalled_days):
        return "stalled", f"No recent scans ({words.lower()})"
    if outcome not in LOOKUP_ANSWERED:
        reason = FAILURES.get(str(outcome), "lookup failed; will be retried")
        return ("failed" if stage == "not_seen" else stage), f"{words} — last lookup: {reason}"
    return str(stage), words


BASIS_SHORT = {
    "stop-the-clock": "carrier-sort scan",
    "usps-expected": "USPS's expected date",
    "service-standard": "service standard",
    "rough": "rough guess",
}


def estimate_of(row: Any, now: datetime) -> tuple[str, str, bool]:
    """(cell text, tooltip, late) for the estimate column, from the kept status.

    A letter never looked up shows the rough estimate from its mailed date (not kept: it changes only
    when the mailing is marked mailed), and is never called late: nobody asked USPS about it yet.
    """
    if row.get("voided_at") is not None:
        return "", "", False
    basis = str(row.get("est_basis") or "")
    day_text = str(row.get("est_in_home") or "")
    if not basis and row.get("mailed_at") is not None:
        rough = estimate([], None, row["mailed_at"].date())
        basis, day_text = rough.basis, rough.in_home.isoformat() if rough.in_home else ""
    if not day_text:
        return "", "No estimate: the mailing is not marked mailed", False
    day = date.fromisoformat(day_text)
    late_after = str(row.get("late_after") or "")
    late = bool(late_after) and now.date().isoformat() > late_after
    text = f"{day:%a %b} {day.day}" + (" ~" if basis == "rough" else "") + (" · late" if late else "")
    tip = f"Estimated in home {day:%A %Y-%m-%d}, from the {BASIS_SHORT.get(basis, basis)}"
    if late:
        tip += "; late: more than a delivery day past it with no carrier-sort scan"
    return text, tip, late


class LettersModel(QAbstractTableModel):
    def __init__(
        self, db: Database, parent: Any = None, clock: Callable[[], datetime] = utcnow, load: bool = True
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._rows: list[Any] = []
        self._where: dict[int, int] = {}  # piece id -> row number
        self._done = False
        self.filter = PieceFilter()
        self.sort_key = "id"
        self.descending = True  # newest first
        self.stalled_days = 3
        #: the filter of the rows shown, with the clock it was read at: the count uses exactly this
        self.query_filter: PieceFilter | None = None
        if load:  # a view sorting on setModel loads it anyway
            self.reload()

    # -- loading

    def _page(self, after: tuple[Any, int] | None) -> list[Any]:
        if (
            after is None or self.query_filter is None
        ):  # a fresh load fixes 'now' for every page and the count
            now = self._clock()
            self.query_filter = replace(
                self.filter, now=now, stalled_before=stalled_before(now, self.stalled_days)
            )
        f = self.query_filter
        return browse_pieces(
            self._db, f, sort=self.sort_key, descending=self.descending, after=after, limit=PAGE
        )

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._page(None)
        self._where = {int(r["id"]): i for i, r in enumerate(self._rows)}
        self._done = len(self._rows) < PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or self._done or not self._rows:
            return
        last = self._rows[-1]
        more = self._page((last["sort_key"], last["id"]))
        self._done = len(more) < PAGE
        if more:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
            self._rows.extend(more)
            for i, r in enumerate(more, start):
                self._where[int(r["id"])] = i
            self.endInsertRows()

    def set_filter(self, f: PieceFilter) -> None:
        self.filter = f
        self.reload()

    def set_search(self, text: str) -> None:
        self.set_filter(replace(self.filter, search=text))

    def apply_rows(self, fresh: dict[int, Any]) -> int:
        """Repaint rows with statuses read elsewhere (a background task); rows no longer loaded are skipped."""
        fresh = {i: v for i, v in fresh.items() if i in self._where}
        for piece_id, values in fresh.items():
            row = self._where[piece_id]
            merged = dict(self._rows[row])
            merged.update(values)
            self._rows[row] = merged
            self.dataChanged.emit(self.index(row, STATUS_COLUMN), self.index(row, ESTIMATE_COLUMN))
            self.dataChanged.emit(self.index(row, REPLY_COLUMN), self.index(row, REPLY_COLUMN))
        return len(fresh)

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
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return (
                "The last scan's time, in the USPS facility's local time"
                if KEYS[section] == "last_scan"
                else None
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == STATUS_COLUMN and role in (
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            stage, _ = status_of(row, self._clock(), self.stalled_days)
            if role == Qt.ItemDataRole.DecorationRole:
                return stage_icon(stage)
            return QColor(STAGE_STYLE.get(stage, STAGE_STYLE["unknown"])[0])
        if column == ESTIMATE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STAGE_STYLE["stalled"][0]) if estimate_of(row, self._clock())[2] else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        key = KEYS[column] if 0 <= column < len(KEYS) else None
        if key == "mailing":
            return row["mailing"]
        if key == "serial":
            tracking = row["tracking"]
            return tracking[5 + (9 if tracking[5] == "9" else 6) :]
        if key == "name":
            return row["name"] or row["company"]
        if key == "city":
            return row["city"]
        if key == "state":
            return row["state"]
        if key == "zip":
            return row["zip5"]
        if key == "status":
            return status_of(row, self._clock(), self.stalled_days)[1]
        if key == "last_scan":
            return local_time(row["last_scan_at"]) if row["last_scan_at"] else ""
        if key == "estimate":
            text, tip, _late = estimate_of(row, self._clock())
            return text if role == Qt.ItemDataRole.DisplayRole else tip
        if key == "reply":
            return REPLY_WORDS.get(str(row.get("reply_state") or ""), "")
        return row["tracking"] + row["routing"]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else "id"  # -1: no column, newest first
        if key is None or key in UNSORTABLE:
            return
        if column < 0:
            order = Qt.SortOrder.DescendingOrder
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- for the page

    def imb_at(self, row: int) -> str:
        r = self._rows[row]
        return str(r["tracking"] + r["routing"])

    def piece_id_at(self, row: int) -> int:
        return int(self._rows[row]["id"])

    def loaded(self) -> int:
        return len(self._rows)

    def all_loaded(self) -> bool:
        return self._done
