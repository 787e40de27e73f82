#!/usr/bin/env bash
# Packs layers into docker-archive tarballs (manifest.json, one config per image, uncompressed layer tars) that
# `ctr images import` reads. Called by build.sh:
#   pack.sh <work> <pause dir> <tools layer tar> <packages layer tar> <scripts dir> <redis> <mariadb> <rabbitmq>
#     <nginx dir> <auth proxy>
# Writes <work>/base.tar (pause, tools) and <work>/standins.tar (redis, mariadb, rabbitmq, the auth proxy).
set -euo pipefail
work=$1 pause=$2 tools=$3 packages=$4 scripts=$5 redis=$6 mariadb=$7 rabbitmq=$8 nginx=$9 authproxy=${10}
blobs="$work/blobs"
mkdir -p "$blobs"

digest() { # digest <tar> -> moves or links it into $blobs/<hex>.tar, prints <hex>
  local hex
  hex=$(sha256sum "$1" | cut -c1-64)
  ln -f "$1" "$blobs/$hex.tar" 2>/dev/null || cp "$1" "$blobs/$hex.tar"
  echo "$hex"
}
layer() { # layer <dir> -> prints the layer's digest
  tar --numeric-owner --sort=name --mtime=@0 -C "$1" -cf "$work/layer.tmp" .
  digest "$work/layer.tmp"
  rm -f "$work/layer.tmp"
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
t=$(digest "$tools")
s=$(digest "$packages")
x=$(layer "$scripts")
image "$PAUSE_IMAGE" '["/pause"]' null "$(quote "$PATH_ENV")" / '{}' "$p"
image "$TOOLS_IMAGE" null '["/bin/sh"]' "$(quote "$PATH_ENV")" / '{}' "$t"
archive "$work/base.tar" "$p" "$t"
# The stand-ins: one entrypoint that starts each the way its official image does (see standins/).
entry='["docker-entrypoint.sh"]'
image "$redis" "$entry" '["redis-server"]' "$(quote "$PATH_ENV")" /data '{"6379/tcp":{}}' "$t" "$s" "$x"
image "$mariadb" "$entry" '["mariadbd"]' "$(quote "$PATH_ENV")" / '{"3306/tcp":{}}' "$t" "$s" "$x"
image "$rabbitmq" "$entry" '["rabbitmq-server"]' "$(quote "$PATH_ENV" HOME=/var/lib/rabbitmq)" / \
  '{"5672/tcp":{},"15672/tcp":{}}' "$t" "$s" "$x"
# The auth proxy: nginx over tools, started as the official image starts it (its conf.d is the template's).
n=$(layer "$nginx")
image "$authproxy" null '["nginx","-g","daemon off;"]' "$(quote "$PATH_ENV")" / '{"80/tcp":{}}' "$t" "$n"
archive "$work/standins.tar" "$t" "$s" "$x" "$n"
