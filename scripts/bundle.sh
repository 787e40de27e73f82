#!/usr/bin/env bash
# npm run bundle: builds dist/ with ncc (the action, and the CLI into dist/cli), keeps each build's module list
# (webpack stats) in .tmp/bundle-stats, and writes dist/licenses.txt from them (scripts/licenses.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
stats=.tmp/bundle-stats
rm -rf "$stats"
mkdir -p "$stats"
ncc build src/index.ts --out dist --stats-out "$stats/index.json"
ncc build src/cli/index.ts --out dist/cli --stats-out "$stats/cli.json"
tsx scripts/licenses.ts write "$stats/index.json" "$stats/cli.json"
