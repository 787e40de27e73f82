#!/usr/bin/env bash
# Builds the real node's container images from Debian packages, without any container registry:
#   - pause        the pod sandbox (a static C program, gcc -static)
#   - tools        Debian bookworm minbase + busybox (httpd, nc, wget, nslookup), curl, netcat-openbsd
#   - stand-ins    the bundled stack's Redis, MariaDB and RabbitMQ, tagged with the image names that
#                  templates/values.yaml uses, built from Debian's packages (see README "Real node")
# Root filesystems come from debootstrap; the stand-ins are one layer (the packages, installed over the tools
# root filesystem in an overlay) on top of the tools layer. Each set is written as a docker-archive tarball that
# `ctr images import` reads. Cached by content (this folder's files and the package lists) outside the repo.
# Prints the folder holding base.tar (pause + tools) and standins.tar as its last line. Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SUITE=bookworm
TOOLS_PKGS=busybox,curl,netcat-openbsd,procps,iproute2
STANDIN_PKGS="redis-server mariadb-server rabbitmq-server"
export TOOLS_IMAGE=preview.local/tools:1 PAUSE_IMAGE=preview.local/pause:1
REDIS_IMAGE=docker.io/library/redis:7.4-alpine
MARIADB_IMAGE=docker.io/library/mariadb:11.4
RABBITMQ_IMAGE=docker.io/library/rabbitmq:4.1-management-alpine

key=$( (echo "$SUITE $TOOLS_PKGS $STANDIN_PKGS $TOOLS_IMAGE $PAUSE_IMAGE $REDIS_IMAGE $MARIADB_IMAGE $RABBITMQ_IMAGE"
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
[ "$(id -u)" = 0 ] || { echo "cluster/images/build.sh: building root filesystems needs root" >&2; exit 1; }
need=()
for cmd in debootstrap:debootstrap gcc:gcc getfattr:attr; do command -v "${cmd%%:*}" >/dev/null || need+=("${cmd#*:}"); done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt-get)"
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

# The Debian mirror apt is configured with (this machine's own setting).
mirror=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/{print $2}'
  cat /etc/apt/sources.list 2>/dev/null | awk '/^deb /{print $2}') | grep -v security | head -1 || true)
[ -n "$mirror" ] || { echo "cluster/images/build.sh: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }

started=$SECONDS
work="$out/work"
cleanup() {
  for m in "$work/merged/proc" "$work/merged"; do mountpoint -q "$m" && umount -l "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT
cleanup
mkdir -p "$work"/{upper,ovl,merged,blobs} "$cache_root/debs"

# Layer 1: the tools root filesystem.
log "debootstrap $SUITE minbase + $TOOLS_PKGS (first time only; the cache is $out)"
debootstrap --variant=minbase --include="$TOOLS_PKGS" --cache-dir="$cache_root/debs" "$SUITE" "$work/base" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
for applet in httpd nslookup; do ln -s /bin/busybox "$work/base/usr/local/bin/$applet"; done
slim() { # slim <root>: what containers never read
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/* \
    "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/var/log/*.log "$1"/tmp/*
}
slim "$work/base"
log "tools root filesystem ready after $(( SECONDS - started )) s"

# Layer 2: the stand-ins' packages and entrypoints, installed over layer 1 in an overlay (its upper dir is the
# layer). Services are not started while installing (policy-rc.d).
mount -t overlay overlay -o "lowerdir=$work/base,upperdir=$work/upper,workdir=$work/ovl" "$work/merged"
mount -t proc proc "$work/merged/proc"
cp /etc/resolv.conf "$work/merged/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$work/merged/usr/sbin/policy-rc.d" && chmod +x "$work/merged/usr/sbin/policy-rc.d"
log "installing $STANDIN_PKGS"
chroot "$work/merged" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends $STANDIN_PKGS" > "$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
rm -f "$work/merged/usr/sbin/policy-rc.d"
: > "$work/merged/etc/resolv.conf"
install -m 0755 "$here"/standins/*.sh "$work/merged/usr/local/bin/"
rm -rf "$work/merged"/var/lib/mysql/* "$work/merged"/var/lib/rabbitmq/* "$work/merged"/var/lib/redis/*
mkdir -p "$work/merged/data" "$work/merged/docker-entrypoint-initdb.d"
slim "$work/merged"
umount "$work/merged/proc"
umount "$work/merged"
log "stand-in packages installed after $(( SECONDS - started )) s"

# The pause image: one static binary.
mkdir -p "$work/pause"
gcc -static -Os -s -o "$work/pause/pause" "$here/pause.c"

bash "$here/pack.sh" "$work" "$work/base" "$work/upper" "$work/pause" \
  "$REDIS_IMAGE" "$MARIADB_IMAGE" "$RABBITMQ_IMAGE"
mv "$work/base.tar" "$out/.base.tar.tmp" && mv "$out/.base.tar.tmp" "$out/base.tar"
mv "$work/standins.tar" "$out/.standins.tar.tmp" && mv "$out/.standins.tar.tmp" "$out/standins.tar"
log "images ready after $(( SECONDS - started )) s: $(du -sh "$out/base.tar" | cut -f1) base, $(du -sh "$out/standins.tar" | cut -f1) stand-ins"
echo "$out"
