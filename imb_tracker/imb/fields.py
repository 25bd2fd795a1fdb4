"""The fields an Intelligent Mail barcode carries, and their rules (USPS-B-3200 §1).

An IMb carries a 20-digit *tracking code* — barcode ID (2) + service type ID (3)
+ Mailer ID (6 or 9) + serial (9 or 6) — and a *routing code* of 0, 5, 9 or 11
digits.  Validation here is deliberately stricter than reportlab's encoder,
which silently aliases barcode ID ``05`` to ``10``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FieldError

#: Human names used in messages, so the user sees "Mailer ID", not "mailer_id".
FIELD_NAMES: dict[str, str] = {
    "barcode_id": "barcode ID",
    "service_type": "service type ID (STID)",
    "mailer_id": "Mailer ID",
    "serial": "serial",
    "routing": "routing code",
    "tracking": "tracking code",
}

ROUTING_LENGTHS = (0, 5, 9, 11)


def is_ascii_digits(text: str) -> bool:
    """True when ``text`` is non-empty and made only of ASCII 0–9.

    ``str.isdigit`` alone accepts Arabic-Indic digits and superscripts, which
    would slip through into an integer conversion and print as something else.
    """
    return text.isascii() and text.isdigit()


def _require_str(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise FieldError(
            field,
            value,
            f"{FIELD_NAMES[field]} must be given as text of digits (got {type(value).__name__})",
            "pass it as a string so leading zeros are kept",
        )
    return value.strip()


def _require_digits(field: str, value: str) -> None:
    if not is_ascii_digits(value):
        bad = "".join(sorted({c for c in value if not ("0" <= c <= "9")}))
        raise FieldError(
            field,
            value,
            f"{FIELD_NAMES[field]} must contain only the digits 0-9 (got {value!r}, which contains {bad!r})",
            "remove spaces, dashes and any other characters",
        )


def validate_barcode_id(value: object) -> str:
    """Return the barcode ID if it is 2 digits with a second digit 0–4."""
    text = _require_str("barcode_id", value)
    if len(text) != 2:
        raise FieldError(
            "barcode_id", text, f"barcode ID must be 2 digits (got {len(text)})", "use 00 for letters"
        )
    _require_digits("barcode_id", text)
    if text[1] > "4":
        raise FieldError(
            "barcode_id",
            text,
            f"barcode ID's second digit must be 0-4 (got {text!r})",
            "use 00 for letters; the second digit is encoded in base 5",
        )
    return text


def validate_service_type(value: object) -> str:
    """Return the STID if it is exactly 3 digits (meaning comes from the STID table)."""
    text = _require_str("service_type", value)
    if len(text) != 3:
        raise FieldError(
            "service_type",
            text,
            f"service type ID (STID) must be 3 digits (got {len(text)})",
            "for First-Class letters with tracking use 270 (Full-Service) or 310 (Basic)",
        )
    _require_digits("service_type", text)
    return text


def validate_mailer_id(value: object) -> str:
    """Return the MID if it is 6 digits starting 0–8 or 9 digits starting with 9."""
    text = _require_str("mailer_id", value)
    _require_digits("mailer_id", text)
    rule = "use 6 digits starting 0-8 or 9 digits starting with 9"
    if len(text) not in (6, 9):
        raise FieldError("mailer_id", text, f"Mailer ID {text} has {len(text)} digits", rule)
    if len(text) == 6 and text[0] == "9":
        raise FieldError("mailer_id", text, f"Mailer ID {text} has 6 digits but starts with 9", rule)
    if len(text) == 9 and text[0] != "9":
        raise FieldError("mailer_id", text, f"Mailer ID {text} has 9 digits but does not start with 9", rule)
    return text


def validate_serial(value: object, mailer_id: str) -> str:
    """Return the serial if MID + serial is 15 digits (9 with a 6-digit MID, 6 with a 9-digit one)."""
    text = _require_str("serial", value)
    _require_digits("serial", text)
    want = 15 - len(mailer_id)
    if len(text) != want:
        raise FieldError(
            "serial",
            text,
            f"serial must have {want} digits with a {len(mailer_id)}-digit Mailer ID (got {len(text)})",
            "pad it with leading zeros" if len(text) < want else "Mailer ID + serial is always 15 digits",
        )
    return text


def validate_routing(value: object) -> str:
    """Return the routing code if it is empty or 5, 9 or 11 digits."""
    text = _require_str("routing", value)
    if len(text) not in ROUTING_LENGTHS:
        raise FieldError(
            "routing",
            text,
            f"routing code must be 0, 5, 9 or 11 digits (got {len(text)})",
            "use a ZIP, ZIP+4, or ZIP+4 plus the 2-digit delivery point, without dashes",
        )
    if text:
        _require_digits("routing", text)
    return text


def validate_tracking(value: object) -> str:
    """Return the 20-digit tracking code, checked in the order USPS's own encoder checks.

    Length first, then digits, then the barcode ID's second digit — so for every
    row of USPS's encoder test set the same field is blamed as USPS blames.
    """
    text = _require_str("tracking", value)
    if len(text) != 20:
        raise FieldError(
            "tracking",
            text,
            f"tracking code must be 20 digits (got {len(text)})",
            "barcode ID (2) + STID (3) + Mailer ID and serial (15)",
        )
    _require_digits("tracking", text)
    validate_barcode_id(text[:2])
    return text


_ZIP4 = re.compile(r"(\d{5})[- ](\d{4})")
_ZIP4_DP = re.compile(r"(\d{5})-(\d{4})-(\d{2})")


def clean_zip(text: str) -> str:
    """Turn a ZIP as people write it into routing digits, for exactly these shapes.

    ``12345``, ``12345-6789``, ``12345 6789``, ``123456789``, ``12345678901`` and
    ``12345-6789-01`` (and nothing, for no routing).  Anything else is returned as
    typed (outer spaces aside), so :func:`validate_routing` refuses it with its
    reason: the USPS encoder test set expects ``0123456789 1`` to be an error.
    """
    stripped = text.strip()
    for shape in (_ZIP4, _ZIP4_DP):
        found = shape.fullmatch(stripped)
        if found:
            return "".join(found.groups())
    return stripped


def split_tracking(tracking: str) -> tuple[str, str, str, str]:
    """Split 20 tracking digits into barcode ID, STID, MID and serial.

    The bars do not record where the MID ends; USPS's assignment rule does:
    a MID starting with 9 has 9 digits, any other has 6.
    """
    mid_len = 9 if tracking[5] == "9" else 6
    return tracking[:2], tracking[2:5], tracking[5 : 5 + mid_len], tracking[5 + mid_len :]


@dataclass(frozen=True, slots=True)
class ImbFields:
    """The validated contents of one Intelligent Mail barcode.

    Build it from the fields, or with :meth:`from_tracking` from the 20-digit
    tracking string and the routing string.  Construction validates every
    field, so an ``ImbFields`` that exists is always encodable.
    """

    barcode_id: str
    service_type: str
    mailer_id: str
    serial: str
    routing: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "barcode_id", validate_barcode_id(self.barcode_id))
        object.__setattr__(self, "service_type", validate_service_type(self.service_type))
        mid = validate_mailer_id(self.mailer_id)
        object.__setattr__(self, "mailer_id", mid)
        object.__setattr__(self, "serial", validate_serial(self.serial, mid))
        object.__setattr__(self, "routing", validate_routing(self.routing))

    @classmethod
    def from_tracking(cls, tracking: str, routing: str = "") -> ImbFields:
        """Build from the 20-digit tracking code and a routing code of 0/5/9/11 digits."""
        text = validate_tracking(tracking)
        routing = validate_routing(routing)
        bi, stid, mid, serial = split_tracking(text)
        return cls(bi, stid, mid, serial, routing)

    @classmethod
    def _trusted(cls, tracking: str, routing: str) -> ImbFields:
        """Build without re-validating; only for digits the decoder produced.

        A decoded value is valid by construction (the second barcode-ID digit
        comes out of a base-5 step, the MID split follows the first MID
        digit), and skipping the checks halves the cost of a decode.
        """
        obj = object.__new__(cls)
        mid_len = 9 if tracking[5] == "9" else 6
        set_ = object.__setattr__
        set_(obj, "barcode_id", tracking[:2])
        set_(obj, "service_type", tracking[2:5])
        set_(obj, "mailer_id", tracking[5 : 5 + mid_len])
        set_(obj, "serial", tracking[5 + mid_len :])
        set_(obj, "routing", routing)
        return obj

    @classmethod
    def from_payload(cls, digits: str) -> ImbFields:
        """Build from the whole 20/25/29/31-digit payload (tracking followed by routing)."""
        text = digits.strip() if isinstance(digits, str) else digits
        if not isinstance(text, str) or len(text) not in (20, 25, 29, 31):
            got = len(text) if isinstance(text, str) else type(text).__name__
            raise FieldError(
                "tracking",
                digits,
                f"an IMb payload must be 20, 25, 29 or 31 digits (got {got})",
                "20 tracking digits followed by a 0, 5, 9 or 11-digit routing code",
            )
        return cls.from_tracking(text[:20], text[20:])

    @property
    def tracking(self) -> str:
        """The 20-digit tracking code."""
        return self.barcode_id + self.service_type + self.mailer_id + self.serial

    @property
    def payload(self) -> str:
        """Tracking code followed by the routing code: the digits IV calls the IMb."""
        return self.tracking + self.routing

    def human_readable(self) -> str:
        """The digits grouped by field, for printing under or beside the bars."""
        parts = [self.barcode_id, self.service_type, self.mailer_id, self.serial]
        if self.routing:
            parts.append(self.routing)
        return " ".join(parts)

    def as_dict(self) -> dict[str, str]:
        """The five fields by name, as the CLI prints them in JSON."""
        return {
            "barcode_id": self.barcode_id,
            "service_type": self.service_type,
            "mailer_id": self.mailer_id,
            "serial": self.serial,
            "routing": self.routing,
        }
