"""The package as users get it: a built wheel holds every module and the resources."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "imb_tracker").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_runtime_dependencies_are_the_lean_qt_wheels() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    deps = " ".join(config["project"]["dependencies"])
    assert "PySide6-Essentials" in deps
    assert "PySide6>" not in deps and "PySide6-Addons" not in deps


@pytest.mark.slow
def test_wheel_contains_modules_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("imb_tracker-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "imb_tracker/resources/stid.csv",
        "imb_tracker/resources/sample/demo_payloads.txt",
        "imb_tracker/imb/codec.py",
        "imb_tracker/gui/main_window.py",
        "imb_tracker/cli.py",
    ):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "imb-tracker = imb_tracker.cli:main" in text
