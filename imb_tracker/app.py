"""Where things live and how logging is set up: the one place that knows paths.

Data, config, cache and logs go under the platformdirs user folders, or all
under one folder given by ``--dev-dir`` / ``IMB_TRACKER_HOME`` (demo runs and
tests use that so they never touch a user's real data).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imb_tracker.errors import redact
from imb_tracker.imb.resources import resource_dir, resource_path

APP_NAME = "imb-tracker"
HOME_ENV = "IMB_TRACKER_HOME"

__all__ = ["AppPaths", "app_paths", "configure_logging", "resource_dir", "resource_path"]


@dataclass(frozen=True)
class AppPaths:
    """The four folders the app writes to."""

    data: Path
    config: Path
    cache: Path
    logs: Path

    def ensure(self) -> AppPaths:
        """Create the folders (on first use, not at import), readable by this user only (0700).

        They hold addresses, the lookup log and settings; nobody else on the computer needs them.
        """
        for folder in (self.data, self.config, self.cache, self.logs):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self


def app_paths(dev_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders for this run: ``dev_dir`` or ``$IMB_TRACKER_HOME`` if set, else platformdirs."""
    root = dev_dir or os.environ.get(HOME_ENV)
    if root:
        base = Path(root).expanduser().resolve()
        return AppPaths(base / "data", base / "config", base / "cache", base / "logs")
    import platformdirs  # noqa: PLC0415 - only needed when no override is given

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        Path(dirs.user_data_dir),
        Path(dirs.user_config_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )


class RedactingFormatter(logging.Formatter):
    """Log lines with bearer tokens, passwords and client secrets taken out (a server may echo them)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is *now* (a redirected or replaced stderr, never a closed one)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(verbosity: int = 0, log_dir: Path | None = None) -> None:
    """Warnings to stderr (info/debug with -v/-vv) and, if given, everything to a rotating file."""
    root = logging.getLogger()
    if getattr(configure_logging, "_done", False):
        return
    root.setLevel(logging.DEBUG)
    console = _StderrHandler()
    console.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG))
    console.setFormatter(RedactingFormatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    if log_dir is not None:
        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "imb-tracker.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        with contextlib.suppress(OSError):  # the log holds names and addresses: this user's only
            os.chmod(log_dir / "imb-tracker.log", 0o600)
        root.addHandler(file_handler)
    configure_logging._done = True  # type: ignore[attr-defined]
