"""The main window: a sidebar of pages, a toolbar, menus, and a status bar with background progress.

Pages share one :class:`AppContext`; each does its work through the same
service functions the CLI calls.  Window geometry, the splitter and the
letters table's columns are remembered; the palette follows the system's
light or dark scheme.
"""

from __future__ import annotations

import importlib
import logging
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from imb_tracker import __version__
from imb_tracker.app import AppPaths

from .context import AppContext
from .first_frame import after_first_frame
from .tasks import Reporter

if TYPE_CHECKING:
    from .barcode_page import BarcodePage
    from .import_wizard import ImportWizard
    from .letter_page import LetterPage
    from .letters_page import LettersPage
    from .mailings_page import MailingsPage
    from .piece_detail import PieceDetail
    from .reply_page import ReplyPage
    from .reports_page import ReportsPage
    from .settings_page import SettingsPage
    from .tray_page import TrayPage

# The pages, and through them the store (SQLAlchemy), the PDF layout (reportlab) and the USPS
# clients (httpx), are imported in build_pages(): with deferred=True that is after the window's
# first frame, so the installed app shows its window in about 1.5x a bare window's time
# (docs/benchmarks.md).

log = logging.getLogger(__name__)
SIDEBAR_ICONS = ("letters", "letter", "mailings", "tray", "reply", "reports", "barcodes", "settings")
MESSAGE_MIN_MS = 2500  # a status message stays at least this long before a queued one replaces it

#: The modules build_pages() needs; _load_pages() imports them ahead, off the GUI thread.
PAGE_MODULES = (
    "barcode_page",
    "letter_page",
    "letters_page",
    "mailings_page",
    "reply_page",
    "reports_page",
    "settings_page",
    "tray_page",
    "import_wizard",
    "piece_detail",
    "printing",
    "wizard",
)


def _import_pages() -> None:
    for name in PAGE_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    importlib.import_module("imb_tracker.actions.backend")  # the database opens next (AppContext.open)
    importlib.import_module("imb_tracker.tracking.status_index")


PAGES = ["Letters", "One letter", "Mailings", "Tray tags", "Reply mail", "Reports", "Barcodes", "Settings"]


class MainWindow(QMainWindow):
    """The window.  ``deferred=True`` (the app's start) shows the frame first and builds the pages
    just after its first frame; tests build them at once.  ``pages_built`` is emitted when ready."""

    pages_built = Signal()

    def __init__(self, paths: AppPaths, db_url: str | None = None, *, deferred: bool = False) -> None:
        super().__init__()
        self.ctx = AppContext(paths, db_url, self)
        self.setWindowTitle(f"IMb Tracker {__version__}")
        self.setAccessibleName("IMb Tracker")
        self.dialogs: list[Any] = []  # non-modal dialogs kept alive
        self.pages_ready = False
        self._messages: deque[tuple[str, int]] = deque()  # status messages waiting their turn
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self._next_message)

        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Sections")
        self.sidebar.setFixedWidth(170)
        self.sidebar.setIconSize(QSize(20, 20))
        for i, name in enumerate(PAGES):
            item = QListWidgetItem(name)
            item.setToolTip(f"{name} (Ctrl+{i + 1})")
            self.sidebar.addItem(item)
        self.sidebar.setCurrentRow(0)  # Letters, shown once the pages are built
        self.stack = QStackedWidget()
        self.opening = QLabel("Opening your letters …")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._status_bar()
        self._actions()
        self._restore()
        if deferred:
            for action in self.page_actions:
                action.setEnabled(False)
            after_first_frame(self, self._load_pages)
        else:
            self.build_pages()

    def _load_pages(self) -> None:
        """Import the pages' modules on a worker thread, then build the pages here.

        The imports are most of the second after the first frame (SQLAlchemy alone 0.2-0.5 s);
        done on a worker, the window stays responsive (moves, repaints) while they load.
        """
        self.ctx.tasks.run(
            lambda _reporter: _import_pages(),
            on_done=lambda _result: self.build_pages(),
            on_error=lambda _exc: self.build_pages(),
        )  # (build_pages reports it)

    def build_pages(self) -> None:
        """Create the pages (importing the services they use), then open the database."""
        if self.pages_ready:
            return
        from .barcode_page import BarcodePage  # noqa: PLC0415 - see the note above the class
        from .letter_page import LetterPage  # noqa: PLC0415
        from .letters_page import LettersPage  # noqa: PLC0415
        from .mailings_page import MailingsPage  # noqa: PLC0415
        from .reply_page import ReplyPage  # noqa: PLC0415
        from .reports_page import ReportsPage  # noqa: PLC0415
        from .settings_page import SettingsPage  # noqa: PLC0415
        from .tray_page import TrayPage  # noqa: PLC0415

        self.letters: LettersPage = LettersPage(self.ctx)
        self.letter: LetterPage = LetterPage(self.ctx)
        self.mailings: MailingsPage = MailingsPage(self.ctx)
        self.tray: TrayPage = TrayPage(self.ctx)
        self.replies: ReplyPage = ReplyPage(self.ctx)
        self.reports: ReportsPage = ReportsPage(self.ctx)
        self.barcodes: BarcodePage = BarcodePage()
        self.settings_page: SettingsPage = SettingsPage(self.ctx)
        pages: list[QWidget] = [
            self.letters,
            self.letter,
            self.mailings,
            self.tray,
            self.replies,
            self.reports,
            self.barcodes,
            self.settings_page,
        ]
        for name, page in zip(PAGES, pages, strict=True):
            page.setAccessibleName(f"{name} page")
            self.stack.addWidget(page)
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        for page in (
            self.letters,
            self.letter,
            self.mailings,
            self.tray,
            self.replies,
            self.reports,
            self.settings_page,
        ):
            page.message.connect(self.show_message)  # type: ignore[attr-defined]
        self.barcodes.status_message.connect(self.show_message)
        for page in (self.letters, self.mailings, self.replies):
            page.busy.connect(self.show_busy)  # type: ignore[attr-defined]
        for page in (self.letter, self.letters, self.mailings, self.tray, self.replies):
            page.pdf_ready.connect(self.preview_pdf)  # type: ignore[attr-defined]
        self.letters.open_piece.connect(self.open_piece)
        self._start_alerts()
        self.letter.show_in_letters.connect(self.show_letters)
        self.reports.open_piece.connect(self.open_piece)
        self.mailings.show_report.connect(self.show_report)
        self.mailings.show_letters.connect(self.show_letters)
        self.mailings.import_button.clicked.connect(self.import_list)
        self.ctx.backend_changed.connect(self._backend_changed)
        self.ctx.tasks.count_changed.connect(self._tasks_changed)
        self.stack.setCurrentIndex(self.sidebar.currentRow())  # a section clicked while the pages loaded
        for action in self.page_actions:
            action.setEnabled(True)
        self.pages_ready = True
        if self.ctx.settings.configured:
            self.ctx.open()  # the pages load now that they listen
        self.pages_built.emit()

    # ---------------------------------------------------------------- building

    def _status_bar(self) -> None:
        bar = self.statusBar()
        self.mode_label = QLabel()
        self.mode_label.setAccessibleName("Where lookups go")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Background work progress")
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.busy_label = QLabel()
        self.busy_label.setAccessibleName("Background work")
        bar.addPermanentWidget(self.busy_label)
        self.tasks_label = QLabel()
        self.tasks_label.setAccessibleName("Background tasks")
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.tasks_label)
        bar.addPermanentWidget(self.mode_label)

    def _action(
        self, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text.replace("&", ""))
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        return action

    def _actions(self) -> None:
        self.act_new = self._action("&One letter", lambda: self.go(1), "Ctrl+N", "Write and print one letter")
        self.act_import = self._action(
            "&Import a list…", self.import_list, "Ctrl+I", "Make a mailing from a list"
        )
        self.act_lookup = self._action(
            "&Look up selected",
            self._look_up_selected,
            None,
            "Ask USPS for the scans of the selected letters (Ctrl+L)",
        )
        self.act_refresh = self._action(
            "&Refresh window",
            self._refresh_window,
            None,
            "Look up every letter still inside USPS's window (F5)",
        )
        self.act_cancel = self._action("&Cancel", self._cancel_lookups, "Esc", "Cancel the running lookups")
        self.act_day = self._action(
            "Demo: next &day",
            self.next_demo_day,
            "Ctrl+D",
            "Demo mode: let one day pass for the USPS stand-in, then refresh",
        )
        self.act_calibration = self._action(
            "Calibration &page",
            self.calibration,
            None,
            "A page with rulers to check your printer prints at 100 %",
        )
        self.act_scan_file = self._action(
            "Import IV &data file…",
            self.import_scan_file,
            None,
            "Store scans from an IV-MTR file or feed export",
        )
        self.act_export_pieces = self._action("Export &pieces…", lambda: self.export(False))
        self.act_export_scans = self._action("Export &scans…", lambda: self.export(True))
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_setup = self._action("Run the &setup again…", self.run_wizard)
        self.act_folder = self._action(
            "Open the &data folder",
            lambda: self._open_folder(self.ctx.paths.data),
        )
        self.act_about = self._action("&About IMb Tracker", self.about)
        # Everything that needs the pages or the database (the rest works on the bare frame).
        self.page_actions = [
            self.act_new,
            self.act_import,
            self.act_lookup,
            self.act_refresh,
            self.act_cancel,
            self.act_day,
            self.act_calibration,
            self.act_scan_file,
            self.act_export_pieces,
            self.act_export_scans,
            self.act_setup,
        ]
        tools = QToolBar("Main")
        tools.setObjectName("main_toolbar")
        tools.setAccessibleName("Main toolbar")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setIconSize(QSize(18, 18))
        for a in (
            self.act_new,
            self.act_import,
            self.act_lookup,
            self.act_refresh,
            self.act_cancel,
            self.act_day,
            self.act_calibration,
        ):
            tools.addAction(a)
        self.addToolBar(tools)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for entry in (
            self.act_new,
            self.act_import,
            self.act_scan_file,
            None,
            self.act_export_pieces,
            self.act_export_scans,
            None,
            self.act_calibration,
            None,
            self.act_quit,
        ):
            if entry is None:
                file_menu.addSeparator()
            else:
                file_menu.addAction(entry)
        track = menu.addMenu("Trac&king")
        for a in (self.act_lookup, self.act_refresh, self.act_cancel, self.act_day):
            track.addAction(a)
        go = menu.addMenu("&Go")
        for i, name in enumerate(PAGES):
            go.addAction(self._action(name, lambda _c=False, i=i: self.go(i), f"Ctrl+{i + 1}"))
        help_menu = menu.addMenu("&Help")
        self.act_guide = self._action("&Guide", self.show_guide, QKeySequence.StandardKey.HelpContents)
        self.act_keys = self._action("&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/")
        for entry in (self.act_guide, self.act_keys, None, self.act_setup, self.act_folder, self.act_about):
            if entry is None:
                help_menu.addSeparator()
            else:
                help_menu.addAction(entry)
        self._apply_icons()

    def _apply_icons(self) -> None:
        """One drawn icon set, in the palette's colours (redrawn when the theme changes)."""
        from .icons import icon  # noqa: PLC0415

        for row, name in enumerate(SIDEBAR_ICONS):
            item = self.sidebar.item(row)
            if item is not None:
                item.setIcon(icon(name))
        for action, name in (
            (self.act_new, "letter"),
            (self.act_import, "import"),
            (self.act_lookup, "lookup"),
            (self.act_refresh, "refresh"),
        ):
            action.setIcon(icon(name))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "act_new"):
            self._apply_icons()

    def show_guide(self) -> None:
        from .help import GuideDialog  # noqa: PLC0415

        dialog = GuideDialog(self)
        self._keep(dialog)
        dialog.show()

    def show_shortcuts(self) -> None:
        from .help import ShortcutsDialog  # noqa: PLC0415

        dialog = ShortcutsDialog(self)
        self._keep(dialog)
        dialog.show()

    # ---------------------------------------------------------------- state

    def _restore(self) -> None:
        geometry = self.ctx.store.state("window_geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)
        state = self.ctx.store.state("window_state")
        if state is not None:
            self.restoreState(state)

    def _save(self) -> None:
        self.ctx.store.set_state("window_geometry", self.saveGeometry())
        self.ctx.store.set_state("window_state", self.saveState())
        if self.pages_ready:
            self.letters.save_columns()
        self.ctx.store.sync()

    def _backend_changed(self) -> None:
        backend = self.ctx.backend
        demo = backend is not None and backend.demo
        self.act_day.setVisible(demo)
        if backend is None:
            self.mode_label.setText("not set up")
        elif demo:
            self.mode_label.setText(f"Demo mode · simulated date {backend.clock():%Y-%m-%d}")
        else:
            self.mode_label.setText(backend.label)

    def _tasks_changed(self, count: int) -> None:
        self.tasks_label.setText(f"{count} task(s) running" if count else "")

    # ---------------------------------------------------------------- actions

    # The toolbar exists before the pages (deferred start), so its actions reach them through these.
    def _look_up_selected(self) -> None:
        self.letters.look_up_selected()

    def _refresh_window(self) -> None:
        self.letters.refresh_window()

    def _start_alerts(self) -> None:
        """The scheduled refresh and the late/stalled notifications (gui.alerts), once Letters exists."""
        from .alerts import Alerts  # noqa: PLC0415

        self.alerts = Alerts(self.ctx, lambda: self.letters.refresh_window(everything=True), self)
        self.letters.refreshed.connect(self.alerts.check)
        self.alerts.announced.connect(self.letters.show_alert)
        self.alerts.clicked.connect(self.show_flagged)
        self.settings_page.saved.connect(self.alerts.apply_settings)

    def show_flagged(self, mailing: str, kind: str) -> None:
        """A notification was clicked: bring the window up on those letters."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        self.go(PAGES.index("Letters"))
        self.letters.show_flagged(mailing, kind)

    def _cancel_lookups(self) -> None:
        self.letters.cancel()

    def go(self, index: int) -> None:
        self.sidebar.setCurrentRow(index)

    def _open_folder(self, folder: Path) -> None:
        from .printing import open_folder  # noqa: PLC0415

        open_folder(self, folder)

    def show_message(self, text: str, timeout: int = 0) -> None:
        """A status-bar message; one arriving while another is still fresh waits its turn (no overwriting)."""
        if self._message_timer.isActive():
            if (
                all(text != queued for queued, _ in self._messages)
                and text != self.statusBar().currentMessage()
            ):
                self._messages.append((text, timeout))
            return
        self._display_message(text, timeout)

    def _display_message(self, text: str, timeout: int) -> None:
        self.statusBar().showMessage(text, timeout)
        self._message_timer.start(MESSAGE_MIN_MS)

    def _next_message(self) -> None:
        if self._messages:
            self._display_message(*self._messages.popleft())

    def show_busy(self, text: str, done: int, total: int) -> None:
        if not text:
            self.progress.hide()
            self.busy_label.setText("")
            return
        self.progress.show()
        self.busy_label.setText(text)
        self.progress.setMaximum(total)  # 0: a busy indicator until the total is known
        self.progress.setValue(done)

    def ensure_setup(self) -> bool:
        """Run the first-start wizard when nothing is set up yet; False if the user cancelled it."""
        if self.ctx.settings.configured and self.ctx.db is not None:
            return True
        return self.run_wizard()

    def run_wizard(self) -> bool:
        from .wizard import FirstStartWizard  # noqa: PLC0415

        wizard = FirstStartWizard(self.ctx, self)
        ok = bool(wizard.exec())
        if ok:
            self._backend_changed()
            self.show_message("Set up. Next: import a list (Ctrl+I) or write one letter (Ctrl+N).")
        return ok

    def import_list(self, path: str = "") -> ImportWizard:
        from .import_wizard import ImportWizard  # noqa: PLC0415

        wizard = ImportWizard(self.ctx, self, path if isinstance(path, str) else "")
        wizard.created.connect(self._mailing_created)
        wizard.setModal(False)
        wizard.show()
        self._keep(wizard)
        return wizard

    def _keep(self, dialog: Any) -> None:
        """Hold a non-modal dialog while it is open, and let it go (and be deleted) when it closes."""
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _result, d=dialog: self._release(d))

    def _release(self, dialog: Any) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        if getattr(dialog, "busy", lambda: False)():
            dialog.release_when_idle = True  # a print still running on it: deleted when it ends
            return
        dialog.deleteLater()

    def _mailing_created(self, summary: object) -> None:
        self.go(2)
        self.mailings.select(str(getattr(summary, "name", "")))

    def open_piece(self, imb: str) -> PieceDetail:
        from .piece_detail import PieceDetail  # noqa: PLC0415

        dialog = PieceDetail(self.ctx, imb, self)
        dialog.setModal(False)
        dialog.show()
        self._keep(dialog)
        return dialog

    def preview_pdf(self, path: str, mode: str = "preview") -> Any:
        from .printing import open_preview  # noqa: PLC0415

        dialog = open_preview(self.ctx, path, self, print_now=mode == "print")
        self._keep(dialog)
        return dialog

    def show_report(self, mailing: str) -> None:
        self.go(PAGES.index("Reports"))
        self.reports.show_mailing(mailing)

    def show_letters(self, mailing: str) -> None:
        self.go(0)
        self.letters.mailing.setCurrentIndex(max(self.letters.mailing.findData(mailing), 0))

    def next_demo_day(self, days: float = 1) -> None:
        backend = self.ctx.backend
        if backend is None or not backend.demo:
            return
        now = backend.advance_demo(days if isinstance(days, (int, float)) and days > 0 else 1)
        self.ctx.settings.demo_days_ahead = backend.demo_days_ahead
        self.ctx.save_settings()
        self._backend_changed()
        self.show_message(f"Demo: it is now {now:%Y-%m-%d %H:%M} for the USPS stand-in; refreshing …", 5000)
        self.letters.refresh_window()

    def calibration(self) -> None:
        from .printing import open_calibration  # noqa: PLC0415

        self._keep(open_calibration(self.ctx, self))

    def import_scan_file(self) -> None:
        from imb_tracker.actions.catalog import file_import_line, import_iv_file  # noqa: PLC0415
        from imb_tracker.tracking.files import ScanFileError  # noqa: PLC0415

        chosen = self.ctx.ask_open_path(
            self, "Import an IV data file", "IV files (*.csv *.txt *.json *.gz *.dat);;All files (*)"
        )
        path = str(chosen) if chosen else ""
        if not path or self.ctx.db is None or self.ctx.backend is None:
            return
        db, now = self.ctx.db, self.ctx.backend.clock()

        def work(_reporter: Reporter) -> object:
            return import_iv_file(db, path, now)

        def done(result: object) -> None:
            line = file_import_line(result, Path(path).name)
            self.show_message(line[:1].upper() + line[1:])
            self.ctx.data_changed.emit()

        def failed(exc: BaseException) -> None:
            text = str(exc) if isinstance(exc, ScanFileError) else f"{type(exc).__name__}: {exc}"
            QMessageBox.warning(self, "Not imported", f"{Path(path).name}: {text}")

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def export(self, scans: bool) -> None:
        from .exports import export_dialog  # noqa: PLC0415

        kind = "scans" if scans else "pieces"
        export_dialog(
            self,
            self.ctx,
            scans,
            self.letters.mailing.currentData(),
            self.ctx.dialog_folder() / f"{kind}.csv",
            self.show_message,
            self.show_message,
        )

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About IMb Tracker",
            f"IMb Tracker {__version__}\n\nPrint Intelligent Mail barcodes "
            "and follow your letters through USPS Informed Visibility.\nTimes are shown as reported by "
            "USPS (local time at the facility).",
        )

    # ---------------------------------------------------------------- quit

    def closeEvent(self, event: QCloseEvent) -> None:
        running = self.ctx.tasks.running()
        if running:
            self.show_message(f"Finishing {running} task(s): each answer already received is stored …")
            QApplication.processEvents()
        self._save()
        finished = self.ctx.shutdown()
        if not finished:
            log.warning("quit with background work still running after the wait")
        event.accept()


_THEME = {"choice": "system", "connected": False}


def apply_palette(app: QApplication, theme: str | None = None) -> None:
    """Fusion with the system's light or dark scheme (and follow changes), or the theme chosen.

    ``theme``: "system" (default), "light" or "dark" (the ``theme`` setting).
    """
    app.setStyle("Fusion")
    if theme is not None:
        _THEME["choice"] = theme

    def update(*_args: object) -> None:
        choice = _THEME["choice"]
        if choice == "system":
            dark_now = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        else:
            dark_now = choice == "dark"
        palette = app.style().standardPalette()
        if dark_now:
            from PySide6.QtGui import QColor  # noqa: PLC0415

            for role, colour in DARK.items():
                palette.setColor(role, QColor(colour))
            for role, colour in DARK_DISABLED.items():
                palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
        app.setPalette(palette)

    update()
    if not _THEME["connected"]:
        QGuiApplication.styleHints().colorSchemeChanged.connect(update)
        _THEME["connected"] = True


DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#24262a",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2b2d31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2b2d31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.BrightText: "#ffffff",
}
DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#7c8087",
    QPalette.ColorRole.Text: "#7c8087",
    QPalette.ColorRole.ButtonText: "#7c8087",
}
