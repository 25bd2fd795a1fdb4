"""The Service Type ID (STID) table: what each 3-digit code asks USPS for.

The table is data (``resources/stid.csv``, effective date in its header) so a
new USPS table means a new file, not new code.  The API answers the
questions the app asks while a user picks a code: what does it mean in plain
words, does it request IV-MTR scan data (without it there is nothing to
track), and which code is its tracked twin.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from .fields import validate_service_type
from .resources import resource_path


@dataclass(frozen=True, slots=True)
class StidInfo:
    """One row of the STID table."""

    code: str
    mail_class: str
    service_level: str  # "Basic", "Full-Service" or "" where the table makes no such split
    iv_mtr: bool | None  # None when the sources do not settle it
    address_correction: str
    endorsement_required: bool
    status: str  # "current", "legacy" or "retired"
    note: str = ""

    @property
    def requests_iv_tracking(self) -> bool:
        """True only when the code is known to request IV-MTR scan data."""
        return self.iv_mtr is True

    def describe(self) -> str:
        """Plain words for a code.

        For example "First-Class Mail, Full-Service, with IV-MTR tracking, no address corrections".
        """
        parts = [self.mail_class]
        if self.service_level:
            parts.append(self.service_level)
        if self.iv_mtr is True:
            parts.append("with IV-MTR tracking")
        elif self.iv_mtr is False:
            parts.append("without IV-MTR tracking")
        if self.address_correction:
            parts.append(self.address_correction[0].lower() + self.address_correction[1:])
        if self.endorsement_required:
            parts.append("printed endorsement required")
        return ", ".join(parts)


class StidTable:
    """All known STIDs, with look-ups by code and by meaning."""

    def __init__(self, rows: list[StidInfo], effective: str = "") -> None:
        self.effective = effective
        self._by_code = {row.code: row for row in rows}

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def all(self) -> list[StidInfo]:
        """Every row, in table order."""
        return list(self._by_code.values())

    def get(self, code: str) -> StidInfo | None:
        """The row for a code, or None when the code is not in the table."""
        return self._by_code.get(code.strip())

    def tracked_twin(self, code: str) -> StidInfo | None:
        """The code with the same class, level and corrections that does request IV-MTR."""
        info = self.get(code)
        if info is None or info.iv_mtr is not False:
            return None
        for row in self._by_code.values():
            if (
                row.iv_mtr is True
                and row.status == "current"
                and row.mail_class == info.mail_class
                and row.service_level == info.service_level
                and row.address_correction == info.address_correction
            ):
                return row
        return None

    def warnings(self, code: str) -> list[str]:
        """What a user should be told before printing with this STID (empty when all is well)."""
        code = validate_service_type(code)
        info = self.get(code)
        if info is None:
            return [
                f"STID {code} is not in the USPS STID table effective {self.effective}; "
                "check it, or use 270 (First-Class Full-Service) or 310 (First-Class Basic) to track letters"
            ]
        out = []
        if info.iv_mtr is False:
            twin = self.tracked_twin(code)
            fix = f"use {twin.code} ({twin.describe()}) instead" if twin else "choose an STID with IV-MTR"
            out.append(
                f"STID {code} does not request IV-MTR scan data, so USPS may give no tracking "
                f"for these pieces; {fix}"
            )
        elif info.iv_mtr is None:
            out.append(f"STID {code}: whether it requests IV-MTR scan data is not known here")
        if info.status != "current":
            out.append(f"STID {code} is {info.status} ({info.note or 'not in the current table'})")
        if info.endorsement_required:
            out.append(f"STID {code} requires a printed ancillary endorsement on the piece")
        if info.note and info.status == "current":
            out.append(f"STID {code}: {info.note}")
        return out


_BOOL = {"yes": True, "no": False, "unknown": None}


def parse_stid_csv(text: str) -> StidTable:
    """Parse the STID CSV format (``#`` comment lines, then a header row)."""
    effective = ""
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            if line.lower().startswith("# effective:"):
                effective = line.split(":", 1)[1].strip()
            continue
        body.append(line)
    rows = []
    for rec in csv.DictReader(io.StringIO("\n".join(body))):
        code = validate_service_type(rec["stid"])
        rows.append(
            StidInfo(
                code=code,
                mail_class=rec["mail_class"],
                service_level=rec["service_level"],
                iv_mtr=_BOOL[rec["iv_mtr"]],
                address_correction=rec["address_correction"],
                endorsement_required=rec["endorsement_required"] == "yes",
                status=rec["status"],
                note=rec["note"],
            )
        )
    return StidTable(rows, effective)


@cache
def stid_table() -> StidTable:
    """The bundled STID table, read once."""
    return parse_stid_csv(resource_path("stid.csv").read_text(encoding="utf-8"))


def describe_stid(code: str) -> str:
    """Plain words for a code, or a note that it is unknown."""
    info = stid_table().get(code)
    return info.describe() if info else f"STID {code} (not in the USPS table)"
