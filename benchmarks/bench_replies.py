"""Reply pieces for a stored mailing, against the same mailing's outbound envelopes, in one run.

Both sides are the whole workflow through the one door, in-process on one database:
``print_replies`` (rule check, linking the replies, layout with FIM, legend and
bars, streaming PDF) against ``print_envelopes`` (rule check, layout, streaming
PDF).  The first reply print also links every reply; it is reported apart, then
the two sides alternate (reply print first in each pair, then envelopes) for at
least three pairs, and the ratio's min / median / max is printed.

Run:  .venv/bin/python benchmarks/bench_replies.py [--pieces 20000] [--pairs 3]
Aim: reply pieces cost no more than 1.25x the outbound envelopes per page.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from imb_tracker.actions.printing import envelope_options, print_envelopes
from imb_tracker.actions.replies import add_reply_design, print_replies
from imb_tracker.layout.templates import envelope_template
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings
from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing

log = logging.getLogger("bench_replies")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = Path(tempfile.mkdtemp(prefix="bench-replies-"))
    db = open_database(str(folder / "bench.db"))
    add_mailer(db, "123456", "Bench", stid="270")
    rows = [
        AddressRecord(i + 2, f"Person {i}", "", f"{i + 1} Elm St", "", "Springfield", "IL", "62704", "1234")
        for i in range(args.pieces)
    ]
    create_mailing(db, "123456", "bench", rows)
    lines = ["ACME CHARITY", "PO BOX 100", "SPRINGFIELD IL 62704-0100"]
    add_reply_design(
        db, "123456", "brm", "brm", lines, "627040100", permit="100", permit_city="SPRINGFIELD IL"
    )
    envelope, options = envelope_template("10"), envelope_options(Settings())

    start = time.perf_counter()
    first = print_replies(db, "bench", "brm", folder / "first.pdf")
    linking = time.perf_counter() - start
    print(f"first reply print, linking {first.linked_now:,} replies: {linking:.2f} s")

    ratios, ours, base = [], [], []
    for i in range(args.pairs):
        start = time.perf_counter()
        print_replies(db, "bench", "brm", folder / f"r{i}.pdf")
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        print_envelopes(db, "bench", envelope, options, folder / f"e{i}.pdf")
        base.append(time.perf_counter() - start)
        ratios.append(ours[-1] / base[-1])
        print(f"pair {i + 1}: replies {ours[-1]:.2f} s, envelopes {base[-1]:.2f} s, ratio {ratios[-1]:.2f}")
    per_page = (folder / "r0.pdf").stat().st_size / args.pieces
    print(
        f"{args.pieces:,} reply pieces: median {statistics.median(ours):.2f} s "
        f"({args.pieces / statistics.median(ours):,.0f} pages/s), {per_page:,.0f} bytes/page; "
        f"ratio to the envelopes min {min(ratios):.2f} / median {statistics.median(ratios):.2f} / "
        f"max {max(ratios):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
