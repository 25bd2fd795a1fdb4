"""Turning raw list rows into address records, with a report of every problem.

Invalid rows never stop the valid ones: each problem is reported with its
row, column, what is wrong and how to fix it, and the caller chooses whether
to import the valid rows.  Warnings mark rows that are imported but worth a
look (a ZIP whose leading zero a spreadsheet dropped, a long line…).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, islice
from operator import itemgetter, not_
from pathlib import Path

from imb_tracker.cells import FORMULA_START

from .columns import FIELDS, apply_overrides, detect_mapping, parse_map_options
from .pub28 import printable
from .reader import RawTable, ReadOptions, open_list
from .records import AddressRecord, ListError, Problem
from .states import LEADING_ZERO_STATES, STATE_BY_NAME, STATES
from .zipcheck import zip_problem

MAX_LINE = 100  # longer than any real address line: refused
SOFT_LINE = 40  # longer than fits comfortably on a #10 envelope in 10 pt: warned
MAX_EXTRA = 1_000  # an unmapped cell (kept with the piece) longer than this is refused
_SPECIAL_FIRST = frozenset("=+-@ \t\n\r")  # first characters that need the slow path
_CODE_FIELDS = frozenset({"state", "zip", "zip4", "delivery_point"})  # codes, not free text
_first = itemgetter(0)
_key_fields = itemgetter(1, 2, 3, 4, 7)  # name, company, address1, address2, zip5 of an AddressRecord
BLOCK = 4096  # rows checked a column at a time (check_block)
_new_record = partial(tuple.__new__, AddressRecord)  # a record from one tuple of its fields, in C


@dataclass
class ListResult:
    """What reading a list produced."""

    headers: list[str]
    mapping: dict[str, int]
    records: list[AddressRecord]
    problems: list[Problem]
    rows_read: int
    encoding: str
    delimiter: str
    invalid_rows: set[int] = field(default_factory=set)
    sheet: str = ""  # the worksheet read, for a workbook

    def read_as(self) -> str:
        """How the file was read, for the report: ``read as utf-8, delimiter ','``."""
        how = f"read as {self.encoding}"
        if self.sheet:
            how += f", sheet {self.sheet!r}"
        return how + (f", delimiter {self.delimiter!r}" if self.delimiter else "")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def column_of(self, field_name: str) -> str:
        index = self.mapping.get(field_name)
        return self.headers[index] if index is not None and index < len(self.headers) else field_name


def _required_mapping_check(headers: list[str], mapping: dict[str, int]) -> None:
    missing = []
    if not (
        {"name", "company"} & mapping.keys()
        or {"first_name", "last_name"} <= mapping.keys()
        or "last_name" in mapping
    ):
        missing.append("name (or first/last name, or company)")
    missing += [f for f in ("address1", "city", "state", "zip") if f not in mapping]
    if missing:
        raise ListError(
            "no column was recognised for: "
            + ", ".join(missing)
            + ". The list's columns are "
            + ", ".join(repr(h) for h in headers)
            + '. Name them with --map, e.g. --map "Street=address1"'
        )


class _RowChecker:
    """Validates one row at a time; keeps the per-list lookups in one place."""

    def __init__(self, headers: list[str], mapping: dict[str, int]) -> None:
        self.headers = headers
        self.mapping = mapping
        self.width = len(headers)
        self.col = {f: (headers[i] if i < len(headers) else f) for f, i in mapping.items()}
        used = set(mapping.values())
        self.extra_columns = [(i, h) for i, h in enumerate(headers) if i not in used and h]
        # every field in a fixed order with its column index (-1 when no column maps to it)
        self.slots = tuple((f, mapping.get(f, -1)) for f in FIELDS)
        name_fields = [f for f in ("name", "first_name", "last_name", "company") if f in self.col]
        self.name_column = "/".join(self.col[f] for f in name_fields) or "name"

    def _clean(self, row: int, name: str, value: str, problems: list[Problem]) -> str:
        """Slow path for a cell that holds a line break or starts like a formula."""
        if "\n" in value or "\r" in value:
            problems.append(
                Problem(
                    row,
                    self.col[name],
                    "the cell holds several lines; joined with spaces",
                    "keep each address part in its own column",
                    "warning",
                )
            )
            value = " ".join(value.split())
        value = value.strip()
        if value.startswith(FORMULA_START):
            problems.append(
                Problem(
                    row,
                    self.col[name],
                    f"{value[:20]!r} looks like a spreadsheet formula",
                    "it is kept as plain text; check the cell",
                    "warning",
                )
            )
        return value

    def check(self, row: int, cells: list[str]) -> tuple[AddressRecord | None, list[Problem]]:
        """One row → a record (or None when it cannot be imported) and its problems."""
        problems: list[Problem] = []
        ncells = len(cells)
        if ncells == self.width:  # the usual row: all the fields at once, cleaned only where needed
            vals = [cells[i] if i >= 0 else "" for _name, i in self.slots]
        else:
            vals = [cells[i] if 0 <= i < ncells else "" for _name, i in self.slots]
        for n, value in enumerate(vals):
            if value and (value[0] in _SPECIAL_FIRST or "\n" in value or "\r" in value):
                vals[n] = self._clean(row, self.slots[n][0], value, problems)
            elif value and value[-1] in " \t":
                vals[n] = value.rstrip()
        name, first, last, company, address1, address2, city, state_raw, zip_raw, zip4_raw, dp_raw = vals
        if not any(vals):  # one line for a row with no address at all, not one per empty field
            problems.append(
                Problem(
                    row,
                    "",
                    "the row has no name or address (only other columns are filled in)",
                    "delete the row, or fill in the recipient",
                )
            )
            return None, problems
        if ncells != self.width:
            self._ragged(row, cells, problems)
        if not name and (first or last):
            name = f"{first} {last}" if first and last else first or last
        bad = False
        if not name and not company:
            problems.append(
                Problem(row, self.name_column, "no recipient name or company", "fill in a name or a company")
            )
            bad = True
        if not address1:
            if address2:
                problems.append(
                    Problem(
                        row,
                        self.col["address1"],
                        "street address is empty but address 2 is not",
                        "move the street address into the address 1 column",
                    )
                )
            else:
                problems.append(
                    Problem(
                        row,
                        self.col["address1"],
                        "street address is empty",
                        "fill in the street address or PO box",
                    )
                )
            bad = True
        if not city:
            problems.append(Problem(row, self.col["city"], "city is empty", "fill in the city"))
            bad = True
        if (
            len(name) > SOFT_LINE
            or len(company) > SOFT_LINE
            or len(address1) > SOFT_LINE
            or len(address2) > SOFT_LINE
            or len(city) > SOFT_LINE
        ):
            lines = (
                ("name", name),
                ("company", company),
                ("address1", address1),
                ("address2", address2),
                ("city", city),
            )
            bad = self._lengths(row, lines, problems) or bad
        state = state_raw if state_raw in STATES else self._state(row, state_raw, problems)
        if not state:
            bad = True
        zip5, zip4, dp, zip_bad = self._zip(row, zip_raw, zip4_raw, dp_raw, state, problems)
        if bad or zip_bad:
            return None, problems
        if not "".join(vals).isascii():
            self._non_latin(row, vals, problems)
        extra = None
        if self.extra_columns:
            extra = {h: v for i, h in self.extra_columns if i < ncells and (v := cells[i].strip())} or None
            if extra and any(len(v) > MAX_EXTRA for v in extra.values()):
                for column, value in extra.items():
                    if len(value) > MAX_EXTRA:
                        problems.append(
                            Problem(
                                row,
                                column,
                                f"{len(value):,} characters long; a column kept with the piece holds at "
                                f"most {MAX_EXTRA:,} (a quote may be left open)",
                                "shorten the cell, or remove the column from the list",
                            )
                        )
                return None, problems
        # by position (a tenth faster than by keyword, per row): row, name, company, address1,
        # address2, city, state, zip5, zip4, delivery_point, extra
        record = AddressRecord(row, name, company, address1, address2, city, state, zip5, zip4, dp, extra)
        return record, problems

    def check_block(self, block: list[tuple[int, list[str]]]) -> list[AddressRecord] | None:
        """The records of a block of rows when not one of them needs a message, else None.

        The same rules as :meth:`check`, asked of a whole column at once with string operations
        that run in C (100,000 rows: 0.45 s row by row, 0.15 s here; issue 19).
        Only the plain case is decided here: anything :meth:`check` would clean, warn about or
        refuse returns None, and the caller checks that block row by row, so every message still
        comes from one place.  Each test below mirrors a branch of :meth:`check`.
        """
        n = len(block)
        width = self.width
        cells_of = [cells for _row, cells in block]
        if not n or set(map(len, cells_of)) != {width}:  # a ragged row is warned about
            return None
        columns = list(zip(*cells_of, strict=True))
        blank = ("",) * n
        vals: list[tuple[str, ...]] = []
        for field_name, index in self.slots:
            if index < 0:
                vals.append(blank)
                continue
            column = columns[index]
            vals.append(column)
            if field_name in _CODE_FIELDS:  # held to letters in STATES or digits below: nothing to clean
                continue
            joined = "\n".join(column)
            if (
                "\r" in joined
                or joined.count("\n") != n - 1  # a cell of several lines
                or not _SPECIAL_FIRST.isdisjoint(map(_first, filter(None, column)))
                or " \n" in joined  # ends with a blank
                or "\t\n" in joined
                or joined.endswith((" ", "\t"))
                or (not joined.isascii() and max(joined) > "\xff")  # warned: prints transliterated
            ):
                return None
        name, first, last, company, address1, address2, city, state, zip5, zip4, dp = vals
        names: tuple[str, ...] | list[str]
        if "" not in name:
            names = name
        elif any(name):  # some rows named, some from first and last name: row by row
            return None
        elif "" not in first and "" not in last:
            names = list(map(" ".join, zip(first, last, strict=True)))
        elif not any(last):  # first name alone, where there is one
            names = first
        elif not any(first):
            names = last
        else:
            return None
        if ("" in names and "" in company) or "" in address1 or "" in city:
            return None
        if any(max(map(len, line)) > SOFT_LINE for line in (names, company, address1, address2, city)):
            return None
        if not set(state) <= STATES.keys():  # lower case, dotted or written out: row by row
            return None
        digits = "".join(zip5)
        if set(map(len, zip5)) != {5} or not (digits.isdigit() and digits.isascii()):
            return None
        if any(zip4) or any(dp):  # each row: no ZIP+4 and no delivery point, or 4 and 0 or 2 digits
            digits = "".join(zip4) + "".join(dp)
            if (
                not set(map(len, zip4)) <= {0, 4}
                or not set(map(len, dp)) <= {0, 2}
                or any(compress(dp, map(not_, zip4)))  # a delivery point without a ZIP+4
                or not (digits.isdigit() and digits.isascii())
            ):
                return None
        extras: list[dict[str, str] | None] | tuple[None, ...] = (None,) * n
        if self.extra_columns:
            kept = [(header, list(map(str.strip, columns[i]))) for i, header in self.extra_columns]
            if any(max(map(len, values)) > MAX_EXTRA for _header, values in kept):
                return None
            if len(kept) == 1:
                header, values = kept[0]
                extras = [{header: v} if v else None for v in values]
            else:
                headers = [header for header, _values in kept]
                extras = [
                    {h: v for h, v in zip(headers, row, strict=True) if v} or None
                    for row in zip(*(values for _header, values in kept), strict=True)
                ]
        rows = [row for row, _cells in block]
        fields = zip(
            rows, names, company, address1, address2, city, state, zip5, zip4, dp, extras, strict=True
        )
        return list(map(_new_record, fields))

    def _non_latin(self, row: int, vals: list[str], problems: list[Problem]) -> None:
        """Warn when a letter outside Latin-1 will print transliterated (Łukasz → LUKASZ)."""
        for (name, _index), value in zip(self.slots, vals, strict=True):
            if value and any(ord(ch) > 0xFF for ch in value):
                problems.append(
                    Problem(
                        row,
                        self.col.get(name, name),
                        f"{value[:40]!r} has letters USPS cannot read; it prints as {printable(value)[:40]!r}",
                        "check the printed spelling; the original is kept in the database and exports",
                        "warning",
                    )
                )

    def _ragged(self, row: int, cells: list[str], problems: list[Problem]) -> None:
        ncells = len(cells)
        if ncells > self.width and any(c.strip() for c in cells[self.width :]):
            problems.append(
                Problem(
                    row,
                    "",
                    f"the row has {ncells} cells but the header has {self.width}",
                    "extra cells were ignored; check for a stray delimiter",
                    "warning",
                )
            )
        elif ncells < self.width:
            problems.append(
                Problem(
                    row,
                    "",
                    f"the row has {ncells} cells but the header has {self.width}",
                    "missing cells are treated as empty",
                    "warning",
                )
            )

    def _lengths(self, row: int, lines: tuple[tuple[str, str], ...], problems: list[Problem]) -> bool:
        bad = False
        for fname, value in lines:
            column = self.col.get(fname, fname)
            if len(value) > MAX_LINE:
                problems.append(
                    Problem(
                        row,
                        column,
                        f"{len(value):,} characters long; an address line is at most {MAX_LINE}",
                        "shorten it; USPS Publication 28 abbreviations help",
                    )
                )
                bad = True
            elif len(value) > SOFT_LINE:
                problems.append(
                    Problem(
                        row,
                        column,
                        f"{len(value)} characters long; may not fit one printed line",
                        "abbreviate per USPS Publication 28 (e.g. STREET → ST)",
                        "warning",
                    )
                )
        return bad

    def _state(self, row: int, state_raw: str, problems: list[Problem]) -> str:
        """Slow path: lower case, dots, written-out names; '' when it is not a state."""
        state = state_raw.upper().replace(".", "")
        if state in STATES:
            return state
        full = STATE_BY_NAME.get(" ".join(state.split()))
        if full:
            problems.append(
                Problem(
                    row,
                    self.col["state"],
                    f"state written out as {state_raw!r}",
                    f"used the USPS code {full}",
                    "warning",
                )
            )
            return full
        problems.append(
            Problem(
                row,
                self.col["state"],
                f"{state_raw!r} is not a US state code" if state_raw else "state is empty",
                "use the two-letter USPS code, e.g. IL, NY, PR",
            )
        )
        return ""

    def _zip(
        self, row: int, zip_raw: str, zip4_raw: str, dp_raw: str, state: str, problems: list[Problem]
    ) -> tuple[str, str, str, bool]:
        col = self.col["zip"]
        if len(zip_raw) == 5 and zip_raw.isdigit() and zip_raw.isascii():
            if not zip4_raw and not dp_raw:
                return zip_raw, "", "", False
            # a list from address standardisation: ZIP, ZIP+4 and delivery point each in full
            tail = zip4_raw + dp_raw
            if len(zip4_raw) == 4 and len(dp_raw) in (0, 2) and tail.isdigit() and tail.isascii():
                return zip_raw, zip4_raw, dp_raw, False
        digits = zip_raw if zip_raw.isdigit() else zip_raw.replace("-", "").replace(" ", "")
        if not zip_raw:
            problems.append(Problem(row, col, "ZIP Code is empty", "fill in the 5-digit ZIP Code"))
            return "", "", "", True
        if not (digits.isascii() and digits.isdigit()):
            problems.append(
                Problem(
                    row,
                    col,
                    f"ZIP Code {zip_raw!r} has characters other than digits",
                    "write it as 12345 or 12345-6789",
                )
            )
            return "", "", "", True
        zip4 = dp = ""
        if len(digits) in (3, 4) and state in LEADING_ZERO_STATES:
            padded = digits.zfill(5)
            problems.append(
                Problem(
                    row,
                    col,
                    f"ZIP Code {zip_raw!r} lost its leading zero (a spreadsheet does this)",
                    f"used {padded}; format the column as text to keep zeros",
                    "warning",
                )
            )
            digits = padded
        if len(digits) == 5:
            zip5 = digits
        elif len(digits) == 9:
            zip5, zip4 = digits[:5], digits[5:]
        elif len(digits) == 11:
            zip5, zip4, dp = digits[:5], digits[5:9], digits[9:]
        else:
            problems.append(
                Problem(
                    row,
                    col,
                    f"ZIP Code {zip_raw!r} has {len(digits)} digits",
                    "use 5 digits, ZIP+4 (9) or ZIP+4 and delivery point (11)",
                )
            )
            return "", "", "", True
        if zip4_raw:
            extra4 = zip4_raw.replace("-", "").strip()
            if not (extra4.isascii() and extra4.isdigit()) or len(extra4) > 4:
                problems.append(
                    Problem(
                        row,
                        self.col["zip4"],
                        f"ZIP+4 {zip4_raw!r} is not 4 digits",
                        "write the 4 digits after the hyphen, e.g. 1234",
                    )
                )
                return "", "", "", True
            if len(extra4) < 4:
                problems.append(
                    Problem(
                        row,
                        self.col["zip4"],
                        f"ZIP+4 {zip4_raw!r} is short",
                        f"used {extra4.zfill(4)}; check it",
                        "warning",
                    )
                )
                extra4 = extra4.zfill(4)
            if zip4 and zip4 != extra4:
                problems.append(
                    Problem(
                        row,
                        self.col["zip4"],
                        f"ZIP+4 {extra4} differs from the ZIP column's {zip4}",
                        "keep one of them",
                    )
                )
                return "", "", "", True
            zip4 = extra4
        if dp_raw:
            d = dp_raw.strip()
            if not (d.isascii() and d.isdigit()) or len(d) > 2:
                problems.append(
                    Problem(
                        row,
                        self.col["delivery_point"],
                        f"delivery point {dp_raw!r} is not 2 digits",
                        "use the 2-digit delivery point from address standardisation",
                    )
                )
                return "", "", "", True
            d = d.zfill(2)
            if dp and dp != d:
                problems.append(
                    Problem(
                        row,
                        self.col["delivery_point"],
                        f"delivery point {d} differs from the ZIP column's {dp}",
                        "keep one of them",
                    )
                )
                return "", "", "", True
            dp = d
        if dp and not zip4:
            problems.append(
                Problem(
                    row,
                    self.col.get("delivery_point", "delivery_point"),
                    "a delivery point without a ZIP+4 cannot be used",
                    "add the ZIP+4; the barcode uses the 5-digit ZIP for now",
                    "warning",
                )
            )
            dp = ""
        return zip5, zip4, dp, False


def check_rows(
    table: RawTable, mapping: dict[str, int], check_zips: bool = False
) -> Iterator[tuple[list[int], list[AddressRecord], list[Problem]]]:
    """Validate rows a block at a time (streaming, for big lists): the rows read, their records and problems.

    A block whose rows all pass cleanly is checked a column at a time (:meth:`_RowChecker.check_block`);
    any other block row by row.  ``check_zips`` adds the offline ZIP check.
    """
    checker = _RowChecker(table.headers, mapping)
    zip_column = checker.col.get("zip", "zip")
    rows = table.rows
    while block := list(islice(rows, BLOCK)):
        numbers = [row for row, _cells in block]
        problems: list[Problem] = []
        records = checker.check_block(block)
        if records is None:
            records = []
            for row, cells in block:
                record, row_problems = checker.check(row, cells)
                problems += row_problems
                if record is not None:
                    records.append(record)
        if check_zips:
            for record in records:
                problem = zip_problem(record.zip5, record.state, record.city)
                if problem:
                    problems.append(
                        Problem(
                            record.row,
                            zip_column,
                            problem,
                            "check the ZIP, city and state; imported as written",
                            "warning",
                        )
                    )
        yield numbers, records, problems


def read_list(
    path: str | Path,
    mapping_options: list[str] | None = None,
    *,
    mapping: dict[str, int] | None = None,
    options: ReadOptions | None = None,
) -> ListResult:
    """Read and validate a whole list file.

    ``mapping_options`` are ``COLUMN=FIELD`` overrides laid over the detected
    mapping; ``mapping`` (field -> column index, as the import wizard builds it)
    replaces detection altogether.  Raises :class:`ListError` only when the
    list as a whole is unusable; row problems go into the result.
    ``options`` choose the sheet of a workbook or the delimiter of a text list.
    """
    table = open_list(path, options)
    if mapping is None:
        overrides = parse_map_options(mapping_options or [])
        mapping = apply_overrides(table.headers, detect_mapping(table.headers), overrides)
    _required_mapping_check(table.headers, mapping)
    records: list[AddressRecord] = []
    problems: list[Problem] = []
    invalid: set[int] = set()
    rows_read = 0
    for numbers, block_records, block_problems in check_rows(
        table, mapping, bool(options and options.check_zips)
    ):
        rows_read += len(numbers)
        problems += block_problems
        if len(block_records) < len(numbers):
            invalid.update(set(numbers).difference(r.row for r in block_records))
        records += block_records
    for problem in table.unreadable:
        rows_read += 1
        invalid.add(problem.row)
        problems.append(problem)
    problems.extend(table.notes)
    problems.extend(_duplicates(records))
    problems.sort(key=lambda p: p.row)
    return ListResult(
        table.headers,
        mapping,
        records,
        problems,
        rows_read,
        table.encoding,
        table.delimiter,
        invalid,
        table.sheet,
    )


def _duplicates(records: list[AddressRecord]) -> list[Problem]:
    """A warning for each recipient who appears again (same name or company, street and ZIP)."""
    if not records:
        return []
    # the usual list has no one twice, and one string per row tells so in C: rows whose joined
    # fields differ cannot have equal fields (a field holding the separator can only make two rows
    # look alike, and then the exact check below decides)
    joined = map(str.casefold, map("\x1f".join, map(_key_fields, records)))
    if len(set(joined)) == len(records):
        return []
    first_row: dict[tuple[str, str, str, str, str], int] = {}
    out = []
    for r in records:
        key = (r.name.casefold(), r.company.casefold(), r.address1.casefold(), r.address2.casefold(), r.zip5)
        if key in first_row:
            out.append(
                Problem(
                    r.row,
                    "",
                    f"the same recipient as row {first_row[key]}",
                    "delete one of the rows, or both letters are printed",
                    "warning",
                )
            )
        else:
            first_row[key] = r.row
    return out


def check_mapping(headers: list[str], mapping: dict[str, int]) -> None:
    """Raise :class:`ListError` naming the fields no column was chosen for."""
    _required_mapping_check(headers, mapping)


#: The fields of one typed-in address, in form order.
ADDRESS_FIELDS = ("name", "company", "address1", "address2", "city", "state", "zip", "zip4", "delivery_point")


def check_address(fields: dict[str, str]) -> tuple[AddressRecord | None, list[Problem]]:
    """Validate one address typed into a form, with the same rules as a list row.

    Problems name our field (``column``) so a form can show each beside its box.
    """
    headers = list(ADDRESS_FIELDS)
    checker = _RowChecker(headers, {name: i for i, name in enumerate(headers)})
    return checker.check(1, [fields.get(name, "") for name in headers])
