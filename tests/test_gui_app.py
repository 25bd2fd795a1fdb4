"""The desktop app end to end, offscreen: first start in demo mode, one letter, import, lookups, quit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from imb_tracker.app import app_paths
from imb_tracker.gui.letters_model import STATUS_COLUMN
from imb_tracker.gui.main_window import MainWindow
from imb_tracker.gui.wizard import FirstStartWizard
from imb_tracker.store.mailings import list_mailings
from imb_tracker.store.schema import lookups, piece_status

LETTER = {
    "name": "Jordan Lee",
    "address1": "742 Evergreen Terrace",
    "city": "Springfield",
    "state": "IL",
    "zip": "62704-1234",
}


def make_window(qtbot: QtBot, home: Path) -> MainWindow:
    window = MainWindow(app_paths(home))
    qtbot.addWidget(window)
    window.show()
    return window


def set_up_demo(qtbot: QtBot, window: MainWindow, quota: int = 100_000) -> None:
    """Click through the first-start wizard in demo mode (the defaults)."""
    window.ctx.settings.iv_quota_per_minute = quota
    wizard = FirstStartWizard(window.ctx, window)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.mode_page.demo.isChecked()
    wizard.next()
    page = wizard.mailer_page
    assert page.mid.text() == "123456" and page.isComplete()
    page.mid.setText("9123456")  # validated as typed, with the reason
    assert not page.isComplete()
    assert "7 digits" in page.mid_message.text()
    page.mid.setText("123456")
    assert page.isComplete()
    wizard.next()
    wizard.accept()
    assert window.ctx.settings.configured and window.ctx.backend is not None and window.ctx.backend.demo


def import_sample(qtbot: QtBot, window: MainWindow, name: str = "Sample") -> None:
    wizard = window.import_list()  # owned by the window, which deletes it: not given to qtbot
    wizard.file_page.path.setText(str(Path(__file__).resolve().parents[1] / "resources/sample/demo_list.csv"))
    wizard.file_page.name.setText(name)
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.mapping_page.isComplete(), wizard.mapping_page.problem.text()
    assert wizard.mapping_page.preview.rowCount() == 8
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.result is not None, timeout=20_000)
    result = wizard.check_page.result
    assert result is not None and len(result.invalid_rows) == 6 and len(result.records) == 194
    wizard.check_page.severity.setCurrentIndex(1)  # errors only
    assert wizard.check_page.table.rowCount() >= 6
    assert all(
        wizard.check_page.table.item(r, 0).text() == "error"
        for r in range(wizard.check_page.table.rowCount())
    )
    wizard.next()
    qtbot.waitUntil(lambda: wizard.create_page.summary is not None, timeout=30_000)
    assert "6 row(s) with errors were left out" in wizard.create_page.status.text()
    wizard.close()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, tmp_path / "home")
    yield w
    w.close()


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The window in demo mode with the sample list imported as mailing "Spring" (194 letters)."""
    w = make_window(qtbot, tmp_path / "home")
    set_up_demo(qtbot, w)
    import_sample(qtbot, w, "Spring")
    yield w
    w.close()


def test_demo_wizard_then_one_letter_saved_as_pdf(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    set_up_demo(qtbot, window)
    window.go(1)
    page = window.letter
    page.fill(LETTER)
    qtbot.waitUntil(page.save_button.isEnabled, timeout=5000)
    assert "Meets the placement rules" in page.checks.text()
    assert page.preview.layout_ is not None and len(page.preview.layout_.bars) == 65
    page.edits["zip"].setText("6270")  # a bad ZIP is shown beside the field, and nothing can print
    page.update_preview()
    assert "ZIP" in page.checks.text() and not page.save_button.isEnabled()
    page.edits["zip"].setText("62704-1234")
    page.update_preview()
    out = page.make_pdf(show=False, out=tmp_path / "letter.pdf")
    assert out is not None and out.is_file()
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 1
        assert (round(pdf.pages[0].width / 72, 3), round(pdf.pages[0].height / 72, 3)) == (9.5, 4.125)
        assert "JORDAN LEE" in pdf.pages[0].extract_text()
    assert window.ctx.db is not None
    [mailing] = list_mailings(window.ctx.db)
    assert mailing.piece_count == 1 and mailing.first_serial == 1  # stored with its serial before printing
    window.go(0)
    qtbot.waitUntil(lambda: window.letters.model is not None and window.letters.model.rowCount() == 1)


def test_import_lookup_and_refresh_update_rows(qtbot: QtBot, window: MainWindow) -> None:
    set_up_demo(qtbot, window)
    import_sample(qtbot, window)
    assert window.stack.currentWidget() is window.mailings
    assert window.mailings.selected() == "Sample"
    letters = window.letters
    assert letters.model is not None
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() == 194)
    assert letters.model.data(letters.model.index(0, STATUS_COLUMN)) == "Not looked up yet"
    assert window.ctx.backend is not None
    window.ctx.backend.advance_demo(5)
    # one click on the selected rows
    letters.table.selectRow(0)
    letters.look_up_selected()
    qtbot.waitUntil(lambda: letters.task is None, timeout=20_000)
    model = letters.model
    qtbot.waitUntil(lambda: model.data(model.index(0, STATUS_COLUMN)) != "Not looked up yet", timeout=5000)
    # everything still in USPS's window
    letters.refresh_window()
    qtbot.waitUntil(lambda: letters.task is None, timeout=60_000)

    def statuses() -> set[str]:
        return {model.data(model.index(r, STATUS_COLUMN)) for r in range(model.rowCount())}

    qtbot.waitUntil(
        lambda: "Not looked up yet" not in statuses(), timeout=5000
    )  # rows update as answers arrive
    words = statuses()
    assert "Sorted for the carrier" in words
    # one policy with the CLI: the letter looked up a moment ago is not asked about again (60 minutes)
    qtbot.waitUntil(lambda: "looked up 193 piece(s)" in window.statusBar().currentMessage(), timeout=15_000)
    db = window.ctx.db
    assert db is not None
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(piece_status)).scalar_one() == 194
    # the status filter works on the stored statuses
    letters.status.setCurrentIndex(letters.status.findData("sorted"))
    sorted_rows = letters.model.rowCount()
    assert 0 < sorted_rows < 194
    # the detail of a piece shows its timeline and USPS window
    detail = window.open_piece(letters.model.imb_at(0))  # owned by the window
    assert detail.table.rowCount() >= 1
    assert "USPS keeps data until about" in detail.usps_window.text()
    assert len(detail.bars.text()) == 65
    # reports
    window.show_report("Sample")
    qtbot.waitUntil(lambda: window.reports.report is not None, timeout=20_000)
    assert window.reports.report is not None and window.reports.report.pieces == 194
    assert window.reports.stage_chart.items
    pdf = Path(window.ctx.paths.data) / "report.pdf"
    window.reports.write_pdf(pdf)
    assert pdf.stat().st_size > 1000


def test_cancel_a_refresh_and_quit_during_one_lose_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "home")
    set_up_demo(qtbot, window, quota=240)  # 4 lookups a second after the first burst: slow enough to cancel
    import_sample(qtbot, window)
    letters = window.letters
    letters.refresh_window()
    assert letters.task is not None
    qtbot.waitUntil(lambda: window.progress.value() >= 5, timeout=20_000)
    letters.cancel()
    qtbot.waitUntil(lambda: letters.task is None, timeout=20_000)
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=15_000)
    db = window.ctx.db
    assert db is not None and window.ctx.backend is not None
    server = window.ctx.backend._server  # the demo stand-in counts what it answered
    assert server is not None
    with db.read() as conn:
        logged = conn.execute(select(func.count()).select_from(lookups)).scalar_one()
    assert 5 <= logged < 194
    assert logged == server.sandbox.stats.get("piece_requests", 0)  # every answer received was stored
    # quit in the middle of the next refresh: the window waits, and every answer is stored
    letters.refresh_window()
    qtbot.waitUntil(lambda: window.progress.value() >= 3, timeout=20_000)
    stats = server.sandbox.stats
    window.close()
    with db.read() as conn:
        logged = conn.execute(select(func.count()).select_from(lookups)).scalar_one()
    assert logged == stats.get("piece_requests", 0)
    assert window.ctx.tasks.running() == 0


def test_settings_and_window_state_are_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    window = make_window(qtbot, home)
    set_up_demo(qtbot, window)
    page = window.settings_page
    window.go(7)
    page.load()
    assert page.mid.text() == "123456"
    page.return_lines.setPlainText("ACME FOOD BANK\nPO BOX 1\nSPRINGFIELD IL 62701")
    page.mailer_name.setText("Acme Food Bank")
    page.window_days.setValue(120)
    page.stalled.setValue(7)
    page.apply()
    assert "Saved" in page.result.text()
    page.mailer_name.setText("")  # a bad value is refused in words, nothing saved
    page.apply()
    assert "needs a name" in page.result.text()
    window.go(0)
    window.letters.table.setColumnWidth(2, 333)
    window.close()
    again = make_window(qtbot, home)
    assert again.ctx.settings.return_address == ["ACME FOOD BANK", "PO BOX 1", "SPRINGFIELD IL 62701"]
    assert again.ctx.settings.stalled_days == 7
    assert again.ctx.store.state("window_geometry") is not None  # (offscreen screens clamp the size itself)
    assert again.letters.table.columnWidth(2) == 333  # the letters table's column layout came back
    again.settings_page.load()
    assert again.settings_page.mailer_name.text() == "Acme Food Bank"
    assert again.settings_page.window_days.value() == 120
    again.close()


def start_deferred(qtbot: QtBot, home: Path) -> MainWindow:
    """As the app starts: the pages, and the table's columns, follow the first frame."""
    window = MainWindow(app_paths(home), deferred=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.pages_built, timeout=10_000):
        window.show()
    return window


def header_is_whole(window: MainWindow) -> bool:
    model = window.letters.model
    header = window.letters.table.horizontalHeader()
    sizes = [header.sectionSize(column) for column in range(header.count())]
    return (
        model is not None
        and header.count() == model.columnCount() > 5
        and header.hiddenSectionCount() == 0
        and min(sizes) >= 40
        and header.length() == sum(sizes)
    )


def test_a_window_closed_before_setup_leaves_the_columns_alone(qtbot: QtBot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = make_window(qtbot, home)  # never set up: no database, a table without columns
    first.close()
    first.ctx.settings.configured, first.ctx.settings.usps_env = True, "demo"  # as the wizard would
    first.ctx.save_settings()
    window = start_deferred(qtbot, home)
    assert header_is_whole(window)
    window.close()


def test_import_wizard_chooses_the_sheet_and_the_delimiter(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    import openpyxl

    set_up_demo(qtbot, window)
    header = ["Name", "Address", "City", "State", "ZIP"]
    book = openpyxl.Workbook()
    book.active.title = "Spring"
    book.active.append(header)
    book.active.append(["Ann Lee", "5 Elm St", "Hartford", "CT", "06103"])
    fall = book.create_sheet("Fall")
    fall.append(header)
    for i in range(3):
        fall.append([f"Bo Park {i}", "9 Oak Ave", "Austin", "TX", "78701"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    wizard = window.import_list()  # owned by the window
    wizard.file_page.path.setText(str(path))
    wizard.file_page.name.setText("Two sheets")
    wizard.next()
    page = wizard.mapping_page
    assert page.sheet.isVisibleTo(page) and not page.delimiter.isVisibleTo(page)
    assert page.preview.rowCount() == 1
    page.sheet.setCurrentIndex(page.sheet.findData("Fall"))
    assert page.preview.rowCount() == 3 and "sheet &#x27;Fall&#x27;" in page.problem.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.result is not None, timeout=20_000)
    assert wizard.check_page.result is not None and len(wizard.check_page.result.records) == 3
    wizard.back()
    wizard.back()
    text = tmp_path / "semi.txt"
    text.write_text("Name;Address;City;State;ZIP\nAnn, Lee;5 Elm St;Hartford;CT;06103\n", encoding="utf-8")
    wizard.file_page.path.setText(str(text))
    wizard.next()
    assert page.delimiter.isVisibleTo(page) and not page.sheet.isVisibleTo(page)
    page.delimiter.setCurrentIndex(page.delimiter.findData(","))  # the wrong choice: one column too few
    assert not page.isComplete()
    page.delimiter.setCurrentIndex(page.delimiter.findData(";"))
    assert page.isComplete() and page.preview.item(0, 0).text() == "Ann, Lee"
    wizard.close()
