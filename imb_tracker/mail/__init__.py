"""Mailing lists in: CSV/TSV/XLSX reading, column mapping, address validation with a report."""

from __future__ import annotations

from .columns import FIELDS, detect_mapping, parse_map_options
from .records import AddressRecord, ListError, Problem
from .report import report_csv, report_text, summary_line
from .validate import ADDRESS_FIELDS, ListResult, check_address, check_mapping, read_list

__all__ = [
    "ADDRESS_FIELDS",
    "FIELDS",
    "AddressRecord",
    "ListError",
    "ListResult",
    "Problem",
    "check_address",
    "check_mapping",
    "detect_mapping",
    "parse_map_options",
    "read_list",
    "report_csv",
    "report_text",
    "summary_line",
]
