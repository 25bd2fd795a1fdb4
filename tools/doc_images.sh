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
reply=(--line "ACME CHARITY" --line "PO BOX 100" --line "SPRINGFIELD IL 62704-0100")
$cli reply add --db "$db" --mailer 123456 --name brm --kind brm "${reply[@]}" --zip 62704-0100 --permit 100 \
  --permit-city "SPRINGFIELD IL" >/dev/null
$cli reply add --db "$db" --mailer 123456 --name crm --kind crm --line "ACME CHARITY" --line "100 MAIN ST" \
  --line "SPRINGFIELD IL 62704-0100" --zip 62704010000 >/dev/null
$cli print replies --db "$db" --mailing Demo --reply brm --template 9 --out "$tmp/brm.pdf" >/dev/null 2>&1
$cli print replies --db "$db" --mailing Demo --reply brm --template card --out "$tmp/card.pdf" >/dev/null 2>&1
# the letters' replies become CRM (allowed while none of the BRM replies has been scanned)
$cli print replies --db "$db" --mailing Demo --reply crm --template 6-3/4 --replace --out "$tmp/crm.pdf" >/dev/null 2>&1
$cli trays build --db "$db" --mailing Demo --per-tray 60 --origin "ANYTOWN NY" >/dev/null
$cli print placards --db "$db" --mailing Demo --out "$tmp/placards.pdf" >/dev/null 2>&1
mkdir -p docs/images
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/env.pdf" docs/images/envelope-10
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/envcz.pdf" docs/images/envelope-10-clear-zone
pdftoppm -r 50 -png -singlefile -f 1 -l 1 "$tmp/labels.pdf" docs/images/labels-5163
pdftoppm -r 50 -png -singlefile -f 1 -l 1 "$tmp/tags.pdf" docs/images/tray-tags-5371
pdftoppm -r 50 -png -singlefile "$tmp/cal.pdf" docs/images/calibration
pdftoppm -r 30 -png -singlefile -f 1 -l 1 "$tmp/placards.pdf" docs/images/pallet-placard
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/brm.pdf" docs/images/reply-brm-9
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/crm.pdf" docs/images/reply-crm-6-3-4
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/card.pdf" docs/images/reply-card
ls -la docs/images
