#!/usr/bin/env bash
# Create .venv (Python >= 3.11) and install IMb Tracker into it, with extras given as arguments.
#   bash tools/setup-venv.sh          # the app
#   bash tools/setup-venv.sh test     # the app plus everything the tests need
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: IMb Tracker needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 2
fi
log=.venv-install.log
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
extras=""
if [ $# -gt 0 ]; then extras="[$(IFS=,; echo "$*")]"; fi
echo "setup: installing IMb Tracker${extras:+ with $extras} into .venv (log: $log)" >&2
.venv/bin/python -m pip install -c installer/constraints.txt -e ".${extras}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
.venv/bin/python -c "import imb_tracker" # fail loudly if the install did not work
