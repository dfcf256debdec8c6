#!/bin/sh
# Put a certificate you own (e.g. from an ACME client such as certbot or lego)
# in place of the lab's local one: reads the full chain, then the private key,
# as one PEM stream on stdin (`make tls-install CERT=fullchain.pem KEY=privkey.pem`).
# generate-secrets never replaces a certificate its own CA did not sign, so
# this one stays until you install the next (run it from your renewal hook).
set -eu

TLS=/etc/gateway-tls
GROUP=10001
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

cat >"$work/bundle.pem"
# Certificates in file order (leaf first, then the chain); the key separately.
sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$work/bundle.pem" >"$work/server.crt"
sed -n '/-----BEGIN .*PRIVATE KEY-----/,/-----END .*PRIVATE KEY-----/p' "$work/bundle.pem" >"$work/server.key"
[ -s "$work/server.crt" ] || { echo "install-tls: no certificate on stdin" >&2; exit 1; }
[ -s "$work/server.key" ] || { echo "install-tls: no private key on stdin" >&2; exit 1; }

# The key must belong to the leaf: compare their public keys.
cert_pub="$(openssl x509 -in "$work/server.crt" -noout -pubkey)"
key_pub="$(openssl pkey -in "$work/server.key" -pubout)"
[ "$cert_pub" = "$key_pub" ] || { echo "install-tls: the key does not match the certificate" >&2; exit 1; }
openssl x509 -in "$work/server.crt" -noout -checkend 0 >/dev/null ||
  { echo "install-tls: the certificate has expired" >&2; exit 1; }

rm -f "$TLS/server.crt" "$TLS/server.key"   # the old copies are read-only
cp "$work/server.crt" "$TLS/server.crt"
cp "$work/server.key" "$TLS/server.key"
chown "0:$GROUP" "$TLS/server.crt" "$TLS/server.key"
chmod 0444 "$TLS/server.crt"
chmod 0440 "$TLS/server.key"
echo "installed: $(openssl x509 -in "$TLS/server.crt" -noout -subject -enddate | tr '\n' ' ')"
