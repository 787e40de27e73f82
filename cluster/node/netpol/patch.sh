# shellcheck shell=bash
# patch_kube_network_policies <source folder>: the two local changes to kube-network-policies v0.8.0 (sourced by
# cluster/node/build.sh, applied to a copy of the module the Go module proxy serves):
#   - its nftables `queue` statements become the xtables NFQUEUE target (this kernel lacks nft_queue; xtqueue.go.in)
#   - it reads the API server from $KUBECONFIG instead of a pod's service account (it runs as a process in the
#     real node's network namespace, not as a pod)
# Fails when the upstream text it expects is not there, so a version bump cannot silently build an unpatched copy.
patch_kube_network_policies() {
  local src=$1 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  local ctl="$src/pkg/networkpolicy/controller.go" main="$src/cmd/main.go"
  grep -qP '^\t+queue,$' "$ctl" || { echo "patch: no 'queue,' statements in $ctl" >&2; return 1; }
  sed -i 's/^\(\t*\)queue,$/\1xtQueue(queue),/' "$ctl"
  cp "$here/xtqueue.go.in" "$src/pkg/networkpolicy/zz_preview_xtqueue.go"
  grep -q 'rest.InClusterConfig()' "$main" || { echo "patch: no rest.InClusterConfig() in $main" >&2; return 1; }
  sed -i 's#rest.InClusterConfig()#clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))#;
          s#"k8s.io/client-go/rest"#"k8s.io/client-go/tools/clientcmd"#' "$main"
}
