#!/usr/bin/env bash
# Make this host able to build and run the stack: a Docker engine, the Compose
# v2 and buildx plugins, and the base image debian:trixie-slim.
# Idempotent and quiet when everything is already there; a clear error when
# the host can do none of it. Steps proven in the project's offline-build notes.
set -euo pipefail

DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PLUGIN_DIR=/usr/libexec/docker/cli-plugins
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
SCRIPTS_DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=settings.sh
. "$SCRIPTS_DIR/settings.sh" && load_settings "$SCRIPTS_DIR/../.env"   # BASE_IMAGE

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "$1 needs root (run as root, or install it yourself: $2)"
}

need_debian() {
  [ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
    die "$1 is automated for Debian hosts only; install it yourself: $2"
}

apt_install() { "$SCRIPTS_DIR/apt-install.sh" "$@"; }

ensure_engine() {
  if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null; then
    docker info >/dev/null 2>&1 && return 0 # a remote or desktop engine answers
    apt_install docker.io
  fi
  docker info >/dev/null 2>&1 && return 0
  need_root "starting dockerd" "start your Docker engine, or join the docker group if it runs"
  say "starting dockerd (log: $DOCKERD_LOG)"
  # Fully detached: a daemon holding our stdout/stderr would keep any reader
  # of this script's output (CI, `make test | tee`) waiting forever.
  # --userland-proxy=false: published ports are iptables DNAT rules in the
  # kernel instead of a docker-proxy process per port, which copies every
  # connection through itself and died at ~3,200 concurrent connections to
  # one port (issue 10), leaving the port dead until the container was
  # recreated. 127.0.0.1 still reaches the ports: the engine then sets
  # route_localnet on its bridges and masquerades loopback-sourced traffic.
  # https://docs.docker.com/reference/cli/dockerd/ (README: Connections)
  setsid dockerd --userland-proxy=false >"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

# Debian 12 has only Compose v1; trixie's docker-compose and docker-buildx
# binaries need only glibc >= 2.34 and run here as CLI plugins.
ensure_plugins() {
  if docker compose version >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then
    return 0
  fi
  need_root "installing the Compose v2 plugin" "https://docs.docker.com/compose/install/"
  need_debian "installing the Compose v2 plugin" "https://docs.docker.com/compose/install/"
  say "installing docker-compose and docker-buildx plugins from Debian trixie"
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/lists/partial" "$work/dl"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR trixie main" >"$work/sources.list"
  # A private apt state: trixie is used for these two packages only and never
  # becomes a source of the host's own packages.
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=-
    -o "Dir::State::Lists=$work/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o Dir::State::Status=/dev/null -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" -qq update >/dev/null || die "cannot read trixie's package list from $DEBIAN_MIRROR"
  (cd "$work/dl" && apt-get "${opts[@]}" -qq download docker-compose docker-buildx >/dev/null) ||
    die "cannot download docker-compose/docker-buildx from trixie"
  local deb
  for deb in "$work"/dl/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$work"/x/usr/libexec/docker/cli-plugins/* "$PLUGIN_DIR/"
  docker compose version >/dev/null || die "docker compose still does not run"
}

# The real image when a registry answers; otherwise the same thing made the
# way the official one is: debootstrap minbase, imported as a single layer.
ensure_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  if timeout 60 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then return 0; fi
  say "no registry reachable: building $BASE_IMAGE with debootstrap"
  need_root "building the base image" "docker pull $BASE_IMAGE on a host that reaches a registry"
  command -v debootstrap >/dev/null || apt_install debootstrap
  local rootfs; rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' RETURN
  # ca-certificates so pip in the images can verify PyPI (and any proxy CA below).
  debootstrap --variant=minbase --include=ca-certificates trixie "$rootfs" "$DEBIAN_MIRROR" \
    >/tmp/debootstrap.log 2>&1 || die "debootstrap failed; see /tmp/debootstrap.log"
  # Hosts behind a TLS-intercepting proxy: trust the same extra CAs the host does.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the rootfs"
  fi
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # What the official slim image drops: caches, logs, docs, man pages.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/*.log "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null ||
    die "docker import of the base image failed"
  say "built $BASE_IMAGE"
}

ensure_engine
ensure_plugins
ensure_base_image
