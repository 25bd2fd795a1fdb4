"""Timing our code against its baseline fairly: alternating pairs, the ratio's spread, not one best.

Used by the benchmarks in this folder (each adds its own folder to ``sys.path`` by being run as a
script).  Each pair runs both sides back to back, and which side goes first swaps from pair to
pair, so neither always meets the warmer cache or the quieter moment of a shared machine.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pairs:
    """The times of both sides, pair by pair (seconds)."""

    ours: list[float]
    base: list[float]

    @property
    def ratios(self) -> list[float]:
        """ours / base per pair (above 1: ours is slower)."""
        return [o / b for o, b in zip(self.ours, self.base, strict=True)]

    def spread(self, invert: bool = False) -> str:
        """'min / median / max' of the ratio; ``invert`` gives base / ours (a speed-up)."""
        values = [1 / r for r in self.ratios] if invert else self.ratios
        return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}x"

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def base_median(self) -> float:
        return statistics.median(self.base)


def alternate(ours: Callable[[], object], base: Callable[[], object], pairs: int = 5) -> Pairs:
    """Time ``ours`` and ``base`` in ``pairs`` (at least 3) alternating pairs (a side that returns a
    float has timed itself)."""
    mine: list[float] = []
    theirs: list[float] = []
    for n in range(max(pairs, 3)):
        for side in ("ours", "base") if n % 2 == 0 else ("base", "ours"):
            gc.collect()
            start = time.perf_counter()
            result = (ours if side == "ours" else base)()
            took = time.perf_counter() - start
            # a side may time itself (returning seconds) to leave its tidying up out
            (mine if side == "ours" else theirs).append(result if isinstance(result, float) else took)
    return Pairs(mine, theirs)
