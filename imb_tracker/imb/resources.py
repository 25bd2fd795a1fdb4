"""Where the app's bundled, read-only data files live.

This is the one function every layer uses to find ``resources/`` — from a
source checkout, from an installed wheel (where the folder is packaged as
``imb_tracker/resources``) and from a PyInstaller bundle (``sys._MEIPASS``).
It lives in the core because the STID table is core data; it only ever
reads files the app ships, never user data.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resource_dir() -> Path:
    """The folder holding ``stid.csv`` and the other bundled data."""
    here = Path(__file__).resolve()
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates.append(here.parents[1] / "resources")  # installed wheel: imb_tracker/resources
    candidates.append(here.parents[2] / "resources")  # source checkout: <repo>/resources
    for candidate in candidates:
        if (candidate / "stid.csv").is_file():
            return candidate
    raise FileNotFoundError(
        "the bundled resources folder was not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); reinstall IMb Tracker"
    )


def resource_path(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``resource_path("sample", "demo.csv")``."""
    return resource_dir().joinpath(*parts)
