"""The databases this user has opened, and which Mailer IDs each holds.

Two databases issuing serials for one Mailer ID repeat each other's serials
(both start at 1), and neither can see the other.  A copied file, a second
workstation with its own SQLite file, or a mistyped ``--db`` all do that.  So
every database the app opens is noted here (``known-databases.json`` in the
config folder: where it is, its identity, its Mailer IDs), and adding a
Mailer ID that another known database already holds gets a warning naming it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from imb_tracker.app import AppPaths
from imb_tracker.store.engine import Database, database_url, sqlite_file, where_of
from imb_tracker.store.errors import StoreError
from imb_tracker.store.mailers import list_mailers

log = logging.getLogger(__name__)

FILE_NAME = "known-databases.json"
__all__ = ["KnownDatabase", "note", "others_with", "same_mid_warning", "warning_before_adding"]


@dataclass(frozen=True)
class KnownDatabase:
    where: str  # the file, or the URL without its password
    identity: str
    mids: tuple[str, ...]
    seen: str  # when it was last opened (UTC, ISO)


def _registry(paths: AppPaths) -> Path:
    return paths.config / FILE_NAME


def _load(paths: AppPaths) -> dict[str, KnownDatabase]:
    try:
        raw = json.loads(_registry(paths).read_text(encoding="utf-8"))
        return {
            str(where): KnownDatabase(
                str(where), str(item["identity"]), tuple(str(m) for m in item["mids"]), str(item["seen"])
            )
            for where, item in raw.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # none yet, or unreadable: start again (it is only a hint)


def _save(paths: AppPaths, known: dict[str, KnownDatabase]) -> None:
    path = _registry(paths)
    body = {k.where: {"identity": k.identity, "mids": list(k.mids), "seen": k.seen} for k in known.values()}
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=1)
        os.replace(temporary, path)
    except OSError as exc:
        log.info("could not note the database in %s: %s", path, exc)
        with contextlib.suppress(OSError):
            temporary.unlink()


def note(paths: AppPaths, db: Database) -> str:
    """Remember ``db`` with its identity and Mailer IDs (called on every open and after ``mailer add``).

    Returns a warning when ``db`` is a copy of another known database that is still there (same
    identity, another place): the two would hand out the same serials.
    """
    try:
        identity = db.identity()
        mids = tuple(m.mid for m in list_mailers(db))
    except Exception as exc:  # a hint only: never stop the user's command for it
        log.info("could not read the database's identity: %s", exc)
        return ""
    known = _load(paths)
    where = db.display_name()
    copies = [
        k.where
        for k in known.values()
        if identity and k.identity == identity and k.where != where and _still_there(k.where)
    ]
    warning = (
        f"this database ({where}) is a copy of {', '.join(copies)}: if both are used, they issue the "
        "same serials and barcodes repeat. Keep using one of them"
        if copies and mids
        else ""
    )
    seen = datetime.now(UTC).replace(microsecond=0).isoformat()
    before = known.get(where)
    if before is None or (before.identity, before.mids, before.seen[:10]) != (identity, mids, seen[:10]):
        known[where] = KnownDatabase(where, identity, mids, seen)  # else nothing new today: no write
        _save(paths, known)
    return warning


def _still_there(where: str) -> bool:
    file = sqlite_file(f"sqlite:///{where}") if "://" not in where else None
    return file is None or file.exists()


def others_with(paths: AppPaths, where: str, mid: str) -> list[KnownDatabase]:
    """Known databases other than ``where`` (and still there) that hold Mailer ID ``mid`` — copies too."""
    out = []
    for known in _load(paths).values():
        if known.where == where or mid not in known.mids:
            continue
        if not _still_there(known.where):
            continue  # deleted since: nothing to clash with
        out.append(known)
    return out


def same_mid_warning(paths: AppPaths, where: str, mid: str, identity: str = "") -> str:
    """The warning for ``mailer add`` and the first-start wizard, or '' when no other database has ``mid``.

    ``where`` is the database the Mailer ID goes into (:meth:`Database.display_name`).
    """
    others = others_with(paths, where, mid)
    if not others:
        return ""
    described = "; ".join(
        f"{k.where} ({'a copy of this database, ' if identity and k.identity == identity else ''}"
        f"last opened {k.seen[:10]})"
        for k in others
    )
    return (
        f"Mailer ID {mid} is also set up in another database: {described}. Two databases issue the same "
        "serials for one Mailer ID, so their barcodes repeat: use one database for this Mailer ID "
        "(--db, or a shared PostgreSQL database), or give each its own --serial-range"
    )


def warning_before_adding(paths: AppPaths, db_url: str | None, mid: str) -> str:
    """:func:`same_mid_warning` for a database not open yet (the first-start wizard, as the MID is typed)."""
    from .backend import database_path  # noqa: PLC0415 - backend imports this module lazily too

    try:
        url = database_url(db_url, database_path(paths, demo=False))
    except StoreError:
        return ""
    return same_mid_warning(paths, where_of(url), mid)
