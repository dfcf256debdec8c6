"""Container HEALTHCHECK: exit 0 when /asgi/healthz answers 200 (standard library only)."""

import http.client
import sys

# Below the HEALTHCHECK --timeout (5 s); the endpoint itself gives up after 2 s.
connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=4)
try:
    # The full path, prefix included, as nginx forwards it.
    connection.request("GET", "/asgi/healthz")
    status = connection.getresponse().status
except OSError:
    sys.exit(1)
sys.exit(0 if status == 200 else 1)
