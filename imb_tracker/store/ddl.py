"""The schema as each migration step created it, frozen: what "version N" means on a fresh database.

:mod:`.schema` is the schema as it is now; the migration steps must not create
tables from it, or a later edit there would silently change what an old step
makes (``piece_status`` gained two columns after version 4 shipped, and the
letters table an index, with no migration: databases made in between lacked
them).  So the steps build from these copies, which never change once a
version has shipped; a change to the schema is a new step in
:mod:`.migrations`, and ``tests/test_store_migrations.py`` checks that the
steps together give exactly :mod:`.schema`.
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

FROZEN = MetaData()

schema_version = Table(
    "schema_version",
    FROZEN,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

# ---- version 1: mailers, serial numbers, mailings, pieces

mailers = Table(
    "mailers",
    FROZEN,
    Column("id", Integer, primary_key=True),
    Column("mid", String(9), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("crid", String(15)),
    Column("default_stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# A range of serials handed out in order by one cursor.  workstation '' is the
# shared pool; named pools give workstations separate, non-overlapping ranges.
serial_pools = Table(
    "serial_pools",
    FROZEN,
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
    FROZEN,
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
    FROZEN,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("name", String(200), nullable=False, unique=True),
    Column("stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("mailed_at", DateTime),
    Column("source_file", String(500), nullable=False),
    Column("piece_count", Integer, nullable=False),
)

pieces = Table(
    "pieces",
    FROZEN,
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
    UniqueConstraint("mailing_id", "serial", name="uq_pieces_mailing_serial"),
    Index("ix_pieces_tracking", "tracking"),
)

V1_TABLES = (mailers, serial_pools, serial_blocks, mailings, pieces)

# ---- version 2: scans from USPS and the lookup log

scans = Table(
    "scans",
    FROZEN,
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
    Index("ix_scans_imb", "imb"),
    Index("ix_scans_piece", "piece_id"),
)

lookups = Table(
    "lookups",
    FROZEN,
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
    FROZEN,
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
    FROZEN,
    Column("piece_id", Integer, ForeignKey("pieces.id"), primary_key=True),
    Column("stage", String(30), nullable=False),  # tracking.status stage key ("origin", "carrier_sort", …)
    Column("words", String(200), nullable=False),
    Column("last_scan_at", DateTime),  # as reported by USPS (facility local time)
    Column("scan_count", Integer, nullable=False),
    Column("looked_up_at", DateTime),
    Column("last_outcome", String(30), nullable=False),  # of the latest lookup: "ok", "not_found", errors
    Index("ix_piece_status_stage", "stage"),
)

V4_TABLES = (piece_status,)

# The letters-table indexes as version 4 created them (version 5 added ix_pieces_mailing).
V4_INDEXES = (
    Index("ix_pieces_serial", pieces.c.serial, pieces.c.id),
    Index("ix_pieces_name", pieces.c.name, pieces.c.id),
    Index("ix_pieces_city", pieces.c.city, pieces.c.id),
    Index("ix_pieces_state", pieces.c.state, pieces.c.id),
    Index("ix_pieces_zip5", pieces.c.zip5, pieces.c.id),
    Index("ix_pieces_created", pieces.c.created_at, pieces.c.id),
)

# ---- version 8: reply mail (mailers.share_mail and scans.reply_id are added by ALTER TABLE)

reply_designs = Table(
    "reply_designs",
    FROZEN,
    Column("id", Integer, primary_key=True),
    Column("mailer_id", Integer, ForeignKey("mailers.id"), nullable=False),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("stid", String(3), nullable=False),
    Column("barcode_id", String(2), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("lines", Text, nullable=False),
    Column("routing", String(11), nullable=False),
    Column("permit", String(20), nullable=False),
    Column("permit_city", String(60), nullable=False),
    Column("fim", String(1), nullable=False),
    Column("options", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

replies = Table(
    "replies",
    FROZEN,
    Column("id", Integer, primary_key=True),
    Column("design_id", Integer, ForeignKey("reply_designs.id"), nullable=False),
    Column("piece_id", Integer, ForeignKey("pieces.id"), unique=True),
    Column("tracking", String(20), nullable=False),
    Column("routing", String(11), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("printed", Integer, nullable=False, default=0),
    Column("state", String(20), nullable=False, default="printed"),
    Column("scan_count", Integer, nullable=False, default=0),
    Column("responses", Integer, nullable=False, default=0),
    Column("first_scan_at", DateTime),
    Column("last_scan_at", DateTime),
    Column("last_facility_zip", String(10), nullable=False, default=""),
    Column("arrived_at", DateTime),
    Column("looked_up_at", DateTime),
    Column("last_outcome", String(30), nullable=False, default=""),
    Index("ix_replies_imb", "tracking", "routing"),
    Index("ix_replies_design", "design_id"),
)

reply_prints = Table(
    "reply_prints",
    FROZEN,
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
    FROZEN,
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
    FROZEN,
    Column("piece_id", Integer, ForeignKey("pieces.id"), primary_key=True),
    Column("container_id", Integer, ForeignKey("containers.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Index("ix_container_pieces_container", "container_id", "position"),
)

#: Handling-unit and container scans from IV data files, stored against the tray or pallet.
container_scans = Table(
    "container_scans",
    FROZEN,
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

# ---- version 10
service_standards = Table(
    "service_standards",
    FROZEN,
    Column("origin3", String(3), primary_key=True),
    Column("dest3", String(3), primary_key=True),
    Column("mail_class", String(40), primary_key=True),
    Column("days", Integer),
    Column("raw_payload", Text, nullable=False),
    Column("fetched_at", DateTime, nullable=False),
)

V10_TABLES = (service_standards,)

# ---- version 11 (the columns are added by ALTER TABLE): the letters table's status indexes, as text
# because the frozen tables above predate the columns they cover
V11_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_pieces_status ON pieces (status_key, id)",
    "CREATE INDEX IF NOT EXISTS ix_pieces_last_scan ON pieces (last_scan_key, id)",
    "CREATE INDEX IF NOT EXISTS ix_piece_status_group ON piece_status (stage_group, piece_id, last_scan_at)",
    "CREATE INDEX IF NOT EXISTS ix_piece_status_open ON piece_status (piece_id, late_after) "
    "WHERE late_after <> ''",
    "CREATE INDEX IF NOT EXISTS ix_piece_status_failed ON piece_status (piece_id) "
    "WHERE last_outcome NOT IN ('ok', 'not_found', 'no_data', 'file')",
)
