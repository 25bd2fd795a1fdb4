"""Reading mailing lists: encodings, delimiters, XLSX, column mapping, validation report, fuzzing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imb_tracker.mail import ListError, read_list, report_csv, report_text
from imb_tracker.mail.columns import detect_mapping

HEADER = "Name,Company,Address,Address 2,City,State,ZIP\n"
GOOD = "Jane Doe,,1 Main St,,Springfield,IL,62704-1234\n"


def write(tmp_path: Path, text: str | bytes, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_utf8_with_bom_and_windows_1252(tmp_path: Path) -> None:
    body = HEADER + "José Núñez,,12 Café Ln,,Boston,MA,02108\n"
    r = read_list(write(tmp_path, b"\xef\xbb\xbf" + body.encode("utf-8")))
    assert r.encoding == "utf-8" and r.records[0].name == "José Núñez"
    assert r.headers[0] == "Name"  # BOM not glued to the first header
    r = read_list(write(tmp_path, body.encode("cp1252"), "win.csv"))
    assert r.encoding == "cp1252" and r.records[0].address1 == "12 Café Ln"


def test_utf16_unicode_text_export(tmp_path: Path) -> None:
    body = (HEADER + GOOD).replace(",", "\t")
    r = read_list(write(tmp_path, body.encode("utf-16"), "unicode.txt"))
    assert r.delimiter == "\t" and len(r.records) == 1


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = (HEADER + GOOD).replace(",", delimiter)
    r = read_list(write(tmp_path, text, "list.txt"))
    assert r.delimiter == delimiter
    assert r.records[0].zip4 == "1234"


def test_xlsx_with_numeric_zip_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Recipient", "Street Address", "Town", "ST", "Postal Code", "Plus4", "Member No"])
    sheet.append(["Ann Lee", "5 Elm St", "Hartford", "CT", 6103, 1234, 77])  # Excel dropped the zero
    sheet.append(["Bo Park", "9 Oak Ave", "Austin", "TX", 78701, None, 78])
    path = tmp_path / "list.xlsx"
    book.save(path)
    r = read_list(path)
    assert r.encoding == "xlsx"
    assert [(x.zip5, x.zip4) for x in r.records] == [("06103", "1234"), ("78701", "")]
    assert r.records[0].extra == {"Member No": "77"}
    assert any("lost its leading zero" in p.problem for p in r.warnings)


def test_auto_detection_of_common_headers() -> None:
    mapping = detect_mapping(
        [
            "First Name",
            "Last Name",
            "Organization",
            "Address Line 1",
            "Suite",
            "City",
            "State",
            "Zip Code",
            "ZIP+4",
            "DPBC",
            "Notes",
        ]
    )
    assert mapping == {
        "first_name": 0,
        "last_name": 1,
        "company": 2,
        "address1": 3,
        "address2": 4,
        "city": 5,
        "state": 6,
        "zip": 7,
        "zip4": 8,
        "delivery_point": 9,
    }


def test_explicit_mapping_overrides_and_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "Who,Where,Town,Province,Code\nAnn,1 A St,Salem,OR,97301\n")
    with pytest.raises(ListError) as info:
        read_list(path)
    assert "--map" in str(info.value) and "'Where'" in str(info.value)
    r = read_list(path, ["Who=name", "Where=address1", "Code=zip"])
    assert r.records[0].address1 == "1 A St" and r.records[0].state == "OR"
    with pytest.raises(ListError, match="no column 'Nowhere'"):
        read_list(path, ["Nowhere=address1"])
    with pytest.raises(ListError, match="unknown field"):
        read_list(path, ["Who=nickname"])


def test_every_row_problem_is_reported_and_valid_rows_survive(tmp_path: Path) -> None:
    rows = [
        GOOD,
        ",,2 Oak St,,Salem,OR,97301\n",  # no name
        "Bob,,,,Salem,OR,97301\n",  # no address
        "Cy,,3 Elm,,,OR,97301\n",  # no city
        "Di,,4 Ash,,Salem,XX,97301\n",  # bad state
        "Ed,,5 Fir,,Salem,OR,9730\n",  # short ZIP (not a leading-zero state)
        "Flo,,6 Yew,,Salem,oregon,97301\n",  # state spelled out (warning)
        "Gus,,7 Elm,,Salem,OR,97301-12\n",  # 7 digits
        '=HYPERLINK("x"),,8 Elm,,Salem,OR,97301\n',  # formula-looking (warning)
        "Hal,,9 Elm,,Salem,OR,973O1\n",  # letter O
        "Ike,," + "A" * 150 + ",,Salem,OR,97301\n",  # far too long
        "Jo,,10 Elm St Apartment Building Number Twelve,,Salem,OR,97301\n",  # long (warning)
    ]
    r = read_list(write(tmp_path, HEADER + "".join(rows)))
    assert r.rows_read == len(rows)
    assert sorted(r.invalid_rows) == [3, 4, 5, 6, 7, 9, 11, 12]
    assert [x.row for x in r.records] == [2, 8, 10, 13]
    by_row = {p.row: p for p in r.errors}
    assert by_row[3].column == "Name/Company" and "no recipient" in by_row[3].problem
    assert by_row[6].column == "State" and "'XX' is not a US state code" in by_row[6].problem
    assert by_row[7].column == "ZIP" and "4 digits" in by_row[7].problem
    assert by_row[12].column == "Address" and "150 characters" in by_row[12].problem
    assert all(p.fix for p in r.problems)
    warned = {p.row for p in r.warnings}
    assert {8, 10, 13} <= warned
    text = report_text(r)
    assert "row 6, column 'State'" in text and "12 rows read: 4 valid, 8 invalid" in text
    assert report_csv(r).splitlines()[0] == "row,column,severity,problem,suggested fix"


def test_routing_from_zip_shapes(tmp_path: Path) -> None:
    body = HEADER.replace("ZIP\n", "ZIP,ZIP4,DP\n") + (
        "A,,1 St,,X,IL,62704,,\n"
        "B,,1 St,,X,IL,62704-1234,,\n"
        "C,,1 St,,X,IL,62704,1234,5\n"
        "D,,1 St,,X,IL,62704123456,,\n"
        "E,,1 St,,X,IL,62704,,12\n"  # delivery point without ZIP+4: warning, ignored
    )
    r = read_list(write(tmp_path, body))
    assert [x.routing for x in r.records] == ["62704", "627041234", "62704123405", "62704123456", "62704"]
    assert any("delivery point without a ZIP+4" in p.problem for p in r.warnings)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary", "NUL byte"),
        (b"Name,Address,City,State,ZIP\n", None),  # header only: a result with nothing in it
    ],
)
def test_whole_file_problems(tmp_path: Path, content: bytes, words: str | None) -> None:
    path = write(tmp_path, content)
    if words is None:
        r = read_list(path)
        assert r.records == [] and r.rows_read == 0
    else:
        with pytest.raises(ListError, match=words):
            read_list(path)


def test_missing_file_and_old_excel(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="does not exist"):
        read_list(tmp_path / "nope.csv")
    with pytest.raises(ListError, match=r"\.xls"):
        read_list(write(tmp_path, b"\xd0\xcf\x11\xe0junk", "old.xls"))


def test_ragged_rows_and_multiline_cells(tmp_path: Path) -> None:
    body = (
        HEADER
        + 'Ann,,"1 Main St\nBldg 2",,Salem,OR,97301\n'
        + "Bo,,2 St,,Salem,OR,97301,extra,more\n"
        + "Cy,,3 St\n"
    )
    r = read_list(write(tmp_path, body))
    assert r.records[0].address1 == "1 Main St Bldg 2"
    assert any("several lines" in p.problem for p in r.warnings)
    assert any("extra cells were ignored" in p.fix for p in r.warnings)
    assert any(p.row == 5 and p.severity == "error" for p in r.problems)  # short row lacks city/state/zip


def test_huge_field_is_a_reported_row_not_a_crash(tmp_path: Path) -> None:
    body = HEADER + "Ann,," + "x" * 2_000_000 + ",,Salem,OR,97301\n" + GOOD
    r = read_list(write(tmp_path, body))
    assert len(r.records) == 1 and r.records[0].name == "Jane Doe"
    assert any("2,000,000 characters" in p.problem for p in r.errors)


cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(
    st.lists(st.lists(cells, max_size=9), max_size=12),
    st.sampled_from([",", "\t", ";", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_lists_give_a_report_never_a_crash(
    tmp_path: Path, rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    header = delimiter.join(["Name", "Address", "City", "State", "ZIP", "Plus4", "Notes"])
    lines = [header] + [delimiter.join(r) for r in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        result = read_list(path)
    except ListError:
        return
    assert len(result.records) + len(result.invalid_rows) <= result.rows_read
    for rec in result.records:
        assert rec.routing.isdigit() and len(rec.routing) in (5, 9, 11)
        assert rec.state and rec.address1 and rec.city and (rec.name or rec.company)


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_give_a_report_or_a_list_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    with contextlib.suppress(ListError):
        read_list(path)
