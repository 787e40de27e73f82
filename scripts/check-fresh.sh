#!/usr/bin/env bash
# Fails when generated files that are committed differ from what was just regenerated.
# Usage: scripts/check-fresh.sh "<command to regenerate>" <path>...
set -euo pipefail
command=$1
shift
changed=$(git status --porcelain -- "$@")
if [ -n "$changed" ]; then
  echo "check-fresh: $* already has uncommitted changes:" >&2
  echo "$changed" >&2
fi
bash -c "$command" >/dev/null
after=$(git status --porcelain -- "$@")
if [ -n "$after" ]; then
  echo "check-fresh: $* differs from a fresh \`$command\`; run it and commit the result:" >&2
  echo "$after" >&2
  git --no-pager diff --stat -- "$@" >&2
  exit 1
fi
echo "check-fresh: $* matches a fresh \`$command\`"
