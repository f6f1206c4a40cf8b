#!/usr/bin/env bash
# The base every local image starts from: Debian bookworm (minbase) made by debootstrap from
# the Debian mirror this machine uses, imported into Docker. No container registry involved.
#
#   k8s/build/base-image.sh <tag> <tarball>
#
# The root filesystem is kept as <tarball> (the cache), so a new Docker data root imports it
# in seconds instead of bootstrapping again. Its cache key must cover this script and the
# machine's extra CA certificates (dev/localcluster/images.py computes it).
set -euo pipefail
tag="${1:?usage: base-image.sh <tag> <tarball>}"
tarball="${2:?usage: base-image.sh <tag> <tarball>}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ ! -s "$tarball" ]; then
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >/dev/null
  # The certificate authorities this machine adds to Debian's (an egress proxy's, a company
  # CA) are trusted inside the images too, as on the machine: builds reach the same registries.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  # Images are built with `docker build --network host`: apt inside them uses this mirror.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" \
    > "$rootfs/etc/apt/sources.list"
  # Smaller images: no documentation, no apt caches kept between RUN steps.
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    > "$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    > "$rootfs/etc/apt/apt.conf.d/01-norecommends"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --numeric-owner -czf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi
docker import "$tarball" "$tag" >/dev/null
echo "$tag"
