"""Fault injection for the sandbox (iv-api.md §7.3).

A spec such as ``429=0.05,503=0.05,timeout=0.01`` makes that share of piece
requests fail that way, chosen by a seeded random generator; tests can also
queue exact faults for the next requests.  Kinds: an HTTP status (401, 403,
404, 429, 500, 502, 503, 504), ``429n`` (429 without Retry-After),
``timeout`` (hang past the client's timeout), ``html`` (a maintenance page),
``empty`` (200 with no body), ``dribble`` (a 200 whose body comes one byte at a time, each
within the read timeout, for ``hang_seconds``), ``badtype``, ``deep``, ``echo``, ``otherimb``,
``redirect`` and ``429date`` (see the server).
"""

from __future__ import annotations

import random
import threading
from collections import deque

KINDS = {
    "401",
    "403",
    "404",
    "429",
    "429n",
    "429date",
    "badtype",
    "deep",
    "dribble",
    "echo",
    "otherimb",
    "redirect",
    "500",
    "502",
    "503",
    "504",
    "timeout",
    "html",
    "empty",
}


class Faults:
    def __init__(self, spec: str = "", seed: int = 1) -> None:
        self.rates: list[tuple[str, float]] = []
        self.queue: deque[str] = deque()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.retry_after = 1.0
        self.hang_seconds = 5.0
        if spec:
            for part in spec.split(","):
                kind, _, rate = part.strip().partition("=")
                if kind not in KINDS:
                    raise ValueError(f"unknown fault {kind!r}; use one of {', '.join(sorted(KINDS))}")
                try:
                    share = float(rate)
                except ValueError:
                    raise ValueError(
                        f"fault {kind!r} needs a share between 0 and 1, e.g. {kind}=0.05"
                    ) from None
                self.rates.append((kind, share))

    def push(self, kinds: list[str]) -> None:
        with self._lock:
            for kind in kinds:
                if kind not in KINDS:
                    raise ValueError(f"unknown fault {kind!r}")
                self.queue.append(kind)

    def next(self) -> str | None:
        """The fault for this request, if any."""
        with self._lock:
            if self.queue:
                return self.queue.popleft()
            draw = self._rng.random()
            for kind, share in self.rates:
                if draw < share:
                    return kind
                draw -= share
        return None
