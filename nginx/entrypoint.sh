#!/bin/sh
# Render the one value nginx cannot read from the environment, the HTTPS port
# users see (PUBLIC_HTTPS_PORT, published by compose), then run the command.
set -eu

port="${PUBLIC_HTTPS_PORT:-443}"
case "$port" in
  '' | *[!0-9]*) echo "nginx-entrypoint: PUBLIC_HTTPS_PORT must be a number, got '$port'" >&2; exit 1 ;;
esac
suffix=":$port"
[ "$port" = 443 ] && suffix=""    # the default port is left out of URLs

mkdir -p /tmp/nginx
cat >/tmp/nginx/public-port.conf <<CONF
# Rendered by nginx-entrypoint from PUBLIC_HTTPS_PORT; do not edit.
map \$scheme \$public_port { default "$port"; }
map \$scheme \$public_port_suffix { default "$suffix"; }
CONF
exec "$@"
