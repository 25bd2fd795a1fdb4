"""Reading list files into a header and rows of text: CSV/TSV (sniffed) and XLSX.

Nothing here guesses silently.  Every way a file can be read wrongly is
either refused with an error that names the row (an unterminated quote, a
NUL byte, a workbook that unpacks to gigabytes, a sheet that cannot be
parsed) or reported as a warning the user sees in the import report (a row
in another encoding than the rest, a second sheet that was not read).

Encodings: UTF-16 with a BOM (Excel's "Unicode Text"); else UTF-8 (a BOM is
dropped); else Windows-1252 (what Excel on Windows writes as "CSV"), or
Latin-1 when a byte is undefined in it.  A file that is UTF-8 except for a
few rows is read line by line: those rows are read as Windows-1252 and each
one is reported, so "José" is never stored as "JosÃ©" without a word.
"""

from __future__ import annotations

import csv
import io
import logging
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import compress, islice
from pathlib import Path
from typing import Any

from .records import ListError, Problem

log = logging.getLogger(__name__)
# openpyxl warns on stderr about damaged styles or dates it replaced by #VALUE!; the user sees the
# cell's text in the report instead, so those warnings are not printed over the command's output.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")

DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}
READ_BLOCK = 4096  # rows parsed at a time (see rows() in read_delimited)
MAX_FIELD = 10 * 1024 * 1024  # a huge cell is reported by validation, not a parser crash
MAX_LIST_BYTES = 512 * 1024 * 1024  # a text list larger than this is not a mailing list
MAX_UNPACKED = 256 * 1024 * 1024  # what an .xlsx may unpack to (an XLSX "bomb" is refused)
MAX_COLUMNS = 1_000  # a list with more columns is a mistake (or an attack), not addresses


@dataclass(frozen=True)
class ReadOptions:
    """How to read a list when detection is not wanted."""

    #: the worksheet to read: its name, or its 1-based position among the visible sheets
    sheet: str | None = None
    #: one character, or comma/tab/semicolon/pipe; None sniffs it from the header line
    delimiter: str | None = None
    #: warn per row when the ZIP does not belong to the city and state (offline ZIP list)
    check_zips: bool = False


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
    #: warnings about how the file was read (an off-encoding row, sheets left unread)
    notes: list[Problem] = field(default_factory=list)
    sheet: str = ""  # the worksheet read (XLSX)


def parse_delimiter(text: str) -> str:
    """``--delimiter``: one character, ``\\t``, or a name (comma, tab, semicolon, pipe)."""
    value = DELIMITER_NAMES.get(text.strip().lower(), text)
    if value in ("\\t", "TAB"):
        value = "\t"
    if len(value) != 1 or value in '"\r\n' or value.isalnum():
        raise ListError(
            f"--delimiter {text!r} is not usable: give one character that is not a letter, digit or "
            "quote, or one of comma, tab, semicolon, pipe"
        )
    return value


def _row_of_offset(data: bytes, offset: int) -> int:
    """The 1-based line holding byte ``offset`` (CR, LF and CRLF all end a line)."""
    return len(data[: offset + 1].splitlines()) or 1


def _single_byte(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _decode(data: bytes) -> tuple[str, str, list[Problem]]:
    """The file's text, the encoding it was read in, and a warning per row read differently."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ListError("the file says it is UTF-16 text but cannot be decoded as such") from None
        nul = text.find("\x00")
        if nul >= 0:
            row = text.count("\n", 0, nul) + 1
            raise ListError(f"row {row} holds a NUL character; nothing was imported", row=row)
        return text, "utf-16", []
    nul = data.find(b"\x00")
    if nul >= 0:
        row = _row_of_offset(data, nul)
        raise ListError(
            f"row {row} holds a NUL byte, which no address has: the file is damaged or not a text "
            "list; nothing was imported. Save it from your spreadsheet as CSV (UTF-8) or as .xlsx",
            row=row,
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    # Not UTF-8 throughout: decide line by line which encoding the file is in.
    lines = data.splitlines(keepends=True)
    utf8_rows: list[int] = []  # non-ASCII rows that are valid UTF-8
    other_rows: list[int] = []  # rows that are not
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_rows.append(number)
        else:
            utf8_rows.append(number)
    if len(utf8_rows) >= len(other_rows):
        main, odd = "utf-8", set(other_rows)
    else:
        odd = set(utf8_rows)
        main = _single_byte(b"".join(line for n, line in enumerate(lines, 1) if n not in odd))[1]
    if not odd:
        return data.decode(main), main, []
    parts: list[str] = []
    notes: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if number not in odd:
            parts.append(line.decode("utf-8-sig" if main == "utf-8" and number == 1 else main))
            continue
        if main == "utf-8":
            decoded, as_what = _single_byte(line)
            other = "Windows-1252" if as_what == "cp1252" else "Latin-1"
            problem = f"this row is not UTF-8 like the rest of the file; read it as {other}"
        else:
            decoded = line.decode("utf-8")
            problem = "this row is UTF-8 although the rest of the file is not; read it as UTF-8"
        parts.append(decoded)
        notes.append(
            Problem(
                number,
                "",
                f"{problem}: {decoded.strip()[:60]!r}",
                "check the spelling; save the whole list in one encoding (CSV UTF-8)",
                "warning",
            )
        )
    return "".join(parts), main, notes


def sniff_delimiter(first_line: str) -> str:
    """The most frequent of , TAB ; | in the header line (comma when there is none)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _quote_error(exc: csv.Error, start: int, end: int) -> ListError:
    message = str(exc)
    if "unexpected end of data" in message or "EOF" in message:
        return ListError(
            f"row {start}: a quote opens a cell that is never closed (it runs to the end of the file, "
            f"line {end}); nothing was imported. Close the quote, or remove it",
            row=start,
        )
    if "field larger than field limit" in message:
        return ListError(
            f"row {start}: a cell is longer than {MAX_FIELD // (1024 * 1024)} MB (a quote is probably "
            "not closed); nothing was imported. Close the quote, or remove it",
            row=start,
        )
    return ListError(
        f"row {start} cannot be read as CSV ({message}: a quote must close right before a delimiter or "
        "the end of the line); nothing was imported. Put the whole cell in quotes and double any "
        'quote inside it ("")',
        row=start,
    )


def read_delimited(data: bytes, path_hint: str = "", options: ReadOptions | None = None) -> RawTable:
    options = options or ReadOptions()
    text, encoding, notes = _decode(data)
    if not text.strip():
        raise ListError("the file is empty; it needs a header row and at least one recipient row")
    first_line = text.split("\n", 1)[0]
    if options.delimiter is not None:
        delimiter = parse_delimiter(options.delimiter)
    elif path_hint.lower().endswith((".tsv", ".tab")) and "\t" in first_line:
        delimiter = "\t"
    else:
        delimiter = sniff_delimiter(first_line)
    csv.field_size_limit(MAX_FIELD)
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
    except csv.Error as exc:
        raise _quote_error(exc, 1, reader.line_num) from None
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise ListError("the first row is empty; the list needs a header row naming its columns", row=1)
    if len(headers) > MAX_COLUMNS:
        raise ListError(
            f"the header row has {len(headers):,} columns; a mailing list has at most {MAX_COLUMNS:,}. "
            "Check the delimiter (--delimiter) or remove the empty columns",
            row=1,
        )
    width = len(headers)

    table = RawTable(headers, iter(()), encoding, delimiter, "csv", notes=notes)

    def one_by_one(part: str, line: int) -> Iterator[tuple[int, list[str]]]:
        """The rows of ``part`` of the text, which starts after line ``line``, each with the line it
        starts on: the exact rule, one row at a time."""
        rows = csv.reader(io.StringIO(part, newline=""), delimiter=delimiter, strict=True)
        while True:
            start = line + rows.line_num + 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _quote_error(exc, start, line + rows.line_num) from None
            if line + rows.line_num > start:
                _check_swallowed(cells, start, line + rows.line_num, delimiter, width)
            if any(cells) and "".join(cells).strip():  # a row of blank cells is no row (C-level checks)
                yield start, cells

    def rows() -> Iterator[tuple[int, list[str]]]:
        # A block of rows at a time.  When the block's rows took as many lines as there are rows,
        # each row is one line and starts on the next, and the row-by-row bookkeeping (line
        # numbers, swallowed rows) has nothing to do; otherwise, or at a quote the parser refuses,
        # the block's text is read again row by row (issue 19: a tenth of reading).  A position in
        # the text is a character index (StringIO, no newline translation).
        while True:
            line, position = reader.line_num, source.tell()
            try:
                block = list(islice(reader, READ_BLOCK))
            except csv.Error:
                yield from one_by_one(text[position:], line)  # raises the error, naming its row
                return
            if not block:
                return
            if reader.line_num - line == len(block):
                numbered = zip(range(line + 1, line + 1 + len(block)), block, strict=True)
                yield from compress(numbered, map(str.strip, map("".join, block)))  # no blank rows
            else:
                yield from one_by_one(text[position : source.tell()], line)

    table.rows = rows()
    return table


def _check_swallowed(cells: list[str], start: int, end: int, delimiter: str, width: int) -> None:
    """Refuse a quoted cell whose later lines look like whole rows: a quote left open swallowed them."""
    if width < 3:
        return
    for cell in cells:
        if "\n" not in cell and "\r" not in cell:
            continue
        for line in cell.splitlines()[1:]:
            if line.count(delimiter) >= width - 1:
                raise ListError(
                    f"row {start}: a quoted cell runs over lines {start}-{end} and holds what look like "
                    f"whole rows, so a quote is probably not closed; nothing was imported. Close the "
                    "quote on row " + str(start),
                    row=start,
                )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _open_workbook(path: Path) -> Any:
    """The workbook, read-only, after refusing one that unpacks to more than :data:`MAX_UNPACKED`."""
    try:
        import openpyxl  # noqa: PLC0415 - only needed for workbooks
    except ImportError:  # pragma: no cover
        raise ListError(
            "reading .xlsx needs the openpyxl package; install IMb Tracker with its dependencies"
        ) from None
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ListError(f"{path.name} is not a readable Excel .xlsx workbook ({exc or 'damaged'})") from None
    if unpacked > MAX_UNPACKED:
        raise ListError(
            f"{path.name} unpacks to {unpacked / 1e6:,.0f} MB; IMb Tracker reads workbooks that unpack to "
            f"at most {MAX_UNPACKED / 1e6:,.0f} MB (a mailing list is far smaller). Save the list as CSV"
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ListError(
            f"{path.name} cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); open it in "
            "Excel and save it again, or save it as CSV"
        ) from None


def _sheet_kinds(book: Any) -> tuple[list[Any], list[str], list[str]]:
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    charts = [cs.title for cs in book.chartsheets]
    return visible, hidden, charts


def sheet_names(path: str | Path) -> list[str]:
    """The visible worksheets of a workbook, in tab order (what ``--sheet`` may name)."""
    book = _open_workbook(Path(path))
    try:
        return [ws.title for ws in _sheet_kinds(book)[0]]
    finally:
        book.close()


def _choose_sheet(book: Any, wanted: str | None, name: str) -> tuple[Any, list[Problem]]:
    visible, hidden, charts = _sheet_kinds(book)
    names = ", ".join(repr(ws.title) for ws in visible) or "none"
    if wanted is None:
        if not visible:
            raise ListError(
                f"{name} has no visible worksheet with rows (sheets: {', '.join(book.sheetnames)})"
            )
        notes = []
        if len(visible) > 1:
            notes.append(
                Problem(
                    0,
                    "",
                    f"the workbook has {len(visible)} sheets ({names}); read the first, {visible[0].title!r}",
                    "choose another with --sheet NAME (or its number)",
                    "warning",
                )
            )
        return visible[0], notes
    text = wanted.strip()
    for ws in visible:
        if ws.title == text:
            return ws, []
    for ws in visible:
        if ws.title.casefold() == text.casefold():
            return ws, []
    if text.isdigit() and 1 <= int(text) <= len(visible):
        return visible[int(text) - 1], []
    if text.casefold() in (t.casefold() for t in hidden):
        raise ListError(f"sheet {text!r} is hidden; unhide it in Excel first, or choose one of {names}")
    if text.casefold() in (t.casefold() for t in charts):
        raise ListError(f"sheet {text!r} is a chart, not a table of rows; choose one of {names}")
    raise ListError(f"the workbook has no sheet {text!r}; its sheets are {names} (or give a number)")


def _sheet_rows(book: Any, ws: Any) -> list[tuple[int, list[str]]]:
    """Every row of the sheet as text, in row order, whatever order the file stores them in."""
    from openpyxl.worksheet._reader import WorkSheetParser  # noqa: PLC0415 - the read-only parser

    rows: dict[int, list[str]] = {}
    last = 0
    try:
        with book._archive.open(ws._worksheet_path) as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for index, cells in parser.parse():
                last = index
                if index in rows:
                    raise ListError(
                        f"row {index} appears twice in the sheet; open it in Excel and save it again",
                        row=index,
                    )
                width = max((c["column"] for c in cells), default=0)
                if width > MAX_COLUMNS:
                    raise ListError(
                        f"row {index} has a cell in column {width:,}; a mailing list has at most "
                        f"{MAX_COLUMNS:,} columns",
                        row=index,
                    )
                values = [""] * width
                for cell in cells:
                    text = _cell_text(cell["value"])
                    if "\x00" in text:
                        raise ListError(f"row {index} holds a NUL character; nothing was imported", row=index)
                    values[cell["column"] - 1] = text
                rows[index] = values
    except ListError:
        raise
    except Exception as exc:  # truncated XML, a bad shared-string index, a missing part…
        where = last + 1
        raise ListError(
            f"the sheet {ws.title!r} cannot be read at row {where:,} ({type(exc).__name__}: {exc}); "
            "nothing was imported. Open the workbook in Excel and save it again, or save it as CSV",
            row=where,
        ) from None
    return sorted(rows.items())


def read_xlsx(path: Path, options: ReadOptions | None = None) -> RawTable:
    options = options or ReadOptions()
    book = _open_workbook(path)
    try:
        ws, notes = _choose_sheet(book, options.sheet, path.name)
        all_rows = _sheet_rows(book, ws)
    finally:
        book.close()
    data = iter([(n, cells) for n, cells in all_rows if any(c.strip() for c in cells)])
    header = next(data, None)
    if header is None:
        raise ListError(f"the sheet {ws.title!r} is empty; it needs a header row and recipient rows")
    headers = [h.strip() for h in header[1]]
    while headers and not headers[-1]:
        headers.pop()
    return RawTable(headers, data, "xlsx", "", "xlsx", notes=notes, sheet=ws.title)


def open_list(path: str | Path, options: ReadOptions | None = None) -> RawTable:
    """Open a CSV, TSV, TXT or XLSX list file."""
    path = Path(path)
    if not path.is_file():
        raise ListError(f"list file {str(path)!r} does not exist")
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, options)
    if path.suffix.lower() == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListError(f"{path.name} is an old Excel .xls file; save it as .xlsx or CSV first")
    if options is not None and options.sheet is not None:
        raise ListError(f"--sheet is for Excel workbooks; {path.name} is a text list")
    size = path.stat().st_size
    if size > MAX_LIST_BYTES:
        raise ListError(
            f"{path.name} is {size / 1e6:,.0f} MB; a list file may be at most {MAX_LIST_BYTES / 1e6:,.0f} MB. "
            "Split it into several mailings"
        )
    return read_delimited(path.read_bytes(), path.name, options)
