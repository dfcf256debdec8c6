#!/usr/bin/env bash
# `make test-swarm`: the Swarm stack on a single-node swarm, end to end.
#   deploy (scripts/swarm.sh up) → each backend's /info and /db through the
#   edge → django scaled to 3, every replica answering through the edge →
#   a rolling update of django under a bounded load, zero failed requests →
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

check() {   # check NAME COMMAND...: one named assertion
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1" >&2; fi
}
get() { curl -sS --max-time 10 --cacert "$CA" -o /dev/null -w '%{http_code}' "$BASE$1"; }
is_200() { [ "$(get "$1")" = 200 ]; }

initialised=0
cleanup() {
  local status=$?
  if [ "$initialised" = 1 ]; then SWARM_LEAVE=1 scripts/swarm.sh down; else scripts/swarm.sh down; fi
  docker volume rm "${SWARM_STACK}_pgdata" "${SWARM_STACK}_django-static" >/dev/null 2>&1 || true
  COMPOSE_PROJECT_NAME="$SWARM_STACK-compose" docker compose down -v >/dev/null 2>&1 || true
  exit "$status"
}
[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = active ] || initialised=1
trap cleanup EXIT
SECONDS=0
scripts/swarm.sh up
echo "deployed in ${SECONDS}s"

for backend in cgi django fastapi; do
  check "$backend /info through the edge" is_200 "/$backend/info"
  check "$backend /db through the edge" is_200 "/$backend/db"
done

# Served by the replica at: the upstream= field of the Swarm access log.
served_by() {   # served_by PATH SINCE: distinct task addresses for PATH since SINCE
  docker service logs --raw --since "$2" "${SWARM_STACK}_nginx" 2>/dev/null |
    awk -v path="$1" '$0 ~ "\"GET " path " " { for (i = 1; i <= NF; i++) if ($i ~ /^upstream=/) print $i }' | sort -u | wc -l
}
docker service scale --detach=false "${SWARM_STACK}_django=3" >/dev/null
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
