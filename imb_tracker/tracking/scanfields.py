"""The names USPS uses for scan fields, in every spelling seen (pull API, push feed, files).

Kept apart from ingest so the status summary and the report can read stored
payloads without importing the ingest path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# pull (snake_case) and push/file (camelCase or other spellings) names for the same thing
ALIASES = {
    "scan_date_time": ("scan_date_time", "scanDatetime", "scanDateTime", "scan_datetime", "ScanDateTime"),
    "scan_event_code": ("scan_event_code", "scanEventCode", "operation_code", "opcode", "OperationCode"),
    "scan_facility_zip": ("scan_facility_zip", "scanFacilityZip", "facility_zip", "FacilityZip"),
    "scan_facility_name": ("scan_facility_name", "scanFacilityName", "facility_name", "FacilityName"),
    "machine_name": ("machine_name", "machineName", "machine_id", "machineId"),
    "imb": ("imb", "IMb", "IMB", "barcode"),
    "mail_phase": ("mail_phase", "mailPhase"),
    "handling_event_type": ("handling_event_type", "handlingEventType"),
    "scan_facility_city": ("scan_facility_city", "scanFacilityCity"),
    "scan_facility_state": ("scan_facility_state", "scanFacilityState"),
}
_LOWER = {alias.lower().replace("_", ""): key for key, aliases in ALIASES.items() for alias in aliases}


def normalise(scan: Mapping[str, Any]) -> dict[str, Any]:
    """Our snake_case keys for any spelling; unknown keys are kept as they are."""
    out: dict[str, Any] = {}
    for key, value in scan.items():
        out[_LOWER.get(str(key).lower().replace("_", "").replace(" ", ""), str(key))] = value
    return out
