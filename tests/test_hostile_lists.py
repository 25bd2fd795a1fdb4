"""Issue 14: hostile mailing lists, and each list defect's regression test.

The corpus (``tests/hostile_lists.py``, over 200 files) goes through ``imb-tracker import`` in
this process: every list is either refused with a clean one-line error and nothing stored, or
imported with a report whose counts add up to the rows in the file and exactly the valid rows
stored.  No list may produce a traceback or an "unexpected error".
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from imb_tracker import cli
from imb_tracker.actions import importing
from imb_tracker.mail import ListError, read_list
from imb_tracker.mail import reader as list_reader
from imb_tracker.mail.reader import ReadOptions
from imb_tracker.store import open_database
from imb_tracker.store.schema import mailings, pieces

from .hostile_lists import ERROR, HEADER, Case, corpus, csv_text, good, write

MID = "123456"


@dataclass
class Counts:
    lists: int = 0
    refused: int = 0
    imported: int = 0
    rows: int = 0
    stored: int = 0
    row_errors: int = 0
    warnings: int = 0
    tracebacks: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.lists} hostile lists: {self.refused} refused with a clean error, {self.imported} imported "
            f"({self.rows:,} rows counted, {self.stored:,} pieces stored, {self.row_errors:,} row errors, "
            f"{self.warnings:,} warnings); tracebacks {self.tracebacks}; failures {len(self.failures)}"
        )


def _cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(list(argv))
    return code, err.getvalue()


def _expect(case: Case, counts: Counts, path: Path) -> int | None:
    """Check the reader's answer for ``case``; the valid-row count when it read the list."""
    try:
        result = importing.read(path)
    except ListError as exc:
        message = str(exc)
        if case.rows >= 0:
            counts.failures.append(f"{case.name}: refused ({message}) but has {case.rows} rows")
        elif case.says and case.says.lower() not in message.lower():
            counts.failures.append(f"{case.name}: refusal {message!r} does not say {case.says!r}")
        if not message.strip() or "Traceback" in message:
            counts.failures.append(f"{case.name}: unclear refusal {message!r}")
        return None
    if case.rows == ERROR:
        counts.failures.append(f"{case.name}: read ({result.rows_read} rows) but must be refused")
    if case.rows >= 0 and result.rows_read != case.rows:
        counts.failures.append(f"{case.name}: {result.rows_read} rows counted, the file has {case.rows}")
    valid, invalid = len(result.records), len(result.invalid_rows)
    if valid + invalid != result.rows_read:
        counts.failures.append(f"{case.name}: {valid} valid + {invalid} invalid != {result.rows_read} read")
    error_rows = {p.row for p in result.errors}
    if error_rows - {0} != result.invalid_rows:
        counts.failures.append(f"{case.name}: rows with errors {sorted(error_rows)} != invalid rows")
    if {r.row for r in result.records} & result.invalid_rows:
        counts.failures.append(f"{case.name}: a row is both valid and invalid")
    for record in result.records:
        for text in (record.name, record.company, record.address1, record.city):
            if "\x00" in text:
                counts.failures.append(f"{case.name}: a NUL was kept in row {record.row}")
    counts.rows += result.rows_read
    counts.row_errors += len(result.errors)
    counts.warnings += len(result.warnings)
    return valid


def run_corpus(folder: Path, cases: list[Case] | None = None) -> Counts:
    """Every case through the reader and through ``imb-tracker import`` (in this process)."""
    counts = Counts()
    db_path = folder / "hostile.db"
    code, err = _cli("mailer", "add", "--db", str(db_path), "--mid", MID, "--name", "Hostile Test")
    assert code == 0, err
    cap = list_reader.MAX_UNPACKED
    list_reader.MAX_UNPACKED = 16 * 1024 * 1024  # the bombs in the corpus are 20 MB, not 2 GB
    try:
        for number, case in enumerate(cases or corpus()):
            counts.lists += 1
            path = write(case, folder)
            valid = _expect(case, counts, path)
            name = f"hostile {number}"
            code, err = _cli("import", str(path), "--db", str(db_path), "--mailer", MID, "--name", name)
            if "Traceback" in err or "unexpected error" in err:
                counts.tracebacks += 1
                counts.failures.append(f"{case.name}: {err.strip()[-300:]}")
            lines = [line for line in err.splitlines() if line.startswith("imb-tracker: ")]
            db = open_database(str(db_path))
            try:
                with db.engine.connect() as conn:
                    mailing = conn.execute(select(mailings.c.id).where(mailings.c.name == name)).scalar()
                    stored = (
                        conn.execute(
                            select(func.count()).select_from(pieces).where(pieces.c.mailing_id == mailing)
                        ).scalar()
                        if mailing is not None
                        else 0
                    )
            finally:
                db.close()
            if code == 0:
                counts.imported += 1
                counts.stored += stored or 0
                if mailing is None or stored != valid:
                    counts.failures.append(
                        f"{case.name}: exit 0 but {stored} pieces stored for {valid} valid rows"
                    )
            else:
                counts.refused += 1
                if mailing is not None:
                    counts.failures.append(f"{case.name}: exit {code} but a mailing was stored")
                if len(lines) != 1:
                    counts.failures.append(f"{case.name}: exit {code} without one error line: {err[-300:]!r}")
                if valid:
                    counts.failures.append(
                        f"{case.name}: {valid} valid rows but the import failed: {err[-200:]}"
                    )
            path.unlink()
    finally:
        list_reader.MAX_UNPACKED = cap
    return counts


def test_hostile_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMB_TRACKER_HOME", str(tmp_path / "home"))
    cases = corpus()
    assert len(cases) >= 200
    counts = run_corpus(tmp_path, cases)
    print(counts.line())
    assert counts.failures == [], "\n".join(counts.failures)
    assert counts.tracebacks == 0
    assert counts.refused >= 40 and counts.imported >= 100  # both kinds of case really ran


# --- the list defects of issue 14, one by one -----------------------------------------------


def _write(tmp_path: Path, data: bytes | str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_unterminated_quote_in_notes_is_refused_naming_the_row(tmp_path: Path) -> None:
    lines = csv_text(good(50)).split("\r\n")
    lines[10] = lines[10].rsplit(",", 1)[0] + ',"call back'  # row 11 opens a quote in Notes
    with pytest.raises(ListError, match="row 11") as caught:
        read_list(_write(tmp_path, "\r\n".join(lines)))
    assert "nothing was imported" in str(caught.value)


def test_a_quote_that_swallows_rows_is_refused(tmp_path: Path) -> None:
    lines = csv_text(good(50)).split("\r\n")
    lines[10] = lines[10].rsplit(",", 1)[0] + ',"oops'
    lines[50] = lines[50].rsplit(",", 1)[0] + ',end"'
    with pytest.raises(ListError, match="row 11"):
        read_list(_write(tmp_path, "\r\n".join(lines)))


def test_mixed_encoding_row_is_read_as_windows_1252_and_reported(tmp_path: Path) -> None:
    text = csv_text([["José Núñez", *good(1)[0][1:]], *good(3), ["Zoë Brontë", *good(1)[0][1:]]])
    raw = text.encode("utf-8").split(b"\r\n")
    raw[1] = raw[1].decode("utf-8").encode("cp1252")  # one Latin-1 row in a UTF-8 list
    result = read_list(_write(tmp_path, b"\r\n".join(raw)))
    assert result.encoding == "utf-8"
    assert [r.name for r in result.records][::4] == ["José Núñez", "Zoë Brontë"]
    (warning,) = [p for p in result.warnings if "not UTF-8" in p.problem]
    assert warning.row == 2 and "José Núñez" in warning.problem


def test_nul_far_into_the_file_is_an_error_naming_the_row(tmp_path: Path) -> None:
    rows = good(2000)
    rows[1500][0] = "Late\x00Name"
    path = _write(tmp_path, csv_text(rows))
    assert path.stat().st_size > 65536
    with pytest.raises(ListError, match="row 1502"):
        read_list(path)


def test_unmapped_cells_are_limited_in_size(tmp_path: Path) -> None:
    rows = good(3)
    rows[1][7] = "n" * 5000
    result = read_list(_write(tmp_path, csv_text(rows)))
    assert len(result.records) == 2 and result.invalid_rows == {3}
    assert any("5,000 characters" in p.problem and p.column == "Notes" for p in result.errors)


def test_delimiter_option(tmp_path: Path) -> None:
    path = _write(tmp_path, csv_text(good(3), ";").replace("Park & Co", "Park, Co"))
    assert len(read_list(path, options=ReadOptions(delimiter="semicolon")).records) == 3
    with pytest.raises(ListError, match="no column"):
        read_list(path, options=ReadOptions(delimiter="|"))
    with pytest.raises(ListError, match="--delimiter"):
        read_list(path, options=ReadOptions(delimiter="ab"))


def _workbook(tmp_path: Path, sheets: list[tuple[str, list[list[object]], str]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        ws = book.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def test_hidden_sheets_are_skipped_and_sheet_chooses(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ("Old", [["junk"]], "hidden"),
            ("Spring", [HEADER, *good(2)], "visible"),
            ("Fall", [HEADER, *good(5)], "visible"),
        ],
    )
    first = read_list(path)
    assert first.sheet == "Spring" and len(first.records) == 2
    assert any("2 sheets" in p.problem for p in first.warnings)
    assert len(read_list(path, options=ReadOptions(sheet="Fall")).records) == 5
    assert len(read_list(path, options=ReadOptions(sheet="2")).records) == 5
    assert len(read_list(path, options=ReadOptions(sheet="fall")).records) == 5
    with pytest.raises(ListError, match="hidden"):
        read_list(path, options=ReadOptions(sheet="Old"))
    with pytest.raises(ListError, match="'Spring', 'Fall'"):
        read_list(path, options=ReadOptions(sheet="Winter"))
    assert importing.sheets(path) == ["Spring", "Fall"]


def test_xlsx_rows_out_of_order_are_all_read_in_row_order(tmp_path: Path) -> None:
    from .hostile_lists import book, numbered, sheet_xml

    rows = numbered(good(4))
    rows[2], rows[4] = rows[4], rows[2]
    path = _write(tmp_path, book(sheet_xml(rows))(), "order.xlsx")
    result = read_list(path)
    assert [r.row for r in result.records] == [2, 3, 4, 5]


def test_dimension_that_undercounts_rows_loses_nothing(tmp_path: Path) -> None:
    from .hostile_lists import book, numbered, sheet_xml

    xml = sheet_xml(numbered(good(6))).replace("<sheetData>", '<dimension ref="A1:H2"/><sheetData>')
    result = read_list(_write(tmp_path, book(xml)(), "dim.xlsx"))
    assert len(result.records) == 6


def test_xlsx_bomb_is_refused_with_the_limit_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .hostile_lists import book, numbered, sheet_xml

    monkeypatch.setattr(list_reader, "MAX_UNPACKED", 4 * 1024 * 1024)
    bomb = "<sst><si><t>" + "A" * (6 * 1024 * 1024) + "</t></si></sst>"
    path = _write(tmp_path, book(sheet_xml(numbered(good(1))), shared=bomb)(), "bomb.xlsx")
    assert path.stat().st_size < 100_000
    with pytest.raises(ListError, match=r"unpacks to 6 MB.*at most 4 MB"):
        read_list(path)


def test_broken_sheet_xml_is_a_clean_error_naming_the_row(tmp_path: Path) -> None:
    from .hostile_lists import book, numbered, sheet_xml

    xml = sheet_xml(numbered(good(4)))
    bad = xml.replace('t="inlineStr"><is><t>Ann Lee</t></is>', 't="s"><v>77</v>', 1)
    with pytest.raises(ListError, match="row 4"):
        read_list(_write(tmp_path, book(bad)(), "bad.xlsx"))


def test_import_cli_sheet_and_delimiter_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMB_TRACKER_HOME", str(tmp_path / "home"))
    db = str(tmp_path / "flags.db")
    code, err = _cli("mailer", "add", "--db", db, "--mid", MID, "--name", "Flags")
    assert code == 0, err
    path = _workbook(tmp_path, [("A", [HEADER, *good(1)], "visible"), ("B", [HEADER, *good(3)], "visible")])
    code, err = _cli("import", str(path), "--db", db, "--mailer", MID, "--name", "b", "--sheet", "B")
    assert code == 0 and "sheet 'B'" in err and "3 valid" in err
    text = _write(tmp_path, csv_text(good(2), "|"), "pipe.txt")
    code, err = _cli("import", str(text), "--db", db, "--mailer", MID, "--name", "p", "--delimiter", "pipe")
    assert code == 0 and "delimiter '|'" in err
    code, err = _cli("import", str(text), "--db", db, "--mailer", MID, "--name", "q", "--sheet", "B")
    assert code == 1 and "--sheet is for Excel workbooks" in err


def test_non_latin_letters_warned_and_kept(tmp_path: Path) -> None:
    result = read_list(_write(tmp_path, csv_text([["Łukasz Wałęsa", *good(1)[0][1:]]])))
    (record,) = result.records
    assert record.name == "Łukasz Wałęsa"  # the original is what is stored
    (warning,) = result.warnings
    assert "'Lukasz Walesa'" in warning.problem


def test_offline_zip_check_warns_per_row_and_imports_as_written(tmp_path: Path) -> None:
    from imb_tracker.mail.zipcheck import normal_city, zip_problem

    assert zip_problem("62704", "IL", "Springfield") == ""
    assert zip_problem("62704", "TX", "Springfield").endswith("not in TX")
    assert "the list says 'Chicago'" in zip_problem("62704", "IL", "Chicago")
    assert "not in the offline ZIP list" in zip_problem("00000", "IL", "Nowhere")
    assert normal_city("Saint Louis") == normal_city("St. Louis")
    rows = [["Ann Lee", "", "5 Elm St", "", "Springfield", "TX", "62704", ""], *good(2)]
    checked = read_list(_write(tmp_path, csv_text(rows)), options=ReadOptions(check_zips=True))
    assert len(checked.records) == 3  # warnings only
    (warning,) = [p for p in checked.warnings if "ZIP Code 62704" in p.problem]
    assert warning.row == 2 and warning.column == "ZIP"
    plain = read_list(_write(tmp_path, csv_text(rows)))
    assert not [p for p in plain.warnings if "ZIP Code 62704" in p.problem]
