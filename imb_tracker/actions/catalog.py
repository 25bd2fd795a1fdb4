"""What the front ends read and set up, through the one door: mailers, mailings, templates, the letters table.

These are the services' own functions, named here so that ``gui/`` and
``commands/`` import from ``actions`` only (the layering test holds them to
it).  Anything with a rule of its own lives in the workflow modules beside
this one; what is here is a query or a single store call.

Each name loads its service on first use (PEP 562 ``__getattr__``): a command
that lists mailers does not import reportlab, and the window's first frame
does not wait for SQLAlchemy.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imb_tracker.settings import Settings

if TYPE_CHECKING:
    from imb_tracker.layout import rules as placement_rules
    from imb_tracker.layout.envelopes import layout_piece, return_block
    from imb_tracker.layout.templates import (
        cin_table,
        envelope_template,
        envelope_templates,
        sheet_template,
        sheet_templates,
    )
    from imb_tracker.mail import FIELDS, check_mapping, detect_mapping, report_csv, report_text
    from imb_tracker.mail.geo import MAP_WIDTH, dot_field, position, project
    from imb_tracker.mail.validate import ADDRESS_FIELDS
    from imb_tracker.store.browse import (
        STATUS_FILTERS,
        browse_pieces,
        count_pieces,
        index_new_pieces,
        pieces_by_ids,
    )
    from imb_tracker.store.engine import Database, utcnow
    from imb_tracker.store.mailers import (
        add_mailer,
        get_mailer,
        list_mailers,
        list_pools,
        parse_range,
        serial_capacity,
        set_workstation_range,
        update_mailer,
        validate_crid,
    )
    from imb_tracker.store.mailings import get_mailing, list_mailings
    from imb_tracker.store.schema import LOOKUP_ANSWERED
    from imb_tracker.store.serials import serial_status
    from imb_tracker.tracking.estimates import estimate, stalled_before
    from imb_tracker.tracking.replies import REPLY_FILTERS, REPLY_WORDS
    from imb_tracker.tracking.report import (
        REPORT_COLUMNS,
        histogram,
        mailing_report,
        report_json,
        report_lines,
        report_rows,
    )
    from imb_tracker.tracking.status import STAGE_WORDS, is_stalled
    from imb_tracker.tracking.status_index import rebuild_statuses
    from imb_tracker.usps.credentials import (
        ENV,
        clear_iv,
        has_iv,
        keyring_problem,
        remember_for_session,
        save_iv,
    )

_WHERE: dict[str, tuple[str, str]] = {
    "placement_rules": ("imb_tracker.layout", "rules"),
    "layout_piece": ("imb_tracker.layout.envelopes", "layout_piece"),
    "return_block": ("imb_tracker.layout.envelopes", "return_block"),
    "cin_table": ("imb_tracker.layout.templates", "cin_table"),
    "envelope_template": ("imb_tracker.layout.templates", "envelope_template"),
    "envelope_templates": ("imb_tracker.layout.templates", "envelope_templates"),
    "sheet_template": ("imb_tracker.layout.templates", "sheet_template"),
    "sheet_templates": ("imb_tracker.layout.templates", "sheet_templates"),
    "FIELDS": ("imb_tracker.mail", "FIELDS"),
    "check_mapping": ("imb_tracker.mail", "check_mapping"),
    "detect_mapping": ("imb_tracker.mail", "detect_mapping"),
    "report_csv": ("imb_tracker.mail", "report_csv"),
    "report_text": ("imb_tracker.mail", "report_text"),
    "ADDRESS_FIELDS": ("imb_tracker.mail.validate", "ADDRESS_FIELDS"),
    "LOOKUP_ANSWERED": ("imb_tracker.store.schema", "LOOKUP_ANSWERED"),
    "STATUS_FILTERS": ("imb_tracker.store.browse", "STATUS_FILTERS"),
    "browse_pieces": ("imb_tracker.store.browse", "browse_pieces"),
    "count_pieces": ("imb_tracker.store.browse", "count_pieces"),
    "index_new_pieces": ("imb_tracker.store.browse", "index_new_pieces"),
    "pieces_by_ids": ("imb_tracker.store.browse", "pieces_by_ids"),
    "utcnow": ("imb_tracker.store.engine", "utcnow"),
    "add_mailer": ("imb_tracker.store.mailers", "add_mailer"),
    "get_mailer": ("imb_tracker.store.mailers", "get_mailer"),
    "list_mailers": ("imb_tracker.store.mailers", "list_mailers"),
    "list_pools": ("imb_tracker.store.mailers", "list_pools"),
    "parse_range": ("imb_tracker.store.mailers", "parse_range"),
    "serial_capacity": ("imb_tracker.store.mailers", "serial_capacity"),
    "set_workstation_range": ("imb_tracker.store.mailers", "set_workstation_range"),
    "update_mailer": ("imb_tracker.store.mailers", "update_mailer"),
    "validate_crid": ("imb_tracker.store.mailers", "validate_crid"),
    "get_mailing": ("imb_tracker.store.mailings", "get_mailing"),
    "list_mailings": ("imb_tracker.store.mailings", "list_mailings"),
    "serial_status": ("imb_tracker.store.serials", "serial_status"),
    "REPORT_COLUMNS": ("imb_tracker.tracking.report", "REPORT_COLUMNS"),
    "histogram": ("imb_tracker.tracking.report", "histogram"),
    "mailing_report": ("imb_tracker.tracking.report", "mailing_report"),
    "report_json": ("imb_tracker.tracking.report", "report_json"),
    "report_lines": ("imb_tracker.tracking.report", "report_lines"),
    "report_rows": ("imb_tracker.tracking.report", "report_rows"),
    "REPLY_FILTERS": ("imb_tracker.tracking.replies", "REPLY_FILTERS"),
    "REPLY_WORDS": ("imb_tracker.tracking.replies", "REPLY_WORDS"),
    "STAGE_WORDS": ("imb_tracker.tracking.status", "STAGE_WORDS"),
    "is_stalled": ("imb_tracker.tracking.status", "is_stalled"),
    "stalled_before": ("imb_tracker.tracking.estimates", "stalled_before"),
    "estimate": ("imb_tracker.tracking.estimates", "estimate"),
    "MAP_WIDTH": ("imb_tracker.mail.geo", "MAP_WIDTH"),
    "dot_field": ("imb_tracker.mail.geo", "dot_field"),
    "position": ("imb_tracker.mail.geo", "position"),
    "project": ("imb_tracker.mail.geo", "project"),
    "rebuild_statuses": ("imb_tracker.tracking.status_index", "rebuild_statuses"),
    "clear_iv": ("imb_tracker.usps.credentials", "clear_iv"),
    "save_iv": ("imb_tracker.usps.credentials", "save_iv"),
    "ENV": ("imb_tracker.usps.credentials", "ENV"),
    "has_iv": ("imb_tracker.usps.credentials", "has_iv"),
    "keyring_problem": ("imb_tracker.usps.credentials", "keyring_problem"),
    "remember_for_session": ("imb_tracker.usps.credentials", "remember_for_session"),
}


def __getattr__(name: str) -> Any:
    """Load a service's function the first time a front end asks for it, then keep it here."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = where
    loaded = importlib.import_module(module)
    value = getattr(loaded, attr) if hasattr(loaded, attr) else importlib.import_module(f"{module}.{attr}")
    globals()[name] = value
    return value


__all__ = [
    "ADDRESS_FIELDS",
    "ENV",
    "FIELDS",
    "LOOKUP_ANSWERED",
    "MAP_WIDTH",
    "REPLY_FILTERS",
    "REPLY_WORDS",
    "REPORT_COLUMNS",
    "STAGE_WORDS",
    "STATUS_FILTERS",
    "add_mailer",
    "browse_pieces",
    "check_mapping",
    "cin_table",
    "clear_iv",
    "count_pieces",
    "default_mailer",
    "detect_mapping",
    "dot_field",
    "envelope_template",
    "envelope_templates",
    "estimate",
    "get_mailer",
    "get_mailing",
    "has_iv",
    "histogram",
    "import_scan_file",
    "index_new_pieces",
    "is_stalled",
    "keyring_problem",
    "layout_piece",
    "list_mailers",
    "list_mailings",
    "list_pools",
    "mailing_report",
    "parse_range",
    "pieces_by_ids",
    "placement_rules",
    "position",
    "project",
    "rebuild_statuses",
    "remember_for_session",
    "report_csv",
    "report_json",
    "report_lines",
    "report_rows",
    "report_text",
    "return_block",
    "save_iv",
    "serial_capacity",
    "serial_status",
    "set_workstation_range",
    "sheet_template",
    "sheet_templates",
    "stalled_before",
    "update_mailer",
    "utcnow",
    "validate_crid",
]


def default_mailer(db: Database, settings: Settings) -> str:
    """The Mailer ID in use: the one chosen in the settings, else the first one stored ('' when none)."""
    from imb_tracker.store.mailers import list_mailers  # noqa: PLC0415

    mids = [m.mid for m in list_mailers(db)]
    if settings.default_mailer in mids:
        return settings.default_mailer
    return mids[0] if mids else ""


def import_iv_file(db: Database, path: str | Path, now: datetime) -> Any:
    """An IV data file into the store, piece scans and tray/pallet scans alike (``tracking.files.FileImport``)."""
    from imb_tracker.tracking.files import import_iv_file as load  # noqa: PLC0415 - only when used

    return load(db, path, now)


def file_import_line(result: Any, name: str) -> str:
    """What an IV file import did, in one sentence (CLI and window)."""
    text = f"read {result.read:,} scan(s) from {name}: {result.new:,} new, {result.read - result.new:,} already stored"
    if result.skipped:
        text += f"; {result.skipped:,} row(s) without an IMb or a readable time skipped"
    if result.container_read or result.container_unknown:
        text += f"; {result.container_read:,} tray/pallet scan(s), {result.container_new:,} new"
        if result.container_unknown:
            text += f" ({result.container_unknown:,} for trays or pallets not in this database, not stored)"
    return text


def import_scan_file(db: Database, path: str, now: datetime) -> tuple[int, int, int]:
    """An IV data file (CSV, pipe, JSON feed, gzip) into the store: (read, new, rows skipped)."""
    from imb_tracker.tracking.files import import_scan_file as load  # noqa: PLC0415 - only when used

    return load(db, path, now)
