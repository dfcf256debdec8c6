#!/bin/sh
# Initialize $PGDATA on first start, the way the official postgres image does,
# honouring its variables: POSTGRES_USER, POSTGRES_DB, POSTGRES_PASSWORD_FILE
# (or POSTGRES_PASSWORD), POSTGRES_INITDB_ARGS, PGDATA. Then exec the server
# so it is PID 1 and receives the stop signal itself.
set -eu

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"

die() { echo "docker-entrypoint: error: $*" >&2; exit 1; }

initialize() {
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    [ -r "$POSTGRES_PASSWORD_FILE" ] || die "cannot read POSTGRES_PASSWORD_FILE=$POSTGRES_PASSWORD_FILE"
    pwfile="$POSTGRES_PASSWORD_FILE"
  elif [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile="$(mktemp)"
    printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  else
    die "no password: set POSTGRES_PASSWORD_FILE (preferred) or POSTGRES_PASSWORD"
  fi

  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} >/dev/null
  [ "$pwfile" = "${POSTGRES_PASSWORD_FILE:-}" ] || rm -f "$pwfile"

  if [ "$POSTGRES_DB" != "postgres" ]; then
    # A socket-only temporary server, so nothing can connect before we are done.
    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" start >/dev/null
    createdb --host=/var/run/postgresql --username="$POSTGRES_USER" "$POSTGRES_DB"
    pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
  fi
  echo "docker-entrypoint: initialized $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
}

if [ "${1:-}" = "postgres" ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  initialize
fi
exec "$@"
