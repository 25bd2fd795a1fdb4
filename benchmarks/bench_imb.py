"""IMb encode/decode throughput against reportlab's usps4s encoder, on the same inputs.

Run:  .venv/bin/python benchmarks/bench_imb.py [--count 100000] [--runs 3]

Required (issue 3): encode >= 3x reportlab's encode rate; strict decode >= 1x
reportlab's encode rate.  Each figure is the best of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
from collections.abc import Callable

import reportlab
from reportlab.graphics.barcode.usps4s import USPS_4State

from imb_tracker.imb import decode, encode_tracking
from imb_tracker.imb.codec import _get_tables


def random_inputs(count: int, seed: int = 2026) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        tracking = f"{rng.randint(0, 9)}{rng.randint(0, 4)}{rng.randrange(10**18):018d}"
        length = rng.choice((0, 5, 9, 11))
        routing = f"{rng.randrange(10**length):0{length}d}" if length else ""
        out.append((tracking, routing))
    return out


def best_of(runs: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    inputs = random_inputs(args.count)
    start = time.perf_counter()
    _get_tables()
    table_build = time.perf_counter() - start

    ours = [encode_tracking(t, r) for t, r in inputs]
    theirs = [USPS_4State(t, r).barcodes for t, r in inputs]
    assert ours == theirs, "encoders disagree"
    assert all(decode(b).fields.tracking == t for b, (t, _) in zip(ours, inputs, strict=True))

    t_rl = best_of(args.runs, lambda: [USPS_4State(t, r).barcodes for t, r in inputs])
    t_enc = best_of(args.runs, lambda: [encode_tracking(t, r) for t, r in inputs])
    t_dec = best_of(args.runs, lambda: [decode(b) for b in ours])

    n = args.count
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}, "
        f"reportlab {reportlab.Version}"
    )
    print(f"inputs: {n:,} random valid payloads (all routing lengths), best of {args.runs} runs")
    print(f"one-off table build: {table_build * 1000:.1f} ms")
    print(f"reportlab USPS_4State(...).barcodes : {n / t_rl:>10,.0f} encodes/s")
    print(f"imb_tracker encode_tracking          : {n / t_enc:>10,.0f} encodes/s  ratio {t_rl / t_enc:.2f}x")
    print(f"imb_tracker decode (strict, CRC)     : {n / t_dec:>10,.0f} decodes/s  ratio {t_rl / t_dec:.2f}x")
    ok_enc = t_rl / t_enc >= 3
    ok_dec = t_rl / t_dec >= 1
    print(
        f"required encode >= 3x: {'PASS' if ok_enc else 'FAIL'}; decode >= 1x: {'PASS' if ok_dec else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
