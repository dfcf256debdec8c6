"""Container HEALTHCHECK: exit 0 when <prefix>/healthz answers 200 (stdlib only).

The prefix is ROOT_PATH, as the app reads it (settings.AppSettings): /fastapi,
or a variant's route in the server matrix (docker-compose.yml).
"""

import os
import sys
import urllib.request

URL = f"http://127.0.0.1:8000{os.environ.get('ROOT_PATH', '/fastapi')}/healthz"
# Below the HEALTHCHECK --timeout (5 s); the endpoint itself gives up after 2 s.
TIMEOUT_S = 4

# No proxy: an inherited http_proxy variable must not capture a loopback probe.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(URL, timeout=TIMEOUT_S) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:  # refused, timed out, or HTTPError (the 503 when the DB is down)
    sys.exit(1)
