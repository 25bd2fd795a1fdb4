"""The window's reply mail: the design editor's live preview and rule check, printing replies for a
mailing, the Letters table's Reply filter and column, and a letter's Reply tab."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pytestqt.qtbot import QtBot

from imb_tracker.actions.replies import list_designs
from imb_tracker.gui.letters_model import REPLY_COLUMN
from imb_tracker.gui.main_window import PAGES, MainWindow

from .test_gui_app import demo_window  # noqa: F401 - the fixture


def test_design_print_and_follow_replies_from_the_window(
    qtbot: QtBot,
    demo_window: MainWindow,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo_window.go(PAGES.index("Reply mail"))
    page = demo_window.replies
    qtbot.waitUntil(lambda: page.mailer.count() > 0, timeout=10_000)
    page.new_design()
    page.name.setText("Spring BRM")
    page.kind.setCurrentIndex(page.kind.findData("brm"))
    page.lines.setPlainText("ACME FUND\nPO BOX 1234\nSPRINGFIELD IL 62704-1234")
    page.zip.setText("62704-12345")  # 10 digits: the check says so before anything is saved
    qtbot.waitUntil(lambda: "routing" in page.problems.text() or "ZIP" in page.problems.text(), timeout=5_000)
    page.zip.setText("62704-1234")
    page.permit.setText("567")
    page.permit_city.setText("Springfield IL")
    qtbot.waitUntil(lambda: "Every rule checked passes" in page.problems.text(), timeout=5_000)
    assert page.preview.reply is not None and page.preview.reply.fim  # the preview draws the FIM
    assert "STID 032" in page.problems.text() and "FIM C" in page.problems.text()
    page.save()
    assert demo_window.ctx.db is not None
    assert [d.name for d in list_designs(demo_window.ctx.db)] == ["Spring BRM"]
    qtbot.waitUntil(lambda: page.current is not None and page.save_button.text() == "&Save print options")

    out = tmp_path / "replies.pdf"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    page.mailing.setCurrentIndex(page.mailing.findData("Spring"))
    page.print_for_mailing()
    qtbot.waitUntil(out.is_file, timeout=60_000)
    qtbot.waitUntil(page.print_button.isEnabled, timeout=60_000)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 194
        assert "BUSINESS REPLY MAIL" in (pdf.pages[0].extract_text() or "")

    # Letters: the Reply column says "No reply yet"; the filter finds the letters with a reply piece
    demo_window.go(0)
    letters = demo_window.letters
    letters.replies.setCurrentIndex(letters.replies.findData("with_reply"))
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() > 0, timeout=10_000)
    model = letters.model
    assert model is not None
    assert model.index(0, REPLY_COLUMN).data() == "No reply yet"
    letters.replies.setCurrentIndex(letters.replies.findData("replied"))
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() == 0, timeout=10_000)

    # a letter's detail has a Reply tab with the reply's IMb
    letters.replies.setCurrentIndex(letters.replies.findData(""))
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() > 0, timeout=10_000)
    detail = demo_window.open_piece(letters.model.imb_at(0))
    assert detail is not None
    assert detail.tabs.isTabVisible(detail.reply_index)
    assert "STID 032" in detail.reply_what.text() and detail.reply_status.text() == "No reply yet"
    detail.close()
