# shellcheck shell=bash
# Shared by the local cluster's Go build scripts (cluster/build.sh, cluster/node/build.sh, cluster/gateway/build.sh):
# a cache folder outside the repository, one build at a time, a progress line while Go compiles, static builds.
# Scripts set BUILD_NAME (for the log lines) and define have_all before they call these functions.

# shellcheck disable=SC2034 # used by the scripts that source this file
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
log() { printf '[%s build %s] %s\n' "$BUILD_NAME" "$(date +%H:%M:%S)" "$*" >&2; }

# finish_if_built <folder>: when everything is there already, print the folder and exit. With
# PREVIEW_CLUSTER_FOLDER_ONLY=1, print the folder this checkout's build uses and exit, built or not (for pruning
# old builds from a cache: scripts/prune-cluster-cache.sh).
finish_if_built() {
  if [ "${PREVIEW_CLUSTER_FOLDER_ONLY:-}" = 1 ]; then
    echo "$1"
    exit 0
  fi
  if have_all; then
    echo "$1"
    exit 0
  fi
}

# lock_build <folder> <result>: one build at a time (a lock in the folder); another run may have finished the
# build while this one waited for the lock.
lock_build() {
  mkdir -p "$1"
  exec 9>"$1/.lock"
  flock 9
  finish_if_built "$2"
}

# start_go_builds: static binaries, and a line every minute, since the go command is silent while it compiles.
start_go_builds() {
  command -v go >/dev/null || { echo "$0: Go is needed to build the local cluster (go.dev/doc/install)" >&2; exit 1; }
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  started=$SECONDS
  ( while sleep 60; do log "still building ($(( (SECONDS - started) / 60 )) min so far)"; done ) 9>&- &
  ticker=$!
  trap 'kill $ticker 2>/dev/null || true' EXIT
}

# go_build <module folder> <output folder> <name> <package> [ldflags]: builds once; a half-written binary is
# never left under its final name.
go_build() {
  local dir=$1 out=$2 name=$3 pkg=$4 ldflags=${5:-}
  [ -x "$out/$name" ] && return 0
  log "building $name (first time only; the cache is $out)"
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out/.$name.tmp" "$pkg")
  mv "$out/.$name.tmp" "$out/$name"
  log "built $name after $(( SECONDS - started )) s"
}

# k8s_ldflags <version>: what Kubernetes binaries print as their version (else v0.0.0-master).
k8s_ldflags() {
  local minor=${1#v1.}
  minor=${minor%%.*}
  echo "-X k8s.io/component-base/version.gitVersion=$1 -X k8s.io/component-base/version.gitMajor=1 \
-X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean \
-X k8s.io/client-go/pkg/version.gitVersion=$1 -X k8s.io/client-go/pkg/version.gitMajor=1 \
-X k8s.io/client-go/pkg/version.gitMinor=$minor"
}
