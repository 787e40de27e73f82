#!/usr/bin/env bash
# Builds the local test cluster's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# from Go modules, once, into a cache outside the repository keyed by their versions and go.sum files.
# Prints the folder holding the binaries as its last line. Safe to run concurrently (one build at a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$here/lib/go-build.sh"
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0

# The control plane's modules only (cluster/go/coredns is the real node's: cluster/node/build.sh).
sums=$(cat "$here"/go/{etcd,kubernetes,kwok}/go.mod "$here"/go/{etcd,kubernetes,kwok}/go.sum | sha256sum | cut -c1-12)
BUILD_NAME=cluster
bin="$cache_root/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION-$sums/bin"
all=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

have_all() {
  local b
  for b in "${all[@]}"; do [ -x "$bin/$b" ] || return 1; done
  [ -d "$bin/stages" ]
}

finish_if_built "$bin"
lock_build "$bin" "$bin"
start_go_builds

build() { go_build "$here/go/$1" "$bin" "${@:2}"; } # build <module dir> <name> <package> [ldflags]
k8s=$(k8s_ldflags "$K8S_VERSION")
build etcd etcd go.etcd.io/etcd/server/v3
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
build kubernetes kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler "$k8s"
build kubernetes kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$k8s"
build kubernetes kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$k8s"
# kwok's stage definitions (how fake nodes and pods move through their lives) ship in its module; keep a copy
# beside the binaries.
stages=$(cd "$here/go/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
rm -rf "$bin/.stages.tmp" && mkdir -p "$bin/.stages.tmp"
cp -r "$stages/node" "$stages/pod" "$bin/.stages.tmp/" && chmod -R u+w "$bin/.stages.tmp"
mv "$bin/.stages.tmp" "$bin/stages"
have_all
log "control-plane binaries ready after $(( SECONDS - started )) s"
echo "$bin"
