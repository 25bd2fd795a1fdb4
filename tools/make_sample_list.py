"""Generate resources/sample/demo_list.csv: ~200 fictional recipients with realistic US address shapes.

Names are made up from common given names and surnames; street names are
generic; cities, states and 5-digit ZIP Codes are real places (no person is).
A few rows are deliberately broken so the validation report has something
to show.  Run again only to change the sample; the output is deterministic.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"

FIRST = [
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Taylor",
    "Quinn",
    "Harper",
    "Rowan",
    "Elliot",
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "Michael",
    "Susan",
    "David",
    "Karen",
    "Daniel",
    "Grace",
    "Henry",
    "Olivia",
    "Samuel",
    "Nora",
    "Isaac",
    "Leah",
    "Owen",
    "Ruth",
    "Theo",
]
LAST = [
    "Alder",
    "Birchwood",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairbanks",
    "Greenleaf",
    "Hollis",
    "Ingram",
    "Jessup",
    "Kingsley",
    "Lockhart",
    "Marlow",
    "Northcott",
    "Oakes",
    "Pembrook",
    "Quimby",
    "Rutledge",
    "Sterling",
    "Thornton",
    "Upshaw",
    "Vance",
    "Whitlock",
    "Yardley",
    "Zeller",
]
STREETS = [
    "Maple Ave",
    "Oak St",
    "Cedar Ln",
    "Elm St",
    "Park Blvd",
    "Lakeview Dr",
    "Hillcrest Rd",
    "Main St",
    "Washington St",
    "Sunset Blvd",
    "River Rd",
    "Church St",
    "Highland Ave",
    "Forest Dr",
    "Spring St",
]
COMPANIES = [
    "Blue Heron Books",
    "Cedar Valley Clinic",
    "Harbor Light Foundation",
    "Northside Food Pantry",
    "Summit Legal Aid",
    "Prairie Arts Council",
    "Riverbend Hardware",
    "Golden Oak Dental",
]
PLACES = [
    ("Springfield", "IL", "62704"),
    ("Boston", "MA", "02108"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Seattle", "WA", "98101"),
    ("Madison", "WI", "53703"),
    ("Burlington", "VT", "05401"),
    ("Portland", "OR", "97205"),
    ("Raleigh", "NC", "27601"),
    ("Tucson", "AZ", "85701"),
    ("Omaha", "NE", "68102"),
    ("Providence", "RI", "02903"),
    ("Albany", "NY", "12207"),
    ("Savannah", "GA", "31401"),
    ("Boise", "ID", "83702"),
    ("San Juan", "PR", "00901"),
    ("Anchorage", "AK", "99501"),
    ("Honolulu", "HI", "96813"),
    ("Trenton", "NJ", "08608"),
    ("Concord", "NH", "03301"),
]

HEADER = [
    "First Name",
    "Last Name",
    "Company",
    "Address 1",
    "Address 2",
    "City",
    "State",
    "ZIP",
    "ZIP+4",
    "Delivery Point",
    "Donor ID",
]


def main() -> None:
    rng = random.Random(20261125)
    rows = []
    for i in range(200):
        city, state, zip5 = rng.choice(PLACES)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(COMPANIES) if rng.random() < 0.15 else ""
        address1 = f"{rng.randint(1, 9899)} {rng.choice(STREETS)}"
        address2 = rng.choice(["", "", "", "", f"Apt {rng.randint(1, 40)}", f"Ste {rng.randint(100, 500)}"])
        shape = rng.random()
        zip4 = f"{rng.randint(1, 9999):04d}" if shape < 0.6 else ""
        dp = f"{rng.randint(0, 99):02d}" if shape < 0.35 else ""
        rows.append([first, last, company, address1, address2, city, state, zip5, zip4, dp, f"D{10000 + i}"])
    # Deliberately broken rows for the validation report, spread through the list.
    rows[17][3] = ""  # no street address
    rows[42][6] = "ZZ"  # not a state
    rows[64][5:8] = ["Springfield", "IL", "6270"]  # 4-digit ZIP where no ZIP starts with 0
    rows[88][5] = ""  # no city
    rows[121][7] = "8O202"  # letter O instead of zero
    rows[150][0], rows[150][1], rows[150][2] = "", "", ""  # no name, no company
    # Rows that import with a warning.
    rows[30][5:8] = ["Boston", "MA", "2108"]  # a spreadsheet dropped the leading zero
    rows[99][6] = "Illinois"  # state written out
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
