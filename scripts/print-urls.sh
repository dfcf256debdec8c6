#!/usr/bin/env bash
# Print where the running stack answers.
set -euo pipefail
# shellcheck source=settings.sh
. "$(dirname "$0")/settings.sh" && load_settings
https="https://$PUBLIC_HOST:$HTTPS_PORT"
cat <<URLS

Gateway Lab is up (trust certs/ca.crt, see README):
  landing page   $https/
  CGI            $https/cgi/
  Django (WSGI)  $https/django/      admin: $https/django/admin/  (make admin-password)
  FastAPI (ASGI) $https/fastapi/     docs:  $https/fastapi/docs
  Locust UI      $https/locust/      user locust (make locust-password)
  reports        $https/reports/
URLS
if [ -n "${MATRIX:-}" ]; then
  cat <<URLS
  server matrix  $https/was/gunicorn-sync-1/  $https/was/gunicorn-sync/  $https/was/uvicorn-worker/
                 $https/was/granian-wsgi/  $https/was/granian-asgi/  (README: Server matrix)
URLS
fi
