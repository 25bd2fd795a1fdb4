"""Bulk refresh: look up every piece the planner picks, within the quota, losing nothing.

Each response is stored (with the lookup logged) before its worker sends the
next request, so a crash, a quit or a cancel loses at most the requests in flight;
running again continues with the pieces not yet looked up.  Failures are
logged and left for a later run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from queue import Empty, Queue

from imb_tracker.store.engine import Database
from imb_tracker.usps.errors import AuthError, CancelledError, SignInUnavailableError, UspsError
from imb_tracker.usps.iv import IvClient, PieceResult

from .ingest import ingest_result, log_failure

log = logging.getLogger(__name__)

#: how long Ctrl-C waits for a request in flight before the run gives up on it
INTERRUPT_WAIT_S = 5.0
#: progress(done, total, imb) -> False to cancel
Progress = Callable[[int, int, str], bool | None]


@dataclass
class RefreshSummary:
    requested: int = 0
    found: int = 0
    not_found: int = 0
    failed: int = 0
    scans_returned: int = 0
    new_scans: int = 0
    cancelled: bool = False
    stopped_reason: str = ""
    errors: dict[str, int] = field(default_factory=dict)
    standards: str = ""  # what the refresh asked of USPS Service Standards, in words ("" when nothing)

    def line(self) -> str:
        text = (
            f"looked up {self.requested:,} piece(s): {self.found:,} with USPS data, {self.not_found:,} without, "
            f"{self.failed:,} failed (will be retried); {self.new_scans:,} new scan(s) stored"
        )
        if self.cancelled:
            text += "; cancelled (run again to continue)"
        if self.stopped_reason:
            text += f"; stopped: {self.stopped_reason}"
        return text


def _lookup(
    client: IvClient, imb: str, halt: threading.Event, interrupted: Callable[[], bool]
) -> PieceResult | None:
    """One lookup; None when it failed because the run was interrupted (the client may be closing)."""
    try:
        return client.lookup(imb, halt)
    except Exception:
        if interrupted():
            log.info("lookup of %s ended by the interruption", imb, exc_info=True)
            return None
        raise


def refresh(
    db: Database,
    client: IvClient,
    imbs: list[str],
    *,
    clock: Callable[[], datetime],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    max_lookups: int | None = None,
    workers: int = 4,
    thread_setup: Callable[[], None] | None = None,
) -> RefreshSummary:
    """Look up ``imbs`` with a few worker threads sharing one client, token and rate limit.

    Workers let the quota be used while one of them waits out a backoff; each
    stores its response before taking the next piece.  An authentication
    failure stops every worker (all further requests would fail the same way).
    """
    summary = RefreshSummary()
    # The workers' own cancel: Ctrl-C (or the caller's cancel) reaches a request waiting out a backoff
    halt = cancel if cancel is not None else threading.Event()
    todo = imbs[:max_lookups] if max_lookups is not None else imbs
    queue: Queue[str] = Queue()
    for imb in todo:
        queue.put(imb)
    stop = threading.Event()
    lock = threading.Lock()
    done = 0

    def stopped() -> bool:
        return stop.is_set() or halt.is_set()

    def record_failure(imb: str, requested_at: datetime, kind: str, error: str) -> None:
        """A failed piece: logged against it (for the next run) and counted with its reason."""
        try:
            log_failure(db, imb, requested_at, kind, error)
        except Exception:  # the log itself could not be written: still counted, and in the app's log
            log.warning("could not log the failed lookup of %s", imb)
            log.info("why the failure could not be logged", exc_info=True)
        with lock:
            summary.failed += 1
            summary.requested += 1
            summary.errors[kind] = summary.errors.get(kind, 0) + 1

    def finish(imb: str) -> None:
        nonlocal done
        with lock:
            done += 1
            if progress is not None and progress(done, len(todo), imb) is False:
                summary.cancelled = True
                stop.set()

    def work() -> None:
        if thread_setup is not None:  # e.g. the GUI lowers the workers' CPU priority
            thread_setup()
        while not stopped():
            try:
                imb = queue.get_nowait()
            except Empty:
                return
            requested_at = clock()
            try:
                result = _lookup(client, imb, halt, interrupted=lambda: stop.is_set() and halt.is_set())
                if result is None:  # interrupted: the run is over, nothing to report
                    return
            except CancelledError:
                with lock:
                    summary.cancelled = True
                return
            except (AuthError, SignInUnavailableError) as exc:  # every further lookup would fail alike
                kind = "auth_error" if isinstance(exc, AuthError) else "sign_in_unavailable"
                log_failure(db, imb, requested_at, kind, str(exc))
                with lock:
                    summary.failed += 1
                    summary.requested += 1
                    summary.stopped_reason = str(exc)
                stop.set()
                return
            except UspsError as exc:
                record_failure(imb, requested_at, type(exc).__name__, str(exc))
            except (
                Exception
            ) as exc:  # an answer of a shape nobody expected: this piece fails, the run goes on
                log.warning("lookup of %s failed unexpectedly: %s: %s", imb, type(exc).__name__, exc)
                log.info("the unexpected failure of %s", imb, exc_info=True)  # the traceback: log file only
                record_failure(imb, requested_at, "unexpected_answer", f"{type(exc).__name__}: {exc}")
            else:
                try:
                    returned, new = ingest_result(db, result, requested_at)
                except Exception as exc:  # USPS's answer could not be stored as scans: logged, not lost
                    log.warning("the answer for %s could not be stored: %s: %s", imb, type(exc).__name__, exc)
                    log.info("why the answer for %s could not be stored", imb, exc_info=True)
                    record_failure(imb, requested_at, "unreadable_answer", f"{type(exc).__name__}: {exc}")
                    finish(imb)
                    continue
                with lock:
                    summary.scans_returned += returned
                    summary.new_scans += new
                    summary.requested += 1
                    if result.found:
                        summary.found += 1
                    else:
                        summary.not_found += 1
            finish(imb)

    threads = [
        threading.Thread(target=work, name=f"refresh-{i}", daemon=True)
        for i in range(max(1, min(workers, len(todo))))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl-C: stop the workers before the caller closes their client
        stop.set()
        halt.set()
        for thread in threads:
            thread.join(timeout=INTERRUPT_WAIT_S)
        raise
    if cancel is not None and cancel.is_set():
        summary.cancelled = True
    return summary
