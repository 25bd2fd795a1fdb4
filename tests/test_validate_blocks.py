"""Lists read and checked a block at a time agree with row by row, on hostile rows too.

`_RowChecker.check_block` decides only the plain case (every row imported with no message) and
hands anything else to `_RowChecker.check`; these tests hold it to exactly the records `check`
would make, and make sure it is really used for a plain list.  The CSV reader numbers rows a
block at a time too, and must give every row the line it starts on, as row by row did.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imb_tracker.mail import ListError, read_list, validate
from imb_tracker.mail import reader as reader_module
from imb_tracker.mail.columns import detect_mapping

HEADERS = [
    ["Name", "Company", "Address 1", "Address 2", "City", "State", "ZIP"],
    [
        "First Name",
        "Last Name",
        "Company",
        "Address 1",
        "Address 2",
        "City",
        "State",
        "ZIP",
        "ZIP+4",
        "Delivery Point",
        "Donor ID",
    ],
    ["First Name", "Last Name", "Address 1", "City", "State", "ZIP", "Donor ID", "Notes"],
    ["Name", "First Name", "Last Name", "Company", "Address 1", "City", "State", "ZIP", "ZIP+4"],
    ["Company", "Address 1", "City", "State", "ZIP"],
]
CLEAN_TEXT = ["Ann", "Bob Smith", "123 Main St", "Apt 4", "O'Neil", "Zoë Brontë", "#5 (rear)", "Élan Co."]
HOSTILE_TEXT = [
    "",
    " Ann",
    "Ann ",
    "Ann\t",
    "=SUM(A1)",
    "+1 555",
    "-dash",
    "@home",
    "\tTab",
    "two\nlines",
    "car\rriage",
    "Łukasz",
    "x" * 41,
    "y" * 101,
    "   ",
]
STATES = ["IL", "MA", "NY", "il", "Ill.", "Illinois", "XX", "", " IL", "ny "]
ZIPS = [
    "62704",
    "02108",
    "2108",
    "62704-1234",
    "627041234",
    "62704123456",
    "6270",
    "abcde",
    "",
    "٦٢٧٠٤",
    "62704 ",
]
ZIP4S = ["", "", "1234", "0001", "123", "12a4", "-1234", "12345", "١٢٣٤"]
DPS = ["", "", "12", "1", "123", "a1", "09"]
EXTRAS = ["", "D1", " D2 ", "D3", "z" * 1001]


def _cell(draw: st.DrawFn, header: str, hostile: bool) -> str:
    if header == "State":
        pool = STATES if hostile else STATES[:3]
    elif header == "ZIP":
        pool = ZIPS if hostile else ZIPS[:2]
    elif header == "ZIP+4":
        pool = ZIP4S if hostile else ZIP4S[:4]
    elif header == "Delivery Point":
        pool = DPS if hostile else DPS[:3]
    elif header in ("Donor ID", "Notes"):
        pool = EXTRAS if hostile else EXTRAS[:4]
    elif header in ("Company", "Address 2", "Name"):  # often empty in real lists
        pool = CLEAN_TEXT + HOSTILE_TEXT if hostile else [*CLEAN_TEXT, ""]
    else:
        pool = CLEAN_TEXT + HOSTILE_TEXT if hostile else CLEAN_TEXT
    return draw(st.sampled_from(pool))


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, list[str]]]]:
    headers = draw(st.sampled_from(HEADERS))
    count = draw(st.integers(1, 6))
    hostility = draw(st.sampled_from([0.0, 0.05, 0.3]))
    block = []
    for n in range(count):
        cells = [_cell(draw, h, draw(st.floats(0, 1)) < hostility) for h in headers]
        if hostility and draw(st.floats(0, 1)) < 0.05:  # a ragged row
            cells = cells[:-1] if draw(st.booleans()) else [*cells, draw(st.sampled_from(["", "stray"]))]
        block.append((n + 2, cells))
    return headers, block


@given(blocks())
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
def test_a_block_is_decided_as_row_by_row(drawn: tuple[list[str], list[tuple[int, list[str]]]]) -> None:
    headers, block = drawn
    checker = validate._RowChecker(headers, detect_mapping(headers))
    one_by_one = [checker.check(row, cells) for row, cells in block]
    fast = checker.check_block(block)
    if fast is not None:  # only when every row is imported without a message, and then the same records
        assert [problems for _record, problems in one_by_one] == [[] for _ in block]
        assert fast == [record for record, _problems in one_by_one]
        assert [type(r) for r in fast] == [validate.AddressRecord] * len(block)
        assert [r.extra for r in fast] == [record.extra for record, _p in one_by_one]  # type: ignore[union-attr]


def test_blocks_of_hostile_rows_go_row_by_row() -> None:
    headers = HEADERS[1]
    checker = validate._RowChecker(headers, detect_mapping(headers))
    plain = ["Ann", "Lee", "", "1 Main St", "", "Springfield", "IL", "62704", "1234", "56", "D1"]
    assert checker.check_block([(2, plain), (3, plain)]) is not None
    for column, bad in [
        (0, "=cmd"),
        (0, " Ann"),
        (3, "1 Main St "),
        (3, "1 Main\nSt"),
        (5, "Spring\rfield"),
        (0, "Łukasz"),
        (3, "x" * 41),
        (6, "il"),
        (7, "2108"),
        (8, "123"),
        (8, ""),  # a delivery point without a ZIP+4
        (9, "1"),
        (10, "d" * 1001),
    ]:
        row = list(plain)
        row[column] = bad
        assert checker.check_block([(2, plain), (3, row)]) is None, (column, bad)
    assert checker.check_block([(2, plain), (3, plain[:-1])]) is None  # ragged


def test_every_way_of_naming_the_recipient() -> None:
    """Name, first and last name, one of them, or a company only: each decided as row by row."""
    headers = ["Name", "First Name", "Last Name", "Company", "Address 1", "City", "State", "ZIP"]
    checker = validate._RowChecker(headers, detect_mapping(headers))

    def block(*names: tuple[str, str, str, str]) -> list[tuple[int, list[str]]]:
        return [(n + 2, [*who, "1 Main St", "Austin", "TX", "78701"]) for n, who in enumerate(names)]

    cases = {  # the block, and whether the column-at-a-time check decides it
        "names": (block(("Ann Lee", "", "", ""), ("Bo Wu", "x", "y", "")), True),
        "first and last": (block(("", "Ann", "Lee", ""), ("", "Bo", "Wu", "Co")), True),
        "first only": (block(("", "Ann", "", ""), ("", "Bo", "", "")), True),
        "last only": (block(("", "", "Lee", ""), ("", "", "Wu", "")), True),
        "company only": (block(("", "", "", "Acme"), ("", "", "", "Initech")), True),
        "some last names": (block(("", "Ann", "Lee", ""), ("", "Bo", "", "")), False),
        "some first names": (block(("", "Ann", "Lee", ""), ("", "", "Wu", "")), False),
        "some names": (block(("Ann Lee", "", "", ""), ("", "Bo", "Wu", "")), False),
        "nobody": (block(("", "", "", "Acme"), ("", "", "", "")), False),
    }
    for label, (rows, decided) in cases.items():
        fast = checker.check_block(rows)
        assert (fast is not None) is decided, label
        one_by_one = [checker.check(row, cells) for row, cells in rows]
        if fast is not None:
            assert fast == [record for record, _problems in one_by_one], label
    assert [r.name for r in checker.check_block(cases["first and last"][0]) or []] == ["Ann Lee", "Bo Wu"]


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_a_plain_list_is_checked_a_column_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        [
            f"First{i}",
            f"Last{i}",
            "",
            f"{i} Main St",
            "",
            "Austin",
            "TX",
            "78701",
            f"{i % 10_000:04d}",
            "",
            f"D{i}",
        ]
        for i in range(10_000)
    ]
    listing = _write(tmp_path / "plain.csv", HEADERS[1], rows)

    def row_by_row(*_args: object) -> None:
        raise AssertionError("a plain row was checked row by row")

    monkeypatch.setattr(validate._RowChecker, "check", row_by_row)
    result = read_list(listing)
    assert len(result.records) == 10_000 and not result.problems and result.rows_read == 10_000
    assert result.records[0].name == "First0 Last0" and result.records[-1].row == 10_001
    assert result.records[5].extra == {"Donor ID": "D5"} and result.records[5].zip4 == "0005"


def test_a_hostile_list_reads_the_same_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole lists, with a hostile row here and there among plain ones (and a duplicate recipient)."""
    import random

    rng = random.Random(19)
    headers = HEADERS[1]
    rows = []
    for i in range(20_000):
        row = [f"F{i}", f"L{i}", "", f"{i} Elm St", "", "Boston", "MA", "02108", "", "", f"D{i}"]
        if rng.random() < 0.0005:
            column = rng.randrange(len(row))
            row[column] = rng.choice(HOSTILE_TEXT + STATES + ZIPS + ZIP4S + DPS)
        rows.append(row)
    rows.append(list(rows[10]))  # the same recipient again
    rows[15][0] = rows[15][0].upper()  # and one in other case: not a duplicate (other street)
    listing = _write(tmp_path / "mixed.csv", headers, rows)
    fast = read_list(listing)
    monkeypatch.setattr(validate._RowChecker, "check_block", lambda self, block: None)
    slow = read_list(listing)
    assert fast.records == slow.records
    assert fast.problems == slow.problems
    assert fast.invalid_rows == slow.invalid_rows and fast.rows_read == slow.rows_read == 20_001
    assert any("the same recipient as row 12" in p.problem for p in fast.problems)


def _rows_one_at_a_time(text: str) -> list[tuple[int, list[str]]]:
    """The reference: each row with the line it starts on, read one row at a time."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    out = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return out
        if any(cells) and "".join(cells).strip():
            out.append((start, cells))


@pytest.mark.parametrize("block", [1, 7, 4096])
def test_rows_read_a_block_at_a_time_keep_their_line_numbers(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells over several lines, blank rows and rows of blanks, late in a list and across blocks."""
    monkeypatch.setattr(reader_module, "READ_BLOCK", block)
    lines = ["Name,Address 1,City,State,ZIP"]
    for i in range(12_000):
        if i % 997 == 5:
            lines.append(f'"Ann {i}","1 Main St\nApt {i}",Austin,TX,78701')  # two lines
        elif i % 1409 == 3:
            lines.append(f'"Bo\r\n{i}","2 Elm St\n\nRear",Boston,MA,02108')  # three breaks
        elif i % 811 == 7:
            lines.append("")  # a blank line
        elif i % 613 == 1:
            lines.append(" , ,\t,,")  # a row of blank cells
        else:
            lines.append(f"Cy {i},{i} Oak Ave,Denver,CO,80202")
    text = "\n".join(lines) + "\n"
    table = reader_module.read_delimited(text.encode(), "list.csv")
    assert list(table.rows) == _rows_one_at_a_time(text)


@pytest.mark.parametrize("block", [1, 4096])
def test_a_bad_quote_late_in_a_list_names_its_row(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "READ_BLOCK", block)
    lines = ["Name,Address 1,City,State,ZIP"] + [f"Cy {i},{i} Oak Ave,Denver,CO,80202" for i in range(9_000)]
    lines[8_000] = 'Cy,"1 Oak" Ave,Denver,CO,80202'  # a quote that does not end the cell: line 8,001
    lines[20] = '"Ann","1 Main\nSt",Austin,TX,78701'  # and a cell of two lines before it
    table = reader_module.read_delimited(("\n".join(lines) + "\n").encode(), "list.csv")
    with pytest.raises(ListError) as caught:
        list(table.rows)
    assert caught.value.row == 8_002 and "row 8002" in str(caught.value)
