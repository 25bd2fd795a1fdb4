"""Helpers shared by the store-backed commands: opening the database, progress lines."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

from imb_tracker.app import app_paths
from imb_tracker.store import Database, open_database

WORKSTATION_ENV = "IMB_TRACKER_WORKSTATION"


def open_db(args: argparse.Namespace) -> Database:
    """The database from --db, $IMB_TRACKER_DB, or the default file under the data folder."""
    paths = app_paths(getattr(args, "dev_dir", None))
    return open_database(args.db, default_path=paths.data / "imb-tracker.db")


def workstation_name(args: argparse.Namespace) -> str:
    """This computer's name for per-workstation serial ranges (--workstation, env, or host name)."""
    return str(getattr(args, "workstation", None) or os.environ.get(WORKSTATION_ENV) or socket.gethostname())


class ProgressLine:
    """Progress on stderr: one updating line on a terminal, a line per step otherwise."""

    def __init__(self, label: str, min_interval: float = 0.2) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.min_interval = min_interval

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if done < total and now - self.last < self.min_interval and self.tty:
            return True
        self.last = now
        pct = f" ({done * 100 // total}%)" if total else ""
        text = f"{self.label}: {done:,}/{total:,}{pct}"
        if self.tty:
            end = "\n" if done >= total else ""
            sys.stderr.write("\r" + text + end)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return True
