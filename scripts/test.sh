#!/usr/bin/env bash
# Runs Berth's whole test suite (unit + integration, as root) and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
report=$(mktemp /tmp/berth-vitest-XXXXXX.json)
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
status=$?
node scripts/test-summary.mjs "$report"
rm -f "$report"
exit "$status"
