"""Imports point one way only (see architecture.md): the core is pure, services never import Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "imb_tracker"

# package → top-level imb_tracker sub-packages it may import
ALLOWED: dict[str, set[str]] = {
    "imb": {"imb"},
    "mail": {"imb", "mail"},
    "store": {"imb", "store"},
    "layout": {"imb", "mail", "layout"},
    "usps": {"imb", "usps"},
    "tracking": {"imb", "store", "usps", "tracking"},
    "sandbox": {"imb", "sandbox"},
    # the user's jobs, called by both front ends: any service, never Qt or a front end
    "actions": {"imb", "mail", "store", "layout", "usps", "tracking", "sandbox", "actions"},
}
SERVICES = {"mail", "store", "layout", "usps", "tracking", "sandbox", "actions"}
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}


def imports_of(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the file's package
                rel = path.relative_to(PKG.parent).with_suffix("").parts
                base = list(rel[: len(rel) - node.level])
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
    return found


def package_of(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def test_core_imports_only_the_standard_library() -> None:
    for path in (PKG / "imb").rglob("*.py"):
        for name, line in imports_of(path):
            top = name.split(".")[0]
            if top == "imb_tracker":
                assert name.split(".")[1] == "imb", f"{path}:{line} imports {name}"
            else:
                assert top in sys.stdlib_module_names or top == "__future__", f"{path}:{line} imports {name}"


def test_services_respect_the_layers_and_never_import_qt() -> None:
    for path in PKG.rglob("*.py"):
        pkg = package_of(path)
        if pkg not in ALLOWED or pkg == "imb":
            continue
        for name, line in imports_of(path):
            top = name.split(".")[0]
            assert top not in QT, f"{path}:{line}: service imports Qt ({name})"
            if top == "imb_tracker" and "." in name:
                target = name.split(".")[1]
                assert target in ALLOWED[pkg] or target not in ALLOWED | {"gui": set(), "cli": set()}, (
                    f"{path}:{line}: {pkg} may not import {name}"
                )


def test_cli_does_not_import_gui_at_module_level() -> None:
    tree = ast.parse((PKG / "cli.py").read_text(encoding="utf-8"))
    for node in tree.body:  # top-level statements only; the GUI is imported lazily inside a function
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("imb_tracker.gui")
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith(("imb_tracker.gui", "PySide6")) for a in node.names)


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import PySide6.QtCore\nfrom httpx import Client\n", encoding="utf-8")
    tops = {name.split(".")[0] for name, _ in imports_of(bad)}
    assert tops == {"PySide6", "httpx"}
    assert not tops <= set(sys.stdlib_module_names)
