#!/bin/sh
# Render what nginx cannot read from the environment into /tmp/nginx/rendered/,
# then run the command (nginx):
#   PUBLIC_HOST  the site's host name        -> server_name, $public_host
#   HTTPS_PORT   the HTTPS port users see    -> $public_port, $public_port_suffix
# and copy upstreams/ to /tmp/nginx/rendered/upstreams/, the copy nginx reads:
# scripts/replicas.sh rewrites a copy there to take a replica out of service
# before it stops (the image's own files are read-only).
# Both come from compose; there is no default here.
set -eu

fail() {
  echo "nginx-entrypoint: $*" >&2
  exit 1
}

host="${PUBLIC_HOST:-}"
port="${HTTPS_PORT:-}"
[ -n "$host" ] || fail "PUBLIC_HOST is not set: the site's host name, e.g. localhost"
[ -n "$port" ] || fail "HTTPS_PORT is not set: the HTTPS port users see, e.g. 8443"
# Written into nginx's configuration: a host name or address, nothing else.
case "$host" in
  *[!A-Za-z0-9.-]*) fail "PUBLIC_HOST must be a host name (letters, digits, dots, hyphens), got '$host'" ;;
esac
case "$port" in
  *[!0-9]*) fail "HTTPS_PORT must be a number, got '$port'" ;;
esac
suffix=":$port"
[ "$port" = 443 ] && suffix=""    # the default port is left out of URLs

mkdir -p /tmp/nginx/rendered
cat >/tmp/nginx/rendered/public-origin.conf <<CONF
# Rendered by nginx-entrypoint from PUBLIC_HOST and HTTPS_PORT; do not edit.
map \$scheme \$public_host { default "$host"; }
map \$scheme \$public_port { default "$port"; }
map \$scheme \$public_port_suffix { default "$suffix"; }
CONF
cat >/tmp/nginx/rendered/server-name.conf <<CONF
# Rendered by nginx-entrypoint from PUBLIC_HOST; do not edit.
server_name $host;
CONF
mkdir -p /tmp/nginx/rendered/upstreams
cp /etc/nginx/upstreams/*.conf /tmp/nginx/rendered/upstreams/
exec "$@"
