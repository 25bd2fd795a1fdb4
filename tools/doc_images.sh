#!/usr/bin/env bash
# Remake the README's example pictures in docs/images/ from the app's own PDFs (needs pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cli=.venv/bin/imb-tracker
db="$tmp/docs.db"
$cli mailer add --db "$db" --mid 123456 --name "Acme Charity" >/dev/null
$cli import resources/sample/demo_list.csv --db "$db" --mailer 123456 --name Demo >/dev/null 2>&1
ret=(--return-line "ACME CHARITY" --return-line "PO BOX 100" --return-line "SPRINGFIELD IL 62704-0100")
$cli print envelopes --db "$db" --mailing Demo --out "$tmp/env.pdf" "${ret[@]}" --human-readable \
  --endorsement "Address Service Requested" >/dev/null 2>&1
$cli print envelopes --db "$db" --mailing Demo --out "$tmp/envcz.pdf" "${ret[@]}" --imb-position clear-zone >/dev/null 2>&1
$cli print labels --db "$db" --mailing Demo --layout avery-5163 --out "$tmp/labels.pdf" >/dev/null 2>&1
$cli print tray-tags --db "$db" --mailer 123456 --zip 62704 --cin 242 --count 10 --destination "Springfield IL" \
  --origin "Acme Charity Anytown NY" --out "$tmp/tags.pdf" >/dev/null 2>&1
$cli print calibration --out "$tmp/cal.pdf" >/dev/null
mkdir -p docs/images
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/env.pdf" docs/images/envelope-10
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/envcz.pdf" docs/images/envelope-10-clear-zone
pdftoppm -r 50 -png -singlefile -f 1 -l 1 "$tmp/labels.pdf" docs/images/labels-5163
pdftoppm -r 50 -png -singlefile -f 1 -l 1 "$tmp/tags.pdf" docs/images/tray-tags-5371
pdftoppm -r 50 -png -singlefile "$tmp/cal.pdf" docs/images/calibration
ls -la docs/images
