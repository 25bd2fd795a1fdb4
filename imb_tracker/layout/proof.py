"""A proof-of-mailing record, fit for a case file: as a PDF, or as one static HTML page.

Both show the same :class:`ProofEntry` per letter: who it went to, its IMb (bars and digits),
serial, mailer and Mailer ID, the mailed date, every scan with time, place and meaning, the
in-home estimate and its basis, when USPS was last asked, and a SHA-256 of the stored raw USPS
payloads — and say plainly what Informed Visibility can and cannot prove.  The HTML page has
no scripts, no fonts, no images and no links to anywhere: it can be emailed to a client as is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from imb_tracker.imb import NOMINAL, barcode_geometry

from .draw import INCH, draw_imb, wrap
from .envelopes import JobResult
from .pdfwriter import Content, PdfWriter

#: what the record can and cannot prove, in the words both formats print
LIMITS = (
    "USPS Informed Visibility records the scans of the letter's Intelligent Mail barcode on USPS "
    "sorting machines. It shows when and where USPS handled the letter.",
    "Letters get no delivery scan: the last scan is usually the sort into the carrier's delivery "
    "order, made the day of delivery or the day before. This record does not prove delivery, the "
    "delivery date, or who received the letter; the in-home date is an estimate.",
    "The SHA-256 fingerprint covers the USPS data as it was stored when fetched (each scan's raw "
    "payload, oldest first, joined by new lines); recomputing it from the stored data shows the "
    "record was not altered.",
)


@dataclass(frozen=True)
class ProofScan:
    when: str  # as USPS reported it (facility local time)
    where: str
    what: str


@dataclass(frozen=True)
class ProofEntry:
    """One letter's record."""

    recipient: tuple[str, ...]  # name and address lines
    imb: str
    bars: str
    serial: str
    mailer: str
    mid: str
    mailing: str
    mailed: str  # YYYY-MM-DD, or "not recorded"
    status: str
    scans: tuple[ProofScan, ...]
    estimate: str  # "2026-12-26 (estimated; basis: …)"
    last_lookup: str
    payload_sha256: str
    payload_count: int


#: a printed row: (label, text, font, size, indented); a label is set in its own column, and
#: an unlabelled row is indented to the values' column when it continues a fact above it
Row = tuple[str, str, str, float, bool]
LABEL_X, VALUE_X, RIGHT = 0.75, 2.35, 7.75  # inches


def _rows(e: ProofEntry, generated: datetime) -> list[Row]:
    """The rows of one record, as the PDF prints them: facts as label and value, then the scans."""
    rows: list[Row] = [
        ("", "Proof-of-mailing record", "Helvetica-Bold", 15, False),
        (
            "",
            f"Made {generated:%Y-%m-%d %H:%M} UTC by IMb Tracker from its stored USPS data",
            "Helvetica",
            8,
            False,
        ),
        ("", "", "Helvetica", 6, False),
        ("Recipient", e.recipient[0] if e.recipient else "", "Helvetica", 10, True),
        *(("", line, "Helvetica", 10, True) for line in e.recipient[1:]),
        ("", "", "Helvetica", 6, False),
        ("Intelligent Mail barcode", e.imb, "Helvetica", 10, True),
        ("Serial", e.serial, "Helvetica", 10, True),
        ("Mailer", f"{e.mailer} (Mailer ID {e.mid})", "Helvetica", 10, True),
        ("Mailing", e.mailing, "Helvetica", 10, True),
        ("Mailed", e.mailed, "Helvetica", 10, True),
        ("Status", e.status, "Helvetica", 10, True),
        ("In the home", e.estimate, "Helvetica", 10, True),
        ("USPS last asked", e.last_lookup, "Helvetica", 10, True),
        ("SHA-256 of USPS data", e.payload_sha256, "Courier", 8.5, True),
        ("", f"over the {e.payload_count} stored raw payload(s)", "Helvetica", 8, True),
        ("", "", "Helvetica", 6, False),
        (
            "",
            f"Scans ({len(e.scans)}), as USPS reported them (the facility's local time)",
            "Helvetica-Bold",
            10,
            False,
        ),
    ]
    if not e.scans:
        rows.append(("", "No scan is stored for this letter.", "Helvetica", 9, False))
    for s in e.scans:
        rows.append((s.when.replace("T", " "), s.what, "Helvetica", 9, True))
        rows.append(("", s.where, "Helvetica", 8, True))
    rows.append(("", "", "Helvetica", 6, False))
    rows.append(("", "What this record shows, and what it cannot", "Helvetica-Bold", 10, False))
    for text in LIMITS:
        rows += [("", text, "Helvetica", 8, False), ("", "", "Helvetica", 3, False)]
    return rows


def render_proof_pdf(entries: Sequence[ProofEntry], out: Path, generated: datetime) -> JobResult:
    """Letter pages: each record starts on a new page, with its IMb drawn at nominal size."""
    pages = 0
    with PdfWriter(out, title="IMb Tracker proof-of-mailing record") as writer:
        for e in entries:
            content, y = Content(), 10.4
            for label, text, font, size, indented in _rows(e, generated):
                step = size / 72 * 1.35
                x = VALUE_X if indented else LABEL_X
                for n, line in enumerate(wrap(text, font, size, RIGHT - x) if text else [""]):
                    if y - step < 0.6:  # the next row would run off the page: carry on on a new one
                        writer.add_page(content, 8.5 * INCH, 11 * INCH)
                        pages += 1
                        content, y = Content(), 10.4
                    y -= step
                    if label and n == 0:
                        content.text(LABEL_X * INCH, y * INCH, label, "Helvetica-Bold", min(size, 9))
                    if line:
                        content.text(x * INCH, y * INCH, line, font, size)
                if label == "Intelligent Mail barcode" and e.bars:  # the bars under their digits
                    y -= 0.3
                    draw_imb(content, e.bars, VALUE_X * INCH, y * INCH)
                    y -= 0.12
            writer.add_page(content, 8.5 * INCH, 11 * INCH)
            pages += 1
    return JobResult(pages, out)


def _svg_bars(bars: str) -> str:
    """The 65 bars at nominal size as inline SVG (points), no external anything."""
    geo = barcode_geometry(bars, NOMINAL)
    height = max(b.y + b.height for b in geo.bars)
    rects = "".join(
        f'<rect x="{b.x:.3f}" y="{height - b.y - b.height:.3f}" width="{b.width:.3f}" height="{b.height:.3f}"/>'
        for b in geo.bars
    )
    width = max(b.x + b.width for b in geo.bars)
    return (
        f'<svg width="{width * 2:.1f}" height="{height * 2:.1f}" '
        f'viewBox="0 0 {width:.3f} {height:.3f}" role="img" aria-label="Intelligent Mail barcode">{rects}</svg>'
    )


MONO = {"Intelligent Mail barcode", "Serial"}  # digits people read out or compare, set fixed width


def render_proof_html(entries: Sequence[ProofEntry], title: str, generated: datetime) -> str:
    """One self-contained page (no scripts, fonts, images or links) for all the records."""
    e_ = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e_(title)}</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
        "color:#1b1b1b}h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2.2rem;border-top:1px solid #ccc;"
        "padding-top:1rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;"
        "padding:.25rem .5rem;border-bottom:1px solid #eee}.mono{font-family:ui-monospace,monospace;"
        "word-break:break-all}.when{white-space:nowrap}.facts th{width:13rem}.note{color:#444;font-size:.9rem}svg{display:block;margin:.4rem 0}"
        "@media print{body{margin:0}}</style></head><body>",
        f"<h1>{e_(title)}</h1>",
        f'<p class="note">Made {generated:%Y-%m-%d %H:%M} UTC by IMb Tracker from its stored USPS data.</p>',
    ]
    for e in entries:
        parts.append(f"<h2>{e_(e.recipient[0] if e.recipient else e.imb)}</h2>")
        parts.append("<p>" + "<br>".join(e_(line) for line in e.recipient[1:]) + "</p>")
        if e.bars:
            parts.append(_svg_bars(e.bars))
        facts = [
            ("Intelligent Mail barcode", e.imb),
            ("Serial", e.serial),
            ("Mailer", f"{e.mailer} (Mailer ID {e.mid})"),
            ("Mailing", e.mailing),
            ("Mailed", e.mailed),
            ("Status", e.status),
            ("In the home", e.estimate),
            ("USPS last asked", e.last_lookup),
            (f"SHA-256 of the {e.payload_count} stored USPS payload(s)", e.payload_sha256),
        ]
        cells = ((k, ' class="mono"' if k in MONO or k.startswith("SHA-256") else "", v) for k, v in facts)
        parts.append(
            '<table class="facts">'
            + "".join(f"<tr><th>{e_(k)}</th><td{c}>{e_(v)}</td></tr>" for k, c, v in cells)
            + "</table>"
        )
        parts.append("<h3>Scans, as USPS reported them (the facility's local time)</h3>")
        if e.scans:
            parts.append(
                "<table><tr><th>When</th><th>What</th><th>Where</th></tr>"
                + "".join(
                    f'<tr><td class="when">{e_(s.when.replace("T", " "))}</td>'
                    f"<td>{e_(s.what)}</td><td>{e_(s.where)}</td></tr>"
                    for s in e.scans
                )
                + "</table>"
            )
        else:
            parts.append("<p>No scan is stored for this letter.</p>")
    parts.append("<h2>What this record shows, and what it cannot</h2>")
    parts.extend(f'<p class="note">{e_(text)}</p>' for text in LIMITS)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
