#!/bin/bash
# Healthy when PgBouncer's event loop answers the first message of the
# PostgreSQL protocol: an SSLRequest (length 8, code 80877103) is answered
# with one byte, 'N' (no TLS here) or 'S', before any authentication.
# https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST
set -eu
exec 3<>/dev/tcp/127.0.0.1/6432
printf '\x00\x00\x00\x08\x04\xd2\x16\x2f' >&3
IFS= read -r -n 1 -t 2 answer <&3
[ "$answer" = N ] || [ "$answer" = S ]
