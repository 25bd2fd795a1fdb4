"""An offline check that needs no USPS account: does the ZIP Code belong to that city and state?

The ``zipcodes`` package ships the ZIP list in its wheel (about 42,000 codes, with each code's
preferred and acceptable city names).  A mismatch is a warning, never an error: the list is a
snapshot, and people write neighbourhood names USPS also accepts.  The table is built once per
process (about 0.7 s), only when a list is checked.
"""

from __future__ import annotations

import re
from functools import cache

_ABBREVIATIONS = (("SAINT ", "ST "), ("FORT ", "FT "), ("MOUNT ", "MT "), ("NORTH ", "N "), ("SOUTH ", "S "))
_NOT_LETTERS = re.compile(r"[^A-Z0-9 ]+")


def normal_city(city: str) -> str:
    """A city name in one spelling: upper case, no punctuation, common words shortened (SAINT → ST)."""
    text = " ".join(_NOT_LETTERS.sub(" ", city.upper()).split()) + " "
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return text.strip()


@cache
def _table() -> dict[str, tuple[str, str, frozenset[str]]]:
    """ZIP → (state, preferred city, every acceptable city in :func:`normal_city` form)."""
    import zipcodes  # noqa: PLC0415 - only when a list is checked

    table: dict[str, tuple[str, str, frozenset[str]]] = {}
    for row in zipcodes.list_all():
        names = [str(row["city"]), *(str(c) for c in row.get("acceptable_cities") or ())]
        table[str(row["zip_code"])] = (
            str(row["state"]),
            str(row["city"]),
            frozenset(map(normal_city, names)),
        )
    return table


def zip_problem(zip5: str, state: str, city: str) -> str:
    """Why ``zip5`` does not fit ``city``/``state`` by the offline list, in words; '' when it fits."""
    known = _table().get(zip5)
    if known is None:
        return f"ZIP Code {zip5} is not in the offline ZIP list (new, or a typo?)"
    zip_state, preferred, cities = known
    if state and zip_state != state:
        return f"ZIP Code {zip5} is in {preferred.upper()} {zip_state}, not in {state}"
    if city and normal_city(city) not in cities:
        return f"ZIP Code {zip5} is {preferred.upper()} {zip_state}; the list says {city!r}"
    return ""
