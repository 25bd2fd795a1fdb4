#!/usr/bin/env bash
# CI stage for the installers (part of .ci/run): build the Linux artefacts from this checkout,
# install the .deb on this machine, use the *installed* program (version, encode, demo, the
# window under Xvfb, start-up time against a bare window), uninstall it; then the same round
# trip for the tarball's install.sh.  Needs apt-get and root or sudo.
# IMB_INSTALLER_REUSE_BUILD=1 skips the build when dist/ has one (trying changes to this script).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APP_ID=io.github.imbtracker.ImbTracker
# The USPS specification's example 4 (tracking 01234567094987654321, routing 01234567891).
SPEC4=AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA

step() { echo "== installer: $*"; }
fail() { echo "installer check FAILED: $*" >&2; exit 1; }

step "build tools"
IMB_EXTRA_PACKAGES="binutils xz-utils desktop-file-utils appstream" bash tools/system-deps.sh

step "build (installer/build.sh)"
if [ "${IMB_INSTALLER_REUSE_BUILD:-}" = 1 ] && [ -d dist/imb-tracker ]; then
  echo "reusing the build in dist/ (IMB_INSTALLER_REUSE_BUILD=1)"
else
  started=$(date +%s)
  bash installer/build.sh
  echo "build took $(( $(date +%s) - started )) s"
fi
VERSION=$(build/installer/venv/bin/python -c 'import importlib.metadata as m; print(m.version("imb-tracker"))')
DEB=$(ls dist/imb-tracker_"$VERSION"_*.deb)
TARBALL=$(ls dist/imb-tracker-"$VERSION"-linux-*.tar.xz)
cat dist/sizes.txt
# PDFium is opened with ctypes at run time: nothing links to it, so check that the bundle kept it
ls dist/imb-tracker/_internal/pypdfium2_raw/libpdfium.* >/dev/null 2>&1 \
  || fail "the bundle has no libpdfium (print preview and printing need it)"

step "desktop entry and AppStream metainfo are valid"
desktop-file-validate "build/installer/deb/usr/share/applications/$APP_ID.desktop"
appstreamcli validate --no-net "build/installer/deb/usr/share/metainfo/$APP_ID.metainfo.xml"

step "install the .deb"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$ROOT/$DEB" >/dev/null
dpkg-query -W -f='${Package} ${Version} ${Status}\n' imb-tracker
[ "$(command -v imb-tracker)" = /usr/bin/imb-tracker ] || fail "imb-tracker is not /usr/bin/imb-tracker"
for f in "/usr/share/applications/$APP_ID.desktop" "/usr/share/metainfo/$APP_ID.metainfo.xml" \
         /usr/share/icons/hicolor/256x256/apps/imb-tracker.png /usr/share/icons/hicolor/scalable/apps/imb-tracker.svg; do
  [ -f "$f" ] || fail "the package did not install $f"
done

# From here on, only the installed program: a folder away from the checkout, a fresh home.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

step "imb-tracker --version"
[ "$(imb-tracker --version)" = "imb-tracker $VERSION" ] || fail "version: $(imb-tracker --version)"

step "imb-tracker encode"
bars=$(imb-tracker encode --tracking 01234567094987654321 --routing 01234567891 2>/dev/null)
[ "$bars" = "$SPEC4" ] || fail "encode gave $bars"

step "imb-tracker demo"
imb-tracker --dev-dir "$WORK/demo" demo > demo.log 2>&1 || { cat demo.log; fail "demo"; }
grep -q "created 'Demo mailing .*': 194 pieces" demo.log || { cat demo.log; fail "demo: no mailing"; }
[ -s "$WORK/demo/data/demo/envelopes.pdf" ] || { cat demo.log; fail "demo: no envelopes"; }
grep -q "days from mailing to carrier sort: median" demo.log || { cat demo.log; fail "demo: no report"; }
tail -4 demo.log

step "the window under Xvfb (shown, then quit)"
IMB_TRACKER_SHOWN_STAMP="$WORK/shown" IMB_TRACKER_READY_STAMP="$WORK/ready" \
  xvfb-run -a imb-tracker --dev-dir "$WORK/gui" gui --quit-after-ms 1500 > gui.log 2>&1 \
  || { cat gui.log; fail "the window did not start and quit cleanly"; }
[ -s "$WORK/shown" ] && [ -s "$WORK/ready" ] || { cat gui.log; fail "the window was never shown"; }
echo "window shown and closed; exit code 0"

step "start-up time against a bare PySide6 window (benchmarks/bench_startup.py)"
xvfb-run -a "$ROOT/build/installer/venv/bin/python" "$ROOT/benchmarks/bench_startup.py" --app /usr/bin/imb-tracker \
  | tee "$ROOT/dist/startup.txt"

step "uninstall the .deb"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq imb-tracker >/dev/null
[ ! -e /usr/bin/imb-tracker ] && [ ! -e /opt/imb-tracker ] && [ ! -e "/usr/share/applications/$APP_ID.desktop" ] \
  || fail "files left after removing the package"
echo "removed"

step "the tarball's install.sh (into a prefix), then its uninstall.sh"
tar -C "$WORK" -xJf "$ROOT/$TARBALL"
sh "$WORK"/imb-tracker-"$VERSION"-linux-*/install.sh --prefix "$WORK/prefix"
[ "$("$WORK/prefix/bin/imb-tracker" --version)" = "imb-tracker $VERSION" ] || fail "tarball install does not run"
grep -q "^Exec=$WORK/prefix/opt/imb-tracker/imb-tracker$" "$WORK/prefix/share/applications/$APP_ID.desktop" \
  || fail "tarball desktop entry has the wrong Exec"
"$WORK/prefix/opt/imb-tracker/uninstall.sh"
[ ! -e "$WORK/prefix/opt/imb-tracker" ] && [ ! -e "$WORK/prefix/bin/imb-tracker" ] || fail "tarball uninstall left files"

echo "installer check passed"
