#!/usr/bin/env bash
# macOS: build "IMb Tracker.app" with PyInstaller and put it in a disk image with an
# Applications link, ready to drag and drop.  Runs on macOS only (hdiutil, codesign).
#
#   python3.11 -m venv build/venv && build/venv/bin/pip install . "pyinstaller>=6.10,<7"
#   IMB_BUILD_PYTHON=build/venv/bin/python bash installer/macos/make-dmg.sh
#
# Output: dist/IMb Tracker.app and dist/imb-tracker-<version>-macos-<arch>.dmg.  The bundle's
# Info.plist (identifier, version from the package metadata, icon, minimum macOS, dark mode) is
# written by installer/imb-tracker.spec.  The app is signed ad hoc, not notarized: without an
# Apple Developer ID, users open it the first time with right-click > Open (see installer/README.md).
# With one, set IMB_CODESIGN_IDENTITY="Developer ID Application: …" to sign it properly.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "make-dmg: runs on macOS only" >&2; exit 2; }
PY=${IMB_BUILD_PYTHON:-python3}
VERSION=$("$PY" -c 'import importlib.metadata as m; print(m.version("imb-tracker"))')
ARCH=$(uname -m)
APP="dist/IMb Tracker.app"

"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  installer/imb-tracker.spec
[ -d "$APP" ] || { echo "make-dmg: PyInstaller made no $APP" >&2; exit 1; }
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist" | grep -qx "$VERSION"
"$APP/Contents/MacOS/imb-tracker" --version

if [ -n "${IMB_CODESIGN_IDENTITY:-}" ]; then
  # Notarization needs the hardened runtime and a secure timestamp.
  codesign --force --deep --options runtime --timestamp --sign "$IMB_CODESIGN_IDENTITY" "$APP"
else
  codesign --force --deep --sign - "$APP"  # ad hoc: runs on this Mac and, after right-click > Open, on others
fi
codesign --verify --deep --strict "$APP"

STAGE=build/dmg
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/imb-tracker-$VERSION-macos-$ARCH.dmg"
rm -f "$DMG"
hdiutil create -volname "IMb Tracker $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
hdiutil verify "$DMG"
echo "make-dmg: $DMG"
