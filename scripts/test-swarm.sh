#!/usr/bin/env bash
# `make test-swarm`: the Swarm stack on a single-node swarm, end to end.
#   deploy (scripts/swarm.sh up) → no upstream{} left in the edge → the
#   contract smoke through the edge (/info and /db of all five backends, the
#   fixed /cgi/floor, the /asgi/ WebSocket upgrade, the admin login limit) →
#   the PostgreSQL connection budget at the deployed replica counts →
#   django scaled to 3, every replica answering through the edge →
#   a rolling update of django under a bounded load, zero failed requests →
#   WebSockets opened after the smoke, idle since, still open past the edge's
#   30 s for other requests →
#   a broken update rolled back by Swarm itself → stack removed, and the
#   swarm left if this script initialised it.
# Prints `swarm: N passed, N failed`; exits non-zero on any failure.
# Bounded: every wait has a deadline; the load stops with the update or at
# LOAD_REQUESTS per client.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/settings.sh && load_settings
export SWARM_STACK="${SWARM_STACK:-gateway-lab-swarm-test}"
export HTTP_PORT="${TEST_HTTP_PORT:-$HTTP_PORT}" HTTPS_PORT="${TEST_HTTPS_PORT:-$HTTPS_PORT}"
LOAD_REQUESTS="${LOAD_REQUESTS:-15000}"   # at most, per client (2 clients): about the 300 s update deadline at 50 req/s
CA="$PWD/.cache/swarm/$SWARM_STACK/secrets/ca.crt"
BASE="https://${PUBLIC_HOST}:${HTTPS_PORT}"
passed=0 failed=0

# JUNIT_FILE (set by `make test`): every check as a <testcase>, for the closing total.
cases=""
check() {   # check NAME COMMAND...: one named assertion
  local name outcome=""
  name=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/"/\&quot;/g' <<<"$1")
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else
    failed=$((failed + 1)); echo "FAIL $1" >&2; outcome='<failure message="failed"/>'
  fi
  cases+="<testcase classname=\"swarm\" name=\"$name\">$outcome</testcase>"$'\n'
}
write_junit() {
  [ -n "${JUNIT_FILE:-}" ] || return 0
  printf '<testsuite name="swarm" tests="%d" failures="%d">\n%s</testsuite>\n' \
    "$((passed + failed))" "$failed" "$cases" >"$JUNIT_FILE"
}
get() { curl -sS --max-time 10 --cacert "$CA" -o /dev/null -w '%{http_code}' "$BASE$1"; }
is_200() { [ "$(get "$1")" = 200 ]; }

# The stack's volumes, once their containers are gone (removed in the
# background after `docker stack rm`): a pgdata kept to the next run holds the
# old password while the secrets job makes a new one, and migrate never logs in.
remove_volumes() {
  local deadline=$((SECONDS + 60)) volume
  for volume in "${SWARM_STACK}_pgdata" "${SWARM_STACK}_django-static"; do
    while docker volume inspect "$volume" >/dev/null 2>&1 &&
      ! docker volume rm "$volume" >/dev/null 2>&1 && [ "$SECONDS" -lt "$deadline" ]; do sleep 2; done
  done
}
initialised=0
cleanup() {
  local status=$?
  write_junit
  if [ "$initialised" = 1 ]; then SWARM_LEAVE=1 scripts/swarm.sh down; else scripts/swarm.sh down; fi
  remove_volumes
  COMPOSE_PROJECT_NAME="$SWARM_STACK-compose" docker compose down -v >/dev/null 2>&1 || true
  exit "$status"
}
[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = active ] || initialised=1
trap cleanup EXIT
remove_volumes   # a run that was killed left them
SECONDS=0
scripts/swarm.sh up
echo "deployed in ${SECONDS}s"

# The image's upstreams/*.conf each resolve a name once, at start: every one
# must be replaced by no-upstream.conf (a backend added to nginx/ and missed
# here would be served by its first task only).
edge=$(docker ps -q --filter "label=com.docker.swarm.service.name=${SWARM_STACK}_nginx" | head -1)
dump=$(docker exec "$edge" nginx -T 2>/dev/null) || dump=""
no_upstream() {   # the dump holds the Swarm routes and no upstream{}
  grep -qF 'set $asgi_upstream' <<<"$dump" && ! grep -qE '^\s*upstream\s' <<<"$dump"
}
check "no upstream{} in the edge's configuration (nginx -T)" no_upstream

for backend in cgi django fastapi wsgi asgi django-asgi; do
  check "$backend /info through the edge" is_200 "/$backend/info"
  check "$backend /db through the edge" is_200 "/$backend/db"
done
floor() { [ "$(curl -sS --max-time 10 --cacert "$CA" "$BASE/cgi/floor")" = "Hello, CGI World" ]; }
check "cgi /floor through the edge" floor
# A WebSocket handshake, then nothing sent: prints the status (101: the
# route's and the app's answer) and curl's exit code, 28 when the socket was
# still open at --max-time SECONDS, where the edge had not closed it.
upgrade() {   # upgrade PATH SECONDS
  local code status=0
  code=$(curl -sS --http1.1 --max-time "$2" --cacert "$CA" -o /dev/null -w '%{http_code}' \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$BASE$1" 2>/dev/null) || status=$?
  echo "$code $status"
}
is_101() { [[ "$(upgrade "$1" 3)" == "101 "* ]]; }
check "asgi WebSocket upgrade through the edge" is_101 /asgi/ws/echo
check "django-asgi WebSocket upgrade through the edge" is_101 /django-asgi/ws/echo
# A held WebSocket is silent between the server's pings (every 50 s): one
# idle for longer than the edge's 30 s for other requests must still be open.
# Held in the background while the checks below run; read after the update.
IDLE_S=35
IDLE_BACKENDS=(fastapi asgi django-asgi)
idle_dir=$(mktemp -d)
idle_pids=()
for backend in "${IDLE_BACKENDS[@]}"; do
  upgrade "/$backend/ws/echo" "$IDLE_S" >"$idle_dir/$backend" &
  idle_pids+=($!)
done
# burst=5: of 7 login POSTs at once, the 7th at least is refused at the edge.
login_limited() {
  local i codes=""
  for i in 1 2 3 4 5 6 7; do
    codes="$codes $(curl -sS --max-time 10 --cacert "$CA" -o /dev/null -w '%{http_code}' -X POST "$BASE/django/admin/login/")"
  done
  echo "admin login POSTs:$codes"
  [[ "$codes" == *429* ]]
}
check "admin login POSTs rate-limited at the edge" login_limited

# The PostgreSQL connection budget (docs/connection-budget.md) of what is
# deployed: each backend's formula, from the sizes its tasks got, times its
# replicas; EXTRA more tasks of one service (a start-first update).
OTHER_CLIENTS=6   # migrate 1 + tests, psql, admin 5
pg_setting() { awk -v name="$1" '$1 == name { print $3 }' postgres/postgresql.conf; }
available=$(($(pg_setting max_connections) - $(pg_setting superuser_reserved_connections)))
per_task() {   # per_task SERVICE: its formula for one task
  local env
  env=$(docker service inspect --format '{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}' "${SWARM_STACK}_$1")
  size() { sed -n "s/^$1=//p" <<<"$env"; }
  case "$1" in
    cgi) echo "$(size FCGI_CHILDREN)" ;;
    django | wsgi) echo $(($(size GUNICORN_WORKERS) * $(size GUNICORN_THREADS))) ;;
    django-asgi) echo $(($(size UVICORN_WORKERS) * $(size DB_POOL_MAX))) ;;
    fastapi | asgi) echo $(($(size UVICORN_WORKERS) * ($(size DB_POOL_MAX) + 1))) ;;   # + one LISTEN per worker
  esac
}
connections() {   # connections [SERVICE EXTRA]
  local total=$OTHER_CLIENTS service tasks
  for service in cgi django fastapi wsgi asgi django-asgi; do
    tasks=$(docker service inspect --format '{{.Spec.Mode.Replicated.Replicas}}' "${SWARM_STACK}_$service")
    [ "$service" = "${1:-}" ] && tasks=$((tasks + $2))
    total=$((total + tasks * $(per_task "$service")))
  done
  echo "$total"
}
deployed=$(connections)
echo "connection budget at the stack's replicas: $deployed of $available"
check "the connection budget fits the stack's replicas" [ "$deployed" -le "$available" ]

# Served by the replica at: the upstream= field of the Swarm access log.
served_by() {   # served_by PATH SINCE: distinct task addresses for PATH since SINCE
  docker service logs --raw --since "$2" "${SWARM_STACK}_nginx" 2>/dev/null |
    awk -v path="$1" '$0 ~ "\"GET " path " " { for (i = 1; i <= NF; i++) if ($i ~ /^upstream=/) print $i }' | sort -u | wc -l
}
docker service scale --detach=false "${SWARM_STACK}_django=3" >/dev/null
peak=$(connections django 1)
echo "connection budget at 3 django replicas, one more while updating: $peak of $available"
check "the connection budget fits the rolling update of 3 django replicas" [ "$peak" -le "$available" ]
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 6   # longer than nginx's resolver cache (valid=5s)
for _ in $(seq 1 30); do get /django/info >/dev/null; done
sleep 2   # the access log's flush=1s
replicas=$(served_by /django/info "$since")
echo "django: 3 replicas, requests served by $replicas distinct tasks"
check "every django replica serves through the edge" [ "$replicas" -eq 3 ]

load() {   # load PID: requests until process PID ends (at most LOAD_REQUESTS); one status per line
  local i
  for i in $(seq 1 "$LOAD_REQUESTS"); do
    kill -0 "$1" 2>/dev/null || break
    get /django/db || true
    echo
  done
}
SECONDS=0
timeout 300 docker service update --detach=false --force "${SWARM_STACK}_django" >/dev/null &
updater=$!
load "$updater" >/tmp/swarm-load-1.$$ &
load1=$!
load "$updater" >/tmp/swarm-load-2.$$ &
load2=$!
wait "$updater"
echo "rolling update of 3 django tasks: ${SECONDS}s"
wait "$load1" "$load2"
total=$(cat /tmp/swarm-load-[12].$$ | grep -c .)
bad=$(cat /tmp/swarm-load-[12].$$ | grep -vc '^200$' || true)
rm -f /tmp/swarm-load-[12].$$
echo "load during the rolling update: $total requests, $bad not 200"
check "zero failed requests during a rolling update" [ "$bad" -eq 0 ]

wait "${idle_pids[@]}"
for backend in "${IDLE_BACKENDS[@]}"; do
  check "$backend: a WebSocket idle ${IDLE_S} s through the edge is still open ($(cat "$idle_dir/$backend"))" \
    [ "$(cat "$idle_dir/$backend")" = "101 28" ]
done
rm -rf "$idle_dir"

# A broken update: the secret key file does not exist, Django cannot start,
# the health check never passes, and Swarm rolls back by itself.
SECONDS=0
timeout 300 docker service update --detach=false \
  --env-add DJANGO_SECRET_KEY_FILE=/nonexistent "${SWARM_STACK}_django" >/dev/null 2>&1 || true
state=$(docker service inspect --format '{{.UpdateStatus.State}}' "${SWARM_STACK}_django")
echo "broken update: $state after ${SECONDS}s"
check "a broken update is rolled back by itself" [ "$state" = rollback_completed ]
check "django answers after the rollback" is_200 /django/db

echo "swarm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
