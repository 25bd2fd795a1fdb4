"""The ``imb-tracker`` command line.

It parses arguments, calls the same service functions as the GUI, prints
results on stdout and errors on stderr, and returns an exit code:
0 success, 1 bad input (or some lines of a batch failed), 2 usage errors.
Heavy modules (Qt, reportlab) are imported only by the commands that need
them, so ``encode`` and ``decode`` start fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

import imb_tracker.imb as imb  # noqa: PLR0402 - its parts load when first used (--version builds no tables)
from imb_tracker import __version__
from imb_tracker.commands.errors import CommandFailedError as CliError  # one error class for every command
from imb_tracker.commands.print_args import add_parsers as add_print_parsers
from imb_tracker.commands.reply_args import add_parsers as add_reply_parsers
from imb_tracker.commands.store_args import add_parsers as add_store_parsers
from imb_tracker.commands.track_args import add_parsers as add_track_parsers
from imb_tracker.commands.tray_args import add_parsers as add_tray_parsers

log = logging.getLogger(__name__)


class _NotText(str):
    """A stdin line that is not UTF-8: answered with an error line, and the lines after it still run."""


def _stdin_lines(stream: TextIO) -> Iterable[str]:
    """Lines of stdin, decoded one by one: one bad byte must not lose the answers already written."""
    source = getattr(stream, "buffer", None)
    if source is None:  # a text stream handed in (tests, a wrapped stdin)
        for raw in stream:
            yield raw.rstrip("\r\n")
        return
    for number, raw in enumerate(source, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield _NotText(
                f"line {number} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "save the input as UTF-8"
            )
            continue
        yield text.rstrip("\r\n")


# ------------------------------------------------------------------ encode


def _encode_line(line: str) -> str:
    tracking, _, routing = line.partition(",")
    return imb.encode_tracking(tracking.strip(), imb.clean_zip(routing))


def cmd_encode(args: argparse.Namespace, out: TextIO) -> int:
    if args.source == "-":
        if args.tracking or args.mid or args.serial or args.stid:
            raise CliError("encode -: read lines 'tracking[,routing]' from stdin; give no other fields", 2)
        failed = 0
        for line in _stdin_lines(sys.stdin):
            if isinstance(line, _NotText):
                failed += 1
                out.write(f"error: {line}\n")
                continue
            try:
                out.write(_encode_line(line) + "\n")
            except imb.ImbError as exc:
                failed += 1
                out.write(f"error: {exc}\n")
        out.flush()
        if failed:
            print(f"imb-tracker: {failed} line(s) could not be encoded", file=sys.stderr)
        return 1 if failed else 0
    if args.source is not None:
        raise CliError(f"encode: unexpected argument {args.source!r} (use '-' to read stdin)", 2)
    if args.tracking is not None:
        if args.mid or args.serial or args.stid:
            raise CliError("encode: give either --tracking or --mid/--serial/--stid, not both", 2)
        fields = imb.ImbFields.from_tracking(args.tracking, imb.clean_zip(args.routing or ""))
    else:
        missing = [
            flag
            for flag, v in (("--mid", args.mid), ("--serial", args.serial), ("--stid", args.stid))
            if not v
        ]
        if missing:
            raise CliError(f"encode: missing {', '.join(missing)} (or give --tracking 20DIGITS)", 2)
        routing = args.zip if args.zip is not None else (args.routing or "")
        fields = imb.ImbFields(args.barcode_id, args.stid, args.mid, args.serial, imb.clean_zip(routing))
    bars = imb.encode(fields)
    if args.json:
        out.write(json.dumps({**fields.as_dict(), "tracking": fields.tracking, "bars": bars}) + "\n")
    else:
        out.write(bars + "\n")
    for warning in imb.stid_table().warnings(fields.service_type):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ decode


def _decode_json(bars: str, repair: bool) -> tuple[dict[str, object], bool]:
    try:
        return imb.decode(bars, repair=repair).as_dict(), True
    except imb.ImbError as exc:
        return {"error": str(exc)}, False


def cmd_decode(args: argparse.Namespace, out: TextIO) -> int:
    if args.bars == "-":
        failed = 0
        for line in _stdin_lines(sys.stdin):
            obj, ok = (
                ({"error": str(line)}, False)
                if isinstance(line, _NotText)
                else _decode_json(line, args.repair)
            )
            failed += not ok
            out.write(json.dumps(obj) + "\n")
        out.flush()
        return 1 if failed else 0
    if args.bars is None:
        raise CliError("decode: give the 65 bar letters, or '-' to read one per line from stdin", 2)
    result = imb.decode(args.bars, repair=args.repair)
    if args.json:
        out.write(json.dumps(result.as_dict()) + "\n")
        return 0
    f = result.fields
    rows = [
        ("Barcode ID", f.barcode_id),
        ("Service type (STID)", f"{f.service_type}  {imb.describe_stid(f.service_type)}"),
        ("Mailer ID", f.mailer_id),
        ("Serial", f.serial),
        ("Routing code", f.routing or "(none)"),
        ("Tracking code", f.tracking),
    ]
    if result.upside_down:
        rows.append(("Note", "the bars were read upside down"))
    if result.repaired_positions:
        rows.append(("Repaired bar(s)", ", ".join(map(str, result.repaired_positions))))
        rows.append(("Corrected bars", result.bars))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.write(f"{key:<{width}}  {value}\n")
    return 0


# ------------------------------------------------------------------ stid


def cmd_stid(args: argparse.Namespace, out: TextIO) -> int:
    table = imb.stid_table()
    if args.code:
        info = table.get(args.code)
        if info is None:
            raise CliError(f"STID {args.code} is not in the USPS STID table effective {table.effective}")
        out.write(f"{info.code}  {info.describe()}\n")
        for warning in table.warnings(info.code):
            out.write(f"  note: {warning}\n")
        return 0
    rows = table.all()
    if args.tracked:
        rows = [r for r in rows if r.requests_iv_tracking]
    for info in rows:
        out.write(f"{info.code}  {info.describe()}\n")
    return 0


# ------------------------------------------------------------------ gui


def _has_screen() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    )


def cmd_gui(args: argparse.Namespace, out: TextIO) -> int:
    if not _has_screen():
        raise CliError(
            "no screen found to open the window on; run a sub-command (see imb-tracker --help), "
            "or set QT_QPA_PLATFORM=offscreen",
            2,
        )
    from imb_tracker.gui.launch import run_gui  # noqa: PLC0415 - Qt loads only for the window

    return run_gui(
        [sys.argv[0]],
        dev_dir=getattr(args, "dev_dir", None),
        db=getattr(args, "db", None),
        quit_after_ms=getattr(args, "quit_after_ms", None),
    )


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imb-tracker",
        description="Encode, decode, print and track USPS Intelligent Mail barcodes. "
        "With no sub-command the desktop window opens.",
    )
    parser.add_argument("--version", action="version", version=f"imb-tracker {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument(
        "--dev-dir",
        metavar="DIR",
        help="keep data, settings, cache and logs under DIR instead of the user folders (demos, tests)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    db_parent = argparse.ArgumentParser(add_help=False)
    db_parent.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="database: a SQLite file path or a SQLAlchemy URL such as postgresql+psycopg://host/db "
        "(default: $IMB_TRACKER_DB, else imb-tracker.db in the data folder)",
    )
    db_parent.add_argument(
        "--create",
        action="store_true",
        help="make the --db file if it does not exist (otherwise a missing file is an error, so a "
        "mistyped path never starts an empty database; 'mailer add' always may)",
    )

    enc = sub.add_parser(
        "encode",
        help="make the 65 bars of an IMb",
        description="Print the 65 bar letters (A ascender, D descender, F full, T tracker) of an IMb. "
        "Give the fields, or --tracking, or '-' to read lines 'tracking[,routing]' from stdin.",
    )
    enc.add_argument("source", nargs="?", help="'-' to read 'tracking[,routing]' lines from stdin")
    enc.add_argument("--mid", help="Mailer ID: 6 digits starting 0-8, or 9 digits starting with 9")
    enc.add_argument("--serial", help="serial number: 9 digits with a 6-digit MID, 6 with a 9-digit MID")
    enc.add_argument("--stid", help="service type ID, e.g. 270 (First-Class Full-Service with tracking)")
    enc.add_argument("--barcode-id", default="00", help="barcode ID (default 00, right for letters)")
    enc.add_argument("--zip", help="routing code: ZIP, ZIP+4 or ZIP+4+delivery point (dashes allowed)")
    enc.add_argument("--tracking", help="the 20-digit tracking code instead of the separate fields")
    enc.add_argument("--routing", help="routing code to go with --tracking (same as --zip)")
    enc.add_argument("--json", action="store_true", help="print the fields and bars as JSON")
    enc.set_defaults(func=cmd_encode)

    dec = sub.add_parser(
        "decode",
        help="read the fields back from 65 bars",
        description="Decode and verify an IMb bar string; '-' reads one per line from stdin and "
        "prints one JSON object per line.",
    )
    dec.add_argument("bars", nargs="?", help="65 letters A/D/F/T, or '-' for stdin")
    dec.add_argument("--repair", action="store_true", help="try every single-bar correction of damaged bars")
    dec.add_argument("--json", action="store_true", help="print JSON instead of a table")
    dec.set_defaults(func=cmd_decode)

    st = sub.add_parser("stid", help="explain service type IDs", description="List or explain STIDs.")
    st.add_argument("code", nargs="?", help="one STID to explain")
    st.add_argument("--tracked", action="store_true", help="list only STIDs that request IV-MTR tracking")
    st.set_defaults(func=cmd_stid)

    add_store_parsers(sub, db_parent)
    add_print_parsers(sub, db_parent)
    add_track_parsers(sub, db_parent)
    add_reply_parsers(sub, db_parent)
    add_tray_parsers(sub, db_parent)

    gui = sub.add_parser("gui", help="open the desktop window (the default)", parents=[db_parent])
    gui.add_argument("--quit-after-ms", type=int, default=None, help=argparse.SUPPRESS)  # smoke tests
    gui.set_defaults(func=cmd_gui)
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    """Error types that are the user's to fix: reported in one line, no traceback.

    Imported only when something went wrong, so a plain encode never loads the store.
    """
    from imb_tracker.actions.errors import ActionError  # noqa: PLC0415
    from imb_tracker.errors import CancelledError, NotFoundError  # noqa: PLC0415
    from imb_tracker.mail import ListError  # noqa: PLC0415
    from imb_tracker.settings import SettingsError  # noqa: PLC0415
    from imb_tracker.store import StoreError  # noqa: PLC0415
    from imb_tracker.usps.credentials import CredentialsError  # noqa: PLC0415
    from imb_tracker.usps.errors import UspsError  # noqa: PLC0415

    return (
        ActionError,
        ListError,
        SettingsError,
        StoreError,
        CredentialsError,
        UspsError,
        NotFoundError,
        CancelledError,
    )


def _database_errors() -> tuple[type[BaseException], ...]:
    from imb_tracker.actions.errors import database_errors  # noqa: PLC0415

    return database_errors()


def main(argv: Sequence[str] | None = None) -> int:
    # A command imports SQLAlchemy and builds lists of records: with the default thresholds the
    # collector walks those objects again and again (measured: a tenth of start-up, an eighth of
    # reading a 100,000-row list; issue 19).  Collect less often; memory is held by no cycles.
    first, *rest = gc.get_threshold()
    gc.set_threshold(max(first, 20_000), *rest)
    parser = build_parser()
    args = parser.parse_args(argv)
    from imb_tracker.app import app_paths, configure_logging  # noqa: PLC0415

    configure_logging(
        args.verbose,
        app_paths(args.dev_dir).logs if args.command not in (None, "encode", "decode", "stid") else None,
    )
    func = getattr(args, "func", cmd_gui)
    try:
        return _run(func, args)
    finally:
        # the command's database and USPS sessions end with the command, also when main() is called
        # again in the same process (a script, the test suite)
        common = sys.modules.get("imb_tracker.commands.common")
        if common is not None:
            common.close_workspaces()
        if argv is None:  # the program itself (console script, python -m, the installer): it ends now
            _end_quickly()


def _end_quickly() -> None:
    """Let the interpreter end without its collector walking every object once more.

    At exit Python's collector goes over every object SQLAlchemy and the command made, several
    times: 70-100 ms of every command that opens a database (measured in issue 19), a quarter of
    bench_import's whole baseline.  Frozen objects are left to the operating system, as at any
    exit.  Nothing is lost: each database and file is closed by now, and the atexit handlers
    (logging's flush) and the flush of stdout and stderr still run.
    """
    gc.freeze()


def _run(func: Callable[[argparse.Namespace, TextIO], int], args: argparse.Namespace) -> int:
    """The command, with every error it can raise turned into one line on stderr and an exit code."""
    try:
        return int(func(args, sys.stdout))
    except CliError as exc:
        print(f"imb-tracker: {exc}", file=sys.stderr)
        return exc.code
    except imb.ImbError as exc:
        print(f"imb-tracker: error: {exc}", file=sys.stderr)
        return 1
    except _user_errors() as exc:
        print(f"imb-tracker: error: {exc}", file=sys.stderr)
        return 1
    except _database_errors() as exc:
        log.debug("database error", exc_info=True)
        reason = getattr(exc, "orig", None) or exc
        print(f"imb-tracker: database error: {reason}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("imb-tracker: interrupted", file=sys.stderr)
        return 130
    except UnicodeError as exc:  # a file or stream that is not in the encoding it should be
        print(
            f"imb-tracker: error: text that is not valid {getattr(exc, 'encoding', 'UTF-8')}: {exc}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # a folder that does not exist, a directory given as a file, a full disk …
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"imb-tracker: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback on the user's screen; the whole story goes to the log
        log.info("unexpected error in %s", args.command, exc_info=True)  # the log file, not the screen
        from imb_tracker.app import app_paths  # noqa: PLC0415

        logs = app_paths(args.dev_dir).logs / "imb-tracker.log"
        print(
            f"imb-tracker: unexpected error: {type(exc).__name__}: {exc} (details in {logs}); "
            "please report it",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
