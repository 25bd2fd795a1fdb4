"""One recipient as read from a mailing list, and the problems found in a list."""

from __future__ import annotations

from dataclasses import dataclass

from imb_tracker.records import AddressRecord

__all__ = ["AddressRecord", "ListError", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of list validation: where, what, and how to fix it."""

    row: int  # 1-based file row; 0 for a problem with the whole file
    column: str  # the file's column header (or our field name when no column maps to it)
    problem: str
    fix: str
    severity: str = "error"  # "error": the row is not imported; "warning": imported, but look at it


class ListError(ValueError):
    """The list as a whole cannot be read (empty, not a table, unknown column in a mapping…)."""

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        self.row = row
        self.column = column
        super().__init__(message)
