"""Setting up a Mailer ID, the same in ``imb-tracker mailer add`` and the first-start wizard."""

from __future__ import annotations

from dataclasses import dataclass, field

from imb_tracker.app import AppPaths
from imb_tracker.imb import stid_table
from imb_tracker.store.engine import Database
from imb_tracker.store.mailers import DEFAULT_WINDOW_DAYS, Mailer, add_mailer, list_mailers, update_mailer

from .known_databases import note, same_mid_warning

__all__ = ["AddedMailer", "add", "set_up"]


@dataclass(frozen=True)
class AddedMailer:
    mailer: Mailer
    #: what the user should read: the same MID in another database, an STID with a caveat
    warnings: list[str] = field(default_factory=list)


def add(
    db: Database,
    mid: str,
    name: str,
    *,
    paths: AppPaths | None = None,
    crid: str | None = None,
    stid: str | None = None,
    barcode_id: str | None = None,
    serial_range: str | None = None,
    window_days: int | None = None,
    share_mail: bool = False,
) -> AddedMailer:
    """Add the Mailer ID with its serial range; warn when another known database holds it too."""
    mailer = add_mailer(
        db,
        mid,
        name,
        crid=crid,
        stid=stid or "270",
        barcode_id=barcode_id or "00",
        serial_range=serial_range,
        window_days=window_days if window_days is not None else DEFAULT_WINDOW_DAYS,
        share_mail=share_mail,
    )
    warnings = []
    if paths is not None:
        clash = same_mid_warning(paths, db.display_name(), mailer.mid, db.identity())
        if clash:
            warnings.append(clash)
        note(paths, db)
    warnings.extend(stid_table().warnings(mailer.default_stid))
    return AddedMailer(mailer, warnings)


def set_up(
    db: Database,
    mid: str,
    name: str,
    *,
    paths: AppPaths | None = None,
    crid: str | None = None,
    stid: str | None = None,
    serial_range: str | None = None,
    window_days: int | None = None,
) -> AddedMailer:
    """The first-start wizard's mailer: added, or — when it is there already — brought to what was typed.

    So the mailer is exactly what the wizard's Ready page showed, also when the wizard runs again.
    """
    existing = next((m for m in list_mailers(db) if m.mid == mid.strip()), None)
    if existing is None:
        return add(
            db,
            mid,
            name,
            paths=paths,
            crid=crid,
            stid=stid,
            serial_range=serial_range,
            window_days=window_days,
        )
    mailer = update_mailer(
        db,
        existing.mid,
        name=name,
        crid=crid or None,
        stid=stid,
        window_days=window_days,
        serial_range=serial_range,
    )
    return AddedMailer(mailer, stid_table().warnings(mailer.default_stid))
