"""Letters: every stored piece, searchable and filterable, with one-click lookups and a bulk refresh.

Lookups run in the background through :class:`BackgroundTasks`; rows are
re-read a few times a second while results arrive, and Cancel stops after
the requests in flight (each response is stored before the next request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.backend import explain
from imb_tracker.actions.catalog import (
    REPLY_FILTERS,
    STATUS_FILTERS,
    count_pieces,
    envelope_template,
    list_mailings,
    pieces_by_ids,
    utcnow,
)
from imb_tracker.actions.letters import reprint, void
from imb_tracker.actions.printing import RulesBrokenError, envelope_options
from imb_tracker.actions.refresh import RefreshPolicy, plan, run_refresh
from imb_tracker.imb import ImbError
from imb_tracker.store.errors import StoreError
from imb_tracker.tracking.refresh import RefreshSummary

from .context import AppContext
from .letters_model import LettersModel
from .tasks import Reporter, TaskHandle, lower_thread_priority

log = logging.getLogger(__name__)
MAX_REPRINT = 50  # more at once is a mailing: print it from the Mailings page


class LettersPage(QWidget):
    """The main table.  ``message`` carries status-bar text; ``busy`` drives the window's progress bar."""

    message = Signal(str, int)
    busy = Signal(str, int, int)  # text, done, total (total 0: finished)
    open_piece = Signal(str)
    pdf_ready = Signal(str, str)  # a reprinted letter: path, "preview" or "print"
    refreshed = Signal()  # a refresh or lookup finished (the alerts read the late and stalled letters)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: LettersModel | None = None
        self.task: TaskHandle | None = None
        self._changed = False
        self._reading = False
        self._count_task: TaskHandle | None = None
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, company, city, ZIP, serial or IMb  (Ctrl+F)")
        self.search.setAccessibleName("Search letters")
        self.search.setClearButtonEnabled(True)
        self.mailing = QComboBox()
        self.mailing.setAccessibleName("Filter by mailing")
        self.mailing.setMinimumContentsLength(16)
        self.status = QComboBox()
        self.status.setAccessibleName("Filter by status")
        for key, (label, _) in STATUS_FILTERS.items():
            self.status.addItem(label, key)
        self.replies = QComboBox()
        self.replies.setAccessibleName("Filter by reply")
        self.replies.setToolTip(
            "Letters by their reply piece: with one, replied, reply arrived, no reply yet"
        )
        for key, (label, _) in REPLY_FILTERS.items():
            self.replies.addItem(label, key)
        for combo in (self.status, self.replies):  # the table's width, not the longest label, sets the page's
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.use_dates = QCheckBox("Created from")
        self.use_dates.setAccessibleName("Filter by date")
        self.date_from = QDateEdit(QDate.currentDate().addDays(-30))
        self.date_from.setCalendarPopup(True)
        self.date_from.setDisplayFormat("yyyy-MM-dd")
        self.date_from.setAccessibleName("Created from date")
        self.date_to = QDateEdit(QDate.currentDate())
        self.date_to.setCalendarPopup(True)
        self.date_to.setDisplayFormat("yyyy-MM-dd")
        self.date_to.setAccessibleName("Created to date")
        bar.addWidget(self.search, 3)
        bar.addWidget(self.mailing, 2)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.replies, 1)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.date_to)
        layout.addLayout(bar)

        actions = QHBoxLayout()
        self.lookup_button = QPushButton("&Look up selected")
        self.lookup_button.setAccessibleName("Look up selected letters")
        self.lookup_button.setToolTip("Ask USPS for the scans of the selected letters (Ctrl+L)")
        self.refresh_button = QPushButton("&Refresh all")
        self.refresh_button.setAccessibleName("Refresh everything in the USPS window")
        self.refresh_button.setToolTip(
            "Look up every letter (of the chosen mailing) still inside USPS's roughly 30-day window (F5)"
        )
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setAccessibleName("Cancel lookups")
        self.cancel_button.setEnabled(False)
        self.summary = QLabel()
        self.summary.setAccessibleName("Letters count")
        actions.addWidget(self.lookup_button)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        actions.addWidget(self.summary)
        layout.addLayout(actions)

        # Letters newly late or stalled (gui.alerts): one line, a button that shows them, and ×
        self.alert = QFrame()
        self.alert.setObjectName("alertBanner")
        self.alert.setStyleSheet(
            "#alertBanner { background: #fff3e0; border: 1px solid #ef6c00; border-radius: 4px; }"
            "#alertBanner QLabel { color: #5d2c00; }"
        )
        alert_row = QHBoxLayout(self.alert)
        alert_row.setContentsMargins(8, 4, 4, 4)
        self.alert_text = QLabel()
        self.alert_text.setAccessibleName("Late and stalled letters")
        self.alert_text.setWordWrap(True)
        self.alert_show = QPushButton("Show them")
        self.alert_show.setAccessibleName("Show the late or stalled letters")
        self.alert_close = QToolButton()
        self.alert_close.setText("×")
        self.alert_close.setAccessibleName("Dismiss")
        alert_row.addWidget(self.alert_text, 1)
        alert_row.addWidget(self.alert_show)
        alert_row.addWidget(self.alert_close)
        self.alert.hide()
        self._alert_target = ("", "")
        self.alert_show.clicked.connect(lambda: self.show_flagged(*self._alert_target))
        self.alert_close.clicked.connect(self.alert.hide)
        layout.addWidget(self.alert)

        self.table = QTableView()
        self.table.setAccessibleName("Letters table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        layout.addWidget(self.table, 1)
        # What a row offers: in its context menu, and as Ctrl shortcuts
        self.row_actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("open", "Open details", "Return", self._open_current),
            ("lookup", "Look up now", "Ctrl+L", self.look_up_selected),
            ("reprint", "Reprint…", "Ctrl+P", self.reprint_selected),
            ("copy", "Copy IMb", "Ctrl+Shift+C", self.copy_imbs),
            ("void", "Void…", "", self.void_selected),
        ):
            action = QAction(text, self)
            if shortcut and key not in ("open", "lookup"):
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.table.addAction(action)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            self.row_actions[key] = action
        self.row_actions["void"].setToolTip("Void letters that were printed but will not be mailed")
        self.row_actions["reprint"].setToolTip(
            "Print the selected letters again, with the same serials (Ctrl+P)"
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        for key in ("open", "reprint", "copy", "void"):  # the same, as buttons beside the lookups
            button = QToolButton()
            button.setDefaultAction(self.row_actions[key])
            button.setAccessibleName(self.row_actions[key].text().rstrip("…"))
            actions.insertWidget(actions.count() - 2, button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self._repaint = QTimer(self)
        self._repaint.setInterval(300)
        self._repaint.timeout.connect(self._show_arrived)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.mailing, self.status, self.replies):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.use_dates.toggled.connect(lambda _on: self.apply_filter())
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)
        self.lookup_button.clicked.connect(self.look_up_selected)
        self.refresh_button.clicked.connect(self.refresh_window)
        self.cancel_button.clicked.connect(self.cancel)
        self.table.doubleClicked.connect(self._open_index)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+L"), self, self.look_up_selected)
        QShortcut(QKeySequence("F5"), self, self.refresh_window)
        QShortcut(QKeySequence("Return"), self.table, self._open_current)
        ctx.data_changed.connect(self.reload)

    # ---------------------------------------------------------------- data

    def _dates_changed(self, _date: QDate) -> None:
        if self.use_dates.isChecked():
            self.apply_filter()

    def reload(self) -> None:
        """Re-read mailings and the table (after an import, a new letter, a database switch)."""
        if self.ctx.db is None:
            return
        current = self.mailing.currentData()
        self.mailing.blockSignals(True)
        self.mailing.clear()
        self.mailing.addItem("All mailings", None)
        for m in reversed(list_mailings(self.ctx.db)):
            self.mailing.addItem(m.name, m.name)
        self.mailing.setCurrentIndex(max(self.mailing.findData(current), 0))
        self.mailing.blockSignals(False)
        if self.model is None or self.model._db is not self.ctx.db:
            old = self.model
            clock = self.ctx.backend.clock if self.ctx.backend is not None else utcnow
            self.model = LettersModel(self.ctx.db, self.table, clock=clock, load=False)
            self.model.stalled_days = self.ctx.settings.stalled_days
            self.model.filter = self.current_filter_for(self.model)
            # No sort column at first (newest first); the view sorts once, by the saved column if any.
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            self.table.setModel(self.model)
            self._restore_columns()
            if old is not None:
                old.deleteLater()
            if self.model.loaded() == 0:
                self.model.reload()  # the view did not sort (and so load) by itself
            self._count()
            return
        self.apply_filter()

    def current_filter(self) -> Any:
        assert self.model is not None
        return self.current_filter_for(self.model)

    def current_filter_for(self, model: LettersModel) -> Any:
        f = replace(
            model.filter,
            search=self.search.text(),
            mailing=self.mailing.currentData(),
            status=str(self.status.currentData() or ""),
            replies=str(self.replies.currentData() or ""),
        )
        if self.use_dates.isChecked():
            d1, d2 = self.date_from.date(), self.date_to.date()
            start = datetime(d1.year(), d1.month(), d1.day())
            end = datetime(d2.year(), d2.month(), d2.day()) + timedelta(days=1)
            f = replace(f, created_from=start, created_to=end)
        else:
            f = replace(f, created_from=None, created_to=None)
        return f

    def apply_filter(self) -> None:
        if self.model is None:
            return
        self.model.set_filter(self.current_filter())
        self._count()

    def _count(self) -> None:
        """Count the matches in the background (a full count of a million rows takes a moment)."""
        if self.model is None or self.ctx.db is None:
            return
        if self._count_task is not None:
            self._count_task.cancel()
        db, f = self.ctx.db, self.model.query_filter or self.model.filter  # the rows' own query and clock
        shown = self.model.loaded()
        self.summary.setText(f"{shown:,}{'' if self.model.all_loaded() else '+'} letters")

        def work(reporter: Reporter) -> int | None:
            return None if reporter.cancelled else count_pieces(db, f)

        def done(total: object) -> None:
            if (
                total is not None
                and self.model is not None
                and (self.model.query_filter or self.model.filter) == f
            ):
                self.summary.setText(f"{int(str(total)):,} letters")

        self._count_task = self.ctx.tasks.run(work, on_done=done)

    def _columns_key(self) -> str:
        # Per column count, so a layout saved for other columns is never applied: Qt accepts
        # one saved with no columns (a window closed before any database was open used to save
        # that) and then draws part of the header and no rows.
        columns = self.model.columnCount() if self.model is not None else 0
        return f"letters_columns_v2_{columns}"  # v2: Name, City, Status, Last scan first

    def _restore_columns(self) -> None:
        state = self.ctx.store.state(self._columns_key())
        if state is None or not self.table.horizontalHeader().restoreState(state):
            for column, width in enumerate((170, 110, 230, 130, 120, 150, 170, 85, 45, 55)):
                self.table.setColumnWidth(column, width)

    def save_columns(self) -> None:
        """Remember the column layout; only a table with its columns has one worth keeping."""
        if self.model is not None:
            self.ctx.store.set_state(self._columns_key(), self.table.horizontalHeader().saveState())

    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid() and self.model is not None:
            self.open_piece.emit(self.model.imb_at(index.row()))

    # ---------------------------------------------------------------- row actions

    def _row_menu(self, point: Any) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for key in ("open", "lookup", "reprint", "copy"):
            menu.addAction(self.row_actions[key])
        menu.addSeparator()
        menu.addAction(self.row_actions["void"])
        menu.popup(self.table.viewport().mapToGlobal(point))
        self._menu = menu  # kept until the next one (a popup needs a living owner)

    def selected_piece_ids(self) -> list[int]:
        if self.model is None:
            return []
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.piece_id_at(r) for r in rows]

    def copy_imbs(self) -> None:
        imbs = self.selected_imbs()
        if imbs:
            QGuiApplication.clipboard().setText("\n".join(imbs))
            self.message.emit(f"Copied {len(imbs)} IMb(s)", 3000)

    def reprint_selected(self, show: bool = True) -> list[Path]:
        """The selected letters' envelopes again, with the serials they have (nothing new stored)."""
        ids = self.selected_piece_ids()
        if not ids or self.ctx.db is None:
            self.message.emit("Select the letters to reprint first", 5000)
            return []
        template = envelope_template(self.ctx.settings.envelope_template)
        options = envelope_options(self.ctx.settings)
        made: list[Path] = []
        for piece_id in ids[:MAX_REPRINT]:
            out = self.ctx.output_folder() / f"reprint-{piece_id}.pdf"
            try:
                made.append(reprint(self.ctx.db, piece_id, template, options, out).pdf)
            except (RulesBrokenError, StoreError, ImbError, OSError) as exc:
                self.message.emit(f"Not reprinted: {exc}", 0)
                return made
        if len(ids) > MAX_REPRINT:
            self.message.emit(f"Reprinted the first {MAX_REPRINT}; print a whole mailing from Mailings", 0)
        if show and made:
            self.pdf_ready.emit(str(made[0]), "preview")
        return made

    def void_selected(self, confirm: bool = True) -> int:
        """Void the selected letters (not mailed): never looked up again, serials stay reserved."""
        ids = self.selected_piece_ids()
        if not ids or self.ctx.db is None:
            return 0
        if confirm:
            answer = QMessageBox.question(
                self,
                "Void letters?",
                f"Void {len(ids)} letter(s)? Use this for letters that were printed but will not be mailed. "
                "They stay in the list, marked Void, and are not looked up again; their serials are not "
                "reused.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        done = 0
        for piece_id in ids:
            try:
                void(self.ctx.db, piece_id)
                done += 1
            except StoreError as exc:
                self.message.emit(f"Not voided: {exc}", 0)
        if done:
            self.message.emit(f"Voided {done} letter(s)", 5000)
            self.ctx.data_changed.emit()
        return done

    # ---------------------------------------------------------------- lookups

    def selected_imbs(self) -> list[str]:
        if self.model is None:
            return []
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.imb_at(r) for r in rows]

    def look_up_selected(self) -> None:
        imbs = self.selected_imbs()
        if not imbs:
            self.message.emit(
                "Select one or more letters first (click a row; Ctrl+A selects all loaded)", 5000
            )
            return
        self._start(imbs, f"Looking up {len(imbs):,} letter(s)")

    def refresh_window(self, everything: bool = False) -> bool:
        """Look up every piece still inside USPS's window (of the chosen mailing; ``everything``: of all).

        Returns False when a refresh is already running (the schedule then waits for its next turn).

        Choosing the pieces reads every piece's last scan and lookup, so it runs in the
        background too (a quarter of a second for 5,000 pieces, measured on the GUI thread).
        """
        if self.ctx.db is None or self.ctx.backend is None or self.task is not None:
            return False
        db, backend = self.ctx.db, self.ctx.backend
        mailing = None if everything else self.mailing.currentData()
        policy = RefreshPolicy.from_settings(self.ctx.settings)

        def choose() -> list[str] | str:
            chosen = plan(db, backend, policy, mailing)
            if not chosen.due:
                return (
                    f"Nothing to refresh: {chosen.recently_checked:,} letter(s) looked up in the last "
                    f"{policy.min_interval.total_seconds() / 60:g} minutes, {chosen.past_window:,} past USPS's "
                    "window (their history is kept)"
                )
            return chosen.due

        self._start(choose, "Refreshing the letters in USPS's window")
        return True

    def _start(self, pieces: list[str] | Callable[[], list[str] | str], title: str) -> None:
        """Look up ``pieces`` (IMbs, or a function run in the background that picks them or says why not)."""
        if self.task is not None:
            self.message.emit("Lookups are already running; wait or cancel them first", 5000)
            return
        if self.ctx.db is None or self.ctx.backend is None:
            return
        if not self.ctx.ensure_sign_in(self):
            self.message.emit("No lookups: the USPS password was not given", 5000)
            return
        db, backend = self.ctx.db, self.ctx.backend
        policy = RefreshPolicy.from_settings(self.ctx.settings)
        settings = self.ctx.settings

        def work(reporter: Reporter) -> RefreshSummary | str:
            imbs = pieces() if callable(pieces) else pieces
            if isinstance(imbs, str):
                return imbs
            reporter.progress(0, len(imbs), "")
            return run_refresh(
                db,
                backend,
                imbs,
                policy,
                cancel=reporter.cancel_event,
                thread_setup=lower_thread_priority,
                progress=reporter.progress,
                settings=settings,
            )

        self.lookup_button.setEnabled(False)
        self.refresh_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._title = title
        self._changed = False
        self._repaint.start()
        self.busy.emit(title, 0, 0 if callable(pieces) else len(pieces))
        self.task = self.ctx.tasks.run(
            work, on_done=self._finished, on_error=self._failed, on_progress=self._progress
        )

    def _progress(self, done: int, total: int, _imb: str) -> None:
        self._changed = True
        self.busy.emit(self._title, done, total)

    def _visible_rows(self) -> range:
        assert self.model is not None
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        return range(first, (last if last >= 0 else self.model.loaded() - 1) + 1)

    def _show_arrived(self, everything: bool = False) -> None:
        """Re-read the statuses of the rows on screen (all loaded rows at the end) as answers arrive.

        The read runs in the background too: while lookups commit, a read on the GUI thread
        could wait on the disk for tens of milliseconds (measured), and the window would stall.
        """
        if not (self._changed or everything) or self.model is None or self.ctx.db is None:
            return
        if self._reading and not everything:
            return
        self._changed = False
        rows = range(self.model.loaded()) if everything else self._visible_rows()
        ids = [self.model.piece_id_at(r) for r in rows]
        db, model = self.ctx.db, self.model

        def work(_reporter: Reporter) -> dict[int, Any]:
            fresh: dict[int, Any] = {}
            for start in range(0, len(ids), 500):
                fresh.update(pieces_by_ids(db, ids[start : start + 500]))
            return fresh

        def done(fresh: object) -> None:
            self._reading = False
            if self.model is model:
                model.apply_rows(fresh)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            self._reading = False
            log.warning("could not re-read the letters' statuses: %s", exc)

        self._reading = True
        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def show_alert(self, text: str, mailing: str, kind: str) -> None:
        """Letters turned late or stalled (gui.alerts): say so above the table until dismissed."""
        self.alert_text.setText(text.replace("\n", "; "))
        self._alert_target = (mailing, kind)
        self.alert.show()

    def show_flagged(self, mailing: str, kind: str) -> None:
        """Show one mailing's late (or stalled) letters: what a click on a notification opens."""
        for combo, value in ((self.mailing, mailing or None), (self.status, kind)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.alert.hide()
        self.apply_filter()

    def _end(self) -> None:
        self.task = None
        self._repaint.stop()
        self._show_arrived(everything=True)
        self.lookup_button.setEnabled(True)
        self.refresh_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.busy.emit("", 0, 0)

    def _finished(self, summary: object) -> None:
        self._end()
        if isinstance(summary, str):  # nothing was due (days still pass: letters may turn late)
            self.message.emit(summary, 8000)
            self.refreshed.emit()
            return
        assert isinstance(summary, RefreshSummary)
        self.message.emit(summary.line(), 0)
        self.refreshed.emit()
        if summary.stopped_reason:
            self.message.emit(f"Stopped: {summary.stopped_reason}. Check the sign-in in Settings → USPS.", 0)
        if self.model is not None and (self.status.currentData() or self.replies.currentData()):
            self.apply_filter()  # statuses changed: the filter's matches did too

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.message.emit(explain(exc), 0)
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415

        QMessageBox.warning(self, "Lookup failed", explain(exc))

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.message.emit("Cancelling after the lookups in flight (each answer is stored)…", 0)
