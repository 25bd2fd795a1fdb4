"""A mailing from a list, the same in the import wizard and in ``imb-tracker import``.

Two steps, because the window shows the report between them:

1. :func:`read` opens and checks the list (column mapping, row-by-row report);
2. :func:`save` applies the invalid-row rule (skip or abort), optionally
   completes missing ZIP+4 codes with USPS Addresses, creates the mailing in
   one transaction, and in demo mode tells the stand-in about the new pieces.

Progress and cancel are plain callables and events: either front end passes
its own.  A cancel leaves nothing half-written (the serials reserved stay
reserved and are never reused inside the window).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imb_tracker.imb import stid_table
from imb_tracker.mail import ListResult, read_list
from imb_tracker.mail.reader import RawTable, ReadOptions, open_list, sheet_names
from imb_tracker.records import AddressRecord
from imb_tracker.store.engine import Database
from imb_tracker.store.mailings import (
    CancelledError,
    MailingSummary,
    check_new_mailing,
    create_mailing,
    iter_pieces,
)

from .backend import UspsBackend
from .errors import ActionError

if TYPE_CHECKING:
    from imb_tracker.tracking.addresses import CompletionSummary

log = logging.getLogger(__name__)

#: progress(done, total, what) -> False to cancel
Progress = Callable[[int, int, str], bool | None]
ON_INVALID = ("skip", "abort")

__all__ = [
    "ON_INVALID",
    "ImportResult",
    "ReadOptions",
    "check_name",
    "complete_later",
    "preview",
    "read",
    "save",
    "sheets",
]


@dataclass(frozen=True)
class ImportResult:
    summary: MailingSummary | None  # None for a dry run
    imported: int
    skipped: int  # invalid rows left out
    completion: CompletionSummary | None
    warnings: list[str]

    def line(self) -> str:
        if self.summary is None:
            return f"dry run: {self.imported:,} recipient(s) would be imported"
        s = self.summary
        return (
            f"created mailing {s.name!r}: {s.piece_count:,} pieces for Mailer ID {s.mid}, STID {s.stid}, "
            f"serials {s.first_serial}-{s.last_serial}"
            + (f"; {self.skipped:,} invalid row(s) skipped" if self.skipped else "")
        )


def check_outputs(list_path: str | Path, *outputs: str | Path | None) -> None:
    """Refuse an output file (``--report``, ``--out``) that is the list being imported: it would be overwritten."""
    source = Path(list_path).resolve()
    for out in outputs:
        if out and Path(out).resolve() == source:
            raise ActionError(
                f"{out} is the list being imported; writing there would overwrite it — give another file name"
            )


def check_name(db: Database, mid: str, name: str) -> None:
    """Refuse a mailing name in use, or an unknown Mailer ID, before the list is read."""
    check_new_mailing(db, mid, name)


def preview(path: str | Path, options: ReadOptions | None = None) -> RawTable:
    """The list's header and first rows, for choosing columns (raises ListError when unreadable)."""
    return open_list(str(path), options)


def sheets(path: str | Path) -> list[str]:
    """The visible worksheets of a workbook (empty for a text list), for choosing one."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    return sheet_names(path)


def read(
    path: str | Path,
    mapping: Sequence[str] | dict[str, int] | None = None,
    options: ReadOptions | None = None,
) -> ListResult:
    """Read and check the list; ``mapping`` is ``COLUMN=FIELD`` overrides or a field → column index map.

    ``options`` choose the worksheet (``--sheet``) or the delimiter (``--delimiter``).
    """
    with fewer_collections():
        if isinstance(mapping, dict):
            return read_list(Path(path), mapping=mapping, options=options)
        return read_list(Path(path), list(mapping or []), options=options)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Let the garbage collector run rarely while a big list is read.

    A list of 100,000 rows becomes a few million tuples and strings, none of them in a reference
    cycle, and the collector's default thresholds walk them again and again as they pile up
    (measured: an eighth of reading a 100,000-row list, issue 19).  Memory is unaffected (no cycles
    are made), and the old thresholds come back afterwards.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def save(
    db: Database,
    result: ListResult,
    mid: str,
    name: str,
    *,
    source: str = "",
    on_invalid: str = "skip",
    complete_zip4: bool = False,
    backend: UspsBackend | None = None,
    stid: str | None = None,
    barcode_id: str | None = None,
    workstation: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    allow_reuse: bool = False,
) -> ImportResult:
    """Create the mailing from a checked list (see the module's docstring); raises ActionError when refused."""
    if on_invalid not in ON_INVALID:
        raise ActionError(f"on_invalid must be skip or abort, not {on_invalid!r}")
    if not result.records:
        raise ActionError(f"nothing to import: {Path(source).name or 'the list'} has no valid recipient rows")
    skipped = len(result.invalid_rows)
    if skipped and on_invalid == "abort":
        raise ActionError(
            f"{skipped:,} invalid row(s) and --on-invalid abort: nothing imported; fix the rows or "
            "use --on-invalid skip"
        )
    check_new_mailing(db, mid, name)
    records: list[AddressRecord] = list(result.records)
    completion = None
    if complete_zip4:
        if backend is None:
            raise ActionError("ZIP+4 completion needs a USPS environment (--usps, or demo mode)")
        records, completion = _complete(db, backend, records, progress, cancel)
        if completion.cancelled or (cancel is not None and cancel.is_set()):
            raise CancelledError("import cancelled during ZIP+4 completion; nothing was saved")
    if dry_run:
        return ImportResult(None, len(records), skipped, completion, [])

    def saving(done: int, total: int) -> bool | None:
        if cancel is not None and cancel.is_set():
            return False
        return progress(done, total, "saving pieces") if progress else None

    with fewer_collections():  # 100,000 rows of parameters, no cycles among them
        summary = create_mailing(
            db,
            mid,
            name,
            records,
            stid=stid,
            barcode_id=barcode_id,
            source_file=source,
            workstation=workstation,
            progress=saving,
            allow_reuse=allow_reuse,
        )
    if backend is not None and backend.demo:
        backend.follow_in_demo(db, summary.name)
    return ImportResult(
        summary, summary.piece_count, skipped, completion, stid_table().warnings(summary.stid)
    )


def complete_later(
    db: Database,
    backend: UspsBackend,
    mailing: str,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CompletionSummary:
    """ZIP+4 completion for a mailing already created (the wizard's "in the background" choice).

    The pieces without a delivery point are looked up (cached answers first, within the
    Addresses quota); what USPS completes is written to them, so the next print carries the
    11-digit routing code.  Refused for a mailing already marked mailed.
    """
    from imb_tracker.store.mailings import set_routing  # noqa: PLC0415

    stored = [p for p in iter_pieces(db, mailing) if not p.address.delivery_point and p.id is not None]
    # the record's row carries the piece's id through the completion and back
    records = [p.address._replace(row=int(p.id or 0)) for p in stored]
    completed, summary = _complete(db, backend, records, progress, cancel)
    before = {r.row: (r.zip4, r.delivery_point) for r in records}
    changes = {
        int(r.row): (r.zip4, r.delivery_point)
        for r in completed
        if (r.zip4, r.delivery_point) != before[r.row] and r.zip4
    }
    if changes:
        set_routing(db, mailing, changes)
        if backend.demo:
            backend.follow_in_demo(db, mailing)  # the stand-in follows the new barcodes
    return summary


def _complete(
    db: Database,
    backend: UspsBackend,
    records: list[AddressRecord],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> tuple[list[AddressRecord], CompletionSummary]:
    """USPS Addresses for the records without a delivery point (cached answers first, within the quota)."""
    from imb_tracker.tracking.addresses import complete_routing  # noqa: PLC0415 - httpx only when used

    client = backend.apis_client()
    try:
        return complete_routing(
            db,
            client,
            records,
            clock=backend.clock,
            cancel=cancel,
            progress=(lambda d, t: progress(d, t, "ZIP+4 lookups")) if progress else None,
        )
    finally:
        client.close()
