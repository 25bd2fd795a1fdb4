"""Imports point one way only (architecture.md), and the front ends go through the one door, actions/.

Every rule is a function over (importing module, imported name) pairs, so each
is also tried on a planted bad import below and must catch it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "imb_tracker"

# package → the imb_tracker packages it may import (the ground floor, records and settings, is everyone's)
GROUND = {"records", "settings", "errors", "cells", "imb"}
ALLOWED: dict[str, set[str]] = {
    "imb": {"imb"},
    "records": set(),
    "settings": set(),
    "errors": set(),
    "cells": set(),
    "mail": GROUND | {"mail"},
    "store": GROUND | {"store"},
    "layout": GROUND | {"mail", "layout"},
    "usps": GROUND | {"usps"},
    "tracking": GROUND | {"store", "usps", "tracking"},
    "sandbox": GROUND | {"sandbox"},
    "actions": GROUND | {"app", "mail", "store", "layout", "usps", "tracking", "sandbox", "actions"},
}
#: third-party packages each layer may import (anything else is a planted or accidental dependency)
THIRD_PARTY: dict[str, set[str]] = {
    "imb": set(),
    "records": set(),
    "settings": set(),
    "errors": set(),
    "cells": set(),
    "mail": {"openpyxl", "anyascii", "zipcodes"},  # zipcodes: the ZIP check and the map centroids
    "store": {"sqlalchemy", "psycopg"},
    "layout": {"reportlab", "PIL", "anyascii"},
    "usps": {"httpx", "keyring"},
    "tracking": {"holidays"},  # its queries live in store; holidays: the delivery-day calendar
    "sandbox": set(),
    "actions": {"openpyxl"},
    "app": {"platformdirs"},
    "commands": set(),
    "cli": set(),
    "gui": {"PySide6", "shiboken6", "pypdfium2"},
}
SERVICES = {"mail", "store", "layout", "usps", "tracking"}
FRONT_ENDS = {"gui", "commands", "cli"}
#: front ends may also run the stand-in itself (``imb-tracker sandbox``)
FRONT_END_EXTRA = {"sandbox"}


def imports_of(path: Path, root: Path = PKG) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                rel = path.relative_to(root.parent).with_suffix("").parts
                base = list(rel[: len(rel) - node.level])
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, [a.name for a in node.names], node.lineno))
    return found


def package_of(path: Path, root: Path = PKG) -> str:
    rel = path.relative_to(root).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def is_type_name(name: str) -> bool:
    """A class (a type or an error class) by the naming rule: CapWords, not an ALL_CAPS constant."""
    return name[:1].isupper() and not name.isupper()


def violation(pkg: str, module: str, names: list[str]) -> str | None:
    """Why ``module`` (with ``names``) may not be imported by package ``pkg``, or None when it may."""
    top = module.split(".", maxsplit=1)[0]
    if top == "__future__" or top in sys.stdlib_module_names:
        return None
    if top != "imb_tracker":
        if top in THIRD_PARTY.get(pkg, set()):
            return None
        return f"{pkg} may not import the third-party package {top}"
    parts = module.split(".")
    target = parts[1] if len(parts) > 1 else ""
    if not target:
        return None if names == ["__version__"] else f"{pkg} imports the package root"
    if pkg in ALLOWED:
        return None if target in ALLOWED[pkg] else f"{pkg} may not import imb_tracker.{target}"
    if pkg in FRONT_ENDS:
        if target in SERVICES:
            bad = [n for n in names if not is_type_name(n)] or (["(module)"] if not names else [])
            if bad:
                return f"front end {pkg} imports {', '.join(bad)} from {module}: call actions/ instead"
        if target == "gui" and pkg != "gui":
            return None if pkg == "cli" else f"{pkg} may not import the window"
        return None
    return None


def all_violations(root: Path = PKG) -> list[str]:
    out = []
    for path in root.rglob("*.py"):
        pkg = package_of(path, root)
        for module, names, line in imports_of(path, root):
            why = violation(pkg, module, names)
            if why:
                out.append(f"{path.relative_to(root)}:{line}: {why}")
    return out


def test_the_packages_respect_the_layers() -> None:
    assert all_violations() == []


def test_cli_does_not_import_gui_at_module_level() -> None:
    tree = ast.parse((PKG / "cli.py").read_text(encoding="utf-8"))
    for node in tree.body:  # top-level statements only; the GUI is imported lazily inside a function
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("imb_tracker.gui")
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith(("imb_tracker.gui", "PySide6")) for a in node.names)


PLANTED = [
    ("store/bad.py", "from imb_tracker.app import app_paths\n"),
    ("store/bad.py", "from imb_tracker.commands.common import open_db\n"),
    ("store/bad.py", "import imb_tracker.cli\n"),
    ("store/bad.py", "from imb_tracker.gui.context import AppContext\n"),
    ("store/bad.py", "import httpx\n"),
    ("store/bad.py", "from PySide6.QtCore import QObject\n"),
    ("imb/bad.py", "import reportlab\n"),
    ("usps/bad.py", "from imb_tracker.store import open_database\n"),
    ("layout/bad.py", "import sqlalchemy\n"),
    ("tracking/bad.py", "from sqlalchemy.orm import Session\n"),
    ("actions/bad.py", "from sqlalchemy import select\n"),
    ("gui/bad.py", "import sqlalchemy\n"),
    ("gui/bad.py", "from imb_tracker.store.mailings import create_mailing\n"),
    ("gui/bad.py", "from imb_tracker.tracking.refresh import refresh\n"),
    ("gui/bad.py", "from imb_tracker.usps.http import hosts\n"),
    ("commands/bad.py", "from imb_tracker.layout.envelopes import render_envelopes\n"),
    ("commands/bad.py", "from imb_tracker.usps.credentials import load_iv\n"),
    ("commands/bad.py", "from imb_tracker.store.browse import STATUS_FILTERS\n"),
    ("commands/bad.py", "import imb_tracker.store.mailings\n"),
    ("commands/bad.py", "from imb_tracker.gui.launch import run_gui\n"),
    ("records.py", "from imb_tracker.mail import AddressRecord\n"),
]


@pytest.mark.parametrize(("where", "code"), PLANTED)
def test_each_planted_violation_is_caught(tmp_path: Path, where: str, code: str) -> None:
    """A package holding one bad import fails the check: the checker proves itself on each rule."""
    root = tmp_path / "imb_tracker"
    bad = root / where
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(code, encoding="utf-8")
    assert all_violations(root), f"{where}: {code!r} was not caught"


def test_types_and_error_classes_may_cross(tmp_path: Path) -> None:
    root = tmp_path / "imb_tracker"
    ok = root / "gui" / "ok.py"
    ok.parent.mkdir(parents=True)
    ok.write_text(
        "from imb_tracker.store.errors import StoreError\nfrom imb_tracker.usps.iv import IvClient\n"
        "from imb_tracker.actions.refresh import run_refresh\nimport PySide6.QtCore\n",
        encoding="utf-8",
    )
    assert all_violations(root) == []
