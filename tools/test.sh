#!/usr/bin/env bash
# Set up everything and run the whole test suite: bash tools/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/system-deps.sh
# The store tests also run against a real PostgreSQL server (started by the tests themselves);
# the printing tests rasterize PDFs with poppler and read tray barcodes with zbar.
IMB_EXTRA_PACKAGES="postgresql poppler-utils zbar-tools" bash tools/system-deps.sh
bash tools/setup-venv.sh test
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec .venv/bin/python -m pytest "$@"
