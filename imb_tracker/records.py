"""The two records every package shares: a recipient's address, and a piece as stored (standard library only).

``mail`` reads lists into :class:`AddressRecord`, ``store`` writes them and
reads :class:`StoredPiece` back, ``layout`` draws a StoredPiece, and
``tracking`` and the front ends show one.  No package declares its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class AddressRecord(NamedTuple):
    """A validated recipient, ready to become a piece.

    ``row`` is the 1-based row number in the source file (the header is row 1),
    so every message can point the user at the right line.  A named tuple
    because lists of 100,000 of them are built during an import.
    """

    row: int
    name: str
    company: str
    address1: str
    address2: str
    city: str
    state: str
    zip5: str
    zip4: str = ""
    delivery_point: str = ""
    extra: dict[str, str] | None = None  # unmapped columns of the list, by header

    @property
    def routing(self) -> str:
        """The IMb routing code: ZIP (5), ZIP+4 (9) or ZIP+4 + delivery point (11)."""
        if self.zip4:
            return self.zip5 + self.zip4 + self.delivery_point
        return self.zip5

    def as_fields(self) -> dict[str, str]:
        """The address alone (no row, no extra columns): two records with equal fields are one recipient."""
        return {
            "name": self.name,
            "company": self.company,
            "address1": self.address1,
            "address2": self.address2,
            "city": self.city,
            "state": self.state,
            "zip5": self.zip5,
            "zip4": self.zip4,
            "delivery_point": self.delivery_point,
        }

    def address_lines(self) -> list[str]:
        """The delivery address block, top to bottom, without empty lines."""
        last = f"{self.city} {self.state} {self.zip5}{'-' + self.zip4 if self.zip4 else ''}"
        return [line for line in (self.name, self.company, self.address2, self.address1, last) if line]


#: The columns of a piece export, in order (CSV header, JSON keys).
PIECE_COLUMNS = (
    "mailing",
    "serial",
    "tracking",
    "routing",
    "imb",
    "bars",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "zip4",
    "delivery_point",
    "source_row",
    "extra",
)


@dataclass(frozen=True, slots=True)
class StoredPiece:
    """One piece: who it goes to and the IMb it carries (``tracking`` + ``routing``, and its 65 bars).

    A preview before anything is stored has an all-zero serial and no mailing.
    """

    address: AddressRecord
    tracking: str  # 20 digits: barcode ID, STID, Mailer ID, serial
    routing: str  # 0, 5, 9 or 11 digits
    bars: str  # 65 letters A/D/F/T
    mailing: str = ""
    serial: str = ""
    id: int | None = None
    created_at: datetime | None = None
    mailed_at: datetime | None = None
    voided_at: datetime | None = None  # printed but never mailed (its serial stays reserved)

    @property
    def extra(self) -> dict[str, str]:
        """The list's unmapped columns for this recipient (empty when there were none)."""
        return dict(self.address.extra or {})

    @property
    def imb(self) -> str:
        """The full IMb as printed and as looked up at USPS (20, 25, 29 or 31 digits)."""
        return self.tracking + self.routing

    # What a layout reads of the recipient, without reaching through .address every time.
    @property
    def name(self) -> str:
        return self.address.name

    @property
    def company(self) -> str:
        return self.address.company

    @property
    def address1(self) -> str:
        return self.address.address1

    @property
    def address2(self) -> str:
        return self.address.address2

    @property
    def city(self) -> str:
        return self.address.city

    @property
    def state(self) -> str:
        return self.address.state

    @property
    def zip5(self) -> str:
        return self.address.zip5

    @property
    def zip4(self) -> str:
        return self.address.zip4

    def export_row(self) -> dict[str, object]:
        """The piece as an export row, keyed by :data:`PIECE_COLUMNS` (``extra`` as a dict)."""
        a = self.address
        return {
            "mailing": self.mailing,
            "serial": self.serial,
            "tracking": self.tracking,
            "routing": self.routing,
            "imb": self.imb,
            "bars": self.bars,
            "name": a.name,
            "company": a.company,
            "address1": a.address1,
            "address2": a.address2,
            "city": a.city,
            "state": a.state,
            "zip": a.zip5,
            "zip4": a.zip4,
            "delivery_point": a.delivery_point,
            "source_row": a.row,
            "extra": dict(self.extra),
        }
