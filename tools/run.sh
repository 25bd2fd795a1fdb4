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
# Headless: walk through the main job with the built-in demo data, kept in ./demo-home
# (never in your real data folder): set up a demo mailer, turn the sample list into a
# mailing with unique serials, export its pieces with their IMbs, print its envelopes, labels
# tray tags and reply envelopes to PDF, then encode/decode/repair barcodes.
export IMB_TRACKER_HOME="${IMB_TRACKER_HOME:-$PWD/demo-home}"
cli=.venv/bin/imb-tracker
echo "No screen found: running the headless walk-through (data in $IMB_TRACKER_HOME)."
echo
echo "1. The demo mailer (Mailer ID 123456, STID 270 = First-Class Full-Service with tracking):"
if ! $cli mailer list | grep -q "^123456 "; then
  $cli mailer add --mid 123456 --name "Demo Mailer" --stid 270 --window-days 90
fi
$cli mailer list
echo
mailing="Demo mailing $(date -u +%Y%m%d-%H%M%S)"
echo "2. Import the sample list (200 rows, a few broken on purpose) as \"$mailing\":"
$cli import resources/sample/demo_list.csv --mailer 123456 --name "$mailing" --show 10
echo
echo "3. The first pieces with their IMbs (full export: $IMB_TRACKER_HOME/pieces.csv):"
$cli pieces --mailing "$mailing" --format csv --out "$IMB_TRACKER_HOME/pieces.csv"
head -n 4 "$IMB_TRACKER_HOME/pieces.csv" | cut -d, -f1-6
echo
echo "4. Print-ready PDFs (rule-checked first): envelopes, labels, tray tags, calibration page:"
$cli print envelopes --mailing "$mailing" --out "$IMB_TRACKER_HOME/envelopes.pdf" \
  --return-line "DEMO MAILER" --return-line "PO BOX 100" --return-line "SPRINGFIELD IL 62704-0100"
$cli print labels --mailing "$mailing" --layout avery-5163 --out "$IMB_TRACKER_HOME/labels.pdf"
echo "   the mailing in trays (every letter in exactly one), their tags, the manifest and a pallet placard:"
$cli trays build --mailing "$mailing" --per-tray 50 --origin "SPRINGFIELD IL"
$cli print tray-tags --mailing "$mailing" --out "$IMB_TRACKER_HOME/tray-tags.pdf"
$cli trays manifest --mailing "$mailing" --out "$IMB_TRACKER_HOME/tray-manifest.csv"
$cli print placards --mailing "$mailing" --out "$IMB_TRACKER_HOME/placards.pdf"
$cli print calibration --out "$IMB_TRACKER_HOME/calibration.pdf"
echo "   and a Business Reply envelope per letter, each carrying its letter's serial (reply STID 032):"
if ! $cli reply list --format csv | grep -q "^Demo BRM,"; then
  $cli reply add --mailer 123456 --name "Demo BRM" --kind brm --line "DEMO MAILER" --line "PO BOX 100" \
    --line "SPRINGFIELD IL 62704-0100" --zip 62704-0100 --permit 100 --permit-city "SPRINGFIELD IL"
fi
$cli print replies --mailing "$mailing" --reply "Demo BRM" --out "$IMB_TRACKER_HOME/replies.pdf"
echo
echo "5. Track a mailing: imb-tracker demo starts the local USPS stand-in, mails a new demo mailing"
echo "   with reply envelopes, and looks up its scans and its replies as simulated days pass (no USPS"
echo "   account needed):"
$cli demo
echo
echo "6. Encode the demo payloads (tracking,routing -> 65 bars):"
$cli encode - < resources/sample/demo_payloads.txt | tee "$IMB_TRACKER_HOME/bars.txt"
echo
echo "7. Decode them back (one JSON object per line):"
$cli decode - < "$IMB_TRACKER_HOME/bars.txt"
echo
damaged="T$(head -n 1 "$IMB_TRACKER_HOME/bars.txt" | cut -c2-)"
echo "8. Bar 1 of the first barcode misread as T; strict decode refuses it, --repair fixes it:"
$cli decode "$damaged" 2>&1 || true
$cli decode --repair "$damaged"
echo
echo "9. The desktop app starts (offscreen, as there is no screen) and quits cleanly:"
QT_QPA_PLATFORM=offscreen $cli gui --quit-after-ms 1500 && echo "   window opened and closed"
echo
echo "On a computer with a screen, 'bash tools/run.sh' opens the window: choose demo mode in the"
echo "first-start wizard, then File > Import a list > Use the sample list."
