#!/bin/sh
# Generate, once, every secret of the stack into named volumes:
#   $STORE   (secrets service only) local CA key, passwords meant for humans
#   $TLS     (nginx; locust reads ca.crt) server certificate and key, CA certificate
#   $APP     (db and backends) database password, Django secret key and admin password
# Idempotent: existing files are kept; a leaf certificate close to expiry is renewed.
# With arguments (`generate-secrets cat FILE`), runs them instead: used by
# `make admin-password` and `make ca-cert` to read a secret without a shell.
set -eu

STORE=/var/lib/gateway-secrets
TLS=/etc/gateway-tls
APP=/run/secrets/gateway
GROUP=10001                  # gid of every service allowed to read secrets (docs/conventions.md)
LEAF_DAYS=397                # the CA/Browser Forum cap for leaf certificates, kept for habit's sake
RENEW_BEFORE=$((30 * 86400)) # renew the leaf 30 days before it expires

if [ "$#" -gt 0 ]; then exec "$@"; fi

: "${PUBLIC_HOST:?PUBLIC_HOST is not set (it comes from .env)}"
# The public name, plus the names the stack's own clients use: Locust reaches
# the edge as `nginx`, the host as 127.0.0.1.
SERVER_NAMES="DNS:$PUBLIC_HOST,DNS:nginx,IP:127.0.0.1,IP:::1"

umask 077

# random_secret FILE BYTES: a URL-safe random string, written only if FILE is missing.
random_secret() {
  [ -s "$1" ] && return 0
  openssl rand -base64 "$2" | tr -d '\n=' | tr '+/' '-_' >"$1.tmp"
  mv "$1.tmp" "$1"
  echo "generated $1"
}

# publish FILE MODE: hand FILE to root:$GROUP with MODE.
publish() {
  chown "0:$GROUP" "$1"
  chmod "$2" "$1"
}

# The local CA: 10 years, used only to sign the leaf below; its key never leaves $STORE.
if [ ! -s "$STORE/ca.key" ] || [ ! -s "$STORE/ca.crt" ]; then
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$STORE/ca.key" -out "$STORE/ca.crt" -days 3650 -sha256 \
    -subj "/O=Gateway Lab/CN=Gateway Lab local CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  rm -f "$TLS/server.crt"
  echo "generated local CA"
fi

# issued_here: the leaf was signed by the local CA above. A certificate put
# in place by `make tls-install` (a real one, e.g. from ACME) is never touched.
issued_here() {
  openssl verify -CAfile "$STORE/ca.crt" "$TLS/server.crt" >/dev/null 2>&1
}
# names_match: the leaf names PUBLIC_HOST (it changes when .env does).
names_match() {
  openssl x509 -noout -checkhost "$PUBLIC_HOST" -in "$TLS/server.crt" 2>/dev/null | grep -q 'does match'
}

if [ ! -s "$TLS/server.crt" ] || [ ! -s "$TLS/server.key" ] || {
  issued_here && { ! names_match || ! openssl x509 -checkend "$RENEW_BEFORE" -noout -in "$TLS/server.crt" >/dev/null; }
}; then
  rm -f "$TLS/server.key" "$TLS/server.crt" # read-only copies from the last run
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$TLS/server.key" -out "$STORE/server.csr" -subj "/CN=$PUBLIC_HOST" 2>/dev/null
  printf '%s\n' "subjectAltName=$SERVER_NAMES" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$STORE/server.ext"
  openssl x509 -req -in "$STORE/server.csr" -CA "$STORE/ca.crt" -CAkey "$STORE/ca.key" \
    -CAcreateserial -out "$TLS/server.crt" -days "$LEAF_DAYS" -sha256 \
    -extfile "$STORE/server.ext" 2>/dev/null
  rm -f "$STORE/server.csr" "$STORE/server.ext"
  echo "issued server certificate for $SERVER_NAMES"
fi
cp -f "$STORE/ca.crt" "$TLS/ca.crt"   # -f: the old copy is read-only
publish "$TLS/ca.crt" 0444
publish "$TLS/server.crt" 0444
publish "$TLS/server.key" 0440

random_secret "$APP/db_password" 32
random_secret "$APP/django_secret_key" 48
random_secret "$APP/django_admin_password" 18
for f in db_password django_secret_key django_admin_password; do publish "$APP/$f" 0440; done

# The Locust UI sits behind nginx basic auth: nginx reads only the hash.
random_secret "$STORE/locust_password" 18
if [ ! -s "$TLS/locust.htpasswd" ] || [ "$STORE/locust_password" -nt "$TLS/locust.htpasswd" ]; then
  printf 'locust:%s\n' "$(openssl passwd -6 -stdin <"$STORE/locust_password")" >"$TLS/locust.htpasswd.tmp"
  mv -f "$TLS/locust.htpasswd.tmp" "$TLS/locust.htpasswd"
fi
publish "$TLS/locust.htpasswd" 0440
