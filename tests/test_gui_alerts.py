"""The window's alerts: after demo days pass, letters turn late and stalled, a notification says so
once, and clicking it shows exactly those letters; estimates are in Letters and in the detail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.actions.watch import flags_now
from imb_tracker.gui.letters_model import ESTIMATE_COLUMN
from imb_tracker.gui.main_window import MainWindow

from .test_gui_app import import_sample, make_window, set_up_demo


@pytest.fixture
def mailed_demo(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, tmp_path / "home")
    set_up_demo(qtbot, w)
    import_sample(qtbot, w, "Spring")
    assert w.ctx.db is not None and w.ctx.backend is not None
    mark_mailed(w.ctx.db, "Spring", backend=w.ctx.backend)
    yield w
    w.close()


def _refresh(qtbot: QtBot, w: MainWindow, days: float) -> None:
    w.next_demo_day(days)
    # the statuses on screen are re-read in the background once the refresh ends
    qtbot.waitUntil(lambda: w.letters.task is None and not w.letters._reading, timeout=60_000)


def test_late_and_stalled_letters_are_announced_once_and_a_click_shows_them(
    qtbot: QtBot, mailed_demo: MainWindow
) -> None:
    w = mailed_demo
    letters, alerts = w.letters, w.alerts
    assert alerts.timer.isActive() and alerts.timer.interval() == 6 * 3_600_000  # the default schedule
    w.go(0)
    for _ in range(2):  # nothing is late after two days
        _refresh(qtbot, w, 1)
    qtbot.waitUntil(lambda: alerts.previous is not None and not alerts._checking, timeout=20_000)
    assert not [c for c in alerts.fired if c.kind == "late"]
    for _ in range(6):
        _refresh(qtbot, w, 1)
    qtbot.waitUntil(
        lambda: any(c.kind == "late" for c in alerts.fired) and not alerts._checking, timeout=20_000
    )
    assert any(c.kind == "stalled" for c in alerts.fired)
    assert letters.alert.isVisible() and "letters from Spring are" in letters.alert_text.text()
    # Offscreen there is no system tray: the window says it, and nothing else breaks
    assert alerts.tray is None
    # a click shows the mailing's late letters: every row is late, and all of them are there
    assert w.ctx.db is not None and w.ctx.backend is not None
    expected = flags_now(w.ctx.db, w.ctx.backend.clock(), w.ctx.settings.stalled_days).late["Spring"]
    w.show_flagged("Spring", "late")
    model = letters.model
    assert model is not None and letters.status.currentData() == "late"
    while model.canFetchMore():
        model.fetchMore()
    shown = {model.imb_at(r) for r in range(model.rowCount())}
    assert shown == expected and shown
    for r in range(model.rowCount()):
        assert "late" in model.index(r, ESTIMATE_COLUMN).data()
    # the same letters are not announced again next round
    count = len(alerts.fired)
    alerts.check()
    qtbot.waitUntil(lambda: not alerts._checking, timeout=20_000)
    assert len(alerts.fired) == count


def test_the_detail_gives_the_estimate_its_basis_and_the_flags(qtbot: QtBot, mailed_demo: MainWindow) -> None:
    w = mailed_demo
    for _ in range(6):
        _refresh(qtbot, w, 1)
    model = w.letters.model
    assert model is not None
    texts = [model.index(r, ESTIMATE_COLUMN).data() or "" for r in range(model.rowCount())]
    assert all(t for t in texts), "every mailed letter has an estimate"
    tips = {model.index(r, ESTIMATE_COLUMN).data(3) for r in range(model.rowCount())}  # ToolTipRole
    assert any("carrier-sort scan" in t for t in tips) and any(
        "service standard" in t or "USPS" in t for t in tips
    )
    late_row = next(r for r, t in enumerate(texts) if "late" in t)
    detail = w.open_piece(model.imb_at(late_row))
    qtbot.waitUntil(lambda: "late" in detail.in_home.text(), timeout=10_000)
    assert "estimated" in detail.in_home.text().lower() or "+" in detail.in_home.text()
