"""Print the .deb's Depends line: the Debian packages of the system libraries the bundle links to.

PyInstaller bundles most libraries but leaves the C library, OpenGL/EGL and a few others to the
system.  For every ELF file in the one-folder build, ``readelf`` lists the libraries it links
to directly and ``ldd`` says which of those come from outside the bundle; ``dpkg -S`` names their packages.  libc6 gets the build machine's version as
its minimum, since the bundle was linked against it.

    python installer/linux/deb_depends.py dist/imb-tracker
"""

from __future__ import annotations

import logging
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

log = logging.getLogger("deb_depends")

# Libraries a plugin may want that are optional: left out of Depends whether or not the build
# machine has them, so every build says the same (build.sh lists the Wayland two in Recommends).
OPTIONAL = re.compile(r"libgtk-3|libgdk-3|libvulkan|libwayland-cursor|libwayland-egl")


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def outside_libraries(root: Path, elves: list[Path]) -> tuple[set[str], set[str], set[str]]:
    """(paths of system libraries the bundle uses, names ldd could not find, optional names)."""
    system: set[str] = set()
    missing: set[str] = set()
    optional: set[str] = set()
    bundle = str(root.resolve())
    # As at run time: PyInstaller's launcher puts the bundle's library folder first.
    env = dict(os.environ, LD_LIBRARY_PATH=str(root.resolve() / "_internal"))
    for elf in elves:
        # Only the file's own (direct) libraries: what those need is their packages' business.
        dynamic = subprocess.run(["readelf", "-d", str(elf)], capture_output=True, text=True, check=False)
        direct = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout))
        done = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False, env=env)
        for line in done.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (not found|\S+)", line)
            if not match or match.group(1) not in direct:
                continue
            name, where = match.groups()
            if OPTIONAL.search(name):
                optional.add(name)
            elif where == "not found":
                missing.add(name)
            elif not str(Path(where).resolve()).startswith(bundle):
                system.add(where)
    return system, missing, optional


def owning_packages(paths: set[str]) -> dict[str, str]:
    """Which package ships each path (one ``dpkg -S`` for all; with merged /usr a file may be
    registered under /lib or /usr/lib)."""
    names: dict[str, str] = {}
    for path in paths:
        real = str(Path(path).resolve())
        for candidate in {path, real}:
            names[candidate] = path
            if candidate.startswith("/usr/lib/"):
                names[candidate[4:]] = path
            elif candidate.startswith("/lib/"):
                names["/usr" + candidate] = path
    done = subprocess.run(["dpkg", "-S", *sorted(names)], capture_output=True, text=True, check=False)
    owners: dict[str, str] = {}
    for line in done.stdout.splitlines():
        package, _, where = line.partition(": ")
        if where.strip() in names and ", " not in package:
            owners[names[where.strip()]] = package.split(":", 1)[0].strip()
    return owners


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="deb_depends: %(message)s")
    root = Path(sys.argv[1])
    elves = elf_files(root)
    system, missing, optional = outside_libraries(root, elves)
    owners = owning_packages(system)
    for path in sorted(system - set(owners)):
        log.warning("no package ships %s; not in Depends", path)
    packages = set(owners.values())
    for name in sorted(optional):
        log.info("%s is optional (a plugin falls back without it)", name)
    for name in sorted(missing):
        log.warning("%s was not found on the build machine", name)
    glibc = platform.libc_ver()[1]
    parts = [f"libc6 (>= {glibc})" if name == "libc6" and glibc else name for name in sorted(packages)]
    log.info("%d ELF files use %d system libraries from %d packages", len(elves), len(system), len(packages))
    sys.stdout.write(", ".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
