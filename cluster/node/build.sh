#!/usr/bin/env bash
# Builds and installs what the local cluster's real node runs, once, cached outside the repository:
#   - kubelet and kube-proxy from the cluster/go/kubernetes wrapper module (the control plane's Kubernetes)
#   - CoreDNS from the cluster/go/coredns wrapper module (only the plugins the node uses)
#   - kube-network-policies, the NetworkPolicy enforcer (cluster/go/kube-network-policies pins it), with the two
#     local changes of cluster/node/netpol/patch.sh
#   - containerd, runc, the CNI plugins and iptables from Debian's packages (apt-get, when missing)
# Cached by the versions and the wrapper modules' go.mod/go.sum. Prints the folder holding the binaries as its
# last line. Safe to run concurrently (one build at a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/go-build.sh
source "$here/../lib/go-build.sh"
BUILD_NAME=node
go_dir="$here/../go"
K8S_VERSION=$(sed -n 's/^K8S_VERSION=//p' "$here/../build.sh")
COREDNS_VERSION=$(awk '{for (i = 1; i < NF; i++) if ($i == "github.com/coredns/coredns") { print $(i + 1); exit } }' "$go_dir/coredns/go.mod")
PACKAGES=(containerd runc containernetworking-plugins iptables conntrack)

KNP_VERSION=$(awk '{for (i = 1; i < NF; i++) if ($i == "sigs.k8s.io/kube-network-policies") { print $(i + 1); exit } }' \
  "$go_dir/kube-network-policies/go.mod")
# shellcheck source=SCRIPTDIR/netpol/patch.sh
source "$here/netpol/patch.sh"

sums=$(cat "$go_dir"/kubernetes/go.* "$go_dir"/coredns/go.* "$go_dir"/coredns/*.go "$go_dir"/kube-network-policies/go.* \
  "$here"/netpol/* | sha256sum | cut -c1-12)
bin="$cache_root/node-k8s-$K8S_VERSION-coredns-$COREDNS_VERSION-knp-$KNP_VERSION-$sums/bin"
all=(kubelet kube-proxy coredns kube-network-policies)

have_packages() { command -v containerd >/dev/null && command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ] &&
  command -v iptables >/dev/null && command -v conntrack >/dev/null; }
have_all() {
  local b
  for b in "${all[@]}"; do [ -x "$bin/$b" ] || return 1; done
  have_packages
}

finish_if_built "$bin"
lock_build "$bin" "$bin"

if ! have_packages; then
  [ "$(id -u)" = 0 ] || { echo "cluster/node/build.sh: installing ${PACKAGES[*]} needs root" >&2; exit 1; }
  log "installing ${PACKAGES[*]} (apt-get)"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } >&2
fi

start_go_builds
build() { go_build "$go_dir/$1" "$bin" "${@:2}"; } # build <module dir> <name> <package> [ldflags]
k8s=$(k8s_ldflags "$K8S_VERSION")
build kubernetes kubelet k8s.io/kubernetes/cmd/kubelet "$k8s"
build kubernetes kube-proxy k8s.io/kubernetes/cmd/kube-proxy "$k8s"
build coredns coredns . "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
if [ ! -x "$bin/kube-network-policies" ]; then
  # Built in a patched copy of the module the proxy serves (its own go.mod and go.sum decide the dependencies).
  knp=$(cd "$go_dir/kube-network-policies" && go mod download -json sigs.k8s.io/kube-network-policies |
    sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  src="$bin/../kube-network-policies-src"
  rm -rf "$src" && cp -r "$knp" "$src" && chmod -R u+w "$src"
  patch_kube_network_policies "$src"
  go_build "$src" "$bin" kube-network-policies ./cmd
  rm -rf "$src"
fi
have_all
log "node binaries ready after $(( SECONDS - started )) s"
echo "$bin"
