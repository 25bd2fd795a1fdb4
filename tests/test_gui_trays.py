"""The window's Trays view: built from Mailings, each tray with its count and status, its pieces,
and the tags printed from there."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from imb_tracker.gui.main_window import PAGES, MainWindow

from .test_gui_app import demo_window  # noqa: F401 - the fixture


def test_trays_are_built_listed_opened_and_tagged_from_mailings(
    qtbot: QtBot,
    demo_window: MainWindow,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo_window.go(PAGES.index("Mailings"))
    page = demo_window.mailings
    page.select("Spring")
    dialog = page.open_trays()  # owned by the page, which deletes it: not given to qtbot
    assert dialog is not None and "No trays yet" in dialog.summary.text()
    assert not dialog.tags_button.isEnabled()
    dialog.per_tray.setValue(50)
    dialog.build()
    assert dialog.table.rowCount() == 4 and "194 piece(s)" in dialog.summary.text()
    dialog.table.item(0, 3).setText("springfield il 62704")  # Line 1 typed into its cell
    assert dialog.table.item(0, 3).text() == "SPRINGFIELD IL 62704"
    assert not dialog.table.item(0, 1).flags() & Qt.ItemFlag.ItemIsEditable  # only Line 1 can be typed in
    dialog.table.selectRow(1)
    assert dialog.pieces.rowCount() == int(dialog.table.item(1, 1).text())
    out = tmp_path / "tags.pdf"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    dialog.print_tags()
    qtbot.waitUntil(out.is_file, timeout=30_000)
    qtbot.waitUntil(lambda: out.stat().st_size > 1000, timeout=30_000)
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text() or ""
    assert "FCM LTR" in text and dialog.table.item(0, 6).text() in text
    dialog.close()
