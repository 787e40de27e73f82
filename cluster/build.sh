#!/usr/bin/env bash
# Builds the local test cluster's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# from Go modules, once, into a cache outside the repository keyed by their versions and go.sum files.
# Prints the folder holding the binaries as its last line. Safe to run concurrently (one build at a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0

# The control plane's modules only (cluster/go/coredns is the real node's: cluster/node/build.sh).
sums=$(cat "$here"/go/{etcd,kubernetes,kwok}/go.mod "$here"/go/{etcd,kubernetes,kwok}/go.sum | sha256sum | cut -c1-12)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
bin="$cache_root/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION-$sums/bin"
all=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

have_all() {
  local b
  for b in "${all[@]}"; do [ -x "$bin/$b" ] || return 1; done
  [ -d "$bin/stages" ]
}

if have_all; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "cluster/build.sh: Go is needed to build the local control plane (go.dev/doc/install)" >&2; exit 1; }
mkdir -p "$bin"
exec 9>"$bin/.lock"
flock 9
if have_all; then
  echo "$bin"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod
log() { printf '[cluster build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
started=$SECONDS
# Progress for long builds: the go command is silent while it compiles, so say every minute that it goes on.
( while sleep 60; do log "still building ($(( (SECONDS - started) / 60 )) min so far)"; done ) 9>&- &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT

build() { # build <module dir> <output name> <package> [ldflags]
  local dir=$1 name=$2 pkg=$3 ldflags=${4:-}
  [ -x "$bin/$name" ] && return 0
  log "building $name (first time only; the cache is $bin)"
  (cd "$here/go/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/.$name.tmp" "$pkg")
  mv "$bin/.$name.tmp" "$bin/$name"
  log "built $name after $(( SECONDS - started )) s"
}

minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 \
-X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean \
-X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 \
-X k8s.io/client-go/pkg/version.gitMinor=$minor"

build etcd etcd go.etcd.io/etcd/server/v3
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
build kubernetes kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler "$k8s_ldflags"
build kubernetes kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
build kubernetes kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
# kwok's stage definitions (how fake nodes and pods move through their lives) ship in its module; keep a copy
# beside the binaries.
stages=$(cd "$here/go/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
rm -rf "$bin/.stages.tmp" && mkdir -p "$bin/.stages.tmp"
cp -r "$stages/node" "$stages/pod" "$bin/.stages.tmp/" && chmod -R u+w "$bin/.stages.tmp"
mv "$bin/.stages.tmp" "$bin/stages"
have_all
log "control-plane binaries ready after $(( SECONDS - started )) s"
echo "$bin"
