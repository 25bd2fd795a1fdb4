"""refresh --watch: rounds of refresh through the stand-in, a line when letters turn late or stalled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from imb_tracker.actions.backend import open_workspace
from imb_tracker.actions.errors import ActionError
from imb_tracker.actions.mailings import mark_mailed
from imb_tracker.actions.refresh import RefreshPolicy
from imb_tracker.actions.watch import parse_every, watch
from imb_tracker.app import app_paths
from imb_tracker.records import AddressRecord
from imb_tracker.settings import Settings
from imb_tracker.store.mailers import add_mailer
from imb_tracker.store.mailings import create_mailing


def test_every_is_parsed_and_refused_in_words() -> None:
    assert parse_every("6h") == timedelta(hours=6)
    assert parse_every("1h30m") == timedelta(minutes=90)
    assert parse_every("1d") == timedelta(days=1)
    for bad in ("5m", "6", "soon", "", "1w"):
        with pytest.raises(ActionError, match="--watch"):
            parse_every(bad)


def test_watch_says_once_when_letters_turn_late_or_stalled(tmp_path: Path) -> None:
    space = open_workspace(
        app_paths(tmp_path / "home"),
        Settings(configured=True, usps_env="demo"),
        db_url=str(tmp_path / "w.db"),
        mode="demo",
    )
    db, backend = space.db, space.backend
    try:
        add_mailer(db, "123456", "Demo", stid="270")
        rows = [
            AddressRecord(i + 2, f"P{i}", "", f"{i} Elm St", "", "Boise", "ID", "83702", "")
            for i in range(60)
        ]
        create_mailing(db, "123456", "Appeal", rows)
        mark_mailed(db, "Appeal", backend=backend)
        lines: list[str] = []
        policy = RefreshPolicy(quota_per_minute=100_000, min_interval=timedelta(hours=1))
        ran = watch(
            db,
            backend,
            policy,
            timedelta(hours=6),
            lines.append,
            stalled_days=3,
            rounds=10,
            wait=lambda _s: backend.advance_demo(1),
        )
        assert ran == 10
        refreshes = [line for line in lines if "looked up" in line or "nothing to look up" in line]
        flags = [line for line in lines if " from Appeal " in line]
        assert len(refreshes) == 10
        assert any(line.endswith("stalled (no new scan)") for line in flags), lines
        assert any(line.endswith(" late") for line in flags), lines
        said_late = [
            int(line.split()[2]) for line in flags if line.endswith(" late")
        ]  # "<date> <time> N letter(s)"
        assert sum(said_late) <= 60  # each letter is said late once, not again every round
    finally:
        space.close()
