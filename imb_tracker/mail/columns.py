"""Which column of a list holds which address field: auto-detection and explicit mappings."""

from __future__ import annotations

import re

from .records import ListError

#: Our fields, in the order the report lists them.
FIELDS = (
    "name",
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "zip4",
    "delivery_point",
)

#: Header spellings seen in real lists (normalised: lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "fullname",
        "recipient",
        "recipientname",
        "addressee",
        "contact",
        "contactname",
        "mailname",
        "attention",
        "attn",
        "to",
    ),
    "first_name": ("firstname", "first", "fname", "givenname", "forename"),
    "last_name": ("lastname", "last", "lname", "surname", "familyname"),
    "company": (
        "company",
        "companyname",
        "organization",
        "organisation",
        "org",
        "business",
        "firm",
        "businessname",
        "firmname",
    ),
    "address1": (
        "address",
        "address1",
        "addressline1",
        "addr1",
        "street",
        "streetaddress",
        "address1line",
        "deliveryaddress",
        "mailingaddress",
        "line1",
        "addr",
        "street1",
    ),
    "address2": (
        "address2",
        "addressline2",
        "addr2",
        "apt",
        "suite",
        "unit",
        "aptsuite",
        "line2",
        "street2",
        "secondaryaddress",
        "apartment",
    ),
    "city": ("city", "town", "cityname", "municipality", "locality"),
    "state": ("state", "st", "statecode", "province", "region", "stateprovince"),
    "zip": (
        "zip",
        "zipcode",
        "zip5",
        "postalcode",
        "postcode",
        "postal",
        "zippostalcode",
        "5digitzip",
        "zipplus4",
        "zip4full",
        "fullzip",
    ),
    "zip4": ("zip4", "plus4", "addon", "zipadd4", "zipaddon", "add4", "zipext", "zipextension"),
    "delivery_point": (
        "deliverypoint",
        "dp",
        "dpc",
        "dpbc",
        "deliverypointcode",
        "deliverypointbarcode",
        "dpv",
    ),
}

_LOOKUP = {alias: field for field, aliases in SYNONYMS.items() for alias in aliases}


def normalise_header(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def detect_mapping(headers: list[str]) -> dict[str, int]:
    """Field → column index, from header names. The first column that matches a field wins."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = normalise_header(header)
        field = _LOOKUP.get(key)
        if field and field not in mapping:
            mapping[field] = index
    return mapping


def parse_map_options(options: list[str]) -> dict[str, str]:
    """``["Street=address1", "Postal=zip"]`` → ``{"address1": "Street", "zip": "Postal"}``."""
    out: dict[str, str] = {}
    for option in options:
        column, sep, field = option.partition("=")
        field = field.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not column.strip() or not field:
            raise ListError(
                f'--map {option!r}: write it as COLUMN=FIELD, e.g. --map "Street Address=address1"'
            )
        if field not in FIELDS and field != "ignore":
            raise ListError(
                f"--map {option!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}, or ignore"
            )
        out[field if field != "ignore" else f"ignore:{column.strip()}"] = column.strip()
    return out


def apply_overrides(
    headers: list[str], detected: dict[str, int], overrides: dict[str, str]
) -> dict[str, int]:
    """Detected mapping with the user's ``COLUMN=FIELD`` choices laid over it."""
    by_name = {h.strip().lower(): i for i, h in enumerate(headers)}
    mapping = dict(detected)
    for field, column in overrides.items():
        index = by_name.get(column.lower())
        if index is None:
            raise ListError(
                f"--map: the list has no column {column!r}; its columns are "
                + ", ".join(repr(h) for h in headers)
            )
        for other, idx in list(mapping.items()):  # a column feeds one field only
            if idx == index:
                del mapping[other]
        if not field.startswith("ignore:"):
            mapping[field] = index
    return mapping
