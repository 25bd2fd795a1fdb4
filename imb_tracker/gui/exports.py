"""Export pieces or scans to CSV/XLSX from any page: ask for the file, write it in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from imb_tracker.actions.exports import export_pieces, export_scans

from .context import AppContext
from .tasks import Reporter


def export_dialog(
    parent: QWidget,
    ctx: AppContext,
    scans: bool,
    mailing: str | None,
    suggested: Path,
    done: Callable[[str], None],
    failed: Callable[[str], None],
) -> None:
    """``done``/``failed`` get a sentence for the user when the file is written or not."""
    kind = "scans" if scans else "pieces"
    path, _ = QFileDialog.getSaveFileName(
        parent, f"Export {kind}", str(suggested), "CSV (*.csv);;Excel (*.xlsx)"
    )
    db = ctx.db
    if not path or db is None:
        return

    def work(_reporter: Reporter) -> int:
        return export_scans(db, Path(path), mailing) if scans else export_pieces(db, Path(path), mailing)

    ctx.tasks.run(
        work,
        on_done=lambda n: done(f"Exported {n:,} {kind} to {path}"),
        on_error=lambda e: failed(f"Not exported: {e}"),
    )
