#!/usr/bin/env bash
# Builds the local test cluster's Gateway API and Ingress controller (Traefik) from its Go module, once, into a
# cache outside the repository keyed by its version and go.sum, and copies the Gateway API CRDs (standard channel)
# beside it. Prints the folder holding them as its last line. Safe to run concurrently (one build at a time).
#   bin/traefik                the controller
#   crds/*.yaml                the Gateway API CustomResourceDefinitions
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
TRAEFIK_VERSION=v3.6.12
GATEWAY_API_VERSION=v1.6.3

sums=$(cat "$here"/go/traefik/go.mod "$here"/go/traefik/go.sum "$here"/go/gateway-api/go.mod "$here"/go/gateway-api/go.sum |
  sha256sum | cut -c1-12)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
out="$cache_root/traefik-$TRAEFIK_VERSION-gateway-api-$GATEWAY_API_VERSION-$sums"

have_all() { [ -x "$out/bin/traefik" ] && [ -d "$out/crds" ]; }

if have_all; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { echo "cluster/gateway/build.sh: Go is needed to build the local controller (go.dev/doc/install)" >&2; exit 1; }
mkdir -p "$out/bin"
exec 9>"$out/.lock"
flock 9
if have_all; then
  echo "$out"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod
log() { printf '[gateway build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
started=$SECONDS
# Progress for long builds: the go command is silent while it compiles, so say every minute that it goes on.
( while sleep 60; do log "still building ($(( (SECONDS - started) / 60 )) min so far)"; done ) 9>&- &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT

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

if [ ! -x "$out/bin/traefik" ]; then
  log "building traefik $TRAEFIK_VERSION (first time only, about 10 min on 2 cores; the cache is $out)"
  (cd "$here/go/traefik" && go build -trimpath \
    -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    -o "$out/bin/.traefik.tmp" github.com/traefik/traefik/v3/cmd/traefik)
  mv "$out/bin/.traefik.tmp" "$out/bin/traefik"
  log "built traefik after $(( SECONDS - started )) s"
fi
have_all
echo "$out"
