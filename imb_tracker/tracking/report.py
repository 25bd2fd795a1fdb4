"""Delivery-time figures for a mailing: stages, days to carrier sort, by state, stalled pieces, and each
piece's in-home estimate with its basis and whether it is late (``tracking.estimates``)."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from imb_tracker.store.engine import Database
from imb_tracker.store.scans import mailing_scans
from imb_tracker.store.standards import standards_table

from .estimates import (
    BASES,
    DEFAULT_STALLED_DELIVERY_DAYS,
    Estimate,
    current_stop_the_clock_table,
    estimate,
    late_after,
)
from .scanfields import normalise
from .status import STAGE_WORDS, ScanView, describe, piece_status


@dataclass
class PieceSummary:
    imb: str
    name: str
    state: str
    stage: str
    words: str
    first_scan: datetime | None
    last_scan: datetime | None
    days_to_carrier_sort: float | None
    estimate: Estimate | None = None  # the in-home estimate and its basis (tracking.estimates)
    late: bool = False
    zip5: str = ""  # the recipient's ZIP Code (the report's map)
    #: sorted for the carrier (stop-the-clock) by a delivery day after the estimate made without that
    #: scan: True; late, or sorted after that: False; None while it is neither (not judged yet)
    on_time: bool | None = None


@dataclass
class MailingReport:
    mailing: str
    pieces: int
    by_stage: Counter[str] = field(default_factory=Counter)
    first_scan: datetime | None = None
    last_scan: datetime | None = None
    days_to_carrier_sort: list[float] = field(default_factory=list)
    by_state: dict[str, list[float]] = field(default_factory=dict)
    stalled: list[PieceSummary] = field(default_factory=list)
    rows: list[PieceSummary] = field(default_factory=list)
    stalled_days: int = DEFAULT_STALLED_DELIVERY_DAYS  # the threshold the stalled list was made with

    def median_days(self) -> float | None:
        return statistics.median(self.days_to_carrier_sort) if self.days_to_carrier_sort else None

    def by_zip3(self) -> dict[str, tuple[float, int]]:
        """Destination 3-digit ZIP → (median days from mailing to carrier sort, letters sorted)."""
        days: dict[str, list[float]] = {}
        for r in self.rows:
            if r.days_to_carrier_sort is not None and math.isfinite(r.days_to_carrier_sort) and r.zip5:
                days.setdefault(r.zip5[:3], []).append(r.days_to_carrier_sort)
        return {k: (statistics.median(v), len(v)) for k, v in days.items()}

    @property
    def late(self) -> list[PieceSummary]:
        return [r for r in self.rows if r.late]

    def on_time(self) -> tuple[int, int]:
        """(on time, judged): of the letters sorted for the carrier or already late, how many were
        sorted by a delivery day after their estimate (USPS's expected date, the service standard or
        the rough one).  Letters neither sorted nor late yet are not counted either way."""
        judged = [r for r in self.rows if r.on_time is not None]
        return sum(1 for r in judged if r.on_time), len(judged)


def scan_views(rows: Iterable[Mapping[Any, Any]]) -> list[ScanView]:
    """Stored scan rows as display views, read from the raw payload USPS sent."""
    out = []
    for r in rows:
        try:
            raw = json.loads(r["raw_payload"])
        except ValueError:
            raw = {}
        out.append(describe(normalise(raw), r["scan_time"], r["scan_time_text"]))
    return out


def mailing_report(
    db: Database, mailing: str, now: datetime, stalled_days: int = DEFAULT_STALLED_DELIVERY_DAYS
) -> MailingReport:
    """The mailing's figures, and each letter's status, estimate and flags (the same rules as the
    letters table, which reads them from the kept status: tracking.status_index)."""
    data = mailing_scans(db, mailing)
    with db.read() as conn:
        standards = standards_table(conn)
    entry3 = str(data.mailing.get("entry_zip") or "")[:3]
    m, piece_rows, by_piece, not_found = data.mailing, data.pieces, data.scans_by_piece, data.not_found
    start = m["mailed_at"] or m["created_at"]
    report = MailingReport(mailing, len(piece_rows), stalled_days=stalled_days)
    stops = current_stop_the_clock_table()
    for p in piece_rows:
        views = scan_views(by_piece.get(p["id"], []))
        status = piece_status(views, now, start, None, p["id"] in not_found and not views, stalled_days)
        first = min((v.when for v in views), default=None)
        last = max((v.when for v in views), default=None)
        sort = min((v.when for v in views if v.stage in ("carrier_sort", "delivery_implied")), default=None)
        days = (sort - start).total_seconds() / 86400 if sort else None
        mailed = m["mailed_at"] or p["created_at"]
        est_expected = _expected(p.get("expected_delivery"))
        std_days = standards.get((entry3, str(p["zip5"])[:3]))
        est = estimate(
            [(v.when, v.opcode) for v in views if not v.implied],
            est_expected,
            mailed.date() if mailed else None,
            std_days,
            stops,
        )
        # A letter never looked up is not called late: nobody has asked USPS whether it was sorted.
        looked_up = p.get("has_status") is not None
        last_ok = late_after(est)
        late = looked_up and last_ok is not None and now.date() > last_ok
        on_time: bool | None = None
        if est.stop_the_clock is not None and est.in_home is not None:
            promised = late_after(estimate([], est_expected, mailed.date() if mailed else None, std_days))
            on_time = promised is None or est.in_home <= promised
        elif late:
            on_time = False
        summary = PieceSummary(
            imb=p["tracking"] + p["routing"],
            name=p["name"] or p["company"],
            state=p["state"],
            stage=status.stage,
            words=status.words,
            first_scan=first,
            last_scan=last,
            days_to_carrier_sort=days,
            estimate=est,
            late=late,
            zip5=str(p["zip5"]),
            on_time=on_time,
        )
        report.rows.append(summary)
        report.by_stage[status.stage] += 1
        if first and (report.first_scan is None or first < report.first_scan):
            report.first_scan = first
        if last and (report.last_scan is None or last > report.last_scan):
            report.last_scan = last
        if days is not None:
            report.days_to_carrier_sort.append(days)
            report.by_state.setdefault(p["state"], []).append(days)
        if status.stage == "stalled":
            report.stalled.append(summary)
    return report


def _expected(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def report_json(report: MailingReport) -> dict[str, Any]:
    """``imb-tracker report --format json``: the summary, and per piece the status with its in-home
    estimate (``estimated_in_home`` YYYY-MM-DD or null, ``estimate_basis``), ``late`` and ``stalled``."""

    def when(value: datetime | None) -> str | None:
        return value.isoformat(sep=" ") if value else None

    return {
        "mailing": report.mailing,
        "pieces": report.pieces,
        "by_stage": dict(report.by_stage),
        "first_scan": when(report.first_scan),
        "last_scan": when(report.last_scan),
        "stalled_days": report.stalled_days,
        "late": len(report.late),
        "stalled": len(report.stalled),
        "on_time": report.on_time()[0],
        "judged": report.on_time()[1],
        "by_basis": dict(Counter(r.estimate.basis for r in report.rows if r.estimate)),
        "rows": [
            {
                "imb": r.imb,
                "name": r.name,
                "state": r.state,
                "stage": r.stage,
                "status": r.words,
                "first_scan": when(r.first_scan),
                "last_scan": when(r.last_scan),
                "days_to_carrier_sort": round(r.days_to_carrier_sort, 3)
                if r.days_to_carrier_sort is not None
                else None,
                "estimated_in_home": r.estimate.in_home.isoformat()
                if r.estimate and r.estimate.in_home
                else None,
                "estimate_basis": r.estimate.basis if r.estimate else None,
                "estimate_detail": r.estimate.detail if r.estimate else "",
                "late": r.late,
                "stalled": r.stage == "stalled",
            }
            for r in report.rows
        ],
    }


def report_lines(report: MailingReport, stalled_limit: int | None = None) -> list[str]:
    """The report in plain words: stages by name, delivery days, estimates, on-time share, and the
    late and the stalled letters.

    Every late and stalled letter is listed unless ``stalled_limit`` says how many (then "and N more").
    """
    lines = [f"Mailing {report.mailing!r}: {report.pieces:,} letter(s)"]
    for stage, count in sorted(report.by_stage.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {count:>6,}  {STAGE_WORDS.get(stage, stage)}")
    if report.first_scan and report.last_scan:
        lines.append(
            f"first scan {report.first_scan:%Y-%m-%d %H:%M}, last scan {report.last_scan:%Y-%m-%d %H:%M} "
            "(USPS's local times)"
        )
    days = [d for d in report.days_to_carrier_sort if math.isfinite(d)]
    if days:
        lines.append(
            f"days from mailing to carrier sort: median {statistics.median(days):.1f}, "
            f"range {min(days):.1f}-{max(days):.1f} ({len(days):,} letters)"
        )
        if min(days) < 0:
            lines.append(
                "  some letters were sorted before the mailed date: check the date the mailing was marked mailed"
            )
        for state, values in sorted(report.by_state.items()):
            lines.append(f"  {state}: median {statistics.median(values):.1f} days ({len(values)} letters)")
    bases = Counter(r.estimate.basis for r in report.rows if r.estimate and r.estimate.in_home)
    if bases:
        lines.append(
            "estimated in-home dates: "
            + ", ".join(f"{bases[b]:,} {BASIS_WORDS[b]}" for b in BASES if bases[b])
        )
    on_time, judged = report.on_time()
    if judged:
        lines.append(
            f"on time: {on_time:,} of {judged:,} ({100 * on_time / judged:.0f} %) sorted for the carrier "
            "by a delivery day after the estimate"
        )

    def listed(title: str, rows: list[PieceSummary], say: Any) -> None:
        if not rows:
            return
        lines.append(f"{title}: {len(rows):,} letter(s)")
        shown = rows if stalled_limit is None else rows[:stalled_limit]
        lines.extend(f"  {r.imb}  {r.name}  {say(r)}" for r in shown)
        if len(shown) < len(rows):
            lines.append(f"  … and {len(rows) - len(shown):,} more")

    listed(
        "late — past the estimated in-home date by more than a delivery day, no carrier-sort scan",
        report.late,
        lambda r: f"estimated {r.estimate.in_home:%Y-%m-%d} ({r.estimate.basis}); {r.words}",
    )
    listed(
        f"stalled — in the mail with no new scan for {report.stalled_days} delivery days or more",
        report.stalled,
        lambda r: r.words,
    )
    return lines


BASIS_WORDS = {
    "stop-the-clock": "from the carrier-sort scan",
    "usps-expected": "from USPS's expected date",
    "service-standard": "from the service standard",
    "rough": "rough (no USPS date yet)",
}


REPORT_COLUMNS = (
    "imb",
    "name",
    "state",
    "stage",
    "status",
    "first_scan",
    "last_scan",
    "days_to_carrier_sort",
    "estimated_in_home",
    "estimate_basis",
    "late",
    "stalled",
)


def report_rows(report: MailingReport) -> Iterable[list[str]]:
    """One row per piece, as ``imb-tracker report --csv`` and the Reports page export write it."""
    for r in report.rows:
        yield [
            r.imb,
            r.name,
            r.state,
            r.stage,
            r.words,
            str(r.first_scan or ""),
            str(r.last_scan or ""),
            f"{r.days_to_carrier_sort:.2f}" if r.days_to_carrier_sort is not None else "",
            r.estimate.in_home.isoformat() if r.estimate and r.estimate.in_home else "",
            r.estimate.basis if r.estimate else "",
            "yes" if r.late else "no",
            "yes" if r.stage == "stalled" else "no",
        ]


def histogram(values: list[float], width: float = 1.0) -> list[tuple[str, int]]:
    """Counts of values in bins ``width`` days wide, from 0 to the largest value (labels like "2-3").

    Values below 0 (sorted before the mailed date) count in the first bin; values that are not
    finite are left out; any list — empty, one value, all negative — gives an answer.
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite or not (width > 0 and math.isfinite(width)):
        return []

    def bin_of(v: float) -> int:
        # a huge value over a small width overflows to infinity; it belongs in the last bin
        q = v // width
        if not math.isfinite(q):
            return 1000 if q > 0 else 0
        return int(min(max(q, 0), 1000))

    top = max(1, min(bin_of(max(finite)) + 1, 1000))
    counts = [0] * top
    for v in finite:
        counts[min(max(bin_of(v), 0), top - 1)] += 1
    return [(f"{i * width:g}-{(i + 1) * width:g}", n) for i, n in enumerate(counts)]
