"""Reply mail rules: the kinds, their service type IDs, their FIM, and what the routing must be.

Facts from ``shared/reference/reply-mail.md`` §1.1-1.3 and ``imb-spec.md`` §6.3:

* BRM is entered as single-piece, so the barcode ID is always ``00``;
* BRM (and QBRM) carry the 9-digit ZIP+4 assigned to the permit: "delivery
  point barcodes are not permitted on reply pieces"; CRM carries the 11-digit
  delivery point;
* each kind has an IV "by MID" STID (seen by the owner of the MID in the
  barcode) and a "by ZIP" one (seen, as far as the sources go, by whoever IV
  entitles to the routing ZIP+4), each with an untracked twin;
* Share Mail uses 733 (a unique IMb per piece) or 734 (one static IMb), only
  with the Share Mail MID USPS assigns, and that MID only on Share Mail.

The checks raise :class:`FieldError` naming the field and the fix, like every
other refusal of the core.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FieldError

KINDS = ("brm", "qbrm", "crm", "prm", "share")
MODES = ("linked", "static")
#: which tracing the reply's STID asks IV for
BY_MID, BY_ZIP, UNTRACKED = "mid", "zip", "none"


@dataclass(frozen=True)
class ReplyKind:
    """One reply product: its name, STIDs (IV by MID, IV by ZIP, and their untracked twins), FIM, routing."""

    key: str
    name: str
    by_mid: str
    by_zip: str
    untracked: tuple[str, ...]
    fim: str
    routing_lengths: tuple[int, ...]
    needs_permit: bool
    postage: str  # who pays, in words (for the editor and the docs)

    @property
    def stids(self) -> tuple[str, ...]:
        return (self.by_mid, self.by_zip, *self.untracked)


REPLY_KINDS: dict[str, ReplyKind] = {
    "brm": ReplyKind(
        "brm",
        "Business Reply Mail",
        "032",
        "052",
        ("072", "708"),
        "C",
        (9,),
        True,
        "you pay postage and a per-piece fee for each reply that comes back",
    ),
    "qbrm": ReplyKind(
        "qbrm",
        "Qualified Business Reply Mail",
        "032",
        "052",
        ("072", "708"),
        "C",
        (9,),
        True,
        "you pay a reduced QBRM price and fees for each reply; one ZIP+4 per postage category",
    ),
    "crm": ReplyKind(
        "crm",
        "Courtesy Reply Mail",
        "030",
        "050",
        ("070", "703"),
        "A",
        (11,),
        False,
        "the person replying puts on a stamp; no fees",
    ),
    "prm": ReplyKind(
        "prm",
        "First-Class Permit Reply Mail",
        "031",
        "051",
        ("071", "701"),
        "A",  # UNCONFIRMED: no source names PRM's FIM; A is the prepaid (meter) reply pattern
        (9, 11),
        True,
        "postage is paid in advance under your permit imprint",
    ),
    "share": ReplyKind(
        "share",
        "Share Mail",
        "733",  # unique IMb per piece (linked)
        "734",  # static IMb (the "by ZIP" slot holds the static code: Share Mail has no by-ZIP STID)
        (),
        "E",  # UNCONFIRMED: Publication 600 names no FIM; E is "customized mail with an IMb"
        (9, 11),
        False,
        "your Share Mail account pays, counted by the IMb; letters and cards up to 1 oz",
    ),
}

#: FIM patterns, bar (1) or no bar (0) at each of the nine positions, left to right (reply-mail.md §1.3)
FIM_PATTERNS = {
    "A": "110010011",
    "B": "101101101",
    "C": "110101011",
    "D": "111010111",
    "E": "101000101",
}


def reply_kind(kind: str) -> ReplyKind:
    key = kind.strip().lower()
    if key not in REPLY_KINDS:
        raise FieldError("kind", kind, f"there is no reply kind {kind!r}", "use one of " + ", ".join(KINDS))
    return REPLY_KINDS[key]


def default_stid(kind: str, mode: str = "linked", by: str = BY_MID) -> str:
    """The STID a new design gets: IV "by MID" unless asked for "by ZIP"; Share Mail by its mode."""
    k = reply_kind(kind)
    if k.key == "share":
        return "734" if mode == "static" else "733"
    return k.by_zip if by == BY_ZIP else k.by_mid


def tracing(kind: str, stid: str) -> str:
    """Which IV tracing a reply STID asks for: :data:`BY_MID`, :data:`BY_ZIP` or :data:`UNTRACKED`."""
    k = reply_kind(kind)
    if k.key == "share" or stid == k.by_mid:
        return BY_MID
    if stid == k.by_zip:
        return BY_ZIP
    return UNTRACKED


def visibility(kind: str, stid: str) -> str:
    """Who IV will show this reply's scans to, in words (the editor and ``reply list`` say it)."""
    how = tracing(kind, stid)
    if how == BY_MID:
        return "IV shows the scans to the owner of the Mailer ID in the barcode (you)"
    if how == BY_ZIP:
        return (
            "IV shows the scans to whoever IV entitles to the reply ZIP+4 (by routing code); ask the IV-MTR "
            "help desk to add the ZIP+4 to your account, or the lookups will find nothing"
        )
    return "this STID asks for no IV tracking: USPS will not report scans of these replies"


def check_design(
    kind: str,
    stid: str,
    routing: str,
    *,
    mode: str = "linked",
    barcode_id: str = "00",
    share_mailer: bool = False,
    permit: str = "",
    permit_city: str = "",
    fim: str | None = None,
) -> None:
    """Refuse what the reference rules forbid for a reply design (the first problem, with its fix)."""
    k = reply_kind(kind)
    if mode not in MODES:
        raise FieldError(
            "mode", mode, f"a reply design is linked or static, not {mode!r}", "use linked or static"
        )
    if barcode_id != "00":
        raise FieldError(
            "barcode_id",
            barcode_id,
            f"reply mail is entered as single-piece, so its barcode ID is always 00 (got {barcode_id!r})",
            "leave the barcode ID at 00",
        )
    if not (len(stid) == 3 and stid.isdigit()):
        raise FieldError("stid", stid, "a service type ID is 3 digits", f"e.g. {default_stid(k.key, mode)}")
    if k.key == "share":
        if not share_mailer:
            raise FieldError(
                "stid",
                stid,
                "Share Mail needs the Share Mail Mailer ID USPS assigned for it",
                "mark that mailer with 'imb-tracker mailer update --mid MID --share-mail' (or add it with "
                "--share-mail), and make the design under it",
            )
        if stid not in k.stids:
            raise FieldError("stid", stid, f"Share Mail uses STID 733 or 734, not {stid}", "leave --stid out")
        wanted = "734" if mode == "static" else "733"
        if stid != wanted:
            raise FieldError(
                "stid",
                stid,
                f"STID {stid} is Share Mail with a {'unique' if stid == '733' else 'static'} IMb, but the design "
                f"is {mode}",
                f"use {wanted} for a {mode} design (or leave --stid out)",
            )
    else:
        if share_mailer:
            raise FieldError(
                "mailer",
                "",
                "a Share Mail Mailer ID may be used only on Share Mail pieces",
                f"make the {k.name} design under your own Mailer ID",
            )
        if stid in ("733", "734"):
            raise FieldError(
                "stid", stid, f"STID {stid} is Share Mail", f"use kind share, or {k.by_mid} for {k.name}"
            )
        if stid not in k.stids:
            raise FieldError(
                "stid",
                stid,
                f"STID {stid} is not a {k.name} code",
                f"use {k.by_mid} (IV, by MID: the default), {k.by_zip} (IV, by ZIP) or, untracked, "
                + " / ".join(k.untracked),
            )
    if not routing.isdigit() or len(routing) not in (5, 9, 11):
        raise FieldError(
            "zip",
            routing,
            "the reply routing is a ZIP+4 (9 digits) or an 11-digit delivery point",
            "give it as 12345-6789 or 12345678901",
        )
    if len(routing) not in k.routing_lengths:
        if k.key in ("brm", "qbrm") and len(routing) == 11:
            raise FieldError(
                "zip",
                routing,
                "delivery point barcodes are not permitted on Business Reply Mail",
                "give the 9-digit ZIP+4 assigned to the BRM permit",
            )
        if k.key == "crm" and len(routing) == 9:
            raise FieldError(
                "zip",
                routing,
                "Courtesy Reply Mail carries the 11-digit delivery point, not a 9-digit ZIP+4",
                "add the 2-digit delivery point (e.g. the last two digits of the street number or PO Box)",
            )
        raise FieldError(
            "zip",
            routing,
            f"{k.name} needs a routing of " + " or ".join(f"{n} digits" for n in k.routing_lengths),
            "give the ZIP+4 (and delivery point) of the reply address",
        )
    if k.needs_permit:
        if not permit.strip():
            raise FieldError("permit", permit, f"{k.name} needs the permit number", "add --permit N")
        if not permit.strip().isdigit() or len(permit.strip()) > 10:
            raise FieldError("permit", permit, "a permit number is up to 10 digits", "e.g. --permit 1234")
        parts = permit_city.split()
        if len(parts) < 2 or len(parts[-1]) != 2 or not parts[-1].isalpha():
            raise FieldError(
                "permit_city",
                permit_city,
                "the permit line needs the permit's city and 2-letter state",
                'e.g. --permit-city "SPRINGFIELD IL"',
            )
    if fim is not None and fim not in FIM_PATTERNS and fim != "":
        raise FieldError("fim", fim, f"there is no FIM {fim!r}", "use A, C, D, E, or none")
    if fim == "B":
        raise FieldError(
            "fim",
            fim,
            "FIM B (BRM without a barcode) has not been used since May 2011",
            "use FIM C with the IMb",
        )


@dataclass(frozen=True)
class FimBar:
    """One FIM bar in inches from the bottom-left of the piece."""

    x: float
    y: float
    width: float
    height: float


FIM_PITCH = 1 / 16
FIM_BAR_WIDTH = 1 / 32
FIM_BAR_HEIGHT = 5 / 8
FIM_RIGHT = 2.0  # the rightmost bar's right edge, from the piece's right edge
FIM_ZONE = (3.0, 1.75, 5 / 8)  # clear zone: left and right edges from the right edge, height from the top


def fim_bars(pattern: str, width: float, height: float) -> list[FimBar]:
    """The bars of a FIM on a piece ``width`` × ``height`` in: bar 9's right edge 2 in from the right edge.

    Position *i* (1-based) has its right edge at 2 + (9 − i)/16 in from the right edge; the bars run
    from the top edge down 5/8 in, so their bottoms touch the bottom of the FIM clear zone.
    """
    bits = FIM_PATTERNS[pattern]
    out = []
    for i, bit in enumerate(bits):
        if bit != "1":
            continue
        right = width - FIM_RIGHT - (8 - i) * FIM_PITCH
        out.append(FimBar(right - FIM_BAR_WIDTH, height - FIM_BAR_HEIGHT, FIM_BAR_WIDTH, FIM_BAR_HEIGHT))
    return out
