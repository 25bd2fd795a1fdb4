"""Import a 100,000-row CSV as a new mailing, against a bare csv.reader + sqlite3 baseline.

Both are timed as whole processes, start to exit, so a slow CLI start counts.
Run:  .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--runs 3]

Required (issue 4): our import <= 6x the baseline's time, peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = r"""
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
con.execute("CREATE TABLE pieces (id INTEGER PRIMARY KEY, serial INTEGER, tracking TEXT, routing TEXT, "
            "name TEXT, company TEXT, address1 TEXT, address2 TEXT, city TEXT, state TEXT, zip5 TEXT, "
            "zip4 TEXT, delivery_point TEXT, extra TEXT, source_row INTEGER)")
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    reader = csv.reader(fh)
    next(reader)
    rows = [(n, "00270123456%09d" % n, r[7] + r[8] + r[9], r[0] + " " + r[1], r[2], r[3], r[4], r[5], r[6],
             r[7], r[8], r[9], r[10], n + 1) for n, r in enumerate(reader, start=1)]
con.executemany("INSERT INTO pieces (serial, tracking, routing, name, company, address1, address2, city, "
                "state, zip5, zip4, delivery_point, extra, source_row) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
con.commit()
"""


def make_list(path: Path, rows: int) -> None:
    rng = random.Random(7)
    states = [
        ("Springfield", "IL", "62704"),
        ("Austin", "TX", "78701"),
        ("Boston", "MA", "02108"),
        ("Denver", "CO", "80202"),
        ("Seattle", "WA", "98101"),
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "First Name",
                "Last Name",
                "Company",
                "Address 1",
                "Address 2",
                "City",
                "State",
                "ZIP",
                "ZIP+4",
                "Delivery Point",
                "Donor ID",
            ]
        )
        for i in range(rows):
            city, st, z = states[i % len(states)]
            w.writerow(
                [
                    f"First{i}",
                    f"Last{i}",
                    "",
                    f"{rng.randint(1, 9999)} Main St",
                    "",
                    city,
                    st,
                    z,
                    f"{rng.randint(0, 9999):04d}",
                    f"{rng.randint(0, 99):02d}",
                    f"D{i}",
                ]
            )


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:3]} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("imb-tracker"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        listing = root / "list.csv"
        make_list(listing, args.rows)
        base_t, ours_t, base_m, ours_m = [], [], [], []
        for run in range(args.runs):
            t, m = timed([sys.executable, "-c", BASELINE, str(listing), str(root / f"base{run}.db")])
            base_t.append(t)
            base_m.append(m)
            db = root / f"ours{run}.db"
            subprocess.run(
                [cli, "mailer", "add", "--db", str(db), "--mid", "123456", "--name", "Bench"],
                check=True,
                capture_output=True,
            )
            t, m = timed(
                [cli, "import", str(listing), "--db", str(db), "--mailer", "123456", "--name", "bench"]
            )
            ours_t.append(t)
            ours_m.append(m)
    b, o = min(base_t), min(ours_t)
    print(f"rows: {args.rows:,}; best of {args.runs} runs, whole processes")
    print(f"baseline csv.reader + sqlite3.executemany: {b:6.2f} s  peak {max(base_m):6.1f} MB")
    print(f"imb-tracker import (validate, serials, one transaction): {o:6.2f} s  peak {max(ours_m):6.1f} MB")
    print(
        f"ratio {o / b:.2f}x the baseline time (required <= 6x); peak memory {max(ours_m):.0f} MB "
        f"(required < 300 MB)"
    )
    ok = o / b <= 6 and max(ours_m) < 300
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
