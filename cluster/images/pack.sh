#!/usr/bin/env bash
# Packs root filesystems into docker-archive tarballs (manifest.json, one config per image, uncompressed layer
# tars) that `ctr images import` reads. Called by build.sh:
#   pack.sh <work> <tools rootfs> <stand-ins overlay upper dir> <pause dir> <redis ref> <mariadb ref> <rabbitmq ref>
# Writes <work>/base.tar (pause, tools) and <work>/standins.tar (redis, mariadb, rabbitmq).
set -euo pipefail
work=$1 base=$2 upper=$3 pause=$4 redis=$5 mariadb=$6 rabbitmq=$7
blobs="$work/blobs"
mkdir -p "$blobs"

# An overlay upper dir marks deletions as 0:0 character devices and opaque directories with an xattr; an image
# layer says the same with .wh. files.
while IFS= read -r -d '' dev; do
  rm -f "$dev" && : > "$(dirname "$dev")/.wh.$(basename "$dev")"
done < <(find "$upper" -type c -print0)
while IFS= read -r -d '' d; do
  if [ "$(getfattr --only-values -n trusted.overlay.opaque "$d" 2>/dev/null || true)" = y ]; then : > "$d/.wh..wh..opq"; fi
done < <(find "$upper" -type d -print0)

layer() { # layer <dir> -> prints the layer's digest (hex); the tar is $blobs/<hex>.tar
  tar --numeric-owner --sort=name --mtime=@0 -C "$1" -cf "$blobs/layer.tmp" .
  local hex
  hex=$(sha256sum "$blobs/layer.tmp" | cut -c1-64)
  mv "$blobs/layer.tmp" "$blobs/$hex.tar"
  echo "$hex"
}
json_list() { local IFS=,; echo "[$*]"; }
quote() { local q=() a; for a in "$@"; do q+=("\"$a\""); done; json_list "${q[@]}"; }

manifest=() configs=()
image() { # image <ref> <entrypoint json> <cmd json> <env json> <workdir> <ports json> <layer hex>...
  local ref=$1 entrypoint=$2 cmd=$3 env=$4 workdir=$5 ports=$6
  shift 6
  local ids=() files=() l
  for l in "$@"; do ids+=("\"sha256:$l\""); files+=("\"$l.tar\""); done
  local config hex
  config=$(printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":"%s","ExposedPorts":%s},"rootfs":{"type":"layers","diff_ids":%s}}' \
    "$env" "$entrypoint" "$cmd" "$workdir" "$ports" "$(json_list "${ids[@]}")")
  hex=$(printf '%s' "$config" | sha256sum | cut -c1-64)
  printf '%s' "$config" > "$blobs/$hex.json"
  configs+=("$hex.json")
  manifest+=("{\"Config\":\"$hex.json\",\"RepoTags\":[\"$ref\"],\"Layers\":$(json_list "${files[@]}")}")
}
archive() { # archive <out.tar> <layer hex>...: the images declared since the last archive, with those layers
  local out=$1 l layers=()
  shift
  for l in "$@"; do layers+=("$l.tar"); done
  json_list "${manifest[@]}" > "$blobs/manifest.json"
  tar -C "$blobs" -cf "$out" manifest.json "${configs[@]}" "${layers[@]}"
  manifest=() configs=()
}

PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
p=$(layer "$pause")
t=$(layer "$base")
s=$(layer "$upper")
image "$PAUSE_IMAGE" '["/pause"]' null "$(quote "$PATH_ENV")" / '{}' "$p"
image "$TOOLS_IMAGE" null '["/bin/sh"]' "$(quote "$PATH_ENV")" / '{}' "$t"
archive "$work/base.tar" "$p" "$t"
# The stand-ins: one entrypoint that starts each the way its official image does (see standins/).
entry='["docker-entrypoint.sh"]'
image "$redis" "$entry" '["redis-server"]' "$(quote "$PATH_ENV")" /data '{"6379/tcp":{}}' "$t" "$s"
image "$mariadb" "$entry" '["mariadbd"]' "$(quote "$PATH_ENV")" / '{"3306/tcp":{}}' "$t" "$s"
image "$rabbitmq" "$entry" '["rabbitmq-server"]' "$(quote "$PATH_ENV" HOME=/var/lib/rabbitmq)" / \
  '{"5672/tcp":{},"15672/tcp":{}}' "$t" "$s"
archive "$work/standins.tar" "$t" "$s"
