"""Help › Guide (a short local HTML guide with screenshots) and Help › Keyboard shortcuts.

The guide ships with the app (``resources/guide``), so it works offline and in the installed app;
the shortcuts are read from the window's own actions, so the list is never out of date.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.imb.resources import resource_path

#: shortcuts that belong to a page rather than to a window action
PAGE_SHORTCUTS = (
    ("Letters", "Ctrl+F", "Search the letters"),
    ("Letters", "Ctrl+L", "Look up the selected letters now"),
    ("Letters", "F5", "Refresh every letter still in USPS's window"),
    ("Letters", "Enter", "Open the selected letter"),
    ("Letters", "Ctrl+P", "Reprint the selected letters (same serials)"),
    ("Letters", "Ctrl+Shift+C", "Copy the selected IMbs"),
    ("Print preview", "Page Down / Page Up", "Next / previous page"),
    ("Letter detail", "Ctrl+Shift+C", "Copy the timeline"),
)


def guide_file() -> QUrl:
    return QUrl.fromLocalFile(str(resource_path("guide", "index.html")))


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("IMb Tracker guide")
        self.setAccessibleName("Guide")
        self.resize(860, 720)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Guide text")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(guide_file())
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def window_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every window action with a shortcut, then the pages' own."""
    rows = []
    seen = set()
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString()
        text = action.text().replace("&", "").rstrip("…")
        if keys and (keys, text) not in seen:
            seen.add((keys, text))
            rows.append(("Window", keys, text))
    rows.sort(key=lambda r: r[2])
    return rows + list(PAGE_SHORTCUTS)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QMainWindow) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        rows = window_shortcuts(parent)
        self.table = QTableWidget(len(rows), 3)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
