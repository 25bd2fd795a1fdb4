"""Where a ZIP Code is, offline: centroids from the ``zipcodes`` package's shipped list, and a flat
map of the United States they are drawn on (no shapefile, no network tiles).

The map is a dot field of every ZIP centroid, so its outline is where people get mail.  The lower
48 states use a simple conic-like projection (longitude shrunk by the cosine of 38°N); Alaska,
Hawaii and Puerto Rico are insets along the bottom, as US maps usually place them.  Points are in
a unit box ``MAP_WIDTH`` × 1 (x to the right, y down), for any painter to scale.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache

MAP_WIDTH = 1.6  # the map box is 1.6 wide for 1 high
_COS = math.cos(math.radians(38))
# lower 48: longitude -125..-66, latitude 24.3..49.5
_WEST, _EAST, _SOUTH, _NORTH = -125.0, -66.5, 24.3, 49.6
_SCALE = min(MAP_WIDTH / ((_EAST - _WEST) * _COS), 0.86 / (_NORTH - _SOUTH))
#: insets: (lon range, lat range, where the inset's top-left goes, its width)
_INSETS = {
    "AK": ((-170.0, -130.0), (51.0, 71.5), (0.02, 0.70), 0.34),
    "HI": ((-160.5, -154.5), (18.8, 22.4), (0.40, 0.86), 0.16),
    "PR": ((-67.4, -65.2), (17.8, 18.6), (1.30, 0.92), 0.12),
}


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """ZIP Code → (latitude, longitude) for every code with a position (about 42,000; 0.7 s, once)."""
    import zipcodes  # noqa: PLC0415 - only when a map is drawn

    out: dict[str, tuple[float, float]] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        if lat or lon:
            out[str(row["zip_code"])] = (lat, lon)
    return out


@cache
def zip3_centroids() -> dict[str, tuple[float, float]]:
    """3-digit ZIP → the mean position of its ZIP Codes."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for code, (lat, lon) in centroids().items():
        acc = sums[code[:3]]
        acc[0] += lat
        acc[1] += lon
        acc[2] += 1
    return {k: (v[0] / v[2], v[1] / v[2]) for k, v in sums.items()}


def position(zip_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a 5-digit ZIP, else of its 3-digit area; None when unknown."""
    digits = "".join(ch for ch in zip_code if ch.isdigit())
    if len(digits) >= 5 and digits[:5] in centroids():
        return centroids()[digits[:5]]
    return zip3_centroids().get(digits[:3]) if len(digits) >= 3 else None


def _inset_for(lat: float, lon: float) -> str | None:
    for name, ((w, e), (s, n), _at, _width) in _INSETS.items():
        if w <= lon <= e and s <= lat <= n:
            return name
    return None


def project(lat: float, lon: float) -> tuple[float, float] | None:
    """Where a position goes on the map box (None: off the map, e.g. Guam or an overseas APO)."""
    if _WEST <= lon <= _EAST and _SOUTH <= lat <= _NORTH:
        return (0.0 + (lon - _WEST) * _COS * _SCALE, 0.02 + (_NORTH - lat) * _SCALE)
    inset = _inset_for(lat, lon)
    if inset is None:
        return None
    (w, e), (s, n), (x0, y0), width = _INSETS[inset]
    cos = math.cos(math.radians((s + n) / 2))
    scale = width / ((e - w) * cos)
    return (x0 + (lon - w) * cos * scale, y0 + (n - lat) * scale)


@cache
def dot_field() -> tuple[tuple[float, float], ...]:
    """Every ZIP centroid on the map (the outline of the country, in dots)."""
    points = (project(lat, lon) for lat, lon in centroids().values())
    return tuple(p for p in points if p is not None)
