#!/usr/bin/env bash
# The slow part of the real node's images: Debian root filesystems as two layer tarballs, cached by the package
# lists and this script (not by the stand-ins' scripts, which build.sh adds as a small layer of their own).
#   tools.tar      debootstrap --variant=minbase of $SUITE + $TOOLS_PKGS
#   packages.tar   $STANDIN_PKGS installed over it in an overlay (its upper directory is the layer)
# Usage: rootfs.sh <suite> <tools packages, comma-separated> <stand-in packages, space-separated>
# Prints the folder holding the two tarballs as its last line. Needs root.
set -euo pipefail

SUITE=$1 TOOLS_PKGS=$2 STANDIN_PKGS=$3
here=$(cd "$(dirname "$0")" && pwd)
key=$( (echo "$SUITE $TOOLS_PKGS $STANDIN_PKGS"; cat "$here/rootfs.sh") | sha256sum | cut -c1-12)
cache_root=${PREVIEW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preview-cluster}
out="$cache_root/rootfs-$SUITE-$key"
done_() { [ -s "$out/tools.tar" ] && [ -s "$out/packages.tar" ]; }
if done_; then echo "$out"; exit 0; fi

log() { printf '[images build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if done_; then echo "$out"; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "cluster/images/rootfs.sh: building root filesystems needs root" >&2; exit 1; }
need=()
for cmd in debootstrap:debootstrap getfattr:attr; do command -v "${cmd%%:*}" >/dev/null || need+=("${cmd#*:}"); done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt-get)"
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

# The Debian mirror apt is configured with (this machine's own setting).
mirror=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/{print $2}'
  cat /etc/apt/sources.list 2>/dev/null | awk '/^deb /{print $2}') | grep -v security | head -1 || true)
[ -n "$mirror" ] || { echo "cluster/images/rootfs.sh: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }

started=$SECONDS
work="$out/work"
cleanup() {
  for m in "$work/merged/proc" "$work/merged"; do if mountpoint -q "$m"; then umount -l "$m"; fi; done
  rm -rf "$work"
}
trap cleanup EXIT
cleanup
mkdir -p "$work"/{upper,ovl,merged} "$cache_root/debs"

log "debootstrap $SUITE minbase + $TOOLS_PKGS (first time only; the cache is $out)"
debootstrap --variant=minbase --include="$TOOLS_PKGS" --cache-dir="$cache_root/debs" "$SUITE" "$work/base" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
for applet in httpd nslookup wget; do ln -sf /bin/busybox "$work/base/usr/local/bin/$applet"; done
slim() { # slim <root>: what containers never read
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/* \
    "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/var/log/*.log "$1"/tmp/*
}
slim "$work/base"
log "tools root filesystem ready after $(( SECONDS - started )) s"

# Services are not started while installing (policy-rc.d).
mount -t overlay overlay -o "lowerdir=$work/base,upperdir=$work/upper,workdir=$work/ovl" "$work/merged"
mount -t proc proc "$work/merged/proc"
cp /etc/resolv.conf "$work/merged/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$work/merged/usr/sbin/policy-rc.d" && chmod +x "$work/merged/usr/sbin/policy-rc.d"
log "installing $STANDIN_PKGS"
chroot "$work/merged" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends $STANDIN_PKGS" > "$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
rm -f "$work/merged/usr/sbin/policy-rc.d"
: > "$work/merged/etc/resolv.conf"
rm -rf "$work/merged"/var/lib/mysql/* "$work/merged"/var/lib/rabbitmq/* "$work/merged"/var/lib/redis/*
mkdir -p "$work/merged/data" "$work/merged/docker-entrypoint-initdb.d"
slim "$work/merged"
umount "$work/merged/proc"
umount "$work/merged"
log "stand-in packages installed after $(( SECONDS - started )) s"

# An overlay upper dir marks deletions as 0:0 character devices and opaque directories with an xattr; an image
# layer says the same with .wh. files.
upper="$work/upper"
while IFS= read -r -d '' dev; do
  rm -f "$dev" && : > "$(dirname "$dev")/.wh.$(basename "$dev")"
done < <(find "$upper" -type c -print0)
while IFS= read -r -d '' d; do
  if [ "$(getfattr --only-values -n trusted.overlay.opaque "$d" 2>/dev/null || true)" = y ]; then : > "$d/.wh..wh..opq"; fi
done < <(find "$upper" -type d -print0)
tar --numeric-owner --sort=name --mtime=@0 -C "$work/base" -cf "$out/.tools.tar" . && mv "$out/.tools.tar" "$out/tools.tar"
tar --numeric-owner --sort=name --mtime=@0 -C "$upper" -cf "$out/.packages.tar" . && mv "$out/.packages.tar" "$out/packages.tar"
log "root filesystem layers ready after $(( SECONDS - started )) s"
echo "$out"
