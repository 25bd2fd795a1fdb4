"""Shared test set-up: Qt runs offscreen unless IMB_TRACKER_SHOW_GUI=1, vectors from tests/data."""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

if not os.environ.get("IMB_TRACKER_SHOW_GUI"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
# never the user's own config, data and log folders, also for fixtures made before any test runs
# (each test then gets folders of its own, see _own_app_folders)
_SUITE_HOME = tempfile.mkdtemp(prefix="imb-tracker-tests-")
os.environ["IMB_TRACKER_HOME"] = _SUITE_HOME
atexit.register(shutil.rmtree, _SUITE_HOME, ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "data" / "vectors"
SHARED_VECTORS = REPO.parent / "shared" / "vectors"


@pytest.fixture(autouse=True)
def _own_app_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own config, data and log folders, never the user's own.

    A command run with only ``--db`` still notes its database in the config folder's
    known-databases list and logs to the log folder: without this the suite filled the real
    list with hundreds of temporary databases, and each later command read them all.
    """
    monkeypatch.setenv("IMB_TRACKER_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    return VECTORS


def read_usps_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The USPS encoder reference set: lines end CR CR LF, so split bytes on LF and strip CRs."""
    rows = []
    for raw in (VECTORS / "usps_encoder_testcases.csv").read_bytes().split(b"\n"):
        line = raw.rstrip(b"\r").decode("ascii")
        if line:
            rid, tracking, routing, bars, code, message = line.split(",", 5)
            rows.append((rid, tracking, routing, bars, code, message))
    return rows


def read_small_vectors(name: str) -> list[dict[str, str]]:
    import csv

    with open(VECTORS / name, newline="", encoding="ascii") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- databases


_db_counter = count(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server on 127.0.0.1 for this test session (skipped when not installed).

    CI installs Debian's postgresql package, so there these tests always run.
    """
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (Debian package postgresql)")
    import tempfile

    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="imb-pg-"))
    data = base / "data"
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)  # noqa: E731
    run(f"{bindir}/initdb", "-D", str(data), "-A", "trust", "-U", "imb", "--no-sync")
    run(
        f"{bindir}/pg_ctl",
        "-D",
        str(data),
        "-l",
        str(base / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
        "start",
    )
    try:
        yield f"postgresql+psycopg://imb@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, f"{bindir}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def new_postgres_database(server: str) -> str:
    """A fresh, empty database on the test server."""
    import psycopg

    name = f"imb_test_{os.getpid()}_{next(_db_counter)}"
    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return new_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "imb.db"
