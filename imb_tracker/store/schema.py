"""The tables, as SQLAlchemy Core objects (one definition serves SQLite and PostgreSQL).

Each table notes the schema version that created it.  Rule for changes: a
table that has shipped is never edited here without a migration in
:mod:`.migrations` that makes the same change to existing databases
(``tests/test_store_migrations.py`` checks the two agree).

All timestamps are naive UTC.  Serials are integers; they are zero-padded
only when the tracking code is built.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

# ---- version 1: mailers, serial numbers, mailings, pieces

mailers = Table(
    "mailers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mid", String(9), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("crid", String(15)),
    Column("default_stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # version 8: a Share Mail MID (USPS assigns one for Share Mail; it may be used on nothing else)
    Column("share_mail", Integer, nullable=False, server_default="0"),
)

# A range of serials handed out in order by one cursor.  workstation '' is the
# shared pool; named pools give workstations separate, non-overlapping ranges.
serial_pools = Table(
    "serial_pools",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # "piece" or "tray"
    Column("workstation", String(64), nullable=False),
    Column("first_serial", BigInteger, nullable=False),
    Column("last_serial", BigInteger, nullable=False),
    Column("next_serial", BigInteger, nullable=False),
    UniqueConstraint("mailer_id", "kind", "workstation", name="uq_serial_pools_mailer_kind_ws"),
)

# Every block of serials ever handed out.  A serial is busy while a block
# holding it was reserved less than the mailer's window ago.
serial_blocks = Table(
    "serial_blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("pool_id", Integer, ForeignKey("serial_pools.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("first_serial", BigInteger, nullable=False),
    Column("last_serial", BigInteger, nullable=False),
    Column("reserved_at", DateTime, nullable=False),
    Column("workstation", String(64), nullable=False),
    Column("purpose", String(200), nullable=False),
    Index("ix_serial_blocks_mailer_kind_time", "mailer_id", "kind", "reserved_at"),
)

mailings = Table(
    "mailings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("name", String(200), nullable=False, unique=True),
    Column("stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("mailed_at", DateTime),
    Column(
        "entry_zip", String(5), nullable=False, default=""
    ),  # v10: where it entered the mail (service standards)
    Column("source_file", String(500), nullable=False),
    Column("piece_count", Integer, nullable=False),
    # version 6: the identity of the database that issued the serials (database_info.database_id)
    Column("database_id", String(32), nullable=False, default=""),
)

pieces = Table(
    "pieces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailing_id", Integer, ForeignKey("mailings.id"), nullable=False),
    Column("serial", BigInteger, nullable=False),
    Column("tracking", String(20), nullable=False),
    Column("routing", String(11), nullable=False),
    Column("name", String(200), nullable=False),
    Column("company", String(200), nullable=False),
    Column("address1", String(200), nullable=False),
    Column("address2", String(200), nullable=False),
    Column("city", String(100), nullable=False),
    Column("state", String(2), nullable=False),
    Column("zip5", String(5), nullable=False),
    Column("zip4", String(4), nullable=False),
    Column("delivery_point", String(2), nullable=False),
    Column("extra", Text, nullable=False),  # JSON object of unmapped columns
    Column("source_row", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # version 7: set when the letter was voided (never mailed); its serial stays reserved
    Column("voided_at", DateTime),
    # version 11: the letters table's sort keys for Status and Last scan, kept here beside the other
    # sortable columns (written with piece_status by store.scans.write_status) so that sorting a
    # million pieces by them is an index range scan, not a join and a sort: "" = not looked up yet
    Column("status_key", String(30), nullable=False, default=""),
    Column("last_scan_key", String(26), nullable=False, default=""),  # YYYY-MM-DD HH:MM:SS.ffffff
    UniqueConstraint("mailing_id", "serial", name="uq_pieces_mailing_serial"),
    Index("ix_pieces_tracking", "tracking"),
)

V1_TABLES = (mailers, serial_pools, serial_blocks, mailings, pieces)

# ---- version 2: scans from USPS and the lookup log

scans = Table(
    "scans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("piece_id", Integer, ForeignKey("pieces.id")),  # NULL: an orphan scan (IMb not in the store)
    Column("imb", String(31), nullable=False),
    Column("scan_time", DateTime, nullable=False),
    Column("scan_time_text", String(40), nullable=False),  # as USPS reported it, with its zone
    Column("op_code", String(10), nullable=False),
    Column("facility_zip", String(10), nullable=False),
    Column("facility_name", String(200), nullable=False),
    Column("machine", String(50), nullable=False),
    Column("source", String(20), nullable=False),  # "api", "file", "feed"
    Column("raw_payload", Text, nullable=False),
    Column("fetched_at", DateTime, nullable=False),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    # version 8: a scan of a reply piece (piece_id stays NULL: a reply's scans never mix with its letter's)
    Column("reply_id", Integer, ForeignKey("replies.id")),
    Index("ix_scans_imb", "imb"),
    Index("ix_scans_piece", "piece_id"),
    Index("ix_scans_reply", "reply_id"),
)

lookups = Table(
    "lookups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("piece_id", Integer, ForeignKey("pieces.id")),
    Column("imb", String(31), nullable=False),
    Column("requested_at", DateTime, nullable=False),
    Column("outcome", String(30), nullable=False),  # "ok", "no_data", "rate_limited", "error", …
    Column("http_status", Integer),
    Column("scan_count", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Index("ix_lookups_piece_time", "piece_id", "requested_at"),
)

V2_TABLES = (scans, lookups)

# ---- version 3: USPS Addresses results, cached so a list is never looked up twice

address_cache = Table(
    "address_cache",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("query_key", String(64), nullable=False, unique=True),  # hash of the normalised query
    Column("zip5", String(5), nullable=False),
    Column("zip4", String(4), nullable=False),
    Column("delivery_point", String(2), nullable=False),
    Column("dpv", String(2), nullable=False),
    Column("raw_payload", Text, nullable=False),
    Column("fetched_at", DateTime, nullable=False),
)

V3_TABLES = (address_cache,)

# ---- version 4: each piece's headline tracking status, kept beside the scans it sums up

# One row per looked-up piece, rewritten in the same transaction that stores its scans, so the
# letters table can filter and sort a million pieces by status in SQL instead of re-reading scans.
piece_status = Table(
    "piece_status",
    metadata,
    Column("piece_id", Integer, ForeignKey("pieces.id"), primary_key=True),
    Column("stage", String(30), nullable=False),  # tracking.status stage key ("origin", "carrier_sort", …)
    Column("words", String(200), nullable=False),
    Column("last_scan_at", DateTime),  # as reported by USPS (facility local time)
    Column("scan_count", Integer, nullable=False),
    Column("looked_up_at", DateTime),
    Column("last_outcome", String(30), nullable=False),  # of the latest lookup: "ok", "not_found", errors
    Column("expected_delivery", String(10), nullable=False, default=""),  # USPS's date, YYYY-MM-DD, if given
    Column("piece_payload", Text, nullable=False, default=""),  # USPS's piece-level JSON (scans stored apart)
    # version 10: the in-home estimate (tracking.estimates), kept so the letters table filters on it
    Column("est_in_home", String(10), nullable=False, default=""),  # YYYY-MM-DD, "" when none
    Column("est_basis", String(20), nullable=False, default=""),  # stop-the-clock, usps-expected, …
    Column("late_after", String(10), nullable=False, default=""),  # late once today is past this day
    # version 11: the letters table's status filter the stage falls under (STAGE_GROUP below)
    Column("stage_group", String(20), nullable=False, default=""),
    Index("ix_piece_status_stage", "stage"),
)

# Version 11: each status filter of the letters table reads one index in piece id order, so a page of
# the newest matches costs the same at a million pieces whether matches are many or few (partial
# indexes hold only the letters a filter can match; their WHERE is repeated literally by store.browse).
IN_THE_MAIL = ("origin", "transit", "destination")
SORTED_FOR_CARRIER = ("carrier_sort", "expected_delivered", "delivery_implied")
#: stage -> the status filter it falls under (piece_status.stage_group); other stages: ""
STAGE_GROUP = {
    "not_seen": "not_seen",
    **dict.fromkeys(IN_THE_MAIL, "in_mail"),
    **dict.fromkeys(SORTED_FOR_CARRIER, "sorted"),
    "forwarding": "forwarding",
}
LOOKUP_ANSWERED = ("ok", "not_found", "no_data", "file")  # a lookup outcome that is not a failure
OPEN_ESTIMATE = "late_after <> ''"  # a letter that can turn late (an estimate, no carrier-sort scan)
LOOKUP_FAILED = "last_outcome NOT IN (" + ", ".join(f"'{o}'" for o in LOOKUP_ANSWERED) + ")"
STATUS_INDEXES = (
    Index("ix_pieces_status", pieces.c.status_key, pieces.c.id),
    Index("ix_pieces_last_scan", pieces.c.last_scan_key, pieces.c.id),
    Index(
        "ix_piece_status_group",
        piece_status.c.stage_group,
        piece_status.c.piece_id,
        piece_status.c.last_scan_at,
    ),
)
#: and two partial indexes, made by ddl.V11_INDEXES only (their WHERE, a dialect option here, would
#: load every SQLAlchemy dialect at start-up): ix_piece_status_open (piece_id, late_after) WHERE
#: OPEN_ESTIMATE, for "late", and ix_piece_status_failed (piece_id) WHERE LOOKUP_FAILED
PARTIAL_STATUS_INDEXES = ("ix_piece_status_open", "ix_piece_status_failed")

V4_TABLES = (piece_status,)

# Added in version 4 for the letters table: keyset pages sorted by any of these stay fast at a million rows
# (SQLite appends the row id to each index, which is the keyset tie-breaker).
LETTERS_INDEXES = (
    Index("ix_pieces_mailing", pieces.c.mailing_id, pieces.c.id),
    Index("ix_pieces_serial", pieces.c.serial, pieces.c.id),
    Index("ix_pieces_name", pieces.c.name, pieces.c.id),
    Index("ix_pieces_city", pieces.c.city, pieces.c.id),
    Index("ix_pieces_state", pieces.c.state, pieces.c.id),
    Index("ix_pieces_zip5", pieces.c.zip5, pieces.c.id),
    Index("ix_pieces_created", pieces.c.created_at, pieces.c.id),
)

# ---- version 6: the database's identity
#: ``database_id``: a random id made with the database, recorded in every mailing and export, so
#: two databases issuing serials for one Mailer ID (a copied file, a mistyped --db) can be told apart
database_info = Table(
    "database_info",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

# ---- version 8: reply mail

#: A reply piece design of one mailer: kind, address, routing, permit, STID, linked or static.
reply_designs = Table(
    "reply_designs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # brm, qbrm, crm, prm, share
    Column("stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("mode", String(10), nullable=False),  # linked or static
    Column("lines", Text, nullable=False),  # JSON list of the reply address lines, last line city/state/ZIP+4
    Column("routing", String(11), nullable=False),  # ZIP+4 or the 11-digit delivery point
    Column("permit", String(20), nullable=False),
    Column("permit_city", String(60), nullable=False),
    Column("fim", String(1), nullable=False),  # A, C, D, E or '' for none
    Column("options", Text, nullable=False),  # JSON: bars, stamp_box, template, imb_position, arrival_zips
    Column("created_at", DateTime, nullable=False),
)

#: A reply IMb: one per outbound piece (linked), or the one IMb of a static design (piece_id NULL).
#: Its tracking status is kept here, rewritten with its scans, like piece_status for letters.
replies = Table(
    "replies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("design_id", Integer, ForeignKey("reply_designs.id"), nullable=False),
    Column("piece_id", Integer, ForeignKey("pieces.id"), unique=True),
    Column("tracking", String(20), nullable=False),
    Column("routing", String(11), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("printed", Integer, nullable=False, default=0),  # reply pieces printed with this IMb
    Column("state", String(20), nullable=False, default="printed"),  # printed, on_its_way, arrived
    Column("scan_count", Integer, nullable=False, default=0),
    Column("responses", Integer, nullable=False, default=0),  # static: pieces seen (counts only)
    Column("first_scan_at", DateTime),
    Column("last_scan_at", DateTime),
    Column("last_facility_zip", String(10), nullable=False, default=""),
    Column("arrived_at", DateTime),
    Column("looked_up_at", DateTime),
    Column("last_outcome", String(30), nullable=False, default=""),
    Index("ix_replies_imb", "tracking", "routing"),
    Index("ix_replies_design", "design_id"),
)

#: Each reply print job: which design, for which mailing, how many pieces (static designs keep counts only).
reply_prints = Table(
    "reply_prints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("design_id", Integer, ForeignKey("reply_designs.id"), nullable=False),
    Column("mailing_id", Integer, ForeignKey("mailings.id"), nullable=False),
    Column("pieces", Integer, nullable=False),
    Column("template", String(40), nullable=False),
    Column("printed_at", DateTime, nullable=False),
)

V8_TABLES = (reply_designs, replies, reply_prints)


#: Trays, sacks and pallets of a mailing, each with its 24-digit IMtb or 99M container barcode.
containers = Table(
    "containers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailing_id", Integer, ForeignKey("mailings.id")),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # tray, sack, pallet
    Column("number", Integer, nullable=False),  # 1, 2, … per mailing and kind, in print order
    Column("serial", BigInteger, nullable=False),
    Column("barcode", String(24), nullable=False),  # 24 digits (tray, sack) or 99M + 18 (pallet)
    Column("zip", String(5), nullable=False, default=""),  # the IMtb's destination ZIP
    Column("cin", String(3), nullable=False, default=""),
    Column("level", String(10), nullable=False, default=""),  # 5d, 3d, mxd, manual; pallet: ""
    Column("line1", String(40), nullable=False, default=""),
    Column("line2", String(40), nullable=False, default=""),
    Column("line3", String(40), nullable=False, default=""),
    Column("parent_id", Integer, ForeignKey("containers.id")),  # the pallet a tray or sack is on
    Column("created_at", DateTime, nullable=False),
    Column("printed_at", DateTime),
    Index("ix_containers_mailing", "mailing_id", "kind", "number"),
    Index("ix_containers_barcode", "barcode"),
    Index("ix_containers_parent", "parent_id"),
)

#: Which tray or sack each piece is in: at most one (the piece id is the key), in tray order.
container_pieces = Table(
    "container_pieces",
    metadata,
    Column("piece_id", Integer, ForeignKey("pieces.id"), primary_key=True),
    Column("container_id", Integer, ForeignKey("containers.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Index("ix_container_pieces_container", "container_id", "position"),
)

#: Handling-unit and container scans from IV data files, stored against the tray or pallet.
container_scans = Table(
    "container_scans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("container_id", Integer, ForeignKey("containers.id"), nullable=False),
    Column("barcode", String(24), nullable=False),
    Column("scan_time", DateTime, nullable=False),
    Column("op_code", String(10), nullable=False, default=""),
    Column("facility_zip", String(10), nullable=False, default=""),
    Column("facility_name", String(120), nullable=False, default=""),
    Column("source", String(20), nullable=False),
    Column("raw_payload", Text, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    UniqueConstraint("container_id", "scan_time", "op_code", "facility_zip", name="uq_container_scans_event"),
)

V9_TABLES = (containers, container_pieces, container_scans)

# ---- version 10: USPS service standards per 3-digit ZIP pair, cached (the API allows 60 calls an hour)
service_standards = Table(
    "service_standards",
    metadata,
    Column("origin3", String(3), primary_key=True),
    Column("dest3", String(3), primary_key=True),
    Column("mail_class", String(40), primary_key=True),
    Column("days", Integer),  # NULL: USPS gave no standard for the pair
    Column("raw_payload", Text, nullable=False),
    Column("fetched_at", DateTime, nullable=False),
)

V10_TABLES = (service_standards,)
