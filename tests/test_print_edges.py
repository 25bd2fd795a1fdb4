"""Issue 14: prints refuse what would not come out right (labels, offsets, logo, return address, digits)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from imb_tracker.imb import FieldError, encode_tracking
from imb_tracker.layout.calibration import render_bars
from imb_tracker.layout.envelopes import EnvelopeOptions, check_template, layout_piece, return_block
from imb_tracker.layout.labels import LabelOptions, check_labels, render_alignment_sheet, render_labels
from imb_tracker.layout.sheets import SheetOptions
from imb_tracker.layout.templates import envelope_template, sheet_template, sheet_templates
from imb_tracker.records import AddressRecord, StoredPiece

FOUR_INCH = ["avery-5161", "avery-5162", "avery-5163", "avery-5164", "avery-5159"]


def piece(street: str = "123 Main St", serial: int = 1) -> StoredPiece:
    tracking = f"00270123456{serial:09d}"
    address = AddressRecord(serial, "Jane Public", "", street, "", "Springfield", "IL", "62704", "1234", "01")
    return StoredPiece(address, tracking, "62704123401", encode_tracking(tracking, "62704123401"))


LONG = "12345 North Northwestern Parkway Boulevard Extension Building C"  # 63 + "APT 4" later


@pytest.mark.parametrize("layout", [*FOUR_INCH, "avery-5160"])
def test_a_label_line_that_does_not_fit_is_refused_not_printed_off_the_label(
    layout: str, tmp_path: Path
) -> None:
    sheet = sheet_template(layout)
    options = LabelOptions(imb=layout != "avery-5160")
    line = (LONG + " Suite 1200")[:71]
    assert len(line) == 71
    broken = list(check_labels(sheet, options, [piece(), piece(line, 2)]))
    assert broken and {number for number, _, _ in broken} == {2}
    assert "even at 8 pt" in str(broken[0][2])
    with pytest.raises(FieldError, match=r"too wide|wide even"):
        render_labels(sheet, options, [piece(), piece(line, 2)], tmp_path / "l.pdf")
    assert not (tmp_path / "l.pdf").exists()
    assert list(check_labels(sheet, options, [piece()])) == []


def test_label_offsets_are_checked_after_they_move_the_labels() -> None:
    sheet = sheet_template("avery-5163")
    moved = LabelOptions(sheet=SheetOptions(offset_x=0.45))
    assert any(v.rule == "off-sheet" for _, _, v in check_labels(sheet, moved, [piece()] * 10))


@pytest.mark.parametrize("value", [5.0, -0.6, float("nan")])
def test_envelope_offsets_are_bounded(value: float) -> None:
    with pytest.raises(FieldError, match="printer offset"):
        EnvelopeOptions(offset_x=value)
    with pytest.raises(FieldError, match="printer offset"):
        EnvelopeOptions(offset_y=value)


def test_clear_zone_bars_cut_by_an_offset_are_refused() -> None:
    options = EnvelopeOptions(position="clear-zone", offset_y=-0.3)
    assert any("bottom" in str(v) for v in layout_piece(envelope_template("10"), options, piece()).violations)


def test_the_endorsement_never_crosses_the_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 300), (0, 0, 0)).save(logo)
    template = envelope_template("10")
    for lines in ((), ("ACME",), ("ACME CHARITY", "PO BOX 100", "SPRINGFIELD IL 62704")):
        options = EnvelopeOptions(return_lines=lines, endorsement="Return Service Requested", logo=logo)
        block = return_block(template, options, (300, 300))
        endorsement = block.lines[-1].box()
        assert block.logo_box is not None and not endorsement.overlaps(block.logo_box), lines
        assert not [v for v in check_template(template, options) if v.rule == "return-address"], lines


def test_a_return_address_wider_than_half_the_envelope_is_refused() -> None:
    wide = ("ACME CHARITABLE FOUNDATION OF GREATER SPRINGFIELD AND ITS SURROUNDING COUNTIES",)
    violations = check_template(envelope_template("10"), EnvelopeOptions(return_lines=wide))
    assert any("half the envelope" in str(v) for v in violations)
    assert not check_template(envelope_template("10"), EnvelopeOptions(return_lines=("ACME CHARITY",)))


def test_clear_zone_digits_go_above_the_address() -> None:
    options = EnvelopeOptions(position="clear-zone", human_readable=True)
    layout = layout_piece(envelope_template("10"), options, piece())
    assert layout.violations == []
    assert layout.digits is not None and layout.digits.baseline > layout.address[0].baseline


def _crosses(word: dict[str, float], rect: dict[str, float]) -> bool:
    """A word box that overlaps a rectangle without lying wholly inside or outside it."""
    overlap = not (
        word["x1"] <= rect["x0"]
        or word["x0"] >= rect["x1"]
        or word["bottom"] <= rect["top"]
        or word["top"] >= rect["bottom"]
    )
    inside = (
        word["x0"] >= rect["x0"]
        and word["x1"] <= rect["x1"]
        and word["top"] >= rect["top"]
        and word["bottom"] <= rect["bottom"]
    )
    return overlap and not inside


@pytest.mark.parametrize("layout", list(sheet_templates()))
def test_alignment_sheet_text_never_crosses_a_label_outline(layout: str, tmp_path: Path) -> None:
    out = tmp_path / "align.pdf"
    render_alignment_sheet(sheet_template(layout), SheetOptions(), out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        words, rects = page.extract_words(), page.rects
        text = page.extract_text()
    assert len(rects) == sheet_template(layout).per_sheet
    crossing = [w["text"] for w in words for r in rects if _crosses(w, r)]
    assert crossing == []
    flat = " ".join(text.split())
    assert "Print at 100%" in flat and "adjust the printer offsets if the boxes do not match." in flat


def test_print_bars_says_its_whole_message_inside_the_page(tmp_path: Path) -> None:
    out = tmp_path / "bars.pdf"
    render_bars("A" * 65, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        text = " ".join(page.extract_text().split())
    assert max(w["x1"] for w in words) <= page.width - 72 + 1  # the 1 in right margin
    assert "does not decode" in text and text.endswith("or try repair")
