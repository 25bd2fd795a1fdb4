"""Delivery address lines in USPS Publication 28 style.

Pub 28 prefers upper case, no punctuation except the hyphen in a ZIP+4 (and
in hyphenated numbers such as 112-10), the secondary unit at the end of the
delivery line, and the last line as ``CITY ST  ZIP+4`` with two spaces before
the ZIP.  The firm, delivery and last lines must stay the last three lines;
when lines must go, optional ones go first (§341–343).

Letters outside ASCII are transliterated to their nearest ASCII spelling
(``anyascii``: Łukasz → Lukasz, Москва → Moskva) rather than printed as ``?``
or as glyphs USPS address readers do not know; the original text stays in the
database and the exports, and the import report warns about it.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from imb_tracker.records import AddressRecord, StoredPiece

_PUNCT = re.compile(r"[.,;:!?\"'`()\[\]{}]")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` in printable ASCII: transliterated, control characters dropped (never a ``?``)."""
    if not text.isascii():
        text = anyascii(text)
    return _CONTROL.sub("", text)


def clean_line(text: str, uppercase: bool = True) -> str:
    """Drop punctuation (keeping hyphens, slashes and #), squeeze spaces, upper-case."""
    text = _SPACES.sub(" ", _PUNCT.sub("", printable(text))).strip()
    return text.upper() if uppercase else text


def last_line(city: str, state: str, zip5: str, zip4: str = "", uppercase: bool = True) -> str:
    zip_text = f"{zip5}-{zip4}" if zip4 else zip5
    return f"{clean_line(city, uppercase)} {state.upper()}  {zip_text}"


def address_lines(
    rec: AddressRecord | StoredPiece, uppercase: bool = True, merge_secondary_under: int = 40
) -> list[str]:
    """The delivery block, top to bottom: name, firm, delivery line(s), last line.

    The secondary unit (``address2``) joins the end of the delivery line when
    the result stays within ``merge_secondary_under`` characters, as Pub 28
    prefers; otherwise it gets its own line above the delivery line.
    """
    name = clean_line(rec.name, uppercase)
    company = clean_line(rec.company, uppercase)
    street = clean_line(rec.address1, uppercase)
    secondary = clean_line(rec.address2, uppercase)
    lines = [line for line in (name, company) if line]
    if secondary and len(street) + 1 + len(secondary) <= merge_secondary_under:
        lines.append(f"{street} {secondary}")
    else:
        lines.extend(line for line in (secondary, street) if line)
    lines.append(last_line(rec.city, rec.state, rec.zip5, rec.zip4, uppercase))
    return lines


def drop_optional_lines(lines: list[str], has_name: bool, has_company: bool, max_lines: int) -> list[str]:
    """Shorten a block to ``max_lines`` by dropping optional lines (the person before the firm)."""
    out = list(lines)
    if len(out) > max_lines and has_name and has_company:
        out.pop(0)  # the individual's name is optional when the firm is named (Pub 28 §343)
    return out
