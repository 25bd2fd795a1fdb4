#!/usr/bin/env bash
# Build IMb Tracker's Linux artefacts from a clean checkout:
#
#   dist/imb-tracker/                                  the one-folder app (PyInstaller)
#   dist/imb-tracker_<version>_<arch>.deb              Debian / Ubuntu package
#   dist/imb-tracker-<version>-linux-<arch>.tar.xz     the app with install.sh, for other distributions
#   dist/sizes.txt                                     sizes and the largest parts (docs/benchmarks.md)
#
#   bash installer/build.sh                  makes its own build environment in build/installer/venv
#   PYTHON=python3.11 bash installer/build.sh
#   IMB_BUILD_PYTHON=.venv/bin/python bash installer/build.sh   reuse an environment that has the app
#
# Build on the oldest distribution you want to support: PyInstaller bundles the build machine's
# system libraries, and the .deb depends on the glibc it was built with.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
WORK=$ROOT/build/installer
APP=imb-tracker
APP_ID=io.github.imbtracker.ImbTracker
PYINSTALLER_REQ="pyinstaller>=6.10,<7"
ICON_SIZES="16 24 32 48 64 128 256 512"

say() { echo "build: $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { say "needs '$1' ($2)"; exit 1; }; }
need dpkg-deb "the dpkg package"
need strip "the binutils package"
need xz "the xz-utils package"

# 1. A build environment with the app and PyInstaller.
if [ -n "${IMB_BUILD_PYTHON:-}" ]; then
  PY=$IMB_BUILD_PYTHON
  "$PY" -c 'import PyInstaller' 2>/dev/null || "$PY" -m pip install -q "$PYINSTALLER_REQ"
else
  PYTHON=${PYTHON:-python3}
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { say "needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"; exit 2; }
  [ -x "$WORK/venv/bin/python" ] || "$PYTHON" -m venv "$WORK/venv"
  PY=$WORK/venv/bin/python
  say "installing the app and PyInstaller into $WORK/venv (log: $WORK/pip.log)"
  { "$PY" -m pip install --upgrade pip && "$PY" -m pip install -c "$ROOT/installer/constraints.txt" "$ROOT" "$PYINSTALLER_REQ"; } \
    >"$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log" >&2; exit 1; }
fi
VERSION=$("$PY" -c 'import importlib.metadata as m; print(m.version("imb-tracker"))')
ARCH=$(dpkg --print-architecture)
MACHINE=$(uname -m)
RELEASE_DATE=$(git -C "$ROOT" log -1 --format=%cs 2>/dev/null || date -u +%F)
say "IMb Tracker $VERSION for $ARCH"

# 2. The one-folder app.
mkdir -p "$DIST" "$WORK"
rm -rf "${DIST:?}/$APP"
say "PyInstaller (log: $WORK/pyinstaller.log)"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK/pyinstaller" \
  installer/imb-tracker.spec >"$WORK/pyinstaller.log" 2>&1 || { cat "$WORK/pyinstaller.log" >&2; exit 1; }
frozen_version=$("$DIST/$APP/$APP" --version)
[ "$frozen_version" = "$APP $VERSION" ] || { say "the frozen app says '$frozen_version'"; exit 1; }

# Desktop files shared by the .deb and the tarball: $1 = tree root (…/share goes under it), $2 = Exec.
desktop_files() {
  local share=$1/share exec=$2 size
  mkdir -p "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
  sed "s|@EXEC@|$exec|g" "installer/linux/$APP_ID.desktop" > "$share/applications/$APP_ID.desktop"
  sed -e "s|@VERSION@|$VERSION|g" -e "s|@DATE@|$RELEASE_DATE|g" \
    "installer/linux/$APP_ID.metainfo.xml" > "$share/metainfo/$APP_ID.metainfo.xml"
  for size in $ICON_SIZES; do
    install -D -m 644 "resources/icons/$APP-$size.png" "$share/icons/hicolor/${size}x${size}/apps/$APP.png"
  done
  install -m 644 "resources/icons/$APP.svg" "$share/icons/hicolor/scalable/apps/$APP.svg"
}

# 3. The .deb: the app in /opt/imb-tracker, imb-tracker on PATH, menu entry, icons, AppStream.
DEB_ROOT=$WORK/deb
rm -rf "$DEB_ROOT"
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" "$DEB_ROOT/usr/share/doc/$APP"
cp -a "$DIST/$APP" "$DEB_ROOT/opt/$APP"
ln -s "/opt/$APP/$APP" "$DEB_ROOT/usr/bin/$APP"
desktop_files "$DEB_ROOT/usr" "$APP"
{ echo "IMb Tracker $VERSION, built from its source with PyInstaller."; echo; cat LICENSE; } \
  > "$DEB_ROOT/usr/share/doc/$APP/copyright"
DEPENDS=$("$PY" installer/linux/deb_depends.py "$DIST/$APP")
# Recommends: Qt's Wayland plugin needs these two; without them the app runs through XWayland.
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$DEB_ROOT" | cut -f1)
cat > "$DEB_ROOT/DEBIAN/control" <<EOF
Package: $APP
Version: $VERSION
Architecture: $ARCH
Maintainer: IMb Tracker contributors <imb-tracker@users.noreply.github.com>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Recommends: libwayland-cursor0, libwayland-egl1
Section: utils
Priority: optional
Description: print Intelligent Mail barcodes and track letters with USPS
 IMb Tracker prints a unique USPS Intelligent Mail barcode on every envelope,
 label sheet and tray tag, and looks up each letter's free Informed Visibility
 scans, keeping every scan locally after USPS's window closes.  A demo mode
 with a built-in USPS stand-in needs no USPS account.
EOF
DEB=$DIST/${APP}_${VERSION}_${ARCH}.deb
say "dpkg-deb (xz)"
dpkg-deb --root-owner-group -Zxz -z6 --build "$DEB_ROOT" "$DEB" >/dev/null

# 4. The tarball for other distributions: the app, the same desktop files, install.sh.
TAR_NAME=$APP-$VERSION-linux-$MACHINE
TAR_ROOT=$WORK/tar/$TAR_NAME
rm -rf "$WORK/tar"
mkdir -p "$TAR_ROOT"
cp -a "$DIST/$APP" "$TAR_ROOT/$APP"
desktop_files "$TAR_ROOT" "@EXEC@"  # install.sh writes the installed path in
install -m 755 installer/linux/install.sh "$TAR_ROOT/install.sh"
cat > "$TAR_ROOT/README.txt" <<EOF
IMb Tracker $VERSION for Linux ($MACHINE)

Install for yourself:   ./install.sh
Install for everyone:   sudo ./install.sh --system
Remove:                 ~/.local/opt/imb-tracker/uninstall.sh   (or /opt/imb-tracker/uninstall.sh)
Run without installing: ./imb-tracker/imb-tracker

Needs glibc $(ldd --version | sed -n 1p | grep -o '[0-9]\+\.[0-9]\+$') or newer and the usual desktop libraries
(OpenGL/EGL, fontconfig, X11/xcb or Wayland), which every desktop distribution has.
EOF
TARBALL=$DIST/$TAR_NAME.tar.xz
say "tarball (xz)"
tar -C "$WORK/tar" -cf - "$TAR_NAME" | xz -T0 -6 > "$TARBALL"

# 5. Sizes, for the budget in docs/benchmarks.md.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
{
  # shellcheck disable=SC1091  # (the build machine's own file)
  echo "IMb Tracker $VERSION, $ARCH, built $(date -u +%F) on $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "one-folder build: $(mb "$(du -sb "$DIST/$APP" | cut -f1)")"
  echo ".deb: $(mb "$(stat -c %s "$DEB")")"
  echo "tarball: $(mb "$(stat -c %s "$TARBALL")")"
  echo "largest parts of the one-folder build:"
  # awk reads every line (no head): under pipefail, head closing early would kill sort with SIGPIPE
  (cd "$DIST/$APP/_internal" && find . -type f -printf '%s %p\n' | sort -rn \
    | awk 'NR <= 15 { printf "  %7.1f MB  %s\n", $1 / 1000000, substr($2, 3) }')
  echo "by folder:"
  (cd "$DIST/$APP/_internal" && du -sb -- * | sort -rn \
    | awk 'NR <= 8 { printf "  %7.1f MB  %s\n", $1 / 1000000, $2 }')
} | tee "$DIST/sizes.txt" >&2
say "done: $DEB, $TARBALL"
