"""Reading list files into a header and rows of text: CSV/TSV (sniffed) and XLSX.

Encodings tried in order: UTF-8 (a BOM is dropped), then Windows-1252 (what
Excel on Windows writes as "CSV"), then Latin-1, which accepts any byte.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .records import ListError, Problem

log = logging.getLogger(__name__)

DELIMITERS = (",", "\t", ";", "|")
MAX_FIELD = 10 * 1024 * 1024  # a huge cell is reported by validation, not a parser crash


@dataclass
class RawTable:
    """A list as text: its header, an iterator over its data rows, and how it was read."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (1-based file row number, cells)
    encoding: str
    delimiter: str
    kind: str  # "csv" or "xlsx"
    #: rows the parser could not read at all (filled in while ``rows`` is consumed)
    unreadable: list[Problem] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ListError("the file says it is UTF-16 text but cannot be decoded as such") from None
    if b"\x00" in data[:65536]:
        raise ListError(
            "the file contains NUL bytes, so it is not a text list; save it from your spreadsheet as "
            "CSV (UTF-8) or as an Excel .xlsx workbook"
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


def sniff_delimiter(first_line: str) -> str:
    """The most frequent of , TAB ; | in the header line (comma when there is none)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_delimited(data: bytes, path_hint: str = "") -> RawTable:
    text, encoding = _decode(data)
    if not text.strip():
        raise ListError("the file is empty; it needs a header row and at least one recipient row")
    first_line = text.split("\n", 1)[0]
    delimiter = (
        "\t"
        if path_hint.lower().endswith((".tsv", ".tab")) and "\t" in first_line
        else sniff_delimiter(first_line)
    )
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except csv.Error as exc:
        raise ListError(f"the header row cannot be read: {exc}", row=1) from None
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise ListError("the first row is empty; the list needs a header row naming its columns", row=1)

    table = RawTable(headers, iter(()), encoding, delimiter, "csv")

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                table.unreadable.append(
                    Problem(start, "", f"this row cannot be read: {exc}", "fix or delete the row in the file")
                )
                continue
            if any(c.strip() for c in cells):
                yield start, cells

    table.rows = rows()
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path) -> RawTable:
    try:
        import openpyxl  # noqa: PLC0415 - only needed for workbooks
    except ImportError:  # pragma: no cover
        raise ListError(
            "reading .xlsx needs the openpyxl package; install IMb Tracker with its dependencies"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ListError(f"{path.name} cannot be opened as an Excel workbook: {exc}") from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header_cells = next(it)
    except StopIteration:
        book.close()
        raise ListError(
            "the workbook's first sheet is empty; it needs a header row and recipient rows"
        ) from None
    headers = [_cell_text(v).strip() for v in header_cells]
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(it, start=2):
                cells = [_cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    yield number, cells
        finally:
            book.close()

    return RawTable(headers, rows(), "xlsx", "", "xlsx")


def open_list(path: str | Path) -> RawTable:
    """Open a CSV, TSV, TXT or XLSX list file."""
    path = Path(path)
    if not path.is_file():
        raise ListError(f"list file {str(path)!r} does not exist")
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise ListError(f"{path.name} is an old Excel .xls file; save it as .xlsx or CSV first")
    return read_delimited(path.read_bytes(), path.name)
