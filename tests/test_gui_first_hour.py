"""Issue 15: the first hour in the window — each surprise an office manager met, driven offscreen."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from imb_tracker.gui import crash
from imb_tracker.gui.letters_model import STATUS_COLUMN
from imb_tracker.gui.main_window import MainWindow

from .test_gui_app import make_window, set_up_demo


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The window, with the app's own last-resort exception hook: the walk fails if anything reaches it."""
    w = make_window(qtbot, tmp_path / "home")
    hooks = sys.excepthook, threading.excepthook
    crash.install(lambda: w, tmp_path / "crash.log")
    crash.seen.clear()
    yield w
    reached = list(crash.seen)
    crash.seen.clear()
    sys.excepthook, threading.excepthook = hooks
    w.close()
    assert reached == [], "an exception reached the window's last handler:\n" + "\n".join(reached)


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_an_uncaught_exception_is_an_apology_with_details_and_the_window_lives_on(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook
    old = crash.install(lambda: window, tmp_path / "imb-tracker.log")
    try:
        assert sys.excepthook is crash.report and old is previous_hook
        crash.seen.clear()
        try:
            raise RuntimeError("a slot nobody guarded")
        except RuntimeError:
            crash.report(*sys.exc_info())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bool(_boxes()), timeout=5000)
        (box,) = _boxes()
        assert "RuntimeError: a slot nobody guarded" in box.text() and "still works" in box.text()
        assert "Traceback" in box.detailedText()
        copy = next(b for b in box.buttons() if "Copy" in b.text())
        copy.click()
        assert "a slot nobody guarded" in QApplication.clipboard().text()
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(crash.seen) == 2 and bool(_boxes()), timeout=5000)
        assert "ZeroDivisionError" in crash.seen[1]
        for b in _boxes():
            b.close()
        assert window.isVisible()
    finally:
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook
        crash.seen.clear()


LETTER = {
    "name": "Jordan Lee",
    "address1": "742 Evergreen Terrace",
    "city": "Springfield",
    "state": "IL",
    "zip": "62704-1234",
}


def test_one_letter_stored_once_printed_again_and_asked_about_on_the_same_day(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imb_tracker.store.mailings import list_mailings

    set_up_demo(qtbot, window)
    window.go(1)
    page = window.letter
    page.fill(LETTER)
    qtbot.waitUntil(page.save_button.isEnabled, timeout=5000)
    # Save PDF asks where; cancelling stores nothing
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: ("", ""))
    assert page.make_pdf(show=False) is None
    assert window.ctx.db is not None and list_mailings(window.ctx.db) == []
    chosen = tmp_path / "jordan.pdf"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(chosen), ""))
    assert page.make_pdf(show=False) == chosen and chosen.is_file()
    assert window.ctx.settings.last_folder == str(tmp_path)  # the next dialog opens here
    assert page.stored is not None and page.stored_box.isVisibleTo(page)
    assert "Stored as serial" in page.stored_label.text() and not page.save_button.isVisibleTo(page)
    serial = page.stored.serial
    # Print again: the same serial, nothing new stored (it used to fail with a ConflictError)
    again = page.print_again(print_now=False, out=tmp_path / "again.pdf", show=False)
    assert again is not None and again.is_file()
    assert page.make_pdf(show=False, out=tmp_path / "again2.pdf") == tmp_path / "again2.pdf"  # same letter
    (mailing,) = list_mailings(window.ctx.db)
    assert mailing.piece_count == 1 and mailing.name.startswith("Single letters – ")
    # New letter clears the form; the same recipient again on the same day asks first
    page.new_button.click()
    assert page.stored is None and page.edits["name"].text() == ""
    page.fill(LETTER)
    page.update_preview()
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> object:
        def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert page.make_pdf(show=False, out=tmp_path / "twice.pdf") is None
    assert asked and f"serial {serial}" in asked[0]
    assert list_mailings(window.ctx.db)[0].piece_count == 1
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert page.make_pdf(show=False, out=tmp_path / "twice.pdf") is not None
    (mailing,) = list_mailings(window.ctx.db)  # grouped: one "Single letters" mailing, two letters
    assert mailing.piece_count == 2 and page.stored is not None and page.stored.serial != serial
    # editing the form after storing makes it a new letter again
    page.edits["name"].setText("Jordan Q Lee")
    assert page.stored is None and page.save_button.isVisibleTo(page)


def test_a_store_error_is_shown_in_words_on_the_page(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imb_tracker.store.errors import StoreError

    set_up_demo(qtbot, window)
    window.go(1)
    page = window.letter
    page.fill(LETTER)
    qtbot.waitUntil(page.save_button.isEnabled, timeout=5000)

    def broken(*_a: object, **_k: object) -> None:
        raise StoreError("the database is locked by another program")

    monkeypatch.setattr("imb_tracker.actions.letters.add_letter", broken)
    assert page.make_pdf(show=False, out=tmp_path / "x.pdf") is None
    assert "could not be stored" in page.checks.text() and "locked by another program" in page.checks.text()
    assert page.stored is None


def test_letters_table_reprints_copies_and_voids(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imb_tracker.actions.refresh import RefreshPolicy, plan
    from imb_tracker.store.mailings import iter_pieces

    set_up_demo(qtbot, window)
    window.go(1)
    page = window.letter
    page.fill(LETTER)
    qtbot.waitUntil(page.save_button.isEnabled, timeout=5000)
    assert page.make_pdf(show=False, out=tmp_path / "first.pdf") is not None
    serial = page.stored.serial if page.stored else ""
    page.open_button.click()  # Open in Letters
    letters = window.letters
    assert window.stack.currentWidget() is letters
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() == 1, timeout=5000)
    letters.table.selectRow(0)
    made = letters.reprint_selected(show=False)
    assert len(made) == 1 and made[0].is_file()
    import pdfplumber

    with pdfplumber.open(made[0]) as pdf:
        assert "JORDAN LEE" in pdf.pages[0].extract_text()
    (piece,) = list(iter_pieces(window.ctx.db))  # type: ignore[arg-type]
    assert piece.serial == serial  # the same serial, nothing new stored
    letters.copy_imbs()
    assert QApplication.clipboard().text() == piece.imb
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert letters.void_selected() == 1
    qtbot.waitUntil(
        lambda: "Void" in str(letters.model.data(letters.model.index(0, STATUS_COLUMN))), timeout=5000
    )  # type: ignore[union-attr]
    assert window.ctx.db is not None and window.ctx.backend is not None
    chosen = plan(window.ctx.db, window.ctx.backend, RefreshPolicy.from_settings(window.ctx.settings))
    assert piece.imb not in chosen.due  # a voided letter is never looked up again
    assert set(letters.row_actions) == {"open", "lookup", "reprint", "copy", "void"}


def test_the_wizard_is_all_or_nothing_with_a_failing_keyring_and_back_then_edit(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imb_tracker.gui.wizard import FirstStartWizard
    from imb_tracker.store.mailers import list_mailers
    from imb_tracker.usps import credentials

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("IMB_TRACKER_IV_USERNAME", raising=False)
    monkeypatch.delenv("IMB_TRACKER_IV_PASSWORD", raising=False)
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())  # restored after
    credentials.forget_session()
    wizard = FirstStartWizard(window.ctx, window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.mode_page.real.setChecked(True)
    wizard.next()
    mailer = wizard.mailer_page
    mailer.name.setText("Acme Charity")
    mailer.mid.setText("123456")
    mailer.window_days.setValue(50)
    assert "Alt" not in mailer.stid_help.text() and "usual choice" in mailer.stid_help.text()
    assert mailer.stid.count() == 4  # the common four first; "Show all" lists the rest
    mailer.all_stids.setChecked(True)
    assert mailer.stid.count() > 20
    mailer.all_stids.setChecked(False)
    wizard.next()
    sign_in = wizard.sign_in_page
    assert (
        "cannot be kept safely" in sign_in.keyring_note.text()
        and "no system keyring" in sign_in.keyring_note.text()
    )
    assert not sign_in.keep_keyring.isEnabled() and sign_in.keep_ask.isChecked()
    assert "docs/" not in " ".join(w.text() for w in sign_in.findChildren(type(sign_in.keyring_note)))
    sign_in.username.setText("acme-user")
    sign_in.password.setText("secret")
    sign_in.keep_keyring.setEnabled(True)
    sign_in.keep_keyring.setChecked(True)  # insist on the keyring: Finish must fail and save nothing
    wizard.next()
    wizard.accept()
    assert wizard.isVisible() and "cannot be kept in the keyring" in wizard.currentPage().subTitle()
    assert not window.ctx.settings.configured
    assert window.ctx.db is None or list_mailers(window.ctx.db) == []
    # Back, change the window to 90 days, ask for the password instead, Finish
    wizard.back()
    wizard.back()
    mailer.window_days.setValue(90)
    wizard.next()
    sign_in.keep_ask.setChecked(True)
    wizard.next()
    assert (
        "uniqueness window 90 days" in wizard.currentPage().findChildren(type(sign_in.keyring_note))[0].text()
    )
    wizard.accept()
    assert not wizard.isVisible()
    assert window.ctx.settings.configured and window.ctx.settings.password_storage == "ask"
    assert window.ctx.db is not None
    (saved,) = list_mailers(window.ctx.db)
    assert saved.window_days == 90 and saved.name == "Acme Charity"
    assert credentials.load_iv().username == "acme-user"  # for this run only, in memory
    credentials.forget_session()


def test_mark_mailed_after_the_first_scan_is_refused_and_offers_the_scan_date(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from datetime import timedelta

    from imb_tracker.actions.mailings import MailedAfterScanError, mark_mailed
    from imb_tracker.store.mailings import get_mailing
    from imb_tracker.store.scans import first_scan_of_mailing

    from .test_gui_app import import_sample

    set_up_demo(qtbot, window)
    import_sample(qtbot, window, "Spring")
    db, backend = window.ctx.db, window.ctx.backend
    assert db is not None and backend is not None
    mark_mailed(db, "Spring", backend=backend)  # before any scan: fine
    window.go(0)
    letters = window.letters
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() > 0, timeout=10_000)
    window.next_demo_day(2)
    letters.refresh_window()
    qtbot.waitUntil(lambda: letters.task is None, timeout=60_000)
    first = first_scan_of_mailing(db, "Spring")
    assert first is not None
    later = first + timedelta(days=3)
    with pytest.raises(MailedAfterScanError, match=f"scanned one of its letters on {first:%Y-%m-%d}"):
        mark_mailed(db, "Spring", later, backend=backend)
    # the window offers the first scan's date instead
    monkeypatch.setattr(backend, "clock", lambda: later)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.go(2)
    page = window.mailings
    page.table.selectRow(next(r for r, m in enumerate(page.mailings) if m.name == "Spring"))
    page.mark_mailed()
    assert get_mailing(db, "Spring").mailed_at == first
    # the stalled filter's count is the count of its rows (same query, same clock)
    window.go(0)
    letters.model.stalled_days = 1  # type: ignore[union-attr]
    letters.model._clock = lambda: later + timedelta(days=5)  # type: ignore[union-attr]
    letters.status.setCurrentIndex(letters.status.findData("stalled"))
    qtbot.waitUntil(
        lambda: letters.summary.text().endswith("letters") and "+" not in letters.summary.text(),
        timeout=10_000,
    )
    while letters.model.canFetchMore():  # type: ignore[union-attr]
        letters.model.fetchMore()  # type: ignore[union-attr]
    rows = letters.model.rowCount()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: letters.summary.text() == f"{rows:,} letters", timeout=10_000)
    assert rows > 0 and letters.model.query_filter is not None and letters.model.query_filter.now is not None  # type: ignore[union-attr]
    # the report, exported as the window does it
    out = tmp_path / "report.csv"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    window.show_report("Spring")
    qtbot.waitUntil(
        lambda: window.reports.report is not None and window.reports.report.mailing == "Spring",
        timeout=20_000,
    )
    window.reports.export_csv()
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 195 and lines[0].endswith("database_id")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e6, 1e6), st.just(-0.7)),
        max_size=30,
    ),
    width=st.one_of(st.just(1.0), st.floats(0.01, 10), st.just(0.0), st.just(-1.0)),
)
def test_no_chart_or_report_code_raises_on_odd_series(
    qtbot: QtBot, values: list[float], width: float
) -> None:
    """Before: a median of -0.7 days made histogram() raise IndexError and left stale charts."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from imb_tracker.gui.charts import BarChart
    from imb_tracker.tracking.report import MailingReport, PieceSummary, histogram, report_lines

    bins = histogram(values, width)
    finite = [v for v in values if math.isfinite(v)]
    assert sum(n for _, n in bins) == (len(finite) if bins else 0)
    chart = BarChart("odd")
    chart.set_items([(f"b{i}", v, "#1e88e5") for i, v in enumerate(values)])
    image = QImage(320, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    chart.paint_into(painter, QRectF(0, 0, 320, 200), QColor("black"))
    painter.end()
    stalled = [PieceSummary("0" * 31, "A", "IL", "stalled", "No recent scans", None, None, None)] * 3
    report = MailingReport("M", 3, days_to_carrier_sort=list(values), stalled=stalled, stalled_days=4)
    report.by_state = {"IL": finite} if finite else {}
    lines = report_lines(report, stalled_limit=2)
    assert any("and 1 more" in line for line in lines) and any("4 delivery days" in line for line in lines)


def test_import_with_zip4_cancelled_then_back_and_the_report_reads_well(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QWizard

    from imb_tracker.store.mailings import list_mailings

    set_up_demo(qtbot, window)
    wizard = window.import_list()
    wizard.file_page.path.setText(str(Path(__file__).resolve().parents[1] / "resources/sample/demo_list.csv"))
    wizard.file_page.name.setText("Cancelled")
    wizard.next()
    assert wizard.mapping_page.check_zips.isChecked()
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.result is not None, timeout=20_000)
    assert "lookups" in check.zip4.text() and "demo" in check.zip4.text()  # the estimate, before it starts
    assert "paid, licensed product" in check.zip4_note.text()
    assert check.table.horizontalHeaderItem(0).text() == "Severity"
    severities = {check.table.item(r, 0).text() for r in range(check.table.rowCount())}
    assert severities == {"error", "warning"}
    assert any(
        "ZIP Code 97205 is in PORTLAND OR" in check.table.item(r, 3).text()
        for r in range(check.table.rowCount())
    )
    check.zip4.setChecked(True)
    wizard.next()
    create = wizard.create_page
    assert create.task is not None
    create.task.cancel()
    qtbot.waitUntil(lambda: "Nothing was saved" in create.status.text(), timeout=20_000)
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert back.isVisible() and back.isEnabled()
    assert window.ctx.db is not None and [m.name for m in list_mailings(window.ctx.db)] == []
    wizard.back()
    assert wizard.currentPage() is check
    check.zip4.setChecked(False)
    wizard.next()
    qtbot.waitUntil(lambda: create.summary is not None, timeout=30_000)
    assert [m.name for m in list_mailings(window.ctx.db)] == ["Cancelled"]
    wizard.close()


def test_the_detail_says_where_and_when_like_a_person(qtbot: QtBot, window: MainWindow) -> None:
    import re

    from imb_tracker.tracking.status import facility_of

    from .test_gui_app import import_sample

    assert (
        facility_of(
            {
                "scan_facility_name": "SPRINGFIELD P&DC",
                "scan_facility_city": "SPRINGFIELD",
                "scan_facility_state": "IL",
                "scan_facility_zip": "62703",
            }
        )
        == "SPRINGFIELD P&DC, SPRINGFIELD, IL 62703"
    )
    assert facility_of({"scan_locale_key": "ABC123"}) == "scan_locale_key=ABC123"
    assert facility_of({}) == "place not given by USPS"
    set_up_demo(qtbot, window)
    import_sample(qtbot, window, "Where")
    window.next_demo_day(3)
    window.go(0)
    letters = window.letters
    qtbot.waitUntil(lambda: letters.model is not None and letters.model.rowCount() > 0, timeout=10_000)
    letters.table.selectRow(0)
    letters.look_up_selected()
    qtbot.waitUntil(lambda: letters.task is None, timeout=30_000)
    detail = window.open_piece(letters.model.imb_at(0))  # type: ignore[union-attr]
    assert re.fullmatch(r"Letter to .+ · serial \d+", detail.windowTitle())
    assert detail.table.horizontalHeaderItem(0).text() == "When (USPS's local time)"
    if detail.table.rowCount():
        when = detail.table.item(0, 0).text()
        # a day and a time as people write them, not ISO's 2026-12-08T10:00 ("Tue" and "Thu" hold a T)
        assert not re.search(r"\d-\d\dT\d", when) and re.search(r"\d{1,2}:\d{2}", when)
        assert "as USPS reported it" in detail.table.item(0, 0).toolTip()
        assert detail.table.item(0, 2).text()  # where
    detail.close()


def test_pages_fit_1024_by_700_and_help_has_a_guide_and_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QScrollArea

    from imb_tracker.gui.help import GuideDialog, ShortcutsDialog, window_shortcuts
    from imb_tracker.gui.letters_model import KEYS
    from imb_tracker.gui.main_window import apply_palette

    from .test_gui_app import import_sample

    set_up_demo(qtbot, window)
    import_sample(qtbot, window, "Fit")
    window.resize(1024, 700)
    window.go(7)
    qtbot.wait(50)
    scroll = window.settings_page.findChild(QScrollArea)
    assert scroll is not None and not scroll.horizontalScrollBar().isVisible()
    window.go(0)
    table = window.letters.table
    qtbot.waitUntil(
        lambda: window.letters.model is not None and window.letters.model.rowCount() > 0, timeout=10_000
    )
    for key in ("name", "city", "status", "last_scan"):
        column = KEYS.index(key)
        assert table.columnViewportPosition(column) + table.columnWidth(column) <= table.viewport().width(), (
            key
        )
    # the guide and the shortcuts
    rows = window_shortcuts(window)
    assert ("Window", "Ctrl+I", "Import a list") in rows and any(r[1] == "F5" for r in rows)
    guide = GuideDialog(window)
    text = guide.browser.toPlainText()
    assert "What Informed Visibility can and cannot tell you" in text and "Your first letter" in text
    keys = ShortcutsDialog(window)
    assert keys.table.rowCount() == len(rows)
    guide.close()
    keys.close()
    # one drawn icon set, redrawn in the dark theme's colours
    item = window.sidebar.item(0)
    light = item.icon().pixmap(24, 24).toImage()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_palette(app, "dark")
    try:
        qtbot.wait(50)
        dark = window.sidebar.item(0).icon().pixmap(24, 24).toImage()
        assert light != dark
    finally:
        apply_palette(app, "system")


def test_zip4_completion_can_run_after_the_mailing_is_made_in_the_background(
    qtbot: QtBot, window: MainWindow
) -> None:
    from imb_tracker.store.mailings import iter_pieces

    set_up_demo(qtbot, window)
    wizard = window.import_list()
    wizard.file_page.path.setText(str(Path(__file__).resolve().parents[1] / "resources/sample/demo_list.csv"))
    wizard.file_page.name.setText("Later")
    wizard.next()
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.result is not None, timeout=20_000)
    assert not check.zip4_later.isEnabled()
    check.zip4.setChecked(True)
    check.zip4_later.setChecked(True)
    wizard.next()
    create = wizard.create_page
    qtbot.waitUntil(lambda: create.summary is not None, timeout=30_000)
    assert window.ctx.db is not None
    before = [p for p in iter_pieces(window.ctx.db, "Later") if not p.address.delivery_point]
    assert before  # made first, with the routing codes as the list had them
    qtbot.waitUntil(lambda: "ready to print" in create.later_status.text(), timeout=60_000)
    after = {p.id: p for p in iter_pieces(window.ctx.db, "Later")}
    completed = [after[p.id] for p in before if after[p.id].address.delivery_point]
    assert completed and all(
        len(p.routing) == 11 and p.serial == next(b.serial for b in before if b.id == p.id) for p in completed
    )
    wizard.close()
