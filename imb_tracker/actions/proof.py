"""Proof-of-mailing records through the one door: one letter (by serial or IMb) or a whole mailing,
as a PDF for a case file or a static HTML page to email (``imb-tracker proof``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from imb_tracker.layout.proof import ProofEntry, ProofScan, render_proof_html, render_proof_pdf
from imb_tracker.store.engine import Database, utcnow
from imb_tracker.store.mailings import iter_pieces
from imb_tracker.store.scans import scans_for

from .errors import ActionError
from .lookup import resolve, timeline
from .printing import check_output


def payload_fingerprint(db: Database, imb: str) -> tuple[str, int]:
    """SHA-256 of the stored raw USPS payloads of ``imb`` (oldest first, joined by new lines), and how many."""
    payloads = [str(r["raw_payload"]) for r in scans_for(db, imb)]
    return hashlib.sha256("\n".join(payloads).encode("utf-8")).hexdigest(), len(payloads)


def proof_entry(db: Database, imb: str, now: datetime, stalled_days: int = 3) -> ProofEntry:
    """One letter's record from what is stored (no USPS request)."""
    t = timeline(db, imb, now, stalled_days)
    p = t.piece or {}
    est = t.estimate
    when = (
        f"{est.in_home:%Y-%m-%d} (estimated; basis: {est.basis}: {est.detail})"
        if est and est.in_home
        else est.detail
        if est
        else "no estimate: not in this database"
    )
    if t.late:
        when += "; late: more than a delivery day past the estimate with no carrier-sort scan"
    digest, count = payload_fingerprint(db, imb)
    last = t.lookups[-1] if t.lookups else None
    recipient = tuple(
        line
        for line in (
            str(p.get("name") or ""),
            str(p.get("company") or ""),
            " ".join(str(p.get(k) or "") for k in ("address1", "address2")).strip(),
            f"{p.get('city', '')} {p.get('state', '')} {p.get('zip5', '')}".strip(),
        )
        if line
    )
    tracking = imb[:20]
    mid = tracking[5:14] if tracking[5:6] == "9" else tracking[5:11]
    return ProofEntry(
        recipient=recipient or ("(not in this database)",),
        imb=imb,
        bars=t.bars or "",
        serial=tracking[5 + len(mid) :],
        mailer=str(p.get("mailer_name") or p.get("mailer") or ""),
        mid=mid,
        mailing=str(p.get("mailing") or ""),
        mailed=f"{t.mailed_at:%Y-%m-%d}" if t.mailed_at else "not recorded",
        status=t.status,
        scans=tuple(
            ProofScan(v.when_text, v.facility, v.words + (" (implied)" if v.implied else "")) for v in t.scans
        ),
        estimate=when,
        last_lookup=(
            f"{last.requested_at:%Y-%m-%d %H:%M} UTC ({last.outcome})"
            if last
            else "never (stored history only)"
        ),
        payload_sha256=digest,
        payload_count=count,
    )


def write_proof(
    db: Database,
    out: Path,
    *,
    key: str | None = None,
    mailing: str | None = None,
    mailer: str | None = None,
    now: datetime | None = None,
    stalled_days: int = 3,
) -> int:
    """Write the record of one letter (``key``: a serial or IMb) or of a mailing to ``out`` (.pdf or .html)."""
    kind = out.suffix.lower()
    if kind not in (".pdf", ".html", ".htm"):
        raise ActionError(f"{out.name}: a proof is a .pdf or an .html file; name it so")
    if (key is None) == (mailing is None):
        raise ActionError("give one letter (a serial or an IMb) or one mailing")
    check_output(out)
    now = now or utcnow()
    if mailing is not None:
        imbs = [p.imb for p in iter_pieces(db, mailing)]
        title = f"Proof of mailing: {mailing}"
    else:
        imb, _piece = resolve(db, str(key), mailer)
        imbs = [imb]
        title = f"Proof of mailing: {imb}"
    entries = [proof_entry(db, imb, now, stalled_days) for imb in imbs]
    if kind == ".pdf":
        render_proof_pdf(entries, out, now)
    else:
        out.write_text(render_proof_html(entries, title, now), encoding="utf-8")
    return len(entries)
