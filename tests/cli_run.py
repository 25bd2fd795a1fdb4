"""Running ``imb-tracker`` as users' scripts do (a subprocess with its own home), for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "demo_list.csv"


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """One command, with ``IMB_TRACKER_HOME`` set to ``home``; never raises on a failing command."""
    env = {**os.environ, "IMB_TRACKER_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "imb_tracker", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def sample_mailing(tmp_path: Path, name: str = "Spring") -> tuple[Path, str]:
    """A home and a database with Mailer ID 123456 and the sample list imported as ``name`` (194 pieces)."""
    home, db = tmp_path / "home", str(tmp_path / "cli.db")
    made = cli("mailer", "add", "--db", db, "--mid", "123456", "--name", "Acme", home=home)
    assert made.returncode == 0, made.stderr
    imported = cli("import", str(SAMPLE), "--db", db, "--mailer", "123456", "--name", name, home=home)
    assert imported.returncode == 0, imported.stderr
    return home, db
