#!/usr/bin/env bash
# Install Debian packages, with a clear error where that cannot work.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "apt-install: installing $* needs root; install it yourself" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "apt-install: not a Debian host; install $* yourself" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || { echo "apt-install: apt-get update failed: no Debian mirror?" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
