"""What the front ends read and set up, through the one door: mailers, mailings, templates, the letters table.

These are the services' own functions, named here so that ``gui/`` and
``commands/`` import from ``actions`` only (the layering test holds them to
it).  Anything with a rule of its own lives in the workflow modules beside
this one; what is here is a query or a single store call.
"""

from __future__ import annotations

from datetime import datetime

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
from imb_tracker.mail.validate import ADDRESS_FIELDS
from imb_tracker.settings import Settings
from imb_tracker.store.browse import (
    LOOKUP_ANSWERED,
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
from imb_tracker.store.serials import serial_status
from imb_tracker.tracking.report import REPORT_COLUMNS, histogram, mailing_report, report_lines, report_rows
from imb_tracker.tracking.status import STAGE_WORDS, is_stalled
from imb_tracker.tracking.status_index import rebuild_statuses
from imb_tracker.usps.credentials import clear_iv, save_iv

__all__ = [
    "ADDRESS_FIELDS",
    "FIELDS",
    "LOOKUP_ANSWERED",
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
    "envelope_template",
    "envelope_templates",
    "get_mailer",
    "get_mailing",
    "histogram",
    "import_scan_file",
    "index_new_pieces",
    "is_stalled",
    "layout_piece",
    "list_mailers",
    "list_mailings",
    "list_pools",
    "mailing_report",
    "parse_range",
    "pieces_by_ids",
    "placement_rules",
    "rebuild_statuses",
    "report_csv",
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
    "update_mailer",
    "utcnow",
    "validate_crid",
]


def default_mailer(db: Database, settings: Settings) -> str:
    """The Mailer ID in use: the one chosen in the settings, else the first one stored ('' when none)."""
    mids = [m.mid for m in list_mailers(db)]
    if settings.default_mailer in mids:
        return settings.default_mailer
    return mids[0] if mids else ""


def import_scan_file(db: Database, path: str, now: datetime) -> tuple[int, int, int]:
    """An IV data file (CSV, pipe, JSON feed, gzip) into the store: (read, new, rows skipped)."""
    from imb_tracker.tracking.files import import_scan_file as load  # noqa: PLC0415 - only when used

    return load(db, path, now)
