"""The serial allocator on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imb_tracker.imb import FieldError
from imb_tracker.store import ConflictError, NotFoundError, RangeExhaustedError, open_database
from imb_tracker.store.engine import Database
from imb_tracker.store.errors import ClockBehindError, SerialReuseError
from imb_tracker.store.mailers import add_mailer, list_pools, set_workstation_range
from imb_tracker.store.serials import _merge, _walk, reserve, serial_status


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(db_url: str, clock: Clock) -> Database:
    database = open_database(db_url, clock=clock)
    yield database
    database.close()


def test_serials_are_handed_out_in_order_without_repeats(db: Database) -> None:
    add_mailer(db, "123456", "Acme")
    first = reserve(db, "123456", 10)
    second = reserve(db, "123456", 5)
    assert first.ranges == ((1, 10),)
    assert second.ranges == ((11, 15),)
    assert list(second) == [11, 12, 13, 14, 15]
    assert serial_status(db, "123456").free == 999_999_999 - 15  # type: ignore[union-attr]


def test_window_and_rollover_skip_serials_still_inside_the_window(db: Database, clock: Clock) -> None:
    add_mailer(db, "123456", "Acme", serial_range="1-100", window_days=45)
    reserve(db, "123456", 60)  # day 0: 1-60
    clock.advance(days=20)
    reserve(db, "123456", 30)  # day 20: 61-90
    clock.advance(days=26)  # day 46: the day-0 block has left the 45-day window, the day-20 one has not
    with pytest.raises(SerialReuseError, match=r"issued before, last on 2026-01-01 .46 days ago"):
        reserve(db, "123456", 20)  # the wrap reuses serials: only with a confirmation
    assert serial_status(db, "123456").next == 91  # type: ignore[union-attr]  # nothing was reserved
    got = reserve(db, "123456", 20, allow_reuse=True)
    # 91-100 first, then roll over to the bottom where 1-60 are free again
    assert got.ranges == ((91, 100), (1, 10))
    got = reserve(db, "123456", 50, allow_reuse=True)
    assert got.ranges == ((11, 60),)  # stops before 61-90, still inside the window
    with pytest.raises(RangeExhaustedError) as info:
        reserve(db, "123456", 1)
    err = info.value
    assert err.free == 0 and err.wanted == 1
    assert err.next_free == datetime(2026, 1, 21, 12, 0) + timedelta(days=45)
    assert "frees on 2026-03-07" in str(err)
    clock.advance(days=20)  # day 66: the day-20 block (61-90) is free again
    assert reserve(db, "123456", 30, allow_reuse=True).ranges == ((61, 90),)


def test_a_clock_behind_the_newest_reservation_is_refused(db: Database, clock: Clock) -> None:
    add_mailer(db, "123456", "Acme", serial_range="1-100", window_days=45)
    reserve(db, "123456", 10)
    clock.advance(minutes=-4)  # two workstations' clocks a few minutes apart: fine
    assert reserve(db, "123456", 1).ranges == ((11, 11),)
    clock.advance(days=-2)
    with pytest.raises(ClockBehindError, match="already reserved at 2026-01-01 12:00 UTC"):
        reserve(db, "123456", 1)


def test_a_clock_91_days_ahead_after_a_wrap_never_reissues_silently(db: Database, clock: Clock) -> None:
    """Issue 14: 1,000 of 1,000 serials were reissued by a workstation whose clock ran 91 days ahead."""
    add_mailer(db, "123456", "Acme", serial_range="1-1000", window_days=90)
    first = reserve(db, "123456", 1000)  # the whole range, a second ago in real time
    clock.advance(days=91)  # this workstation's clock is 91 days ahead
    with pytest.raises(SerialReuseError) as caught:
        reserve(db, "123456", 1000)
    assert "last on 2026-01-01 (91 days ago" in str(caught.value) and "2026-04-02" in str(caught.value)
    assert len(first) == 1000


def test_walk_skips_busy_blocks_and_wraps() -> None:
    assert _walk(1, 100, 1, [(41, 60)], 50) == [(1, 40), (61, 70)]
    assert _walk(1, 100, 45, [(41, 60)], 10) == [(61, 70)]  # cursor inside a busy block
    assert _walk(1, 100, 95, [(1, 10)], 10) == [(95, 100), (11, 14)]  # rollover past a busy bottom
    assert _walk(1, 100, 500, [], 3) == [(1, 3)]  # cursor outside a changed range restarts at the bottom


@given(
    st.lists(st.tuples(st.integers(1, 200), st.integers(0, 30)), max_size=8),
    st.integers(1, 200),
    st.integers(1, 200),
)
@settings(max_examples=300)
def test_walk_never_returns_a_busy_or_repeated_serial(
    spans: list[tuple[int, int]], start: int, count: int
) -> None:
    busy = _merge([(a, min(a + n, 200)) for a, n in spans])
    free = 200 - sum(b - a + 1 for a, b in busy)
    if count > free:
        return
    got = _walk(1, 200, start, busy, count)
    serials = [s for a, b in got for s in range(a, b + 1)]
    assert len(serials) == count == len(set(serials))
    assert all(1 <= s <= 200 for s in serials)
    assert not any(a <= s <= b for s in serials for a, b in busy)


def test_exhausted_range_says_how_many_are_free_and_when_more_free(db: Database, clock: Clock) -> None:
    add_mailer(db, "912345678", "Small mailer", serial_range="1-1000", window_days=90)
    reserve(db, "912345678", 990)
    with pytest.raises(RangeExhaustedError) as info:
        reserve(db, "912345678", 11)
    assert info.value.free == 10
    assert info.value.next_free == datetime(2026, 1, 1, 12) + timedelta(days=90)
    assert "only 10 serial numbers free" in str(info.value)
    assert reserve(db, "912345678", 10).ranges == ((991, 1000),)


def test_window_must_be_at_least_45_days(db: Database) -> None:
    with pytest.raises(FieldError) as info:
        add_mailer(db, "123456", "Acme", window_days=30)
    assert info.value.field == "window_days"
    assert "at least 45 days" in str(info.value)


def test_serial_range_must_fit_the_mid(db: Database) -> None:
    with pytest.raises(FieldError) as info:
        add_mailer(db, "912345678", "Acme", serial_range="1-1000000")
    assert "999,999" in str(info.value)
    with pytest.raises(FieldError):
        add_mailer(db, "123456", "Acme", serial_range="50-10")


def test_duplicate_mailer_and_unknown_mailer(db: Database) -> None:
    add_mailer(db, "123456", "Acme")
    with pytest.raises(ConflictError):
        add_mailer(db, "123456", "Again")
    with pytest.raises(NotFoundError) as info:
        reserve(db, "654321", 1)
    assert "mailer add --mid 654321" in str(info.value)


def test_workstation_ranges_are_separate_and_may_not_overlap(db: Database) -> None:
    add_mailer(db, "123456", "Acme", serial_range="1-1000")
    with pytest.raises(ConflictError) as info:
        set_workstation_range(db, "123456", "front-desk", "500-600")
    assert "overlaps the shared range" in str(info.value)
    set_workstation_range(db, "123456", "front-desk", "2000-2999")
    set_workstation_range(db, "123456", "back-office", "3000-3999")
    with pytest.raises(ConflictError):
        set_workstation_range(db, "123456", "laptop", "2500-3500")
    assert reserve(db, "123456", 3, workstation="front-desk").ranges == ((2000, 2002),)
    assert reserve(db, "123456", 3, workstation="back-office").ranges == ((3000, 3002),)
    assert reserve(db, "123456", 3, workstation="unknown-pc").ranges == ((1, 3),)  # shared pool
    assert [p.workstation for p in list_pools(db, "123456")] == ["", "front-desk", "back-office"]


def test_tray_serials_have_their_own_counter(db: Database) -> None:
    add_mailer(db, "123456", "Acme")
    reserve(db, "123456", 5)
    tray = reserve(db, "123456", 2, kind="tray")
    assert tray.ranges == ((1, 2),)
    assert serial_status(db, "123456", "tray").size == 99_999_999  # type: ignore[union-attr]


def test_a_reservation_survives_a_crash_after_it(db: Database) -> None:
    """Serials are committed before use: a caller that dies afterwards never gets them back."""
    add_mailer(db, "123456", "Acme")
    got = reserve(db, "123456", 100)
    db.close()
    reopened = open_database(db.url, clock=db.clock)
    assert reserve(reopened, "123456", 1).ranges == ((got.ranges[-1][1] + 1,) * 2,)


def test_count_must_be_positive(db: Database) -> None:
    add_mailer(db, "123456", "Acme")
    with pytest.raises(FieldError):
        reserve(db, "123456", 0)


def test_postgresql_judges_the_window_on_the_server_clock(postgres_server: str) -> None:
    """A workstation 91 days ahead cannot make serials issued a second ago look old on PostgreSQL."""
    from .conftest import new_postgres_database

    url = new_postgres_database(postgres_server)
    right = open_database(url)  # a workstation with the right time
    ahead = open_database(url, clock=lambda: datetime.now() + timedelta(days=91), server_clock=True)
    try:
        add_mailer(right, "123456", "Acme", serial_range="1-1000", window_days=90)
        assert len(reserve(right, "123456", 1000)) == 1000
        with pytest.raises(RangeExhaustedError):  # still inside the window by the server's clock
            reserve(ahead, "123456", 1000, allow_reuse=True)
        status = serial_status(ahead, "123456")
        assert status is not None and status.free == 0
    finally:
        ahead.close()
        right.close()
