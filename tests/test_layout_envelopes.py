"""Envelopes on paper: sizes, bar geometry to 0.001 in, zones, and bars read back from pixels."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from imb_tracker.imb import NOMINAL, barcode_geometry, decode, encode_tracking
from imb_tracker.layout import rules
from imb_tracker.layout.envelopes import (
    POSITIONS,
    EnvelopeOptions,
    check_envelopes,
    check_template,
    layout_piece,
    render_envelopes,
)
from imb_tracker.layout.templates import EnvelopeTemplate, envelope_template, envelope_templates
from imb_tracker.records import AddressRecord, StoredPiece

from .pdftools import NEEDS_POPPLER, bar_widths_in, rasterize, read_imb

RETURN = ("ACME CHARITY", "PO BOX 100", "SPRINGFIELD IL 62704-0100")


def piece(serial: int = 1, name: str = "Jane Q. Public", street: str = "123 Main St.") -> StoredPiece:
    tracking = f"00270123456{serial:09d}"
    routing = "62704123401"
    address = AddressRecord(serial, name, "", street, "Apt 4", "Springfield", "IL", "62704", "1234", "01")
    return StoredPiece(address, tracking, routing, encode_tracking(tracking, routing))


@pytest.mark.parametrize("template_id", list(envelope_templates()))
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("digits", [False, True])
def test_every_template_and_position_passes_the_rule_check(
    template_id: str, position: str, digits: bool
) -> None:
    options = EnvelopeOptions(
        position=position, human_readable=digits, return_lines=RETURN, endorsement="Address Service Requested"
    )
    assert check_template(envelope_template(template_id), options) == []


@pytest.mark.parametrize(
    ("template", "rule"),
    [
        (EnvelopeTemplate("big", "too tall", 11.0, 7.0), "size"),
        (EnvelopeTemplate("sq", "square", 6.0, 5.0), "aspect"),
        (EnvelopeTemplate("right", "address far right", 9.5, 4.125, address_x=8.0), "line-length"),
        (EnvelopeTemplate("tiny", "tiny type", 9.5, 4.125, address_size=6.0), "type-size"),
    ],
)
def test_a_bad_template_is_refused_in_words(template: EnvelopeTemplate, rule: str) -> None:
    violations = check_template(template, EnvelopeOptions(return_lines=RETURN))
    assert rule in {v.rule for v in violations}
    assert all(len(str(v)) > 20 for v in violations)


def test_return_address_too_tall_for_a_small_envelope_is_reported() -> None:
    options = EnvelopeOptions(return_lines=("A", "B", "C", "D", "E", "F"))
    rules_broken = {v.rule for v in check_template(envelope_template("6-3/4"), options)}
    assert "return-address" in rules_broken


def test_a_long_address_line_is_reported_per_piece() -> None:
    long_street = "12345 NORTHWESTERN INDUSTRIAL PARKWAY SOUTHWEST BUILDING C LOADING DOCK 7"
    found = list(
        check_envelopes(
            envelope_template("6-3/4"), EnvelopeOptions(), [piece(), piece(2, street=long_street)]
        )
    )
    assert found and {n for n, _, _ in found} == {2}
    assert "only" in str(found[0][2]) and "in fit inside the OCR read area" in str(found[0][2])


@NEEDS_POPPLER
@pytest.mark.parametrize("position", POSITIONS)
def test_envelope_pdf_bars_zones_and_pixels(tmp_path: Path, position: str) -> None:
    template = envelope_template("10")
    options = EnvelopeOptions(position=position, human_readable=True, return_lines=RETURN)
    pieces = [piece(1), piece(2, "Bob Smith")]
    out = tmp_path / "env.pdf"
    result = render_envelopes(template, options, pieces, out)
    assert result.pages == 2
    assert PdfReader(out).trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 2
        for page, p in zip(pdf.pages, pieces, strict=True):
            assert (page.width, page.height) == (684, 297)  # 9.5 x 4.125 in
            layout = layout_piece(template, options, p)
            geo = barcode_geometry(p.bars, NOMINAL)
            rects = sorted(page.rects, key=lambda r: r["x0"])
            assert len(rects) == 65
            for rect, bar in zip(rects, geo.bars, strict=True):
                assert rect["fill"] and not rect["stroke"]
                assert rect["non_stroking_color"] in (0, 0.0, (0,), [0], (0.0,), [0.0])
                assert abs(rect["x0"] / 72 - (layout.bars_x + bar.x / 72)) < 0.001
                assert abs(rect["width"] / 72 - NOMINAL.bar_width) < 0.001
                assert abs(rect["height"] / 72 - bar.height / 72) < 0.001
                baseline = (page.height - rect["bottom"]) / 72  # pdfplumber measures from the top
                assert abs(baseline - (layout.bars_y + bar.y / 72)) < 0.001
            zone = rules.clear_zone(9.5)
            ocr = rules.ocr_area(9.5)
            address_words = {" ".join(t.text.split()) for t in layout.address}  # extraction squeezes spaces
            for ch in page.chars:
                x0, x1 = ch["x0"] / 72, ch["x1"] / 72
                y0, y1 = (page.height - ch["bottom"]) / 72, (page.height - ch["top"]) / 72
                overlaps_zone = x0 < zone.right and x1 > zone.x and y0 < zone.top and y1 > zone.y
                assert not overlaps_zone, f"text {ch['text']!r} in the clear zone"
            lines = page.extract_text_lines()
            for line in lines:
                if " ".join(line["text"].split()) in address_words:
                    assert ocr.x - 0.001 <= line["x0"] / 72 and line["x1"] / 72 <= ocr.right + 0.001
                    assert ocr.y - 0.001 <= (page.height - line["bottom"]) / 72
                    assert (page.height - line["top"]) / 72 <= ocr.top + 0.001
            assert address_words <= {" ".join(line["text"].split()) for line in lines}
    img = rasterize(out, 1, 600)
    layout = layout_piece(template, options, pieces[0])
    length = NOMINAL.length
    bars = read_imb(
        img,
        layout.bars_x - 0.06,
        layout.bars_y - 0.01,
        layout.bars_x + length + 0.06,
        layout.bars_y + NOMINAL.full_height + 0.01,
        4.125,
    )
    assert decode(bars).fields.payload == pieces[0].imb
    widths = bar_widths_in(
        img,
        layout.bars_x - 0.06,
        layout.bars_x + length + 0.06,
        layout.bars_y + NOMINAL.full_height / 2,
        4.125,
    )
    assert len(widths) == 65 and all(abs(w - 0.020) <= 1.5 / 600 for w in widths)


def test_cancel_removes_the_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "cancel.pdf"
    result = render_envelopes(
        envelope_template("10"),
        EnvelopeOptions(),
        [piece(i) for i in range(1, 600)],
        out,
        599,
        progress=lambda done, total: False,
    )
    assert result.cancelled and not out.exists()


def test_pages_are_written_as_they_are_made(tmp_path: Path) -> None:
    """The file grows while the job runs: pages are not held in memory until the end."""
    out = tmp_path / "stream.pdf"
    sizes = []

    def watch(done: int, total: int) -> bool:
        sizes.append(out.stat().st_size)
        return True

    render_envelopes(
        envelope_template("10"), EnvelopeOptions(), (piece(i) for i in range(1, 1001)), out, 1000, watch
    )
    assert len(sizes) >= 3 and sizes[0] < sizes[1] < sizes[2]
    assert sizes[0] > 250 * 400  # 250 pages already on disk at the first progress call
    assert out.stat().st_size / 1000 < 2048  # under 2 KB a page


def test_logo_and_return_address_are_one_shared_form(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 60), (20, 60, 160, 255)).save(logo)
    options = EnvelopeOptions(return_lines=RETURN, logo=logo)
    assert check_template(envelope_template("10"), options) == []
    out = tmp_path / "logo.pdf"
    render_envelopes(envelope_template("10"), options, [piece(1), piece(2), piece(3)], out)
    reader = PdfReader(out)
    forms = set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        ref = xobjects.raw_get("/ReturnAddress")
        forms.add(ref.idnum)
        assert "/Logo" in ref.get_object()["/Resources"]["/XObject"]
    assert len(forms) == 1  # drawn once, placed on every page
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages[0].images) == 1
        assert "ACME CHARITY" in pdf.pages[2].extract_text()


def test_rule_check_places_a_wide_logo_where_it_is_printed(tmp_path: Path) -> None:
    """Regression: the check used to assume a square logo, so a wide one was checked in the wrong place."""
    from PIL import Image

    from imb_tracker.layout.envelopes import logo_pixels, return_block

    logo = tmp_path / "wide.png"
    Image.new("RGB", (600, 100), (0, 0, 0)).save(logo)
    options = EnvelopeOptions(return_lines=RETURN, logo=logo)
    template = envelope_template("10")
    checked = return_block(template, options, logo_pixels(logo)).logo_box
    assert checked is not None and abs(checked.width - 1.5) < 1e-9  # capped width, real 6:1 shape
    out = tmp_path / "wide.pdf"
    render_envelopes(template, options, [piece(1)], out)
    with pdfplumber.open(out) as pdf:
        image = pdf.pages[0].images[0]
        assert abs(image["x0"] / 72 - checked.x) < 0.001 and abs(image["width"] / 72 - checked.width) < 0.001
        assert abs(image["height"] / 72 - checked.height) < 0.001
        assert abs((297 - image["bottom"]) / 72 - checked.y) < 0.001


def test_non_latin_letters_print_transliterated_never_as_question_marks(tmp_path: Path) -> None:
    options = EnvelopeOptions(return_lines=("Fundacja Łódź", "ul. Żółta 5", "SPRINGFIELD IL 62704"))
    out = tmp_path / "names.pdf"
    pieces = [piece(1, "Łukasz Wałęsa", "12 Straße Москва"), piece(2, "山田 太郎")]
    render_envelopes(envelope_template("10"), options, pieces, out)
    with pdfplumber.open(out) as pdf:
        first, second = (page.extract_text() for page in pdf.pages)
    assert (
        "LUKASZ WALESA" in first and "12 STRASSE MOSKVA" in first and "Fundacja Lódz" in first
    )  # WinAnsi keeps ó
    assert "SHANTIAN TAILANG" in second
    assert "?" not in first + second
