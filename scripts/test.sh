#!/usr/bin/env bash
# `make test`: every test of Gateway Lab, from a bare host.
#   lint → host bootstrap → compose config → build → stack up → unit tests
#   (in each app's test image, against the stack's PostgreSQL) → end-to-end
#   tests from the host through the edge → tear down (also on failure).
# The phases up to "stack up" stop at the first error, with the stack's logs;
# from then on every suite runs even when one fails, and the run closes with
# one line `total: N passed, N failed, N skipped` over every suite's JUnit file.
# `scripts/test.sh lint` runs the lint phase only.
set -euo pipefail
cd "$(dirname "$0")/.."

# A project of its own, so `make test` never touches the stack of `make up`.
export COMPOSE_PROJECT_NAME="${TEST_PROJECT:-gateway-lab-test}"
export COMPOSE_FILE=docker-compose.yml:tests/docker-compose.test.yml
# The server matrix too (compose profile `matrix`, off in `make up`): its
# variants start with the stack and run the end-to-end contract suites.
export COMPOSE_PROFILES=matrix
export HTTP_PORT="${TEST_HTTP_PORT:-8080}" HTTPS_PORT="${TEST_HTTPS_PORT:-8443}"
# A /24 of its own too, so it can run beside `make up` (with other ports).
# TEST_NET (the third octet) moves it, for two test runs side by side.
export NETWORK_PREFIX="172.30.${TEST_NET:-81}"
export GATEWAY_CA="$PWD/.cache/test/ca.crt"
export JUNIT_DIR="$PWD/.cache/test/junit"
export REPORTS_DIR="$PWD/.cache/test/reports"   # the tiny `make bench` of the tests, served by nginx
# Everything else from .env, the one home of every setting (the lines above win).
. scripts/settings.sh && load_settings
VENV="$PWD/.venv"
# Every suite that must write $JUNIT_DIR/<suite>.xml: the closing total fails
# when one is missing or ran zero tests, so a suite cannot drop out unseen.
EXPECTED_SUITES=(cgi django fastapi wsgi asgi loadtest bench tools k8s e2e yours swarm)

phase() { printf '\n== %s\n' "$*"; }

ensure_venv() {
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    scripts/apt-install.sh python3-venv
  fi
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  local stamp="$VENV/.requirements.sha256"
  if ! sha256sum --status -c "$stamp" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r tests/requirements.txt
    sha256sum tests/requirements.txt >"$stamp"
  fi
}

lint() {
  phase "lint (ruff)"
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  phase "lint (hadolint)"
  scripts/lint-dockerfiles.sh
}

teardown() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    phase "failed: state and logs of the stack" >&2
    docker compose ps -a >&2 || true
    docker compose logs --no-color --tail=80 >&2 || true
  fi
  docker compose --profile test --profile matrix down -v --remove-orphans >/dev/null 2>&1 || true
  exit "$status"
}

ensure_venv
lint
[ "${1:-}" = lint ] && exit 0

for port in "$HTTP_PORT" "$HTTPS_PORT" "${TEST_YOURS_HTTP_PORT:-8081}" "${TEST_YOURS_HTTPS_PORT:-8444}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "test: 127.0.0.1:$port is in use (a stack from \`make up\`? stop it with \`make down\`," \
      "or choose other ports: TEST_HTTP_PORT, TEST_HTTPS_PORT, TEST_YOURS_HTTP_PORT, TEST_YOURS_HTTPS_PORT)" >&2
    exit 1
  fi
done

phase "host bootstrap"
scripts/bootstrap-host.sh
# Debian's Chromium for the browser tests, and certutil to make it trust the stack's CA.
{ [ -x /usr/bin/chromium ] && command -v certutil >/dev/null; } ||
  scripts/apt-install.sh chromium fonts-dejavu-core libnss3-tools

phase "compose config"
docker compose config --quiet

phase "build images"
docker compose --profile test --profile bench build --quiet   # bench: the wrk image of `make bench`

rm -rf .cache/test && mkdir -p "$JUNIT_DIR" "$REPORTS_DIR" && chmod 0777 "$JUNIT_DIR"
trap teardown EXIT
phase "stack up"
docker compose up -d --wait --quiet-pull
docker compose run --rm --no-deps -T secrets cat /etc/gateway-tls/ca.crt >"$GATEWAY_CA"

# From here on a failing suite must not hide the ones after it.
set +e
failed_runs=()
run_suite() {   # run_suite NAME COMMAND...: runs it, remembers a non-zero exit
  "${@:2}" || failed_runs+=("$1 (exit $?)")
}

phase "unit tests: each app against the stack's PostgreSQL"
for app in cgi django fastapi wsgi asgi loadtest; do
  run_suite "$app" docker compose run --rm --no-deps -T "$app-tests"   # the stack is up: no dependency to start
done
run_suite bench "$VENV/bin/pytest" -q bench/tests --junitxml="$JUNIT_DIR/bench.xml"   # the benchmark tool, on the host

phase "host tools: the closing summary, the connection budget"
run_suite tools "$VENV/bin/pytest" -q tests/tools --junitxml="$JUNIT_DIR/tools.xml"
run_suite k8s scripts/test-k8s.sh --junitxml="$JUNIT_DIR/k8s.xml"   # deploy/k8s, offline

phase "end-to-end tests through the edge"
run_suite e2e "$VENV/bin/pytest" -q tests/e2e --junitxml="$JUNIT_DIR/e2e.xml"

phase "scanners: testssl.sh against the edge, gixy-ng on nginx -T"
run_suite scan-tls scripts/scan-tls.sh
run_suite scan-nginx scripts/scan-nginx.sh

phase "make it yours: the edge under another host name, ports and certificate, set in a copy of .env"
run_suite yours scripts/test-make-it-yours.sh "$VENV/bin/pytest" -q tests/e2e/test_edge.py --junitxml="$JUNIT_DIR/yours.xml"

phase "swarm: the Swarm stack on a single-node swarm (deploy/swarm)"
# Swarm mode rewires the engine's networking, so no compose stack may run
# beside it: the test stack goes first. Swarm's routing mesh publishes the
# test ports on every interface (it has no host address) for these minutes.
docker compose --profile test --profile matrix down -v --remove-orphans >/dev/null 2>&1
run_suite swarm env JUNIT_FILE="$JUNIT_DIR/swarm.xml" scripts/test-swarm.sh

phase "summary"
"$VENV/bin/python" tests/summarize_junit.py "$JUNIT_DIR" "${EXPECTED_SUITES[@]}"
summary_status=$?
for run in "${failed_runs[@]}"; do
  echo "FAILED run: $run" >&2
done
if [ "$summary_status" -ne 0 ] || [ "${#failed_runs[@]}" -ne 0 ]; then
  exit 1   # the teardown trap prints the stack's state and logs
fi
