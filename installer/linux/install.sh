#!/bin/sh
# Install IMb Tracker from this tarball, on any Linux distribution (x86_64, glibc).
#
#   ./install.sh              for you only: ~/.local/opt/imb-tracker, ~/.local/bin/imb-tracker,
#                             menu entry and icons under ~/.local/share
#   sudo ./install.sh --system   for everyone: /opt/imb-tracker, /usr/local/bin, /usr/local/share
#   ./install.sh --prefix DIR    the program under DIR/opt, the rest under DIR (packagers)
#   ./install.sh --uninstall [--system | --prefix DIR]   remove what the install put there
#
# Your data (letters, scans, settings) stays where the app keeps it (~/.local/share/imb-tracker
# and ~/.config/imb-tracker) and is never touched by this script.
set -eu

APP=imb-tracker
APP_ID=io.github.imbtracker.ImbTracker
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=user
ACTION=install
PREFIX=""

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --system) MODE=system ;;
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
              MODE=prefix; PREFIX=$2; shift ;;
    --uninstall) ACTION=uninstall ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

case "$MODE" in
  user)   SHARE=${XDG_DATA_HOME:-$HOME/.local/share}; BIN=$HOME/.local/bin; OPT=$HOME/.local/opt ;;
  system) SHARE=/usr/local/share; BIN=/usr/local/bin; OPT=/opt ;;
  prefix) SHARE=$PREFIX/share; BIN=$PREFIX/bin; OPT=$PREFIX/opt ;;
esac
TARGET=$OPT/$APP

if [ "$MODE" = system ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: --system writes to /opt and /usr/local; run it with sudo" >&2
  exit 1
fi

refresh_caches() {
  # Menus and icon caches pick the change up without a new login (when the tools exist).
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$SHARE/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$SHARE/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" 2>/dev/null || true
  fi
}

remove_files() {
  rm -rf "$TARGET"
  # Only our own link: a different imb-tracker on PATH (e.g. from pip) is left alone.
  if [ -L "$BIN/$APP" ] && [ "$(readlink "$BIN/$APP")" = "$TARGET/$APP" ]; then rm -f "$BIN/$APP"; fi
  rm -f "$SHARE/applications/$APP_ID.desktop" "$SHARE/metainfo/$APP_ID.metainfo.xml"
  for icon in "$SHARE"/icons/hicolor/*/apps/"$APP".png "$SHARE/icons/hicolor/scalable/apps/$APP.svg"; do
    rm -f "$icon"
  done
}

if [ "$ACTION" = uninstall ]; then
  remove_files
  refresh_caches
  echo "IMb Tracker removed from $TARGET (your letters and settings are kept)."
  exit 0
fi

[ -x "$HERE/$APP/$APP" ] || { echo "install.sh: $HERE/$APP/$APP is missing; unpack the whole tarball" >&2; exit 1; }
remove_files  # an older version, if any
mkdir -p "$OPT" "$BIN" "$SHARE/applications" "$SHARE/metainfo"
cp -a "$HERE/$APP" "$TARGET"
ln -sf "$TARGET/$APP" "$BIN/$APP"
# An uninstaller that remembers where this install went.
cp "$0" "$TARGET/install.sh"
case "$MODE" in
  user) flags="" ;;
  system) flags=" --system" ;;
  prefix) flags=" --prefix '$PREFIX'" ;;
esac
printf '#!/bin/sh\n# Removes IMb Tracker (your letters and settings are kept).\nexec sh "%s/install.sh" --uninstall%s\n' \
  "$TARGET" "$flags" > "$TARGET/uninstall.sh"
chmod +x "$TARGET/uninstall.sh" "$TARGET/install.sh"
# The menu entry names the program by full path: ~/.local/bin is not on every desktop's PATH.
sed "s|@EXEC@|$TARGET/$APP|g" "$HERE/share/applications/$APP_ID.desktop" > "$SHARE/applications/$APP_ID.desktop"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$SHARE/metainfo/"
(cd "$HERE/share" && find icons -type f) | while read -r icon; do
  mkdir -p "$SHARE/$(dirname "$icon")"
  cp "$HERE/share/$icon" "$SHARE/$icon"
done
refresh_caches

echo "IMb Tracker installed in $TARGET."
case ":$PATH:" in
  *":$BIN:"*) echo "Start it from your applications menu, or type: $APP" ;;
  *) echo "Start it from your applications menu, or type: $BIN/$APP  ($BIN is not on your PATH)" ;;
esac
echo "To remove it: $TARGET/uninstall.sh"
