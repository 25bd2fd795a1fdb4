#!/usr/bin/env bash
# Set up IMb Tracker and run it.
#   bash tools/run.sh                 # the main job (see README); opens the window when there is a screen
#   bash tools/run.sh encode --help   # any imb-tracker sub-command
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/system-deps.sh
bash tools/setup-venv.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/imb-tracker "$@"
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/imb-tracker
fi
# Headless: walk through the core job on the built-in demo payloads — encode each IMb,
# decode the bars back, and show a damaged read being repaired.
echo "No screen found: running the headless walk-through."
echo
echo "1. Encode the demo payloads (tracking,routing -> 65 bars):"
.venv/bin/imb-tracker encode - < resources/sample/demo_payloads.txt | tee out-bars.txt
echo
echo "2. Decode them back (one JSON object per line):"
.venv/bin/imb-tracker decode - < out-bars.txt
echo
damaged="T$(head -n 1 out-bars.txt | cut -c2-)"
echo "3. Bar 1 of the first barcode misread as T; strict decode refuses it, --repair fixes it:"
.venv/bin/imb-tracker decode "$damaged" 2>&1 || true
.venv/bin/imb-tracker decode --repair "$damaged"
rm -f out-bars.txt
