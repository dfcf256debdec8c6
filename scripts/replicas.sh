#!/usr/bin/env bash
# Replicas of the HTTP backends behind the edge, changed under load without a
# failed or lost request:
#   scripts/replicas.sh scale BACKEND=N...   `make scale DJANGO=3 FASTAPI=3`
#   scripts/replicas.sh deploy BACKEND       `make deploy SERVICE=django` (after a build)
# BACKEND is one of cgi django fastapi wsgi asgi django-asgi (any case, _ for -). The stack is the
# one `docker compose` finds (COMPOSE_PROJECT_NAME, COMPOSE_FILE: the tests set
# both), so this works for `make up`'s stack and for the test stack alike.
#
# How no request fails: nginx 1.26 resolves a backend's name once, at start or
# reload (Docker's DNS answers every running replica), and never retries a
# request (snippets/proxy/timeouts.conf), so a replica must leave nginx's view
# before it stops:
#   add      `compose up --scale` starts the replica beside the others; once it
#            is healthy, `nginx -s reload` re-resolves the name: all replicas.
#   remove   the upstream is rewritten to name the remaining replicas by
#            address (the copy in /tmp/nginx/rendered/upstreams/, see
#            nginx/entrypoint.sh), nginx reloads (its old workers finish their
#            requests and exit), then the replica gets SIGTERM (its server
#            finishes what it holds), and the upstream goes back to the name.
#   deploy   per old replica: add one from the current image, remove the old
#            one; one replica more than usual at a time.
# Each step first checks the PostgreSQL connection budget
# (scripts/connection_budget.py) at the replica counts it is about to reach.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/settings.sh && load_settings

BACKENDS=(cgi django fastapi wsgi asgi django-asgi)
# The server matrix (profile `matrix`): never scaled here, but counted in the
# budget when running.
VARIANTS=(was-gunicorn-sync-1 was-gunicorn-sync was-uvicorn-worker was-granian-wsgi was-granian-asgi)
WAIT_SECONDS=120   # for a new replica to be healthy (each image checks every 10 s)

die() {
  echo "replicas: $*" >&2
  exit 1
}
usage() {
  die "usage: $0 scale BACKEND=N [BACKEND=N...] | $0 deploy BACKEND   (BACKEND: ${BACKENDS[*]})"
}
is_backend() { [[ " ${BACKENDS[*]} " == *" $1 "* ]]; }

# Compose is asked once, for the edge; plain `docker` calls do the rest, by
# compose's labels (a `docker compose` call parses the whole project: seconds).
find_stack() {
  EDGE_ID=$(docker compose ps -q nginx)
  [ -n "$EDGE_ID" ] || die "nginx is not running: start the stack first (make up)"
  PROJECT=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.project"}}' "$EDGE_ID")
}

containers() {   # the backend's running containers, oldest first
  local ids
  ids=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --filter label=com.docker.compose.oneoff=False)
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086  # one id per word
  docker inspect -f '{{.Created}} {{.Id}}' $ids | sort | cut -d' ' -f2
}

count() { containers "$1" | wc -l; }

edge() { docker exec -i "$EDGE_ID" "$@"; }

check_budget() {   # check_budget BACKEND=N...: every other backend at its current count
  local backend counts=()
  for backend in "${BACKENDS[@]}" "${VARIANTS[@]}"; do counts+=("$backend=$(count "$backend")"); done
  python3 scripts/connection_budget.py "${counts[@]}" "$@"
}

address() {   # address CONTAINER: its IP on a network nginx shares with it
  local networks
  networks=$(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}' "$EDGE_ID")
  docker inspect -f '{{range $name, $net := .NetworkSettings.Networks}}{{$name}} {{$net.IPAddress}}{{"\n"}}{{end}}' "$1" |
    while read -r name ip; do
      if [[ " $networks " == *" $name "* ]]; then
        echo "$ip"
        return
      fi
    done
}

workers() {   # the pids of nginx's workers, running or shutting down
  edge sh -c 'for p in /proc/[0-9]*; do
    case "$(tr "\0" " " <"$p/cmdline" 2>/dev/null)" in "nginx: worker process"*) echo "${p#/proc/}" ;; esac
  done'
}

reload() {   # nginx -s reload, returning once the workers from before it have exited
  local before now pid
  before=$(workers)
  edge nginx -t -q
  edge nginx -s reload
  for _ in $(seq 1 60); do   # worker_shutdown_timeout (20 s) bounds an old worker's life
    sleep 0.5
    now=" $(workers | tr '\n' ' ') "
    for pid in $before; do
      [[ "$now" == *" $pid "* ]] && continue 2
    done
    return 0
  done
  die "nginx workers from before the reload still run after 30 s"
}

upstream_file() { echo "/tmp/nginx/rendered/upstreams/$1.conf"; }

route_by_address() {   # route_by_address BACKEND CONTAINER...: the upstream names these replicas only
  local backend=$1 id addresses=()
  shift
  for id in "$@"; do addresses+=("$(address "$id")"); done
  edge sh -c 'awk -v name="$1" -v addresses="$2" "
      \$1 == \"server\" && index(\$2, name \":\") == 1 {
        port = substr(\$2, length(name) + 2); sub(/;\$/, \"\", port)
        rest = \$0; sub(/^[ \t]*server[ \t]+[^ \t;]+/, \"\", rest)
        n = split(addresses, list, \" \")
        for (i = 1; i <= n; i++) printf \"  server %s:%s%s\n\", list[i], port, (rest == \"\" ? \";\" : rest)
        next
      }
      { print }" "/etc/nginx/upstreams/$1.conf" >"$3.new" && mv "$3.new" "$3"' \
    sh "$backend" "${addresses[*]}" "$(upstream_file "$backend")"
  reload
}

route_by_name() {   # route_by_name BACKEND: the upstream as shipped, the name resolved to every replica
  edge cp "/etc/nginx/upstreams/$1.conf" "$(upstream_file "$1")"
  reload
}

healthy() {   # healthy CONTAINER...: each one's healthcheck passes
  local id
  for id in "$@"; do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ] || return 1
  done
}

add() {   # add BACKEND N: N replicas, the running ones kept as they are, once all are healthy
  local deadline=$((SECONDS + WAIT_SECONDS))
  check_budget "$1=$2"
  docker compose up -d --no-deps --no-recreate --no-build --scale "$1=$2" "$1"
  # Not `up --wait`: it gives up at the first failed check, and a check may
  # time out once on a busy host before the replica settles.
  # shellcheck disable=SC2046  # container ids, one per word
  until healthy $(containers "$1"); do
    [ "$SECONDS" -lt "$deadline" ] || die "$1: not every replica is healthy after ${WAIT_SECONDS}s (docker compose ps $1)"
    sleep 1
  done
}

remove() {   # remove BACKEND CONTAINER...: out of nginx's view, then a graceful stop
  local backend=$1 id keep=()
  shift
  for id in $(containers "$backend"); do
    [[ " $* " == *" $id "* ]] || keep+=("$id")
  done
  [ "${#keep[@]}" -gt 0 ] || die "refusing to remove the last replica of $backend"
  route_by_address "$backend" "${keep[@]}"
  docker stop "$@" >/dev/null   # SIGTERM, then the service's stop_grace_period
  docker rm "$@" >/dev/null
  route_by_name "$backend"
}

scale() {
  local argument backend n current
  [ "$#" -gt 0 ] || usage
  for argument in "$@"; do   # every argument checked before anything changes
    backend=$(tr '[:upper:]_' '[:lower:]-' <<<"${argument%%=*}")
    n=${argument#*=}
    is_backend "$backend" && [[ "$n" =~ ^[1-9][0-9]*$ ]] || usage
  done
  find_stack
  check_budget "$@" >/dev/null
  for argument in "$@"; do
    backend=$(tr '[:upper:]_' '[:lower:]-' <<<"${argument%%=*}")
    n=${argument#*=}
    current=$(count "$backend")
    if [ "$n" -gt "$current" ]; then
      add "$backend" "$n"
      route_by_name "$backend"
    elif [ "$n" -lt "$current" ]; then
      # shellcheck disable=SC2046  # container ids, one per word
      remove "$backend" $(containers "$backend" | tail -n "$((current - n))")
    fi
    echo "$backend: $n replica(s)"
  done
}

deploy() {
  local backend old current
  [ "$#" -eq 1 ] || usage
  backend=$(tr '[:upper:]_' '[:lower:]-' <<<"$1")
  is_backend "$backend" || usage
  find_stack
  current=$(count "$backend")
  [ "$current" -gt 0 ] || die "$backend is not running: start the stack first (make up)"
  for old in $(containers "$backend"); do
    add "$backend" "$((current + 1))"
    remove "$backend" "$old"
  done
  echo "$backend: $current replica(s) replaced"
}

case "${1:-}" in
  scale | deploy) "$@" ;;
  *) usage ;;
esac
