"""Cells that are safe to open in a spreadsheet (standard library only; used by every export).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel, LibreOffice and Google Sheets, so a name like
``=HYPERLINK("http://…")`` in a mailing list would become a live link in an
export.  OWASP's rule: prefix such a cell with a single quote, which the
spreadsheet shows as text.  Excel files are written with every cell as a string
instead, which also keeps serials', ZIPs' and IMbs' leading zeros.

The ``--excel`` CSV flavour keeps them in a CSV too: a code column (serial,
tracking, IMb, ZIP …) whose value is all digits is written ``="000123"``,
which Excel shows as the text 000123.  Only our own digit codes get that form;
user text is still neutralised with the quote.
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


#: columns holding codes of digits, where a spreadsheet would drop leading zeros or round long numbers
CODE_COLUMNS = frozenset(
    {
        "serial",
        "tracking",
        "routing",
        "imb",
        "zip",
        "zip5",
        "zip4",
        "delivery_point",
        "facility_zip",
        "reply_tracking",
        "reply_routing",
        "tray",
        "barcode",
        "first_serial",
        "last_serial",
    }
)


def excel_row(header: Sequence[str], values: Sequence[object]) -> list[object]:
    """:func:`csv_row` for the ``--excel`` flavour: digit codes as ``="…"`` text, everything else neutralised."""
    out: list[object] = []
    for name, value in zip(header, values, strict=False):
        text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if name in CODE_COLUMNS and text and text.isascii() and text.isdigit():
            out.append(f'="{text}"')
        else:
            out.append(csv_cell(value))
    return out
