#!/bin/sh
# Render what nginx cannot read from the environment into /tmp/nginx/rendered/,
# then run the command (nginx):
#   PUBLIC_HOST  the site's host name        -> server_name, $public_host
#   HTTPS_PORT   the HTTPS port users see    -> $public_port, $public_port_suffix
#   REQUEST_BODY_MAX_BYTES  the largest body -> client_max_body_size, client_body_buffer_size
#   BACKEND_CONNECTIONS_MAX held per backend -> limit_conn
#   GUNICORN_WORKERS x GUNICORN_THREADS - 1   -> limit_conn of /django/poll, /wsgi/poll
#   FCGI_CHILDREN - 1                         -> limit_conn of /cgi/poll
#   DJANGO_ASGI_POLLS_MAX                     -> limit_conn of /django-asgi/poll
#     (the waiting long polls a backend may hold: snippets/limits/long-polls.conf)
#   WEBSOCKET_PING_INTERVAL_S + WEBSOCKET_PING_TIMEOUT_S
#                                             -> a held WebSocket's proxy timeouts
#     (snippets/proxy/websocket-timeouts.conf)
# and copy upstreams/ to /tmp/nginx/rendered/upstreams/, the copy nginx reads:
# scripts/replicas.sh rewrites a copy there to take a replica out of service
# before it stops (the image's own files are read-only).
# All come from compose (.env); there is no default here.
set -eu

fail() {
  echo "nginx-entrypoint: $*" >&2
  exit 1
}

host="${PUBLIC_HOST:-}"
port="${HTTPS_PORT:-}"
body_max="${REQUEST_BODY_MAX_BYTES:-}"
connections_max="${BACKEND_CONNECTIONS_MAX:-}"
workers="${GUNICORN_WORKERS:-}"
threads="${GUNICORN_THREADS:-}"
children="${FCGI_CHILDREN:-}"
django_asgi_polls="${DJANGO_ASGI_POLLS_MAX:-}"
ping_interval="${WEBSOCKET_PING_INTERVAL_S:-}"
ping_timeout="${WEBSOCKET_PING_TIMEOUT_S:-}"
[ -n "$host" ] || fail "PUBLIC_HOST is not set: the site's host name, e.g. localhost"
[ -n "$port" ] || fail "HTTPS_PORT is not set: the HTTPS port users see, e.g. 8443"
[ -n "$body_max" ] || fail "REQUEST_BODY_MAX_BYTES is not set: the largest request body in bytes (.env)"
[ -n "$connections_max" ] || fail "BACKEND_CONNECTIONS_MAX is not set: the connections one backend may hold (.env)"
[ -n "$workers" ] || fail "GUNICORN_WORKERS is not set: Gunicorn's processes per WSGI backend (.env)"
[ -n "$threads" ] || fail "GUNICORN_THREADS is not set: Gunicorn's threads per process (.env)"
[ -n "$children" ] || fail "FCGI_CHILDREN is not set: fcgiwrap's processes (.env)"
[ -n "$django_asgi_polls" ] || fail "DJANGO_ASGI_POLLS_MAX is not set: the waiting long polls /django-asgi/ may hold (.env)"
[ -n "$ping_interval" ] || fail "WEBSOCKET_PING_INTERVAL_S is not set: seconds between the servers' WebSocket pings (.env)"
[ -n "$ping_timeout" ] || fail "WEBSOCKET_PING_TIMEOUT_S is not set: seconds a WebSocket ping waits for its pong (.env)"
# Written into nginx's configuration: a host name or address, nothing else.
case "$host" in
  *[!A-Za-z0-9.-]*) fail "PUBLIC_HOST must be a host name (letters, digits, dots, hyphens), got '$host'" ;;
esac
case "$port" in
  *[!0-9]*) fail "HTTPS_PORT must be a number, got '$port'" ;;
esac
case "$body_max" in
  *[!0-9]*) fail "REQUEST_BODY_MAX_BYTES must be a number of bytes, got '$body_max'" ;;
esac
case "$connections_max" in
  *[!0-9]*) fail "BACKEND_CONNECTIONS_MAX must be a number of connections, got '$connections_max'" ;;
esac
case "$workers$threads$children$django_asgi_polls" in
  *[!0-9]*) fail "GUNICORN_WORKERS, GUNICORN_THREADS, FCGI_CHILDREN and DJANGO_ASGI_POLLS_MAX must be numbers, got '$workers', '$threads', '$children', '$django_asgi_polls'" ;;
esac
case "$ping_interval$ping_timeout" in
  *[!0-9]*) fail "WEBSOCKET_PING_INTERVAL_S and WEBSOCKET_PING_TIMEOUT_S must be whole seconds, got '$ping_interval', '$ping_timeout'" ;;
esac
# One thread or process of each stays free for everything but polls
# (snippets/limits/long-polls.conf); nginx takes 1..65535 connections.
gunicorn_polls=$((workers * threads - 1))
fcgiwrap_polls=$((children - 1))
[ "$gunicorn_polls" -ge 1 ] || fail "GUNICORN_WORKERS x GUNICORN_THREADS must be at least 2: one thread waits in a poll, one stays for the rest"
[ "$fcgiwrap_polls" -ge 1 ] || fail "FCGI_CHILDREN must be at least 2: one process waits in a poll, one stays for the rest"
[ "$django_asgi_polls" -ge 1 ] || fail "DJANGO_ASGI_POLLS_MAX must be at least 1"
[ "$gunicorn_polls" -le 65535 ] && [ "$fcgiwrap_polls" -le 65535 ] && [ "$django_asgi_polls" -le 65535 ] \
  || fail "a long-poll cap above nginx's 65535"
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
cat >/tmp/nginx/rendered/request-body-size.conf <<CONF
# Rendered by nginx-entrypoint from REQUEST_BODY_MAX_BYTES; do not edit.
client_max_body_size $body_max;
client_body_buffer_size $body_max;
CONF
cat >/tmp/nginx/rendered/backend-connections.conf <<CONF
# Rendered by nginx-entrypoint from BACKEND_CONNECTIONS_MAX; do not edit.
limit_conn backend_connections $connections_max;
CONF
cat >/tmp/nginx/rendered/long-polls-gunicorn.conf <<CONF
# Rendered by nginx-entrypoint: GUNICORN_WORKERS x GUNICORN_THREADS - 1; do not edit.
limit_conn long_polls $gunicorn_polls;
CONF
cat >/tmp/nginx/rendered/long-polls-fcgiwrap.conf <<CONF
# Rendered by nginx-entrypoint: FCGI_CHILDREN - 1; do not edit.
limit_conn long_polls $fcgiwrap_polls;
CONF
cat >/tmp/nginx/rendered/long-polls-django-asgi.conf <<CONF
# Rendered by nginx-entrypoint: DJANGO_ASGI_POLLS_MAX; do not edit.
limit_conn long_polls $django_asgi_polls;
CONF
cat >/tmp/nginx/rendered/websocket-timeouts.conf <<CONF
# Rendered by nginx-entrypoint: WEBSOCKET_PING_INTERVAL_S + WEBSOCKET_PING_TIMEOUT_S; do not edit.
proxy_read_timeout $((ping_interval + ping_timeout))s;
proxy_send_timeout $((ping_interval + ping_timeout))s;
CONF
mkdir -p /tmp/nginx/rendered/upstreams
cp /etc/nginx/upstreams/*.conf /tmp/nginx/rendered/upstreams/
exec "$@"
