"""Cells that are safe to open in a spreadsheet (standard library only; used by every export).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel, LibreOffice and Google Sheets, so a name like
``=HYPERLINK("http://…")`` in a mailing list would become a live link in an
export.  OWASP's rule: prefix such a cell with a single quote, which the
spreadsheet shows as text.  Excel files are written with every cell as a string
instead, which also keeps serials', ZIPs' and IMbs' leading zeros.
"""

from __future__ import annotations

from collections.abc import Sequence

#: what makes a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_cell(value: object) -> object:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    return [csv_cell(v) for v in values]
