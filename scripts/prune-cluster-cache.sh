#!/usr/bin/env bash
# Removes the local cluster's old builds from its cache (~/.cache/preview-cluster): every control-plane, gateway
# and real-node folder other than the ones this checkout's build scripts use. CI runs it before saving the cache,
# which is restored from the newest earlier one on a version bump: without it each bump would add its binaries
# (several hundred MB) to the next save, until GitHub's cache quota evicts everything else.
# The root filesystems, images and Debian packages (root-only builds, never on hosted runners) are left alone.
# Usage: scripts/prune-cluster-cache.sh [--dry-run]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
[ -d "$cache_root" ] || exit 0

keep=()
for script in cluster/build.sh cluster/gateway/build.sh cluster/node/build.sh; do
  folder=$(PREVIEW_CLUSTER_FOLDER_ONLY=1 bash "$here/$script" | tail -1)
  folder=${folder#"$cache_root"/}
  keep+=("${folder%%/*}")
done

shopt -s nullglob
for dir in "$cache_root"/k8s-* "$cache_root"/traefik-* "$cache_root"/node-k8s-*; do
  name=$(basename "$dir")
  [[ " ${keep[*]} " == *" $name "* ]] && continue
  echo "prune-cluster-cache: removing $name ($(du -sh "$dir" | cut -f1))"
  [ "${1:-}" = --dry-run ] || rm -rf "$dir"
done
