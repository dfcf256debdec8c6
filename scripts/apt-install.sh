#!/usr/bin/env bash
# Install Debian packages, with a clear error where that cannot work.
# Used by the host bootstrap and by `make test` (browser).
set -euo pipefail
die() { echo "apt-install: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "installing $* needs root; run as root, or install it yourself"
[ -r /etc/debian_version ] && command -v apt-get >/dev/null || die "not a Debian host; install $* yourself"
echo "apt-install: installing $* from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || die "apt-get update failed: no Debian mirror reachable?"
apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
