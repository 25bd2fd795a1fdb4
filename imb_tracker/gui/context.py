"""What the whole window shares: folders, settings, the open database, the USPS backend, background work."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from imb_tracker.app import AppPaths

from .settings import Settings, SettingsStore
from .tasks import BackgroundTasks

if TYPE_CHECKING:
    from imb_tracker.actions.backend import UspsBackend
    from imb_tracker.store import Database

# The store (SQLAlchemy), the USPS clients (httpx) and the tracking rules are imported when the
# database opens, not with this module: the window is on screen first (installed start-up budget).

log = logging.getLogger(__name__)


class AppContext(QObject):
    """Created once per window.  ``data_changed`` tells every page to re-read the store."""

    data_changed = Signal()
    backend_changed = Signal()

    def __init__(self, paths: AppPaths, db_url: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths.ensure()
        self.store = SettingsStore(paths.config)
        self.settings: Settings = self.store.load()
        self._db_url = db_url
        self.db_url = db_url  # --db given to the window (None: the default file)
        self.tasks = BackgroundTasks(parent=self)
        self.data_changed.connect(self._index_for_search)
        self.backend: UspsBackend | None = None
        self.db: Database | None = None
        # The window calls open() once its pages listen, so they load once (configured apps only).

    # ---------------------------------------------------------------- lifetime

    def open(self) -> None:
        """(Re)open the database and backend for the current mode; demo data lives in its own file."""
        from imb_tracker.actions.backend import choose_mode, open_workspace  # noqa: PLC0415 - see the note at the top
        from imb_tracker.actions.catalog import rebuild_statuses  # noqa: PLC0415

        self.close_backend()
        if self.db is not None:
            self.db.close()
        from imb_tracker.actions.errors import ActionError  # noqa: PLC0415

        try:
            mode = choose_mode(None, self.settings)  # $IMB_TRACKER_USPS_ENV, else the setting
        except ActionError as exc:
            log.warning("%s; using the setting %r", exc, self.settings.usps_env)
            mode = self.settings.usps_env
        space = open_workspace(self.paths, self.settings, db_url=self._db_url, mode=mode)
        self.backend, self.db = space.backend, space.db
        self.backend_changed.emit()
        self.data_changed.emit()
        db, now = self.db, self.backend.clock()
        # A database from before schema version 4 has scans but no headline statuses yet.
        self.tasks.run(
            lambda _reporter: rebuild_statuses(db, now),
            on_error=lambda exc: log.warning("statuses not rebuilt: %s", exc),
        )

    def _index_for_search(self) -> None:
        """Bring the search index up to date in the background (imports leave that for later)."""
        db = self.db
        if db is None:
            return
        from imb_tracker.actions.catalog import index_new_pieces  # noqa: PLC0415

        self.tasks.run(
            lambda _reporter: index_new_pieces(db),
            on_error=lambda exc: log.warning("search index not updated: %s", exc),
        )

    def close_backend(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    def save_settings(self) -> None:
        self.store.save(self.settings)

    # ---------------------------------------------------------------- helpers

    @property
    def workstation(self) -> str:
        return self.settings.workstation or os.environ.get("IMB_TRACKER_WORKSTATION") or socket.gethostname()

    def mailer_mid(self) -> str:
        """The Mailer ID in use: the chosen one, else the first one stored."""
        if self.db is None:
            return ""
        from imb_tracker.actions.catalog import default_mailer  # noqa: PLC0415

        return default_mailer(self.db, self.settings)

    def output_folder(self) -> Path:
        """Where files the app makes by itself go (a letter sent to the printer, a preview)."""
        folder = self.paths.data / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def ensure_sign_in(self, parent: Any) -> bool:
        """With ``password_storage = ask``: ask for the password at the first lookup of this run.

        True when lookups may go ahead (demo mode, a stored or typed sign-in); False if cancelled.
        """
        if self.backend is None or self.backend.demo or self.settings.password_storage != "ask":
            return True
        from PySide6.QtWidgets import QInputDialog, QLineEdit  # noqa: PLC0415

        from imb_tracker.actions.catalog import has_iv, remember_for_session  # noqa: PLC0415

        if has_iv():
            return True
        user = self.settings.iv_username
        if not user:
            user, ok = QInputDialog.getText(parent, "USPS sign-in", "Business Customer Gateway user name:")
            if not ok or not user.strip():
                return False
        password, ok = QInputDialog.getText(
            parent,
            "USPS sign-in",
            f"Password for {user.strip()} (kept only until IMb Tracker closes):",
            QLineEdit.EchoMode.Password,
        )
        if not ok or not password:
            return False
        remember_for_session(user.strip(), password)
        return True

    def dialog_folder(self) -> Path:
        """Where file dialogs open: the last folder the user chose, else Documents (never the data folder)."""
        last = Path(self.settings.last_folder) if self.settings.last_folder else None
        if last is not None and last.is_dir():
            return last
        from PySide6.QtCore import QStandardPaths  # noqa: PLC0415

        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def remember_folder(self, path: str | Path) -> None:
        folder = Path(path).parent
        if str(folder) != self.settings.last_folder:
            self.settings.last_folder = str(folder)
            self.save_settings()

    def ask_save_path(self, parent: Any, title: str, suggested: str, filters: str) -> Path | None:
        """A save dialog in :meth:`dialog_folder`; the chosen folder is remembered.  None: cancelled."""
        from PySide6.QtWidgets import QFileDialog  # noqa: PLC0415

        path, _ = QFileDialog.getSaveFileName(parent, title, str(self.dialog_folder() / suggested), filters)
        if not path:
            return None
        self.remember_folder(path)
        return Path(path)

    def ask_open_path(self, parent: Any, title: str, filters: str) -> Path | None:
        """An open dialog in :meth:`dialog_folder`; the chosen folder is remembered.  None: cancelled."""
        from PySide6.QtWidgets import QFileDialog  # noqa: PLC0415

        path, _ = QFileDialog.getOpenFileName(parent, title, str(self.dialog_folder()), filters)
        if not path:
            return None
        self.remember_folder(path)
        return Path(path)

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Cancel background work, wait for it (each lookup is stored before the next), stop the backend."""
        self.tasks.cancel_all()
        finished = self.tasks.wait_all(timeout_s)
        self.close_backend()
        if self.db is not None:
            self.db.close()
        self.store.sync()
        return finished
