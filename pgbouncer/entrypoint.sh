#!/bin/sh
# Writes what pgbouncer.ini %includes from the environment and the password
# file, then runs PgBouncer in the foreground (logs on stderr).
set -eu

: "${PGBOUNCER_POOL_SIZE:?environment variable PGBOUNCER_POOL_SIZE is not set}"
: "${FCGI_CHILDREN:?environment variable FCGI_CHILDREN is not set}"
: "${POSTGRES_USER:?environment variable POSTGRES_USER is not set}"
: "${POSTGRES_PASSWORD_FILE:?environment variable POSTGRES_PASSWORD_FILE is not set}"

umask 077   # the user list holds a password: readable by this user only
mkdir -p /tmp/pgbouncer

# A user list line is "name" "password"; a double quote inside is doubled.
password=$(cat "$POSTGRES_PASSWORD_FILE")
case "$password" in *'"'*) password=$(printf '%s' "$password" | sed 's/"/""/g') ;; esac
printf '"%s" "%s"\n' "$POSTGRES_USER" "$password" >/tmp/pgbouncer/userlist.txt

cat >/tmp/pgbouncer/sizes.ini <<SIZES
; Written by the entrypoint from .env.
; Clients: every CGI process at once (FCGI_CHILDREN, one connection each),
; plus 4 for the healthcheck and SHOW commands.
max_client_conn = $((FCGI_CHILDREN + 4))
; PostgreSQL connections per database and user: PGBOUNCER_POOL_SIZE, the
; pooler's whole share of the connection budget (docs/connection-budget.md).
default_pool_size = $PGBOUNCER_POOL_SIZE
SIZES

exec pgbouncer /etc/gateway-pgbouncer/pgbouncer.ini
