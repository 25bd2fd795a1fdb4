#!/usr/bin/env bash
# Install the Debian packages the app and its tests need on a fresh machine:
# the shared libraries Qt loads (offscreen and X11/Xvfb), Xvfb for screenshots, fonts.
# Does nothing when everything is present or apt-get is not available (e.g. macOS, Windows).
set -euo pipefail
PACKAGES=(
  libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
  libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-xinerama0
  xvfb xauth x11-apps fonts-dejavu-core
  python3-venv  # stock Debian and Ubuntu lack it, and tools/setup-venv.sh needs it
)
# shellcheck disable=SC2206
PACKAGES+=(${IMB_EXTRA_PACKAGES:-})
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: no apt-get here; install Qt's system libraries with your package manager" >&2
  exit 0
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait (up to 5 minutes) for another apt (unattended upgrades, a second shell) instead of failing at once.
LOCK_WAIT=(-o DPkg::Lock::Timeout=300)
$SUDO apt-get "${LOCK_WAIT[@]}" update -qq
$SUDO apt-get "${LOCK_WAIT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
