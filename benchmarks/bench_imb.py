"""IMb encode/decode throughput against reportlab's usps4s encoder, on the same inputs.

Run:  .venv/bin/python benchmarks/bench_imb.py [--count 100000] [--runs 5]

Required (issue 3): encode >= 3x reportlab's encode rate; strict decode >= 1x
reportlab's encode rate, as medians over ``--runs`` alternating pairs (benchmarks/pairs.py);
the min / median / max of the speed-up is printed.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time

import reportlab
from pairs import alternate
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="alternating pairs (>= 3)")
    args = parser.parse_args()

    inputs = random_inputs(args.count)
    start = time.perf_counter()
    _get_tables()
    table_build = time.perf_counter() - start

    ours = [encode_tracking(t, r) for t, r in inputs]
    theirs = [USPS_4State(t, r).barcodes for t, r in inputs]
    assert ours == theirs, "encoders disagree"
    assert all(decode(b).fields.tracking == t for b, (t, _) in zip(ours, inputs, strict=True))

    encoding = alternate(
        lambda: [encode_tracking(t, r) for t, r in inputs],
        lambda: [USPS_4State(t, r).barcodes for t, r in inputs],
        args.runs,
    )
    decoding = alternate(
        lambda: [decode(b) for b in ours], lambda: [USPS_4State(t, r).barcodes for t, r in inputs], args.runs
    )
    n = args.count
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}, "
        f"reportlab {reportlab.Version}"
    )
    print(f"inputs: {n:,} random valid payloads (all routing lengths), {max(args.runs, 3)} alternating pairs")
    print(f"one-off table build: {table_build * 1000:.1f} ms")
    print(f"reportlab USPS_4State(...).barcodes : {n / encoding.base_median:>10,.0f} encodes/s (median)")
    print(
        f"imb_tracker encode_tracking          : {n / encoding.ours_median:>10,.0f} encodes/s  "
        f"speed-up min / median / max {encoding.spread(invert=True)}"
    )
    print(
        f"imb_tracker decode (strict, CRC)     : {n / decoding.ours_median:>10,.0f} decodes/s  "
        f"against reportlab's encode {decoding.spread(invert=True)}"
    )
    ok_enc = statistics.median([1 / r for r in encoding.ratios]) >= 3
    ok_dec = statistics.median([1 / r for r in decoding.ratios]) >= 1
    print(
        f"required encode >= 3x: {'PASS' if ok_enc else 'FAIL'}; decode >= 1x: {'PASS' if ok_dec else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
