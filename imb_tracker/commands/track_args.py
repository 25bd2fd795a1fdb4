"""Arguments of the USPS commands: credentials, lookup, refresh, scans, report, sandbox, demo."""

from __future__ import annotations

import argparse

from .store_args import lazy


def _env(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--usps",
        metavar="ENV",
        default=None,
        help="production, test (USPS CAT/TEM), demo (the built-in stand-in, with the demo database), "
        "or a base URL such as the sandbox's (default: $IMB_TRACKER_USPS_ENV, else the usps_env "
        "setting, else production); IMB_TRACKER_IV_URL / _IV_AUTH_URL / _API_URL override",
    )


def add_parsers(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cred = sub.add_parser(
        "credentials", help="your USPS Business Customer Gateway sign-in (kept in the OS keyring)"
    )
    csub = cred.add_subparsers(dest="credentials_command", metavar="ACTION", required=True)
    cset = csub.add_parser("set", help="save the BCG username and password in the keyring")
    cset.add_argument("--username", help="BCG username (asked for when missing)")
    cset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    cset.set_defaults(func=lazy("cmd_credentials_set", "track_cmds"))
    ctest = csub.add_parser("test", help="sign in to IV-MTR once to check the credentials")
    _env(ctest)
    ctest.set_defaults(func=lazy("cmd_credentials_test", "track_cmds"))
    cclear = csub.add_parser("clear", help="remove the saved credentials")
    cclear.set_defaults(func=lazy("cmd_credentials_clear", "track_cmds"))

    look = sub.add_parser(
        "lookup", parents=[db_parent], help="look up one piece's scans now and show its timeline"
    )
    look.add_argument(
        "key",
        metavar="IMB_OR_SERIAL",
        help="a stored piece's serial (exact), the 20-digit tracking code, the full IMb, or its 65 bars",
    )
    look.add_argument("--mailer", metavar="MID", help="the Mailer ID, when a serial was issued under several")
    look.add_argument("--json", action="store_true", help="print the timeline as JSON")
    look.add_argument("--offline", action="store_true", help="show the stored history without asking USPS")
    _env(look)
    look.set_defaults(func=lazy("cmd_lookup", "track_cmds"))

    ref = sub.add_parser(
        "refresh", parents=[db_parent], help="look up every piece still inside USPS's ~30-day window"
    )
    ref.add_argument("--mailing", metavar="NAME", help="only this mailing")
    ref.add_argument("--max", type=int, metavar="N", help="at most N lookups this run")
    ref.add_argument(
        "--quota-per-minute",
        type=float,
        default=None,
        help="requests per minute (default: the iv_quota_per_minute setting, 1200)",
    )
    ref.add_argument(
        "--min-interval-minutes",
        type=float,
        default=None,
        help="skip pieces looked up this recently (default: the refresh_min_interval_minutes setting, 60)",
    )
    ref.add_argument(
        "--workers", type=int, default=None, help="lookups in flight at once (default: the setting, 4)"
    )
    ref.add_argument(
        "--watch",
        metavar="EVERY",
        help="keep refreshing every EVERY (e.g. 6h, 30m, 1d) until stopped, with a line when letters turn "
        "late or stalled (run it from cron, a systemd timer or the Task Scheduler: docs/alerts.md)",
    )
    ref.add_argument("--watch-rounds", type=int, default=None, help=argparse.SUPPRESS)  # tests
    _env(ref)
    ref.set_defaults(func=lazy("cmd_refresh", "track_cmds"))

    scans = sub.add_parser("scans", help="scan data files")
    ssub = scans.add_subparsers(dest="scans_command", metavar="ACTION", required=True)
    simp = ssub.add_parser(
        "import", parents=[db_parent], help="import an IV-MTR data file (CSV, pipe-delimited or JSON feed)"
    )
    simp.add_argument("file", metavar="FILE")
    simp.set_defaults(func=lazy("cmd_scans_import", "track_cmds"))

    rep = sub.add_parser(
        "report", parents=[db_parent], help="delivery-time figures and stalled pieces for a mailing"
    )
    rep.add_argument("--mailing", required=True, metavar="NAME")
    rep.add_argument("--csv", action="store_true", help="one CSV row per piece instead of the summary")
    rep.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="text (the summary), csv (a row per piece, as --csv) or json (the summary and every piece with "
        "its in-home estimate, basis, late and stalled)",
    )
    rep.add_argument(
        "--excel", action="store_true", help='with --csv: IMbs written ="…" so Excel keeps every digit'
    )
    rep.add_argument(
        "--stalled-days",
        type=int,
        default=None,
        help="no new scan for this many delivery days = stalled (default: the stalled_days setting, 3)",
    )
    rep.set_defaults(func=lazy("cmd_report", "track_cmds"))

    proof = sub.add_parser(
        "proof",
        parents=[db_parent],
        help="a proof-of-mailing record (PDF for a case file, or one static HTML page) of a letter or mailing",
        description="Recipient, IMb (bars and digits), serial, mailer, mailed date, every scan with time, "
        "place and meaning, the in-home estimate and its basis, when USPS was last asked, and a SHA-256 "
        "of the stored USPS data, with what Informed Visibility can and cannot prove. From stored data "
        "only (no USPS request).",
    )
    which = proof.add_mutually_exclusive_group(required=True)
    which.add_argument("--serial", metavar="N", help="a stored letter's serial")
    which.add_argument("--imb", metavar="DIGITS", help="a letter's IMb (20, 25, 29 or 31 digits)")
    which.add_argument("--mailing", metavar="NAME", help="every letter of a mailing")
    proof.add_argument("--mailer", metavar="MID", help="with --serial: the Mailer ID, when several issued it")
    proof.add_argument("--out", required=True, metavar="F.pdf|F.html")
    proof.set_defaults(func=lazy("cmd_proof", "track_cmds"))

    sb = sub.add_parser("sandbox", help="run the local USPS stand-in (for demos and tests)")
    sb.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    sb.add_argument("--faults", default="", metavar="SPEC", help="e.g. 429=0.05,503=0.05,timeout=0.01")
    sb.add_argument("--quota-per-minute", type=float, default=None, help="answer 429 above this rate")
    sb.add_argument(
        "--token-ttl", type=float, default=1800, help="IV token lifetime in seconds (default 1800)"
    )
    sb.set_defaults(func=lazy("cmd_sandbox", "track_cmds"))

    demo = sub.add_parser(
        "demo",
        help="the whole job with built-in demo data and the local USPS stand-in",
        description="Starts the USPS stand-in, creates a demo mailer and mailing from the sample "
        "list, makes its envelopes PDF, then looks up scans as simulated days pass, and prints a "
        "summary. No USPS account and no screen needed.",
    )
    demo.add_argument(
        "--days",
        type=int,
        default=12,
        help="simulated days to follow the mailing and its replies (default 12)",
    )
    demo.set_defaults(func=lazy("cmd_demo", "track_cmds"))
