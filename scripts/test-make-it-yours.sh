#!/usr/bin/env bash
# README "Make it yours", proven: a second stack whose settings differ from
# .env only in a copy of it (another host name, other ports, another /24),
# given a certificate from a CA of its own through `make tls-install`, passes
# the edge tests. Called by scripts/test.sh; tears its stack down on exit.
#   scripts/test-make-it-yours.sh PYTEST [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
pytest="$1"
shift

work="$PWD/.cache/test/yours"
rm -rf "$work" && mkdir -p "$work"
host=gateway.example.test
net="${TEST_YOURS_NET:-82}"

# The one place: a copy of .env with these lines changed, nothing else.
sed -e "s/^PUBLIC_HOST=.*/PUBLIC_HOST=$host/" \
  -e "s/^HTTP_PORT=.*/HTTP_PORT=${TEST_YOURS_HTTP_PORT:-8081}/" \
  -e "s/^HTTPS_PORT=.*/HTTPS_PORT=${TEST_YOURS_HTTPS_PORT:-8444}/" \
  -e "s/^NETWORK_PREFIX=.*/NETWORK_PREFIX=172.30.$net/" \
  .env >"$work/.env"

# Nothing from the caller's environment may stand in for that file.
yours() {
  env -u PUBLIC_HOST -u HTTP_PORT -u HTTPS_PORT -u NETWORK_PREFIX -u COMPOSE_FILE \
    COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME}-yours" COMPOSE_ENV_FILES="$work/.env" "$@"
}
teardown() { yours docker compose down -v --remove-orphans >/dev/null 2>&1 || true; }
trap teardown EXIT

yours docker compose up -d --wait --quiet-pull nginx

# "Your" certificate: from a CA the lab never saw, as an ACME CA's would be.
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 2 \
  -keyout "$work/own-ca.key" -out "$work/own-ca.crt" -subj "/CN=Make it yours test CA" 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -keyout "$work/privkey.pem" -out "$work/leaf.csr" -subj "/CN=$host" 2>/dev/null
openssl x509 -req -in "$work/leaf.csr" -CA "$work/own-ca.crt" -CAkey "$work/own-ca.key" \
  -CAcreateserial -days 2 -sha256 -out "$work/fullchain.pem" \
  -extfile <(printf 'subjectAltName=DNS:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$host") 2>/dev/null
yours make --no-print-directory tls-install CERT="$work/fullchain.pem" KEY="$work/privkey.pem"

# The edge tests read host and ports from the same file, and trust only "your" CA.
(
  set -a && . "$work/.env" && set +a
  export GATEWAY_CA="$work/own-ca.crt" COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME}-yours"
  export COMPOSE_ENV_FILES="$work/.env"
  unset COMPOSE_FILE
  "$pytest" "$@"
)
