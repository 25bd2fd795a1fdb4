"""Tray and sack (IMtb, 24 digits) and container (IMcb, ``99M…``) barcode data.

Only the digits live here; drawing them as Code 128 / GS1-128 belongs to the
layout service.  Field layout of the IMtb per USPS-L-3216 (via the
references in ``imb-spec.md`` §8): destination ZIP 5, content identifier
number (CIN) 3, USPS processing code 1, Mailer ID 6 or 9, serial 8 or 5,
label type 1.  The IMcb is application identifier 99, type ``M``, the MID,
and a zero-padded serial, 21 characters in all.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FieldError
from .fields import is_ascii_digits, validate_mailer_id


def _digits(field: str, name: str, value: object, length: int, hint: str = "") -> str:
    if not isinstance(value, str):
        raise FieldError(field, value, f"{name} must be given as text of digits (got {type(value).__name__})")
    text = value.strip()
    if not is_ascii_digits(text):
        raise FieldError(field, text, f"{name} must contain only the digits 0-9 (got {text!r})", hint)
    if len(text) != length:
        raise FieldError(field, text, f"{name} must be {length} digits (got {len(text)})", hint)
    return text


@dataclass(frozen=True, slots=True)
class TrayBarcode:
    """The 24-digit Intelligent Mail tray barcode (IMtb) of one tray or sack label."""

    destination_zip: str
    content_id: str  # CIN, e.g. 201 for a First-Class 5-digit letter tray
    mailer_id: str
    serial: str  # 8 digits with a 6-digit MID, 5 with a 9-digit MID
    processing_code: str = "0"
    label_type: str = "0"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "destination_zip", _digits("destination_zip", "destination ZIP", self.destination_zip, 5))
        set_(
            self,
            "content_id",
            _digits(
                "content_id",
                "content identifier number (CIN)",
                self.content_id,
                3,
                "CINs are 3 digits from the USPS tray label tables",
            ),
        )
        set_(self, "processing_code", _digits("processing_code", "processing code", self.processing_code, 1))
        mid = validate_mailer_id(self.mailer_id)
        set_(self, "mailer_id", mid)
        want = 14 - len(mid)
        set_(
            self,
            "serial",
            _digits(
                "tray_serial",
                "tray serial",
                self.serial,
                want,
                f"a tray serial has {want} digits with a {len(mid)}-digit Mailer ID; pad with zeros",
            ),
        )
        set_(self, "label_type", _digits("label_type", "label type", self.label_type, 1))

    @property
    def digits(self) -> str:
        """The 24 digits printed as Code 128 (code set C)."""
        return (
            self.destination_zip
            + self.content_id
            + self.processing_code
            + self.mailer_id
            + self.serial
            + self.label_type
        )

    @classmethod
    def from_digits(cls, digits: str) -> TrayBarcode:
        """Split 24 digits back into fields (a MID starting with 9 has 9 digits)."""
        text = _digits("tray_barcode", "tray barcode", digits, 24, "an IMtb has exactly 24 digits")
        mid_len = 9 if text[9] == "9" else 6
        return cls(
            destination_zip=text[0:5],
            content_id=text[5:8],
            processing_code=text[8],
            mailer_id=text[9 : 9 + mid_len],
            serial=text[9 + mid_len : 23],
            label_type=text[23],
        )

    @staticmethod
    def serial_capacity(mailer_id: str) -> int:
        """How many distinct tray serials a MID has (10**8 or 10**5)."""
        return int(10 ** (14 - len(validate_mailer_id(mailer_id))))


@dataclass(frozen=True, slots=True)
class ContainerBarcode:
    """The Intelligent Mail container barcode (IMcb): ``99M`` + MID + serial, 21 characters."""

    mailer_id: str
    serial: str  # 12 digits with a 6-digit MID, 9 with a 9-digit MID

    def __post_init__(self) -> None:
        mid = validate_mailer_id(self.mailer_id)
        object.__setattr__(self, "mailer_id", mid)
        want = 18 - len(mid)
        hint = f"a container serial has {want} digits with a {len(mid)}-digit Mailer ID; pad with zeros"
        serial = _digits("container_serial", "container serial", self.serial, want, hint)
        object.__setattr__(self, "serial", serial)

    @property
    def data(self) -> str:
        """The 21 characters encoded after FNC1: ``99M`` + MID + serial."""
        return "99M" + self.mailer_id + self.serial

    @property
    def human_readable(self) -> str:
        """As printed under the barcode, with the application identifier in brackets."""
        return f"(99)M{self.mailer_id}{self.serial}"

    @classmethod
    def from_data(cls, data: str) -> ContainerBarcode:
        """Parse ``99M…`` (an optional ``(99)`` form is accepted too)."""
        text = data.strip().replace("(99)", "99") if isinstance(data, str) else ""
        if not text.startswith("99M") or len(text) != 21:
            raise FieldError(
                "container_barcode",
                data,
                f"a container barcode is 99M followed by 18 digits, 21 characters (got {data!r})",
            )
        body = text[3:]
        if not is_ascii_digits(body):
            raise FieldError("container_barcode", data, "after 99M a container barcode has only digits")
        mid_len = 9 if body[0] == "9" else 6
        return cls(mailer_id=body[:mid_len], serial=body[mid_len:])
