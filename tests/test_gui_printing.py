"""Printing through Qt at actual size: the PDF's pages drawn 1:1 on a full-page QPrinter (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from imb_tracker.actions.letters import letter_preview
from imb_tracker.gui.printing import print_pdf, system_print_command
from imb_tracker.layout.calibration import render_calibration
from imb_tracker.layout.envelopes import EnvelopeOptions, check_template, render_envelopes
from imb_tracker.layout.templates import envelope_template
from imb_tracker.mail import check_address


def envelope_pdf(tmp_path: Path) -> Path:
    record, _ = check_address(
        {
            "name": "Jordan Lee",
            "address1": "742 Evergreen Ter",
            "city": "Springfield",
            "state": "IL",
            "zip": "62704-1234",
        }
    )
    assert record is not None
    template = envelope_template("10")
    assert not check_template(template, EnvelopeOptions())
    out = tmp_path / "one.pdf"
    render_envelopes(template, EnvelopeOptions(), [letter_preview(record, "123456", "270")], out, 1)
    return out


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(300)
    return printer


def test_an_envelope_prints_at_its_own_size(qtbot: QtBot, tmp_path: Path) -> None:
    source = envelope_pdf(tmp_path)
    out = tmp_path / "printed.pdf"
    assert print_pdf(source, pdf_printer(out)) == 1
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert (round(page.width / 72, 2), round(page.height / 72, 2)) == (9.5, 4.12)
        # the rendered page is one image covering the whole page: nothing was scaled to fit
        [image] = page.images
        assert abs(image["width"] - page.width) < 1 and abs(image["height"] - page.height) < 1


def test_rotated_feed_turns_the_page(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "rotated.pdf"
    assert print_pdf(envelope_pdf(tmp_path), pdf_printer(out), rotate=True) == 1
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert (round(page.width / 72, 2), round(page.height / 72, 2)) == (4.12, 9.5)


def test_calibration_page_and_spooler_command(qtbot: QtBot, tmp_path: Path) -> None:
    calibration = tmp_path / "calibration.pdf"
    render_calibration(calibration)
    out = tmp_path / "printed.pdf"
    assert print_pdf(calibration, pdf_printer(out)) == 1
    command = system_print_command(calibration, 9.5, 4.125, "office")
    if command is not None:  # CUPS is installed
        assert command[1:3] == ["-d", "office"]
        assert "media=Custom.4.125x9.5in" in command and "print-scaling=none" in command
        assert "landscape" in command
