"""50,000 #10 envelopes for a stored mailing, against a bare reportlab canvas loop.

Each side runs in its own process (so peak memory is its own): once with
5,000 pages, then in alternating pairs with 50,000 (the speed ratio's min /
median / max over the pairs is printed).  Ours is the whole job of
``imb-tracker print envelopes``: read the pieces from the database, the rule
check pass, layout, and the streaming PDF.  The baseline draws the same text
and 65 rectangles per page with reportlab's canvas and saves.

Run:  .venv/bin/python benchmarks/bench_pdf.py [--pages 50000] [--small 5000] [--pairs 3]
Required (issue 5): >= 0.8x the baseline's pages/s; peak memory grows < 50 MB
from 5,000 to 50,000 pages; <= 2 KB per page.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
mode, db, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
from imb_tracker.store import open_database
from imb_tracker.store.mailings import iter_pieces
from itertools import islice
database = open_database(db)
start = time.perf_counter()
if mode == "ours":
    from imb_tracker.layout.envelopes import EnvelopeOptions, check_envelopes, render_envelopes
    from imb_tracker.layout.templates import envelope_template
    t = envelope_template("10")
    opts = EnvelopeOptions(return_lines=("ACME CHARITY", "PO BOX 100", "SPRINGFIELD IL 62704-0100"))
    def pieces():
        return islice(iter_pieces(database, "bench"), n)  # the stored pieces are what the layout draws
    problems = sum(1 for _ in check_envelopes(t, opts, pieces()))
    assert problems == 0, problems
    render_envelopes(t, opts, pieces(), Path(out), n)
else:
    from reportlab.lib.units import inch
    from reportlab.pdfgen import canvas
    from imb_tracker.imb import barcode_geometry
    c = canvas.Canvas(out, pagesize=(9.5 * inch, 4.125 * inch))
    for r in islice(iter_pieces(database, "bench"), n):
        c.setFont("Helvetica", 9)
        for k, line in enumerate(("ACME CHARITY", "PO BOX 100", "SPRINGFIELD IL 62704-0100")):
            c.drawString(25.2, 270 - k * 10.35, line)
        c.setFont("Helvetica", 10)
        lines = [r.name.upper(), (r.address1 + " " + r.address2).strip().upper(),
                 f"{r.city.upper()} {r.state}  {r.zip5}-{r.zip4}"]
        for k, line in enumerate(lines):
            c.drawString(270, 120 - k * 12, line)
        geo = barcode_geometry(r.bars)
        p = c.beginPath()
        for b in geo.bars:
            p.rect(270 + b.x, 140 + b.y, b.width, b.height)
        c.drawPath(p, stroke=0, fill=1)
        c.showPage()
    c.save()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": os.path.getsize(out)}))
"""


def make_db(root: Path, pages: int) -> Path:
    listing = root / "list.csv"
    rng = random.Random(5)
    with listing.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Address", "Address 2", "City", "State", "ZIP", "ZIP4", "DP"])
        for i in range(pages):
            w.writerow(
                [
                    f"Recipient Number {i}",
                    f"{rng.randint(1, 9999)} Maple Ave",
                    rng.choice(["", "Apt 3"]),
                    "Springfield",
                    "IL",
                    "62704",
                    f"{rng.randint(0, 9999):04d}",
                    f"{rng.randint(0, 99):02d}",
                ]
            )
    db = root / "bench.db"
    cli = str(Path(sys.executable).with_name("imb-tracker"))
    subprocess.run(
        [cli, "mailer", "add", "--db", str(db), "--mid", "123456", "--name", "Bench"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [cli, "import", str(listing), "--db", str(db), "--mailer", "123456", "--name", "bench"],
        check=True,
        capture_output=True,
    )
    return db


def run(mode: str, db: Path, out: Path, n: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(db), str(out), str(n)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs at --pages (>= 3)")
    args = parser.parse_args()
    big = args.pages
    runs: dict[str, list[dict[str, float]]] = {"baseline": [], "ours": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = make_db(root, big)
        small = {mode: run(mode, db, root / f"{mode}-small.pdf", args.small) for mode in ("baseline", "ours")}
        for mode, r in small.items():
            print(f"{mode:8s} {args.small:>6,} pages: peak {r['rss_mb']:6.1f} MB", flush=True)
        for n in range(max(args.pairs, 3)):
            for mode in ("baseline", "ours") if n % 2 == 0 else ("ours", "baseline"):
                r = run(mode, db, root / f"{mode}-{n}.pdf", big)
                runs[mode].append(r)
                print(
                    f"pair {n + 1} {mode:8s} {big:>6,} pages: {r['seconds']:7.2f} s  {big / r['seconds']:7.0f} pages/s  "
                    f"peak {r['rss_mb']:6.1f} MB  {r['bytes'] / big:6.0f} bytes/page",
                    flush=True,
                )
    # speed ratio per pair: our pages/s over the baseline's (= its seconds over ours)
    ratios = [b["seconds"] / o["seconds"] for o, b in zip(runs["ours"], runs["baseline"], strict=True)]
    speed = statistics.median(ratios)
    growth = max(r["rss_mb"] for r in runs["ours"]) - small["ours"]["rss_mb"]
    base_growth = max(r["rss_mb"] for r in runs["baseline"]) - small["baseline"]["rss_mb"]
    per_page = runs["ours"][0]["bytes"] / big
    print(
        f"speed ratio min / median / max {min(ratios):.2f} / {speed:.2f} / {max(ratios):.2f}x the baseline's "
        f"pages/s (required: median >= 0.8)"
    )
    print(
        f"peak memory growth {args.small:,} -> {big:,} pages: ours {growth:.1f} MB (required < 50), "
        f"baseline {base_growth:.1f} MB"
    )
    print(f"size {per_page:.0f} bytes/page (required <= 2048)")
    print("PASS" if speed >= 0.8 and growth < 50 and per_page <= 2048 else "FAIL")


if __name__ == "__main__":
    main()
