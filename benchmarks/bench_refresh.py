"""Refresh 5,000 pieces against the USPS stand-in at a quota of 1,200 requests/minute with 10 % faults.

The stand-in enforces the quota itself (429 above it) and injects 429/503
faults on 10 % of piece requests.  Measured: the achieved request rate as a
share of the quota (the baseline here is the quota itself), scans lost
(returned by USPS but not stored) and duplicate scans.

Run:  .venv/bin/python benchmarks/bench_refresh.py [--pieces 5000] [--quota 1200]
Required (issue 6): rate >= 90 % of the quota, zero scans lost, zero duplicates.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from imb_tracker.mail import AddressRecord
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME, SandboxServer
from imb_tracker.store import open_database
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing, iter_pieces, mark_mailed
from imb_tracker.store.schema import lookups, scans
from imb_tracker.tracking.planner import plan_refresh
from imb_tracker.tracking.refresh import refresh
from imb_tracker.usps.config import sandbox_environment
from imb_tracker.usps.iv import IvClient
from imb_tracker.usps.ratelimit import Quota


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pieces", type=int, default=5000)
    parser.add_argument("--quota", type=float, default=1200.0)
    parser.add_argument("--faults", default="429=0.05,503=0.05", help="fault spec for the stand-in")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxServer(0, quota_per_minute=args.quota, faults=args.faults, seed=7) as srv,
    ):
        httpx.post(f"{srv.url}/sandbox/faults", json={"retry_after": 1}).raise_for_status()
        db = open_database(str(Path(tmp) / "bench.db"), clock=srv.sandbox.clock.now)
        add_mailer(db, "123456", "Bench")
        recs = [
            AddressRecord(
                i + 2, f"P{i}", "", f"{i} Main St", "", "Austin", "TX", "78701", f"{i % 10000:04d}", "01"
            )
            for i in range(args.pieces)
        ]
        create_mailing(db, "123456", "bench", recs)
        mark_mailed(db, "bench", srv.sandbox.clock.now())
        imbs = [p.imb for p in iter_pieces(db, "bench")]
        for start in range(0, len(imbs), 1000):
            httpx.post(
                f"{srv.url}/sandbox/pieces",
                json={
                    "pieces": [
                        {
                            "imb": imb,
                            "mailed_at": srv.sandbox.clock.now().isoformat(),
                            "city": "Austin",
                            "state": "TX",
                            "zip": "78701",
                        }
                        for imb in imbs[start : start + 1000]
                    ]
                },
                timeout=60,
            ).raise_for_status()
        srv.sandbox.clock.advance(timedelta(days=5))
        client = IvClient(
            sandbox_environment(srv.url), DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=args.quota)
        )
        client.token()
        before = dict(srv.sandbox.stats)
        started = time.monotonic()
        summary = refresh(db, client, imbs, clock=srv.sandbox.clock.now)
        elapsed = time.monotonic() - started
        sent = srv.sandbox.stats.get("piece_requests", 0) - before.get("piece_requests", 0)
        rate = sent / elapsed * 60
        # Pieces whose lookup failed three times are due again: a second pass picks them up.
        plan = plan_refresh(db, srv.sandbox.clock.now(), "bench", min_interval=timedelta(0))
        failed_first = summary.failed
        retry = [imb for imb in plan.due if imb in set(imbs)]
        srv.sandbox.faults.rates = []
        with db.read() as conn:
            failed_imbs = [r[0] for r in conn.execute(select(lookups.c.imb).where(lookups.c.outcome != "ok"))]
        second = refresh(db, client, sorted(set(failed_imbs)), clock=srv.sandbox.clock.now)
        # Lost = a scan USPS returns that is not in the store.
        lost = 0
        stored: dict[str, set[str]] = {}
        with db.read() as conn:
            for imb, raw in conn.execute(select(scans.c.imb, scans.c.raw_payload)):
                stored.setdefault(imb, set()).add(raw)
            total = conn.execute(select(func.count()).select_from(scans)).scalar_one()
            distinct = conn.execute(
                select(func.count()).select_from(
                    select(scans.c.imb, scans.c.scan_time_text, scans.c.op_code, scans.c.machine)
                    .distinct()
                    .subquery()
                )
            ).scalar_one()
        verify = IvClient(
            sandbox_environment(srv.url), DEMO_USERNAME, DEMO_PASSWORD, quota=Quota(per_minute=1e9)
        )
        srv.sandbox.quota = None
        for imb in imbs:
            result = verify.lookup(imb)
            lost += len({json.dumps(s, sort_keys=True) for s in result.scans} - stored.get(imb, set()))
        print(
            f"pieces {args.pieces:,}; quota {args.quota:,.0f}/min; faults 5 % 429 (Retry-After 1 s) + 5 % 503; "
            "the stand-in also answers 429 above the quota"
        )
        print(f"first pass: {summary.line()} in {elapsed:.1f} s")
        print(
            f"requests sent: {sent:,} -> {rate:,.0f}/min = {rate / args.quota:.1%} of the quota (required >= 90 %)"
        )
        print(
            f"second pass over {len(set(failed_imbs))} piece(s) whose lookup was not ok (failed, or no USPS data): {second.line()}"
            f" (first-pass failures {failed_first}; {len(retry)} due by the planner)"
        )
        print(f"stand-in statistics: {dict(sorted(srv.sandbox.stats.items()))}")
        print(f"scans stored {total:,}; distinct {distinct:,}; duplicates {total - distinct}; lost {lost}")
        ok = rate >= 0.9 * args.quota and lost == 0 and total == distinct
        print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
