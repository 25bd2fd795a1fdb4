"""A generator of hostile mailing lists: encodings, delimiters, quoting, sizes, broken files, XLSX bombs.

Each case is a file and what a correct reader must do with it:

* ``rows`` — the number of data rows in the file: the report must count exactly that many
  (valid + invalid), or
* ``ERROR`` — the list must be refused as a whole with a clean :class:`ListError`, or
* ``ANY`` — either, as long as the invariants hold (the fuzzed cases).

``python tests/hostile_lists.py`` runs the whole corpus through ``imb-tracker import`` and prints
the counts (lists run, refused, imported, warnings, tracebacks).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ERROR = -1
ANY = -2
HEADER = ["Name", "Company", "Address", "Address 2", "City", "State", "ZIP", "Notes"]
GOOD_ROWS = [
    ["Jane Doe", "", "1 Main St", "", "Springfield", "IL", "62704-1234", "first"],
    ["Bo Park", "Park & Co", "9 Oak Ave", "Apt 2", "Austin", "TX", "78701", ""],
    ["Ann Lee", "", "5 Elm St", "", "Hartford", "CT", "06103", "member"],
    ["Cy Ruiz", "", "77 Pine Rd", "", "Miami", "FL", "33101", ""],
    ["Di Wong", "", "3 Bay St", "", "Seattle", "WA", "98101", "gala"],
]


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    build: Callable[[], bytes]
    rows: int  # data rows the report must count, ERROR or ANY
    #: a word the refusal must contain (checked when rows == ERROR)
    says: str = ""


def csv_text(rows: list[list[str]], delimiter: str = ",", header: list[str] | None = None) -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [header or HEADER, *rows]
    return "".join(delimiter.join(cell(v) for v in line) + "\r\n" for line in lines)


def good(n: int) -> list[list[str]]:
    return [list(GOOD_ROWS[i % len(GOOD_ROWS)]) for i in range(n)]


def _bytes(text: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: text.encode(encoding)


def _xlsx(parts: dict[str, str | bytes]) -> bytes:
    """A workbook written part by part, so a test can break any part of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
    'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName='
    '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><numFmts count="0"/><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
    '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
    'count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_xml(rows: list[tuple[int, list[str]]], extra_cells: str = "") -> str:
    """Inline-string rows with explicit row numbers (in the order given)."""
    out = []
    for number, cells in rows:
        body = "".join(
            f'<c r="{_col(i)}{number}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
            for i, v in enumerate(cells)
            if v
        )
        out.append(f'<row r="{number}">{body}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{"".join(out)}{extra_cells}</sheetData></worksheet>'
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def book(sheet: str, shared: str = "<sst/>", drop: str = "") -> Callable[[], bytes]:
    def build() -> bytes:
        parts: dict[str, str | bytes] = {
            "[Content_Types].xml": CT,
            "_rels/.rels": RELS,
            "xl/workbook.xml": WB,
            "xl/_rels/workbook.xml.rels": WB_RELS,
            "xl/styles.xml": STYLES,
            "xl/sharedStrings.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                + shared.replace(
                    "<sst", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"', 1
                )
            ),
            "xl/worksheets/sheet1.xml": sheet,
        }
        parts.pop(drop, None)
        return _xlsx(parts)

    return build


def numbered(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    return list(enumerate([HEADER, *rows], start=1))


def openpyxl_book(fill: Callable[[object], None]) -> Callable[[], bytes]:
    def build() -> bytes:
        import openpyxl

        wb = openpyxl.Workbook()
        fill(wb)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    return build


def _plain_book(rows: list[list[object]]) -> Callable[[object], None]:
    def fill(wb: object) -> None:
        ws = wb.active  # type: ignore[attr-defined]
        for row in rows:
            ws.append(row)

    return fill


def _hidden_first(wb: object) -> None:
    hidden = wb.active  # type: ignore[attr-defined]
    hidden.title = "Old"
    hidden.append(["junk"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("List")  # type: ignore[attr-defined]
    for row in [HEADER, *good(3)]:
        ws.append(row)


def _chart_first(wb: object) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.active  # type: ignore[attr-defined]
    ws.title = "List"
    for row in [HEADER, *good(4)]:
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    wb.create_chartsheet("Chart", 0).add_chart(chart)  # type: ignore[attr-defined]


def encoding_cases() -> Iterator[Case]:
    base = good(5)
    names = ["José Núñez", "Zoë Brontë", "François Müller", "Ødegård", "Ñandú"]
    rows = [[names[i], *r[1:]] for i, r in enumerate(base)]
    text = csv_text(rows)
    for enc in ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"):
        if enc in ("utf-16-le", "utf-16-be"):
            bom = b"\xff\xfe" if enc.endswith("le") else b"\xfe\xff"
            yield Case(f"enc-{enc}", ".csv", lambda e=enc, b=bom: b + text.encode(e), 5)
        else:
            yield Case(f"enc-{enc}", ".csv", _bytes(text, enc), 5)
    # UTF-8 with one (or three) Windows-1252 rows, and the reverse
    for bad in (1, 3):

        def mixed(bad: int = bad) -> bytes:
            lines = text.encode("utf-8").split(b"\r\n")
            for i in range(1, 1 + bad):
                lines[i] = lines[i].decode("utf-8").encode("cp1252")
            return b"\r\n".join(lines)

        yield Case(f"enc-utf8-with-{bad}-cp1252-rows", ".csv", mixed, 5)

    def reverse() -> bytes:
        lines = text.encode("cp1252").split(b"\r\n")
        lines[2] = lines[2].decode("cp1252").encode("utf-8")
        return b"\r\n".join(lines)

    yield Case("enc-cp1252-with-utf8-row", ".csv", reverse, 5)
    yield Case(
        "enc-undefined-cp1252-byte", ".csv", lambda: text.encode("cp1252").replace(b"Jos", b"\x81os"), 5
    )
    yield Case("enc-utf16-odd-bytes", ".txt", lambda: text.encode("utf-16") + b"\x00", ANY)
    yield Case("enc-utf16-no-bom", ".txt", lambda: text.encode("utf-16-le"), ERROR, "NUL")
    yield Case("enc-shift-jis", ".csv", lambda: csv_text([["山田太郎", *base[0][1:]]]).encode("shift_jis"), 1)
    yield Case("enc-bom-only", ".csv", lambda: b"\xef\xbb\xbf", ERROR, "empty")
    yield Case("enc-bom-twice", ".csv", lambda: b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode(), ANY)
    for pos in ("start", "header", "row3", "last"):

        def nul(pos: str = pos) -> bytes:
            raw = bytearray(text.encode())
            at = {"start": 0, "header": 3, "row3": raw.index(b"Hartford"), "last": len(raw) - 3}[pos]
            raw[at:at] = b"\x00"
            return bytes(raw)

        yield Case(f"nul-{pos}", ".csv", nul, ERROR, "NUL")

    def nul_far() -> bytes:
        rows = good(1500)
        rows[1400][0] = "Late\x00Name"
        return csv_text(rows).encode()

    yield Case("nul-after-64k", ".csv", nul_far, ERROR, "row 1402")


def delimiter_cases() -> Iterator[Case]:
    for d in (",", ";", "\t", "|"):
        yield Case(f"delim-{d!r}", ".txt", _bytes(csv_text(good(4), d)), 4)
    yield Case("delim-tsv-suffix", ".tsv", _bytes(csv_text(good(3), "\t")), 3)
    yield Case(
        "delim-commas-in-values-semicolon", ".csv", _bytes(csv_text([["Doe, Jane", *good(1)[0][1:]]], ";")), 1
    )
    ragged = csv_text(good(3)) + "Ex Tra,,1 A St,,Reno,NV,89501,,x,y,z\r\n" + "Sh Ort,,2 B St\r\n"
    yield Case("delim-ragged", ".csv", _bytes(ragged), 5)
    yield Case("delim-cr-only", ".csv", _bytes(csv_text(good(3)).replace("\r\n", "\r")), 3)
    yield Case("delim-lf-only", ".csv", _bytes(csv_text(good(3)).replace("\r\n", "\n")), 3)
    mixed_endings = csv_text(good(4)).replace("\r\n", "\n", 2).replace("\r\n", "\r", 1)
    yield Case("delim-mixed-endings", ".csv", _bytes(mixed_endings), 4)
    yield Case("delim-no-final-newline", ".csv", _bytes(csv_text(good(2)).rstrip()), 2)
    yield Case("delim-blank-lines", ".csv", _bytes(csv_text(good(3)).replace("\r\n", "\r\n\r\n,,,,\r\n")), 3)
    yield Case("delim-single-column", ".csv", _bytes("Name\nJane\nBo\n"), ERROR, "no column")


def quoting_cases() -> Iterator[Case]:
    rows = good(50)
    for at in (0, 10, 25, 49):

        def open_quote(at: int = at) -> bytes:
            lines = csv_text(rows).split("\r\n")
            lines[at + 1] = lines[at + 1] + ',"call back'  # an extra, unterminated Notes-like cell
            return "\r\n".join(lines).encode()

        yield Case(f"quote-unterminated-row{at + 2}", ".csv", open_quote, ERROR, f"row {at + 2}")

    def closed_later() -> bytes:
        lines = csv_text(rows).split("\r\n")
        lines[10] = lines[10].rsplit(",", 1)[0] + ',"oops'
        lines[50] = lines[50].rsplit(",", 1)[0] + ',end"'
        return "\r\n".join(lines).encode()

    yield Case("quote-closed-40-rows-later", ".csv", closed_later, ERROR, "row 11")

    def closed_at_cell_end() -> bytes:  # the quote closes right before a delimiter: rows swallowed
        lines = csv_text(rows).split("\r\n")
        lines[10] = lines[10].rsplit(",", 1)[0] + ',"oops'
        parts = lines[40].split(",")
        parts[-1] = 'x"'
        lines[40] = ",".join(parts)
        return "\r\n".join(lines).encode()

    yield Case("quote-swallows-rows", ".csv", closed_at_cell_end, ERROR, "row 11")
    yield Case(
        "quote-text-after-close",
        ".csv",
        _bytes(csv_text(good(2)) + '"Al" Smith,,1 A St,,Reno,NV,89501,\r\n'),
        ERROR,
        "row 4",
    )
    yield Case(
        "quote-inside-unquoted",
        ".csv",
        _bytes(csv_text(good(2)) + 'Al "Bud" Smith,,1 A St,,Reno,NV,89501,\r\n'),
        3,
    )
    multi = [["Jane Doe", "", "1 Main St", "", "Springfield", "IL", "62704", "line one\nline two"], *good(2)]
    yield Case("quote-legit-multiline-notes", ".csv", _bytes(csv_text(multi)), 3)
    addr = [["Jane Doe", "", "1 Main St\nSte 4", "", "Springfield", "IL", "62704", ""]]
    yield Case("quote-multiline-address", ".csv", _bytes(csv_text(addr)), 1)
    yield Case("quote-doubled", ".csv", _bytes(csv_text([['Jane "JJ" Doe', *good(1)[0][1:]]])), 1)
    yield Case("quote-only-quote", ".csv", _bytes('"'), ERROR, "row 1")
    yield Case("quote-header-open", ".csv", _bytes('Name,"Address\n' + "a,b\n"), ERROR, "row 1")
    yield Case("quote-empty-quoted-cells", ".csv", _bytes(csv_text(good(2)).replace(",,", ',"",')), 2)
    yield Case("quote-single-quotes", ".csv", _bytes(csv_text([["O'Brien", *good(1)[0][1:]]])), 1)


def size_cases() -> Iterator[Case]:
    big = "x" * 100_000
    yield Case("size-100k-name", ".csv", _bytes(csv_text([[big, *good(1)[0][1:]], *good(2)])), 3)
    yield Case("size-100k-notes", ".csv", _bytes(csv_text([[*good(1)[0][:-1], big], *good(2)])), 3)
    yield Case("size-100k-every-cell", ".csv", _bytes(csv_text([[big] * 8])), 1)
    yield Case(
        "size-11mb-cell", ".csv", _bytes(csv_text([["y" * (11 * 1024 * 1024), *good(1)[0][1:]]])), ERROR, "MB"
    )
    wide = HEADER + [f"Extra {i}" for i in range(10_000)]
    yield Case(
        "size-10000-columns",
        ".csv",
        _bytes(csv_text([good(1)[0] + [""] * 10_000], header=wide)),
        ERROR,
        "columns",
    )
    wide_ok = HEADER + [f"Extra {i}" for i in range(500)]
    yield Case("size-500-columns", ".csv", _bytes(csv_text([good(1)[0] + ["v"] * 500], header=wide_ok)), 1)
    yield Case("size-5000-rows", ".csv", _bytes(csv_text(good(5000))), 5000)
    yield Case("size-empty", ".csv", lambda: b"", ERROR, "empty")
    yield Case("size-whitespace", ".csv", _bytes(" \r\n\t\r\n"), ERROR, "empty")
    yield Case("size-header-only", ".csv", _bytes(",".join(HEADER) + "\r\n"), 0)
    yield Case("size-blank-header", ".csv", _bytes(",,,\r\n" + csv_text(good(1))), ERROR, "first row")
    yield Case(
        "size-10000-cells-in-row", ".csv", _bytes(csv_text(good(1)) + ",".join(["z"] * 10_000) + "\r\n"), 2
    )


def degenerate_cases() -> Iterator[Case]:
    rng = random.Random(1404)
    for i in range(12):
        yield Case(f"junk-random-{i}", ".csv", lambda n=i: random.Random(n).randbytes(2000 + n * 500), ANY)
    yield Case("junk-png", ".csv", lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(300), ERROR)
    yield Case("junk-ole-xls", ".xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ERROR, "xls")
    yield Case(
        "junk-ole-as-csv", ".csv", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ERROR, "xls"
    )
    yield Case("junk-zip-not-xlsx", ".xlsx", lambda: _xlsx({"readme.txt": "hello"}), ERROR)
    yield Case("junk-truncated-zip", ".xlsx", lambda: _xlsx({"a.txt": "x" * 5000})[:200], ERROR)
    yield Case("junk-pk-header-only", ".csv", lambda: b"PK\x03\x04" + bytes(40), ERROR)
    yield Case(
        "junk-html",
        ".csv",
        _bytes("<html><body><table><tr><td>Name</td></tr></table></body></html>"),
        ERROR,
        "no column",
    )
    yield Case("junk-json", ".csv", _bytes('[{"Name": "Jane", "ZIP": "62704"}]'), ERROR, "no column")


def xlsx_cases() -> Iterator[Case]:
    rows = good(4)
    yield Case("xlsx-plain", ".xlsx", book(sheet_xml(numbered(rows))), 4)
    swapped = numbered(rows)
    swapped[2], swapped[3] = swapped[3], swapped[2]
    yield Case("xlsx-rows-out-of-order", ".xlsx", book(sheet_xml(swapped)), 4)
    gaps = [(1, HEADER), (3, rows[0]), (7, rows[1]), (20, rows[2])]
    yield Case("xlsx-row-gaps", ".xlsx", book(sheet_xml(gaps)), 3)
    yield Case(
        "xlsx-duplicate-row", ".xlsx", book(sheet_xml([*numbered(rows), (3, rows[0])])), ERROR, "twice"
    )
    full = sheet_xml(numbered(rows))
    yield Case("xlsx-truncated-sheet-xml", ".xlsx", book(full[: len(full) // 2]), ERROR, "cannot be")
    yield Case("xlsx-malformed-xml", ".xlsx", book(full.replace("</row>", "</rw>", 2)), ERROR, "cannot be")
    bad_index = full.replace('t="inlineStr"><is><t>Jane Doe</t></is>', 't="s"><v>999</v>', 1)
    yield Case("xlsx-bad-shared-string-index", ".xlsx", book(bad_index), ERROR, "cannot be read")
    bad_date = full.replace("</row></sheetData>", '<c r="I5" s="1"><v>99999999999</v></c></row></sheetData>')
    yield Case("xlsx-bad-date", ".xlsx", book(bad_date), 4)
    yield Case("xlsx-missing-sheet-part", ".xlsx", book(full, drop="xl/worksheets/sheet1.xml"), ERROR)
    yield Case("xlsx-missing-workbook-part", ".xlsx", book(full, drop="xl/workbook.xml"), ERROR)
    yield Case("xlsx-missing-shared-strings", ".xlsx", book(bad_index, drop="xl/sharedStrings.xml"), ERROR)
    out_of_range = full.replace(
        "</sheetData>", '<row r="9"><c r="XFE9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    yield Case("xlsx-cell-ref-out-of-range", ".xlsx", book(out_of_range), ERROR)
    far_row = full.replace(
        "</sheetData>",
        '<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    yield Case("xlsx-row-beyond-excel", ".xlsx", book(far_row), ANY)
    far_col = full.replace(
        "</sheetData>", '<row r="9"><c r="ZZ9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    yield Case("xlsx-cell-in-column-702", ".xlsx", book(far_col), 5)
    wide_col = full.replace(
        "</sheetData>", '<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    yield Case("xlsx-cell-in-column-16384", ".xlsx", book(wide_col), ERROR, "columns")
    bomb = "<sst><si><t>" + "A" * (20 * 1024 * 1024) + "</t></si></sst>"
    yield Case("xlsx-bomb-shared-string", ".xlsx", book(full, shared=bomb), ERROR, "unpacks")
    sheet_bomb = full.replace("</sheetData>", "<row r='99'/>" * 1_500_000 + "</sheetData>")
    yield Case("xlsx-bomb-empty-rows", ".xlsx", book(sheet_bomb), ERROR, "unpacks")
    yield Case("xlsx-empty-sheet", ".xlsx", book(sheet_xml([])), ERROR, "empty")
    yield Case("xlsx-header-only", ".xlsx", book(sheet_xml([(1, HEADER)])), 0)
    nul = full.replace("Bo Park", "Bo_x0000_Park")
    yield Case("xlsx-escaped-nul", ".xlsx", book(nul), ANY)
    yield Case("xlsx-hidden-first-sheet", ".xlsx", openpyxl_book(_hidden_first), 3)
    yield Case("xlsx-chartsheet-first", ".xlsx", openpyxl_book(_chart_first), 4)
    typed = [
        HEADER,
        ["Ann", "", "5 Elm St", "", "Hartford", "CT", 6103, 3.5],
        ["Bo", "", "1 A", "", "Reno", "NV", 89501.0, True],
    ]
    yield Case("xlsx-numbers-and-booleans", ".xlsx", openpyxl_book(_plain_book(typed)), 2)
    formulas = [HEADER, ["=1+1", "", "5 Elm St", "", "Hartford", "CT", "06103", '=HYPERLINK("http://x","y")']]
    yield Case("xlsx-formula-cells", ".xlsx", openpyxl_book(_plain_book(formulas)), 1)
    leading = [[HEADER[0]], *[[f"row {i}"] for i in range(3)]]
    yield Case("xlsx-one-column", ".xlsx", openpyxl_book(_plain_book(leading)), ERROR, "no column")
    yield Case(
        "xlsx-title-above-header",
        ".xlsx",
        openpyxl_book(_plain_book([["Our list"], [], HEADER, *good(2)])),
        ERROR,
        "no column",
    )


def injection_cases() -> Iterator[Case]:
    payloads = [
        '=HYPERLINK("http://evil","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "=cmd|' /C calc'!A0",
    ]
    for i, payload in enumerate(payloads):
        for column in (0, 2, 7):
            row = list(good(1)[0])
            row[column] = payload + " " + row[column] if column != 7 else payload
            yield Case(f"inject-{i}-col{column}", ".csv", _bytes(csv_text([row, *good(1)])), 2)


def header_cases() -> Iterator[Case]:
    dup = ["Name", "Name", "Address", "City", "State", "ZIP", "ZIP"]
    yield Case(
        "header-duplicates",
        ".csv",
        _bytes(csv_text([["A", "B", "1 A St", "Reno", "NV", "89501", "89502"]], header=dup)),
        ANY,
    )
    yield Case("header-unknown", ".csv", _bytes("Foo,Bar,Baz\n1,2,3\n"), ERROR, "no column")
    yield Case("header-blank-names", ".csv", _bytes(csv_text(good(2), header=[*HEADER[:-1], ""])), 2)
    yield Case(
        "header-spaces-and-case",
        ".csv",
        _bytes(csv_text(good(2), header=[h.upper().center(12) for h in HEADER])),
        2,
    )
    yield Case(
        "header-unicode-lookalike", ".csv", _bytes(csv_text(good(1), header=["Nаme", *HEADER[1:]])), ANY
    )  # Cyrillic a
    yield Case("header-injection", ".csv", _bytes(csv_text(good(1), header=[*HEADER[:-1], "=Notes"])), 1)
    yield Case(
        "header-bom-in-middle", ".csv", _bytes(csv_text(good(1), header=["\ufeffName", *HEADER[1:]])), ANY
    )
    yield Case("header-very-long", ".csv", _bytes(csv_text(good(1), header=[*HEADER[:-1], "N" * 50_000])), 1)


def unicode_cases() -> Iterator[Case]:
    names = [
        "Łukasz Wałęsa",
        "Дмитрий Иванов",
        "山田 太郎",
        "محمد علي",
        "Ελένη Παπαδοπούλου",
        "Nguyễn Văn An",
        "😀 Smiley",
        "Zero\u200bWidth",
        "Right\u202eToLeft",
        "Combining e\u0301",
        "Tab\tInside",
        "Bell\x07Char",
    ]
    for i, name in enumerate(names):
        yield Case(f"unicode-name-{i}", ".csv", _bytes(csv_text([[name, *good(1)[0][1:]]])), 1)
    for i, zip_text in enumerate(["６２７０４", "٦٢٧٠٤", "62704\u00a0", "62 704", "6270４"]):
        yield Case(f"unicode-zip-{i}", ".csv", _bytes(csv_text([[*good(1)[0][:6], zip_text, ""]])), 1)
    yield Case(
        "unicode-state-fullwidth", ".csv", _bytes(csv_text([[*good(1)[0][:5], "ＩＬ", "62704", ""]])), 1
    )
    yield Case(
        "unicode-city-cyrillic", ".csv", _bytes(csv_text([[*good(1)[0][:4], "Москва", "IL", "62704", ""]])), 1
    )


def fuzz_cases(count: int = 60) -> Iterator[Case]:
    base = csv_text(good(20)).encode()
    tokens = [b'"', b",", b"\r", b"\n", b"\x00", b"\xff", b"\xc3", b"=", b";", b"\t", b'""', b"\xef\xbb\xbf"]
    for i in range(count):

        def mutate(seed: int = i) -> bytes:
            rng = random.Random(seed)
            raw = bytearray(base)
            for _ in range(rng.randint(1, 12)):
                at = rng.randrange(len(raw))
                if rng.random() < 0.5:
                    raw[at:at] = rng.choice(tokens)
                elif rng.random() < 0.5:
                    del raw[at : at + rng.randint(1, 30)]
                else:
                    raw[at] = rng.randrange(256)
            return bytes(raw)

        yield Case(f"fuzz-{i}", ".csv", mutate, ANY)


def corpus() -> list[Case]:
    cases = [
        *encoding_cases(),
        *delimiter_cases(),
        *quoting_cases(),
        *size_cases(),
        *degenerate_cases(),
        *xlsx_cases(),
        *injection_cases(),
        *header_cases(),
        *unicode_cases(),
        *fuzz_cases(),
    ]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def write(case: Case, folder: Path) -> Path:
    path = folder / f"{case.name}{case.suffix}"
    path.write_bytes(case.build())
    return path


if __name__ == "__main__":  # pragma: no cover - the counts for a note
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_hostile_lists import run_corpus

    with tempfile.TemporaryDirectory() as tmp:
        print(run_corpus(Path(tmp)).line())
