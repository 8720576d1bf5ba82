#!/usr/bin/env bash
# Build the Debian systemd images that the lab and the Molecule scenarios boot.
#
#   scripts/images.sh [RELEASE ...]      RELEASE: 12 (bookworm) or 13 (trixie); default both
#
# Each image is built from Debian's archive with mmdebstrap and imported with
# `docker import`; no container registry is involved. The image carries a label with
# a hash of its recipe, and the build is skipped when an image with the same recipe
# already exists. To use an image of your own instead (from your registry), set
# LONGSHORE_IMAGE_DEBIAN12 / LONGSHORE_IMAGE_DEBIAN13: this script then leaves that
# release alone.
set -euo pipefail

readonly RECIPE_VERSION=1
readonly PACKAGES=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,iproute2,procps
readonly MIRROR=${LONGSHORE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly MIN_FREE_MIB=2048

die() { printf 'images: %s\n' "$*" >&2; exit 1; }

codename_of() {
  case "$1" in
    12 | bookworm) echo bookworm ;;
    13 | trixie) echo trixie ;;
    *) return 1 ;;
  esac
}

major_of() {
  case "$1" in
    bookworm) echo 12 ;;
    trixie) echo 13 ;;
  esac
}

command -v docker >/dev/null 2>&1 || die "docker is not installed: run scripts/engine.sh first"
docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/engine.sh first"

releases=("$@")
[ "${#releases[@]}" -gt 0 ] || releases=(12 13)

for release in "${releases[@]}"; do
  codename=$(codename_of "$release") || die "unknown Debian release '$release': use 12 (bookworm) or 13 (trixie)"
  major=$(major_of "$codename")
  override_var="LONGSHORE_IMAGE_DEBIAN${major}"
  if [ -n "${!override_var:-}" ]; then
    echo "images: debian ${major}: using ${!override_var} from ${override_var}; not building"
    continue
  fi
  image="longshore/debian:${major}"
  recipe=$(printf '%s\n' "$RECIPE_VERSION" "$codename" "$PACKAGES" "$MIRROR" minbase | sha256sum | cut -c1-16)

  current=$(docker image inspect -f '{{ index .Config.Labels "org.longshore.recipe" }}' "$image" 2>/dev/null || true)
  if [ "$current" = "$recipe" ]; then
    echo "images: $image is up to date (recipe $recipe)"
    continue
  fi

  if ! command -v mmdebstrap >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "mmdebstrap is missing and installing it needs root: apt-get install mmdebstrap"
    command -v apt-get >/dev/null 2>&1 || die "mmdebstrap is missing: install it (Debian/Ubuntu package 'mmdebstrap')"
    echo "images: installing mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null; } \
      || die "apt-get could not install mmdebstrap"
  fi

  workdir=$(mktemp -d "${TMPDIR:-/tmp}/longshore-image.XXXXXX")
  trap 'rm -rf "$workdir"' EXIT
  free_mib=$(df -Pm "$workdir" | awk 'NR == 2 { print $4 }')
  [ "$free_mib" -ge "$MIN_FREE_MIB" ] || die "only ${free_mib} MiB free under $(dirname "$workdir"); the build needs ${MIN_FREE_MIB} MiB"

  echo "images: building $image from $codename (recipe $recipe)"
  start=$SECONDS
  built=false
  for attempt in 1 2 3; do
    if mmdebstrap --quiet --variant=minbase --include="$PACKAGES" "$codename" "$workdir/rootfs.tar" "$MIRROR" \
      >"$workdir/mmdebstrap.log" 2>&1; then
      built=true
      break
    fi
    echo "images: mmdebstrap attempt $attempt failed; retrying" >&2
    sleep 3
  done
  $built || die "mmdebstrap could not build $codename: $(tail -n 3 "$workdir/mmdebstrap.log" | tr '\n' ' ')"

  docker import \
    --change 'CMD ["/lib/systemd/systemd"]' \
    --change 'ENV container=docker' \
    --change "LABEL org.longshore.recipe=$recipe org.longshore.release=$codename" \
    "$workdir/rootfs.tar" "$image" >/dev/null
  rm -rf "$workdir"
  trap - EXIT
  echo "images: built $image in $((SECONDS - start)) s"
done
