#!/usr/bin/env bash
# Lints the project's workflows and every workflow in README.md with actionlint, built once from the Go module
# proxy into a cache outside the repository keyed by its version. In the README's workflows, `uses:` of this
# action points at the local action.yml, so their inputs are checked against it.
# Usage: npm run lint:workflows (Node 24 on PATH), or scripts/actionlint.sh --print-path: build, print its path.
set -euo pipefail

ACTIONLINT_VERSION=v1.7.12
here=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${PREVIEW_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-tools}
bin_dir="$cache_root/actionlint-$ACTIONLINT_VERSION"
actionlint="$bin_dir/actionlint"

if [ ! -x "$actionlint" ]; then
  command -v go >/dev/null || { echo "scripts/actionlint.sh: Go is needed to build actionlint (go.dev/doc/install)" >&2; exit 1; }
  echo "actionlint: building $ACTIONLINT_VERSION from the Go module proxy into $bin_dir (first time only)" >&2
  started=$SECONDS
  mkdir -p "$bin_dir"
  GOFLAGS='' CGO_ENABLED=0 GOBIN="$bin_dir" go install -trimpath -ldflags "-s -w" \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  echo "actionlint: built in $((SECONDS - started)) s" >&2
fi
[ "${1:-}" = --print-path ] && { echo "$actionlint"; exit 0; }

# actionlint runs shellcheck over the `run:` scripts when it is installed (GitHub's runners have it). CI installs it.
if ! command -v shellcheck >/dev/null; then
  if [ "${CI:-}" = true ] && command -v apt-get >/dev/null; then
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && $sudo apt-get install -y -qq shellcheck >/dev/null
  else
    echo "actionlint: shellcheck is not installed, so run: scripts are not checked (apt-get install shellcheck)" >&2
  fi
fi

cd "$here"
readme_dir=.tmp/readme-workflows
tsx scripts/readme-workflows.ts "$readme_dir"
shopt -s nullglob
# The README's workflow files keep the README's line numbers: report their errors as README.md:<line>.
"$actionlint" -no-color .github/workflows/*.yml .github/workflows/*.yaml "$readme_dir"/*.yml |
  sed "s|^$readme_dir/README.md-[0-9]*.yml:|README.md:|"
node scripts/node24-actions.ts
echo "actionlint $ACTIONLINT_VERSION: .github/workflows and README.md's workflows are clean"
