"""The letters table at a million pieces, and the GUI thread during a 5,000-piece refresh (offscreen).

Measured, each against the bare SQLite query it wraps (run with the sqlite3
module on the same file in the same run):

* show: from creating the model to the view painted with its first page;
* filter: typing a name into the search (the model re-reads page 1);
* sort: clicking the Name header;
* every sortable column both ways, every status filter and a date range, first run
  and best (budget 300 ms, issue 19);
* stall: the longest gap between 10 ms timer ticks on the GUI thread while the
  Letters page refreshes 5,000 pieces against the local USPS stand-in (rows
  repaint as answers arrive), in ms beside the 16 ms frame (no ratio: a gap
  shared with other threads over the GIL has no like-for-like baseline).

Table figures alternate ours and the bare query in pairs (benchmarks/pairs.py) and
print the medians and the ratio's min / median / max.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--pieces 1000000] [--db FILE]
Required (issue 7): show < 1 s, filter and sort < 300 ms, no stall > 100 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication, QTableView

from imb_tracker.app import app_paths
from imb_tracker.gui.launch import settle, tune_interpreter
from imb_tracker.gui.letters_model import KEYS, LettersModel
from imb_tracker.store import open_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test helpers: tests/synthetic.py
from pairs import Pairs, alternate

from tests.synthetic import generate

QUOTA = [1_000_000]
FRAME_MS = 16.0  # one frame at 60 Hz, as usually rounded: a longer stall drops a frame

PAGE_SQL = """
SELECT p.id, m.name, p.serial, p.tracking, p.routing, p.name, p.company, p.city, p.state, p.zip5, p.created_at,
       m.mailed_at, s.stage, s.words, s.last_scan_at, s.looked_up_at, s.last_outcome, s.scan_count,
       s.expected_delivery
FROM pieces p JOIN mailings m ON m.id = p.mailing_id LEFT JOIN piece_status s ON s.piece_id = p.id
{where} ORDER BY {order} LIMIT 500
"""


def timings(fn: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    """(first run, best of ``runs``): a user sees the first, the warm best is what is left of it."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def bare(
    path: Path, where: str = "", order: str = "p.id DESC", params: tuple[object, ...] = ()
) -> Callable[[], object]:
    conn = sqlite3.connect(path)
    sql = PAGE_SQL.format(where=where, order=order)
    return lambda: conn.execute(sql, params).fetchall()


def window_opener(app: QApplication, path: Path) -> Callable[[], float]:
    """Opening the whole app window on the database, Letters page painted (what a user waits for);
    each call times one opening and closes the window afterwards, untimed."""
    from imb_tracker.gui.main_window import MainWindow  # noqa: PLC0415
    from imb_tracker.gui.settings import Settings, SettingsStore  # noqa: PLC0415

    home = Path(tempfile.mkdtemp(prefix="bench-open-"))
    SettingsStore(home / "config").save(
        Settings(configured=True, usps_env="production", default_mailer="123456")
    )

    def once() -> float:
        start = time.perf_counter()
        window = MainWindow(app_paths(home), str(path))
        window.resize(1200, 800)
        window.show()
        app.processEvents()
        window.repaint()
        took = time.perf_counter() - start
        window.close()  # waits for the background count it started (not timed: the window was up)
        window.deleteLater()
        app.processEvents()
        return took

    return once


def table_figures(app: QApplication, path: Path) -> list[tuple[str, Pairs]]:
    """Each figure against the bare query it wraps, in alternating pairs (benchmarks/pairs.py)."""
    db = open_database(str(path))
    out = []
    out.append(("open the app window (Letters painted)", alternate(window_opener(app, path), bare(path), 3)))

    def shown_table() -> tuple[QTableView, LettersModel]:
        view = QTableView()
        model = LettersModel(db, view)
        view.setModel(model)
        view.resize(1100, 700)
        view.show()
        app.processEvents()
        return view, model

    def show() -> None:
        view, _model = shown_table()
        view.viewport().repaint()
        view.close()
        view.deleteLater()
        app.processEvents()

    out.append(("show the table (first page painted)", alternate(show, bare(path))))
    view, model = shown_table()

    def search(text: str) -> Callable[[], None]:
        def run() -> None:
            model.set_search(text)
            view.viewport().repaint()

        return run

    fts = "WHERE p.id IN (SELECT rowid FROM piece_search WHERE piece_search MATCH ?)"
    for label, text, where, params in (
        ("text filter 'Nora Zeller'", "Nora Zeller", fts, ('"Nora Zeller"',)),
        ("text filter 'Nora'", "Nora", fts, ('"Nora"',)),
        ("ZIP filter '97201'", "97201", "WHERE p.zip5 = ?", ("97201",)),
    ):
        out.append((label, alternate(search(text), bare(path, where, params=params))))
    model.set_search("")

    def sort(column: int, descending: bool) -> Callable[[], None]:
        from PySide6.QtCore import Qt  # noqa: PLC0415

        def run() -> None:
            model.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
            view.viewport().repaint()

        return run

    for label, key, descending, order in (
        ("sort by Name", "name", False, "p.name, p.id"),
        ("sort by ZIP, descending", "zip", True, "p.zip5 DESC, p.id DESC"),
        ("sort by City", "city", False, "p.city, p.id"),
    ):
        out.append((label, alternate(sort(KEYS.index(key), descending), bare(path, order=order))))
    view.close()
    return out


def every_sort_and_filter(app: QApplication, path: Path) -> list[tuple[str, float, float]]:
    """Every sortable column both ways, every status filter and a date range: (label, first, best).

    The first run is timed on a model that has not shown that sort or filter yet (each case gets
    a new model), so it is what a user clicking a header waits for.
    """
    from datetime import timedelta  # noqa: PLC0415

    from PySide6.QtCore import Qt, QThreadPool  # noqa: PLC0415

    from imb_tracker.gui.letters_model import UNSORTABLE  # noqa: PLC0415
    from imb_tracker.store.browse import STATUS_FILTERS, PieceFilter  # noqa: PLC0415
    from imb_tracker.tracking.estimates import stalled_before  # noqa: PLC0415

    # the windows opened above leave their background counts running: let them end first, so
    # each figure is the table's own time, not its share of the CPU with a million-row count
    QThreadPool.globalInstance().waitForDone()
    app.processEvents()
    db = open_database(str(path))
    view = QTableView()
    view.resize(1100, 700)
    view.show()
    out = []

    def case(label: str, act: Callable[[LettersModel], None]) -> None:
        model = LettersModel(db, view)
        view.setModel(model)
        app.processEvents()

        def run() -> None:
            act(model)
            view.viewport().repaint()

        first, fastest = timings(run)
        out.append((label, first, fastest))

    for column, key in enumerate(KEYS):
        if key in UNSORTABLE:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            way = "ascending" if order == Qt.SortOrder.AscendingOrder else "descending"
            case(f"sort by {key}, {way}", lambda m, c=column, o=order: m.sort(c, o))
    now = db.clock()
    for status in STATUS_FILTERS:
        if status:
            f = PieceFilter(status=status, now=now, stalled_before=stalled_before(now, 3))
            case(f"filter '{status}'", lambda m, f=f: m.set_filter(f))
    with db.read() as conn:
        oldest = conn.exec_driver_sql("SELECT min(created_at) FROM pieces").scalar_one()
    start = datetime.fromisoformat(str(oldest))
    for label, span in (
        ("a date range (the oldest mailing)", timedelta(seconds=1)),
        ("all dates", timedelta(days=1)),
    ):
        f = PieceFilter(created_from=start, created_to=start + span)
        case(f"filter by {label}", lambda m, f=f: m.set_filter(f))
    view.close()
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refresh_stall(app: QApplication, pieces: int, out_of_process: bool) -> tuple[float, float]:
    """Longest GUI-thread gap while the Letters page refreshes ``pieces`` against the stand-in.

    ``out_of_process``: the stand-in runs as ``imb-tracker sandbox`` in its own process, as USPS would
    be; otherwise it is demo mode's in-process server (whose request threads share the GIL).
    """
    from imb_tracker.gui.main_window import MainWindow  # noqa: PLC0415
    from imb_tracker.records import AddressRecord  # noqa: PLC0415
    from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME  # noqa: PLC0415
    from imb_tracker.store.mailers import add_mailer  # noqa: PLC0415
    from imb_tracker.store.mailings import create_mailing, iter_pieces  # noqa: PLC0415

    home = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    server = None
    window = MainWindow(app_paths(home))
    s = window.ctx.settings
    s.configured, s.default_mailer, s.iv_quota_per_minute = True, "123456", int(QUOTA[0])
    if out_of_process:
        port = _free_port()
        # niced: it stands in for USPS, which would not share this computer's CPU with the window
        server = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "imb_tracker", "sandbox", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert server.stdout is not None
        server.stdout.readline()
        os.environ["IMB_TRACKER_IV_USERNAME"], os.environ["IMB_TRACKER_IV_PASSWORD"] = (
            DEMO_USERNAME,
            DEMO_PASSWORD,
        )
        s.usps_env = f"http://127.0.0.1:{port}"
    else:
        s.usps_env = "demo"
    window.ctx.open()
    db, backend = window.ctx.db, window.ctx.backend
    assert db is not None and backend is not None
    add_mailer(db, "123456", "Bench")
    recs = [
        AddressRecord(
            i + 2, f"P{i}", "", f"{i} Main St", "", "Austin", "TX", "78701", f"{i % 10000:04d}", "01", None
        )
        for i in range(pieces)
    ]
    create_mailing(db, "123456", "bench", recs)
    if server is not None:
        mailed = (backend.clock() - timedelta(days=4)).isoformat()
        body = {"pieces": [{"imb": p.imb, "mailed_at": mailed} for p in iter_pieces(db)]}
        httpx.post(f"{s.usps_env}/sandbox/pieces", json=body, timeout=60).raise_for_status()
    else:
        backend.follow_in_demo(db)
        backend.advance_demo(4)
    window.ctx.data_changed.emit()
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    settle()  # as the app does once its window is up
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    started = time.perf_counter()
    timer.start()
    last[0] = clock.elapsed()
    window.letters.refresh_window()  # counted: the click itself must not stall the window
    while window.letters.task is not None:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    timer.stop()
    window.close()
    if server is not None:
        server.terminate()
        server.wait(10)
    worst = sorted(range(len(gaps)), key=lambda i: -gaps[i])[:5]
    print("    slowest ticks (index of", len(gaps), "):", [(i, round(gaps[i])) for i in sorted(worst)])
    return max(gaps) - 10, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pieces", type=int, default=1_000_000)
    parser.add_argument("--refresh-pieces", type=int, default=5000)
    parser.add_argument("--db", help="reuse (or create) this database file instead of a temporary one")
    parser.add_argument("--skip-table", action="store_true", help="only the refresh stall")
    parser.add_argument("--skip-refresh", action="store_true", help="only the letters table")
    args = parser.parse_args()
    tune_interpreter()  # as the app does at start-up
    app = QApplication([])
    folder = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(folder.name) / "million.db"
    if not args.skip_table:
        if not path.exists():
            started = time.perf_counter()
            generate(open_database(str(path)), args.pieces)
            print(f"generated {args.pieces:,} pieces in {time.perf_counter() - started:.0f} s")
        print(
            f"letters table over {args.pieces:,} pieces (medians of alternating pairs; ratio = ours / bare SQLite query)"
        )
        over = []
        for label, timed in table_figures(app, path):
            ours, base = timed.ours_median, timed.base_median
            print(
                f"  {label:<40} {ours * 1000:8.1f} ms   bare {base * 1000:7.1f} ms   "
                f"ratio min / median / max {timed.spread()}"
            )
            # the wall-clock guards that were in tests/test_gui_million.py: opening 3 s, the rest 1 s
            if max(timed.ours) > (3.0 if label.startswith("open") else 1.0):
                over.append(label)
        print(
            "  budgets (open <= 3 s, search/sort <= 1 s): " + (f"OVER: {', '.join(over)}" if over else "met")
        )
        print("every sort and filter (a new model each; first run and best of 5; budget 300 ms, issue 19)")
        slow = []
        for label, first, fastest in every_sort_and_filter(app, path):
            print(f"  {label:<44} first {first * 1000:7.1f} ms   best {fastest * 1000:7.1f} ms")
            if max(first, fastest) >= 0.3:
                slow.append(label)
        print("  budget 300 ms, first run included: " + (f"OVER: {', '.join(slow)}" if slow else "met"))
    runs = (
        (1200, False, "demo mode (stand-in in the app), quota 1,200/min (the app's default, USPS-like)"),
        (1_000_000, True, "flat out (no quota), stand-in in its own process"),
    )
    for quota, out_of_process, label in () if args.skip_refresh else runs:
        QUOTA[0] = quota
        stall, elapsed = refresh_stall(app, args.refresh_pieces, out_of_process)
        frames = stall / FRAME_MS
        print(
            f"refresh of {args.refresh_pieces:,} pieces, {label}: {elapsed:.1f} s; longest GUI-thread stall "
            f"{stall:.0f} ms = {frames:.1f} frames of {FRAME_MS:.0f} ms (budget 100 ms)"
        )
    folder.cleanup()


if __name__ == "__main__":
    main()
