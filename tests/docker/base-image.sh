#!/usr/bin/env bash
# base-image.sh CACHE_DIR - makes docker.io/library/debian:bookworm-slim in
# buildah's local storage, since no image registry is reachable from here: a
# debootstrap --variant=minbase rootfs (close to, not identical with, the
# official slim image), tarred once into CACHE_DIR so reruns skip debootstrap.
set -euo pipefail
cache=${1:?usage: base-image.sh CACHE_DIR}
image=docker.io/library/debian:bookworm-slim
mirror=${EP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
bah=(buildah --storage-driver vfs)

if "${bah[@]}" inspect --type image "$image" >/dev/null 2>&1; then
  echo "base image $image: present"
  exit 0
fi
mkdir -p "$cache"
tarball=$cache/bookworm-minbase.tar
if [ ! -s "$tarball" ]; then
  rootfs=$cache/rootfs
  rm -rf "$rootfs"
  echo "debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log"; exit 1; }
  # What the official image ships: updates and security suites, no caches.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$rootfs"
fi
ctr=$("${bah[@]}" from scratch)
trap '"${bah[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
"${bah[@]}" add --quiet "$ctr" "$tarball" / >/dev/null
"${bah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd bash "$ctr"
"${bah[@]}" commit --quiet "$ctr" "$image" >/dev/null
echo "base image $image: built from $tarball"
