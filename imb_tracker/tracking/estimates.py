"""When will it be in the home? An estimate per letter, with its basis; late and stalled as facts.

USPS does not scan letters at the mailbox, so every in-home date is an estimate.  The
rule (``../shared/reference/delivery-estimates.md`` §4.4), first that applies:

1. ``stop-the-clock``: a stop-the-clock scan (the DPS carrier-sort operations) before its
   clearance cut-off means that delivery day, after it the next one;
2. ``usps-expected``: IV's own ``expected_delivery_date``;
3. ``service-standard``: the mailed date plus the USPS service standard (delivery days) for
   the 3-digit ZIP pair, when the caller has one (the Service Standards API);
4. ``rough``: the mailed date plus a rough number of delivery days (First-Class letters take
   1-5; 3 is the middle), marked as rough.

Delivery days skip Sundays and US federal holidays (the ``holidays`` package, not a hand-kept
list).  *Late*: past the estimate by more than one delivery day with no stop-the-clock scan.
*Stalled*: in the mail with no new scan for N delivery days (a setting, default 3).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from imb_tracker.imb.resources import resource_path

log = logging.getLogger(__name__)

BASES = ("stop-the-clock", "usps-expected", "service-standard", "rough")
ROUGH_DAYS = 3  # First-Class letters: 1-5 delivery days; the middle
DEFAULT_STALLED_DELIVERY_DAYS = 3
STOP_THE_CLOCK_FILE = "stop_the_clock.csv"  # the user's own op codes and cut-offs, in the config folder


@cache
def _federal_holidays(year: int) -> frozenset[date]:
    import holidays  # noqa: PLC0415 - loaded only when an estimate is made

    return frozenset(holidays.country_holidays("US", years=year))


def is_delivery_day(day: date) -> bool:
    """Mail is delivered Monday to Saturday, except on US federal holidays (observed dates included)."""
    return day.weekday() != 6 and day not in _federal_holidays(day.year)


def next_delivery_day(day: date) -> date:
    """The first delivery day after ``day``."""
    day += timedelta(days=1)
    while not is_delivery_day(day):
        day += timedelta(days=1)
    return day


def add_delivery_days(day: date, n: int) -> date:
    """``n`` delivery days after ``day`` (0: ``day`` itself, or the next delivery day if it is none)."""
    if n <= 0:
        return day if is_delivery_day(day) else next_delivery_day(day)
    for _ in range(n):
        day = next_delivery_day(day)
    return day


def delivery_days_between(start: date, end: date) -> int:
    """How many delivery days come after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_delivery_day(day)
    return count


def stop_the_clock_table(extra: Path | None = None) -> dict[str, time]:
    """Operation code → clearance cut-off: the shipped table, then the user's own file (UNCONFIRMED values)."""
    out = _read_table(resource_path("tracking", "stop_the_clock.csv").read_text(encoding="utf-8"))
    if extra is not None and extra.is_file():
        try:
            out.update(_read_table(extra.read_text(encoding="utf-8-sig"), str(extra)))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            log.warning("%s cannot be read (%s): save it as UTF-8 CSV with opcode,cutoff columns", extra, exc)
    return out


_user_table: list[Path] = []  # the user's own table file, named once by the workspace (see below)


def use_stop_the_clock_file(path: Path | None) -> None:
    """Read the user's own ``opcode,cutoff`` file (when it exists) over the shipped table from now on.

    The cut-offs are UNCONFIRMED, so a user who knows better must be able to change them without
    editing the app; the workspace names the file (``stop_the_clock.csv`` in the config folder)."""
    _user_table[:] = [path] if path is not None else []
    current_stop_the_clock_table.cache_clear()


@cache
def current_stop_the_clock_table() -> dict[str, time]:
    """The table estimates use: the shipped one, with the user's file over it (read once)."""
    return stop_the_clock_table(_user_table[0] if _user_table else None)


def _read_table(text: str, source: str = "the shipped table") -> dict[str, time]:
    """``opcode,cutoff`` rows (``#`` comments allowed).  A row whose cut-off is not HH:MM is left out
    with a warning naming the file, the row and the fix: an estimate must not stop a refresh."""
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = {}
    for number, row in enumerate(csv.DictReader(rows), start=2):
        code, cutoff = (row.get("opcode") or "").strip(), (row.get("cutoff") or "").strip()
        if not code:
            continue
        hours, _, minutes = cutoff.partition(":")
        try:
            out[code] = time(int(hours), int(minutes or 0))
        except ValueError:
            log.warning(
                "%s, row %d: cutoff %r for op code %s is not a time; write it as HH:MM (24-hour), "
                "e.g. 08:00. The row is not used.",
                source,
                number,
                cutoff,
                code,
            )
    return out


@dataclass(frozen=True)
class Estimate:
    """An estimated in-home date, what it rests on, and the scan that stopped the clock (if any)."""

    in_home: date | None
    basis: str  # one of BASES
    detail: str  # in words, for people
    stop_the_clock: datetime | None = None

    @property
    def rough(self) -> bool:
        return self.basis == "rough"


def estimate(
    scans: Iterable[tuple[datetime, str]],
    expected: date | None,
    mailed: date | None,
    standard_days: int | None = None,
    table: Mapping[str, time] | None = None,
) -> Estimate:
    """The in-home estimate from a letter's scans ((time, op code), USPS's local time) and what USPS said."""
    cutoffs = table if table is not None else current_stop_the_clock_table()
    stops = sorted((when, code) for when, code in scans if code in cutoffs)
    if stops:
        when, code = stops[0]
        same_day = when.time() < cutoffs[code] and is_delivery_day(when.date())
        day = when.date() if same_day else next_delivery_day(when.date())
        side = "before" if same_day else "after"
        return Estimate(
            day,
            "stop-the-clock",
            f"carrier-sort scan (op {code}) at {when:%H:%M}, {side} the {cutoffs[code]:%H:%M} cut-off",
            when,
        )
    if expected is not None:
        return Estimate(expected, "usps-expected", "USPS's expected delivery date")
    if mailed is not None and standard_days is not None:
        return Estimate(
            add_delivery_days(mailed, standard_days),
            "service-standard",
            f"mailed {mailed:%Y-%m-%d} + the {standard_days}-day USPS service standard",
        )
    if mailed is not None:
        return Estimate(
            add_delivery_days(mailed, ROUGH_DAYS),
            "rough",
            f"rough: mailed {mailed:%Y-%m-%d} + {ROUGH_DAYS} delivery days (First-Class letters take 1-5)",
        )
    return Estimate(None, "rough", "not mailed yet: no estimate")


def late_after(est: Estimate) -> date | None:
    """The last day the letter is not yet late: one delivery day after the estimate (None: it cannot be
    late, because a stop-the-clock scan was seen or there is no estimate).  Kept in the status so the
    letters table filters late letters in SQL."""
    if est.in_home is None or est.stop_the_clock is not None:
        return None
    return next_delivery_day(est.in_home)


def is_late(est: Estimate, today: date) -> bool:
    """Past the estimate by more than one delivery day, with no stop-the-clock scan."""
    last_ok = late_after(est)
    return last_ok is not None and today > last_ok


@cache
def _stalled_from(today: date, days: int) -> date:
    """The first day whose scans keep a letter from counting as stalled today: only whole delivery
    days count (today has not passed yet), so a scan on any of the last ``days`` delivery days before
    today, or today, keeps it moving."""
    yesterday = today - timedelta(days=1)
    day = yesterday
    while delivery_days_between(day, yesterday) < days:
        day -= timedelta(days=1)
    return day + timedelta(days=1)


def stalled_before(now: datetime, days: int = DEFAULT_STALLED_DELIVERY_DAYS) -> datetime:
    """A letter in the mail whose last scan is before this moment has had no new scan for ``days``
    whole delivery days: the one cut-off for the rule (tracking.status.is_stalled) and the letters
    filter."""
    return datetime.combine(_stalled_from(now.date(), max(days, 1)), time.min)


def is_stalled_by_delivery_days(
    in_the_mail: bool, last_scan: date | None, today: date, days: int = DEFAULT_STALLED_DELIVERY_DAYS
) -> bool:
    """In the mail with no new scan for ``days`` delivery days (by dates; see :func:`stalled_before`)."""
    return in_the_mail and last_scan is not None and last_scan < _stalled_from(today, max(days, 1))
