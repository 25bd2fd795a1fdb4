"""Envelope, label and tag templates, read from ``resources/layouts`` (data, not code).

A user can add a size by adding an entry to ``envelopes.json`` or by passing
``custom:WIDTHxHEIGHT`` (inches); every template goes through the rule check
before anything is printed with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from imb_tracker.imb import FieldError
from imb_tracker.imb.resources import resource_path


@dataclass(frozen=True)
class EnvelopeTemplate:
    id: str
    name: str
    width: float  # inches, as addressed (landscape)
    height: float
    address_x: float | None = None  # left edge of the delivery block; default 0.395 × width
    return_x: float = 0.35
    address_size: float = 10.0  # points
    return_size: float = 9.0


@dataclass(frozen=True)
class SheetTemplate:
    """A sheet of labels or tags on US Letter paper (all inches, from the sheet's top-left)."""

    id: str
    name: str
    width: float
    height: float
    cols: int
    rows: int
    x0: float
    y0: float
    dx: float
    dy: float
    imb: bool = True
    outline: bool = False
    page_width: float = 8.5
    page_height: float = 11.0

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows


def _load(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(resource_path("layouts", name).read_text(encoding="utf-8"))
    return data


@cache
def envelope_templates() -> dict[str, EnvelopeTemplate]:
    data = _load("envelopes.json")
    out = {}
    for entry in data["envelopes"]:  # type: ignore[attr-defined]
        out[entry["id"]] = EnvelopeTemplate(**entry)
    return out


_CUSTOM = re.compile(r"^custom:(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$")


def envelope_template(template_id: str) -> EnvelopeTemplate:
    """A named template (``10``, ``monarch``…) or ``custom:9.5x4.125`` (inches, width × height)."""
    key = template_id.strip().lower().lstrip("#")
    match = _CUSTOM.match(key)
    if match:
        width, height = float(match.group(1)), float(match.group(2))
        return EnvelopeTemplate(
            f"custom:{width:g}x{height:g}", f"custom {width:g} x {height:g} in", width, height
        )
    templates = envelope_templates()
    if key in templates:
        return templates[key]
    raise FieldError(
        "template",
        template_id,
        f"there is no envelope template {template_id!r}",
        "choose one of " + ", ".join(templates) + ", or custom:WIDTHxHEIGHT in inches",
    )


@cache
def sheet_templates(kind: str = "labels") -> dict[str, SheetTemplate]:
    data = _load("labels.json")
    out = {entry["id"]: SheetTemplate(**entry) for entry in data[kind]}  # type: ignore[attr-defined]
    if kind == "labels":
        for alias, target in data["aliases"].items():  # type: ignore[attr-defined]
            out[alias] = out[target]
    return out


def sheet_template(template_id: str, kind: str = "labels") -> SheetTemplate:
    key = template_id.strip().lower()
    if not key.startswith("avery-") and key.isdigit():
        key = f"avery-{key}"
    templates = sheet_templates(kind)
    if key in templates:
        return templates[key]
    raise FieldError(
        "layout",
        template_id,
        f"there is no {kind[:-1]} layout {template_id!r}",
        "choose one of " + ", ".join(templates),
    )


#: where the shipped CIN table says it comes from (its first comment lines)
CIN_SOURCE = (
    "shared/reference/printing.md 4.6: a public transcription of USPS tray-label tables (UNCONFIRMED)"
)


def _read_cins(text: str, where: str) -> dict[str, str]:
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#") or line.lower().startswith("cin,") or not line.strip():
            continue
        cin, _, words = line.partition(",")
        cin, words = cin.strip(), words.strip().upper()
        if not (len(cin) == 3 and cin.isdigit() and cin.isascii()) or not words or len(words) > 30:
            raise FieldError(
                "cin_table", line, f"{where} line {number} is not 'CIN,LINE 2 TEXT'", "e.g. 242,FCM LTR 5D BC"
            )
        out[cin] = words
    return out


def cin_table(extra: Path | None = None) -> dict[str, str]:
    """Content identifier number → tray label Line 2 (e.g. 242 → FCM LTR 5D BC).

    The shipped table (``resources/layouts/cin.csv``, with its source), then ``extra`` — the
    user's own ``cin.csv`` in the settings folder — whose lines add to it or replace its entries
    (read again whenever the file changes).
    """
    if extra is None or not extra.is_file():
        return dict(_cin_table(None, 0, 0))
    info = extra.stat()
    return dict(_cin_table(str(extra), info.st_mtime_ns, info.st_size))


@cache
def _cin_table(extra: str | None, _mtime: int, _size: int) -> dict[str, str]:
    out = _read_cins(resource_path("layouts", "cin.csv").read_text(encoding="utf-8"), "cin.csv")
    if extra is not None:
        out.update(_read_cins(Path(extra).read_text(encoding="utf-8-sig"), Path(extra).name))
    return out
