#!/usr/bin/env bash
# Print where the running stack answers.
set -euo pipefail
[ -f .env ] && set -a && . ./.env && set +a
https="https://localhost:${HTTPS_PORT:-8443}"
cat <<URLS

Gateway Lab is up (trust certs/ca.crt, see README):
  landing page   $https/
  CGI            $https/cgi/
  Django (WSGI)  $https/django/      admin: $https/django/admin/  (make admin-password)
  FastAPI (ASGI) $https/fastapi/     docs:  $https/fastapi/docs
  Locust UI      $https/locust/      user locust (make locust-password)
  reports        $https/reports/
URLS
