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


@cache
def cin_table() -> dict[str, str]:
    """Content identifier number → tray label Line 2 (e.g. 242 → FCM LTR 5D BC)."""
    out = {}
    for line in resource_path("layouts", "cin.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("cin,") or not line.strip():
            continue
        cin, text = line.split(",", 1)
        out[cin.strip()] = text.strip()
    return out
