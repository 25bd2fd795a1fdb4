"""Shared test set-up: Qt runs offscreen unless IMB_TRACKER_SHOW_GUI=1, vectors from tests/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

if not os.environ.get("IMB_TRACKER_SHOW_GUI"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "data" / "vectors"
SHARED_VECTORS = REPO.parent / "shared" / "vectors"


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    return VECTORS


def read_usps_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The USPS encoder reference set: lines end CR CR LF, so split bytes on LF and strip CRs."""
    rows = []
    for raw in (VECTORS / "usps_encoder_testcases.csv").read_bytes().split(b"\n"):
        line = raw.rstrip(b"\r").decode("ascii")
        if line:
            rid, tracking, routing, bars, code, message = line.split(",", 5)
            rows.append((rid, tracking, routing, bars, code, message))
    return rows


def read_small_vectors(name: str) -> list[dict[str, str]]:
    import csv

    with open(VECTORS / name, newline="", encoding="ascii") as fh:
        return list(csv.DictReader(fh))
