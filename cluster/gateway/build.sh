#!/usr/bin/env bash
# Builds the local test cluster's Gateway API and Ingress controller (Traefik) from its Go module, once, into a
# cache outside the repository keyed by its version and go.sum, and copies the Gateway API CRDs (standard channel)
# beside it. Prints the folder holding them as its last line. Safe to run concurrently (one build at a time).
#   bin/traefik                the controller
#   crds/*.yaml                the Gateway API CustomResourceDefinitions
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../lib/go-build.sh
source "$here/lib/go-build.sh"
BUILD_NAME=gateway
TRAEFIK_VERSION=v3.6.12
GATEWAY_API_VERSION=v1.6.3

sums=$(cat "$here"/go/traefik/go.mod "$here"/go/traefik/go.sum "$here"/go/gateway-api/go.mod "$here"/go/gateway-api/go.sum |
  sha256sum | cut -c1-12)
out="$cache_root/traefik-$TRAEFIK_VERSION-gateway-api-$GATEWAY_API_VERSION-$sums"

have_all() { [ -x "$out/bin/traefik" ] && [ -d "$out/crds" ]; }

finish_if_built "$out"
lock_build "$out/bin" "$out"
start_go_builds

if [ ! -d "$out/crds" ]; then
  crds=$(cd "$here/go/gateway-api" && go mod download -json sigs.k8s.io/gateway-api | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  rm -rf "$out/.crds.tmp" && mkdir -p "$out/.crds.tmp"
  # Only the CustomResourceDefinitions (the folder also holds a ValidatingAdmissionPolicy for safe upgrades).
  for f in "$crds"/config/crd/standard/*.yaml; do
    grep -q '^kind: CustomResourceDefinition' "$f" && cp "$f" "$out/.crds.tmp/"
  done
  chmod -R u+w "$out/.crds.tmp" && mv "$out/.crds.tmp" "$out/crds"
  log "Gateway API $GATEWAY_API_VERSION CRDs copied"
fi

# First time only: about 10 min on 2 idle cores.
go_build "$here/go/traefik" "$out/bin" traefik github.com/traefik/traefik/v3/cmd/traefik \
  "-X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION"
have_all
echo "$out"
