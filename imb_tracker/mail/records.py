"""One recipient as read from a mailing list, and the problems found in a list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class AddressRecord(NamedTuple):
    """A validated recipient, ready to become a piece.

    ``row`` is the 1-based row number in the source file (the header is row 1),
    so every message can point the user at the right line.  A named tuple
    because lists of 100,000 of them are built during an import.
    """

    row: int
    name: str
    company: str
    address1: str
    address2: str
    city: str
    state: str
    zip5: str
    zip4: str = ""
    delivery_point: str = ""
    extra: dict[str, str] | None = None  # unmapped columns of the list, by header

    @property
    def routing(self) -> str:
        """The IMb routing code: ZIP (5), ZIP+4 (9) or ZIP+4 + delivery point (11)."""
        if self.zip4:
            return self.zip5 + self.zip4 + self.delivery_point
        return self.zip5

    def address_lines(self) -> list[str]:
        """The delivery address block, top to bottom, without empty lines."""
        last = f"{self.city} {self.state} {self.zip5}{'-' + self.zip4 if self.zip4 else ''}"
        return [line for line in (self.name, self.company, self.address2, self.address1, last) if line]


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
