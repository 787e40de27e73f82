#!/usr/bin/env bash
# Builds and installs what the local cluster's real node runs, once, cached outside the repository:
#   - kubelet and kube-proxy from the cluster/go/kubernetes wrapper module (the control plane's Kubernetes)
#   - CoreDNS from the cluster/go/coredns wrapper module (only the plugins the node uses)
#   - containerd, runc, the CNI plugins and iptables from Debian's packages (apt-get, when missing)
# Cached by the versions and the wrapper modules' go.mod/go.sum. Prints the folder holding the binaries as its
# last line. Safe to run concurrently (one build at a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
go_dir="$here/../go"
K8S_VERSION=$(sed -n 's/^K8S_VERSION=//p' "$here/../build.sh")
COREDNS_VERSION=$(awk '{for (i = 1; i < NF; i++) if ($i == "github.com/coredns/coredns") { print $(i + 1); exit } }' "$go_dir/coredns/go.mod")
PACKAGES=(containerd runc containernetworking-plugins iptables conntrack)

sums=$(cat "$go_dir"/kubernetes/go.* "$go_dir"/coredns/go.* "$go_dir"/coredns/*.go | sha256sum | cut -c1-12)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
bin="$cache_root/node-k8s-$K8S_VERSION-coredns-$COREDNS_VERSION-$sums/bin"
all=(kubelet kube-proxy coredns)

log() { printf '[node build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
have_packages() { command -v containerd >/dev/null && command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ] &&
  command -v iptables >/dev/null && command -v conntrack >/dev/null; }
have_all() {
  local b
  for b in "${all[@]}"; do [ -x "$bin/$b" ] || return 1; done
  have_packages
}

if have_all; then
  echo "$bin"
  exit 0
fi
mkdir -p "$bin"
exec 9>"$bin/.lock"
flock 9
if have_all; then
  echo "$bin"
  exit 0
fi

if ! have_packages; then
  [ "$(id -u)" = 0 ] || { echo "cluster/node/build.sh: installing ${PACKAGES[*]} needs root" >&2; exit 1; }
  log "installing ${PACKAGES[*]} (apt-get)"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } >&2
fi

command -v go >/dev/null || { echo "cluster/node/build.sh: Go is needed to build the node (go.dev/doc/install)" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod
started=$SECONDS
( while sleep 60; do log "still building ($(( (SECONDS - started) / 60 )) min so far)"; done ) 9>&- &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT

build() { # build <module dir> <output name> <package> [ldflags]
  local dir=$1 name=$2 pkg=$3 ldflags=${4:-}
  [ -x "$bin/$name" ] && return 0
  log "building $name (first time only; the cache is $bin)"
  (cd "$go_dir/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/.$name.tmp" "$pkg")
  mv "$bin/.$name.tmp" "$bin/$name"
  log "built $name after $(( SECONDS - started )) s"
}

minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 \
-X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean \
-X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 \
-X k8s.io/client-go/pkg/version.gitMinor=$minor"

build kubernetes kubelet k8s.io/kubernetes/cmd/kubelet "$k8s_ldflags"
build kubernetes kube-proxy k8s.io/kubernetes/cmd/kube-proxy "$k8s_ldflags"
build coredns coredns . "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
have_all
log "node binaries ready after $(( SECONDS - started )) s"
echo "$bin"
