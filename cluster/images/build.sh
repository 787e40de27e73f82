#!/usr/bin/env bash
# Builds the real node's container images from Debian packages, without any container registry:
#   - pause        the pod sandbox (a static C program, gcc -static)
#   - tools        Debian bookworm minbase + busybox (httpd, wget, nslookup), curl, netcat-openbsd
#   - stand-ins    the bundled stack's Redis, MariaDB and RabbitMQ, tagged with the image names that
#                  templates/values.yaml uses, built from Debian's packages (see README "The real node"); and
#                  the auth proxy's nginx: Debian's nginx unpacked as a layer of its own over tools
# The root filesystems (rootfs.sh, slow, cached by the package lists) are two layers: tools, and the stand-ins'
# packages over it; the stand-ins' entrypoint and health scripts (standins/) are a third, small layer. Each set
# is written as a docker-archive tarball that `ctr images import` reads, cached by content outside the repo.
# Prints the folder holding base.tar (pause + tools) and standins.tar as its last line. Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SUITE=bookworm
TOOLS_PKGS=busybox,curl,netcat-openbsd,procps,iproute2
STANDIN_PKGS="redis-server mariadb-server rabbitmq-server"
export TOOLS_IMAGE=preview.local/tools:1 PAUSE_IMAGE=preview.local/pause:1
# The stand-ins' names are read from the bundled templates' values.yaml (`images:`), so they always match.
values="$here/../../templates/values.yaml"
image_of() {
  local ref
  ref=$(sed -n '/^images:/,/^[^ #]/p' "$values" | sed -n "s/^  $1: *//p" | head -1)
  [ -n "$ref" ] || { echo "cluster/images/build.sh: no images.$1 in $values" >&2; exit 1; }
  # As containerd names them: docker.io/library/<name> for an official image, docker.io/<org>/<name> for others.
  if [[ $ref != */* ]]; then ref="docker.io/library/$ref"
  else case "${ref%%/*}" in *.*|*:*|localhost) ;; *) ref="docker.io/$ref" ;; esac; fi
  echo "$ref"
}
REDIS_IMAGE=$(image_of redis)
MARIADB_IMAGE=$(image_of mariadb)
RABBITMQ_IMAGE=$(image_of rabbitmq)
AUTH_PROXY_IMAGE=$(image_of authProxy)
NGINX_PKGS=(nginx nginx-common)

layers=$(bash "$here/rootfs.sh" "$SUITE" "$TOOLS_PKGS" "$STANDIN_PKGS" | tail -1)
key=$( (echo "$layers $TOOLS_IMAGE $PAUSE_IMAGE $REDIS_IMAGE $MARIADB_IMAGE $RABBITMQ_IMAGE $AUTH_PROXY_IMAGE ${NGINX_PKGS[*]}"
  cd "$here" && find . -type f | LC_ALL=C sort | xargs cat) | sha256sum | cut -c1-12)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
out="$cache_root/images-$SUITE-$key"
done_() { [ -s "$out/base.tar" ] && [ -s "$out/standins.tar" ]; }
if done_; then echo "$out"; exit 0; fi

log() { printf '[images build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if done_; then echo "$out"; exit 0; fi
if ! command -v gcc >/dev/null; then
  log "installing gcc (apt-get)"
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc libc6-dev >&2
fi
work="$out/work"
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pause" "$work/scripts/usr/local/bin"
gcc -static -Os -s -o "$work/pause/pause" "$here/pause.c"
install -m 0755 "$here"/standins/*.sh "$work/scripts/usr/local/bin/"
# nginx's own libraries (libc, libcrypt, PCRE2, OpenSSL, zlib) are in the tools layer already (curl, grep), so its
# two packages, unpacked, are the whole layer: downloaded by this machine's apt, which must be the same suite.
codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
[ "$codename" = "$SUITE" ] || {
  echo "cluster/images/build.sh: the auth proxy's nginx comes from this machine's apt, which is ${codename:-unknown}, not $SUITE" >&2
  exit 1
}
mkdir -p "$work/nginx-debs" "$work/nginx"
(cd "$work/nginx-debs" && { apt-get download "${NGINX_PKGS[@]}" || { apt-get update -q && apt-get download "${NGINX_PKGS[@]}"; }; }) >&2
for deb in "$work"/nginx-debs/*.deb; do dpkg-deb -x "$deb" "$work/nginx"; done
# Merged /usr: in the tools layer /lib, /bin and /sbin are links into /usr; a real directory of the same name in
# a layer above would hide them (and the dynamic loader with /lib64), so what the packages put there moves.
for d in bin sbin lib lib32 lib64; do
  if [ -d "$work/nginx/$d" ] && [ ! -L "$work/nginx/$d" ]; then
    mkdir -p "$work/nginx/usr/$d" && cp -a "$work/nginx/$d/." "$work/nginx/usr/$d/" && rm -rf "${work:?}/nginx/$d"
  fi
done
mkdir -p "$work/nginx/var/lib/nginx" "$work/nginx/var/log/nginx"
rm -f "$work/nginx/etc/nginx/sites-enabled/default" # the package's own site on port 80; conf.d holds the proxy's
bash "$here/pack.sh" "$work" "$work/pause" "$layers/tools.tar" "$layers/packages.tar" "$work/scripts" \
  "$REDIS_IMAGE" "$MARIADB_IMAGE" "$RABBITMQ_IMAGE" "$work/nginx" "$AUTH_PROXY_IMAGE"
mv "$work/base.tar" "$out/.base.tar.tmp" && mv "$out/.base.tar.tmp" "$out/base.tar"
mv "$work/standins.tar" "$out/.standins.tar.tmp" && mv "$out/.standins.tar.tmp" "$out/standins.tar"
log "images packed: $(du -sh "$out/base.tar" | cut -f1) base, $(du -sh "$out/standins.tar" | cut -f1) stand-ins"
echo "$out"
