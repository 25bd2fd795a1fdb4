"""The validation report as text (for the terminal) and as CSV (to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io

from imb_tracker.cells import csv_row

from .validate import ListResult


def summary_line(result: ListResult) -> str:
    return (
        f"{result.rows_read:,} rows read: {len(result.records):,} valid, {len(result.invalid_rows):,} invalid, "
        f"{len(result.warnings):,} warning(s)"
    )


def report_text(result: ListResult, limit: int = 50) -> str:
    """Human-readable report: one line per problem, errors and warnings, then the summary."""
    lines = []
    for p in result.problems[:limit]:
        where = f"row {p.row}" if p.row else "file"
        column = f", column {p.column!r}" if p.column else ""
        lines.append(f"{p.severity}: {where}{column}: {p.problem} — fix: {p.fix}")
    if len(result.problems) > limit:
        lines.append(f"… and {len(result.problems) - limit:,} more (write them all with --report FILE.csv)")
    lines.append(summary_line(result))
    return "\n".join(lines)


def report_csv(result: ListResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "column", "severity", "problem", "suggested fix"])
    for p in result.problems:
        writer.writerow(csv_row([p.row, p.column, p.severity, p.problem, p.fix]))
    return buffer.getvalue()
