"""What the commands share: the settings, the database and USPS backend of this run, progress lines, errors."""

from __future__ import annotations

import argparse
import atexit
import os
import socket
import sys
import time

from imb_tracker.actions.backend import Workspace, choose_mode, open_workspace
from imb_tracker.app import app_paths
from imb_tracker.settings import Settings, SettingsFile
from imb_tracker.store import Database

from .errors import CommandFailedError

__all__ = ["CommandFailedError", "ProgressLine", "load_settings", "open_db", "workspace", "workstation_name"]

WORKSTATION_ENV = "IMB_TRACKER_WORKSTATION"


def settings_file(args: argparse.Namespace) -> SettingsFile:
    return SettingsFile(app_paths(getattr(args, "dev_dir", None)).config)


def load_settings(args: argparse.Namespace) -> Settings:
    return settings_file(args).load()


_open: list[Workspace] = []


def workspace(args: argparse.Namespace) -> Workspace:
    """This run's database and USPS backend (``--db``, ``--usps``, the settings), opened once per command."""
    if _open:
        return _open[0]
    settings = load_settings(args)
    mode = choose_mode(getattr(args, "usps", None), settings)
    space = open_workspace(
        app_paths(getattr(args, "dev_dir", None)),
        settings,
        db_url=getattr(args, "db", None),
        mode=mode,
        create=bool(getattr(args, "create", False) or getattr(args, "creates_database", False)),
    )
    _open.append(space)
    atexit.register(close_workspaces)
    for warning in space.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return space


def close_workspaces() -> None:
    while _open:
        _open.pop().close()


def open_db(args: argparse.Namespace) -> Database:
    """The database from --db, $IMB_TRACKER_DB, or the default file (demo mode: the demo database)."""
    return workspace(args).db


def workstation_name(args: argparse.Namespace, settings: Settings | None = None) -> str:
    """This computer's name for per-workstation serial ranges (--workstation, env, setting, or host name)."""
    return str(
        getattr(args, "workstation", None)
        or os.environ.get(WORKSTATION_ENV)
        or (settings.workstation if settings else "")
        or socket.gethostname()
    )


class ProgressLine:
    """Progress on stderr: one updating line on a terminal, a line per step otherwise."""

    def __init__(self, label: str, min_interval: float = 0.2) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.min_interval = min_interval

    def __call__(self, done: int, total: int, _what: str = "") -> bool:
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
