"""Print the .deb's Depends line: the Debian packages of the system libraries the bundle links to.

PyInstaller bundles most libraries but leaves the C library, OpenGL/EGL and a few others to the
system.  For every ELF file in the one-folder build, ``ldd`` says which libraries come from
outside the bundle; ``dpkg -S`` names their packages.  libc6 gets the build machine's version as
its minimum, since the bundle was linked against it.

    python installer/linux/deb_depends.py dist/imb-tracker
"""

from __future__ import annotations

import logging
import platform
import re
import subprocess
import sys
from pathlib import Path

log = logging.getLogger("deb_depends")

# Libraries a plugin may want that are optional: leaving them out of Depends is deliberate.
OPTIONAL = re.compile(r"libgtk-3|libgdk-3|libvulkan|libwayland-cursor|libwayland-egl")


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def outside_libraries(root: Path) -> tuple[set[str], set[str]]:
    """(paths of system libraries the bundle uses, names ldd could not find)."""
    system: set[str] = set()
    missing: set[str] = set()
    bundle = str(root.resolve())
    for elf in elf_files(root):
        done = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (\S+|not found)", line)
            if not match:
                continue
            name, where = match.groups()
            if where == "not found":
                missing.add(name)
            elif not str(Path(where).resolve()).startswith(bundle):
                system.add(where)
    return system, missing


def owning_package(path: str) -> str | None:
    """The package that ships ``path`` (merged /usr: the file may be registered under either name)."""
    real = str(Path(path).resolve())
    candidates = {path, real}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p[4:])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for candidate in sorted(candidates):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout:
            return done.stdout.split(":", 1)[0].strip()
    return None


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="deb_depends: %(message)s")
    root = Path(sys.argv[1])
    system, missing = outside_libraries(root)
    packages: set[str] = set()
    for path in sorted(system):
        package = owning_package(path)
        if package is None:
            log.warning("no package ships %s; not in Depends", path)
        else:
            packages.add(package)
    for name in sorted(missing):
        if OPTIONAL.search(name):
            log.info("%s is optional (a plugin falls back without it)", name)
        else:
            log.warning("%s was not found on the build machine", name)
    glibc = platform.libc_ver()[1]
    parts = [f"libc6 (>= {glibc})" if name == "libc6" and glibc else name for name in sorted(packages)]
    log.info("%d ELF files use %d system libraries from %d packages", len(elf_files(root)), len(system),
             len(packages))  # fmt: skip
    sys.stdout.write(", ".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
