"""The installers' own files: desktop entry, AppStream metainfo, icons, and the tarball's install.sh.

The full build, .deb install and use of the installed app run in CI (installer/ci-check.sh);
these checks are quick and catch a broken template or script before that.
"""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from imb_tracker.gui.launch import APP_ID

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "installer" / "linux"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_desktop_entry_names_the_program_and_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "IMb Tracker"
    assert (
        desktop["Exec"] == "@EXEC@" and desktop["TryExec"] == "@EXEC@"
    )  # filled in by build.sh / install.sh
    assert desktop["Icon"] == "imb-tracker" and desktop["Terminal"] == "false"
    assert desktop["Categories"].endswith(";") and "Office" in desktop["Categories"]


def test_metainfo_matches_the_desktop_entry() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == "imb-tracker"
    assert root.findtext("project_license") == "MIT"
    assert root.find("releases/release").get("version") == "@VERSION@"  # type: ignore[union-attr]


def test_the_spec_and_the_window_use_the_same_app_id() -> None:
    assert f'APP_ID = "{APP_ID}"' in (ROOT / "installer" / "imb-tracker.spec").read_text(encoding="utf-8")
    assert APP_ID in (ROOT / "installer" / "build.sh").read_text(encoding="utf-8")


def test_icons_exist_at_every_hicolor_size() -> None:
    for size in SIZES:
        assert png_size(ICONS / f"imb-tracker-{size}.png") == (size, size)
    assert ET.parse(ICONS / "imb-tracker.svg").getroot().get("viewBox") == "0 0 256 256"
    assert (ICONS / "imb-tracker.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ICONS / "imb-tracker.icns").read_bytes()[:4] == b"icns"


def fake_tarball(tmp_path: Path) -> Path:
    """The tarball's layout (as build.sh makes it) with a tiny stand-in for the frozen program."""
    top = tmp_path / "imb-tracker-0.0.0-linux-x86_64"
    program = top / "imb-tracker" / "imb-tracker"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\necho 'imb-tracker 0.0.0'\n", encoding="utf-8")
    program.chmod(0o755)
    share = top / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo")
    for size in (16, 256):
        icon_dir = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icon_dir.mkdir(parents=True)
        shutil.copy(ICONS / f"imb-tracker-{size}.png", icon_dir / "imb-tracker.png")
    shutil.copy(LINUX / "install.sh", top / "install.sh")
    return top


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_sh_installs_into_a_prefix_and_uninstalls(tmp_path: Path) -> None:
    top = fake_tarball(tmp_path)
    prefix = tmp_path / "prefix"
    env = dict(os.environ, PATH="/usr/bin:/bin")
    done = subprocess.run(
        ["sh", str(top / "install.sh"), "--prefix", str(prefix)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "installed in" in done.stdout
    target = prefix / "opt" / "imb-tracker"
    link = prefix / "bin" / "imb-tracker"
    assert (
        link.is_symlink()
        and subprocess.run([str(link)], capture_output=True, text=True, check=True).stdout.strip()
        == "imb-tracker 0.0.0"
    )
    desktop = (prefix / "share" / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={target}/imb-tracker\n" in desktop and "@EXEC@" not in desktop
    assert (prefix / "share" / "icons" / "hicolor" / "256x256" / "apps" / "imb-tracker.png").is_file()
    assert (prefix / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()

    # A second install (an upgrade) replaces the first; uninstall.sh remembers the prefix.
    subprocess.run(
        ["sh", str(top / "install.sh"), "--prefix", str(prefix)], env=env, capture_output=True, check=True
    )
    subprocess.run([str(target / "uninstall.sh")], env=env, capture_output=True, check=True)
    assert not target.exists() and not link.exists() and not link.is_symlink()
    assert not (prefix / "share" / "applications" / f"{APP_ID}.desktop").exists()
    assert not list((prefix / "share" / "icons").rglob("imb-tracker.png"))


def test_install_sh_refuses_unknown_options(tmp_path: Path) -> None:
    top = fake_tarball(tmp_path)
    done = subprocess.run(
        ["sh", str(top / "install.sh"), "--everywhere"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "unknown option '--everywhere'" in done.stderr
