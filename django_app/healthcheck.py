"""Container healthcheck: exit 0 when /django/healthz answers 200 (standard library only)."""

import http.client
import sys

connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=4)
try:
    # Host 127.0.0.1 is in ALLOWED_HOSTS for this check; the path carries the SCRIPT_NAME prefix.
    connection.request("GET", "/django/healthz", headers={"Host": "127.0.0.1"})
    status = connection.getresponse().status
except OSError:
    sys.exit(1)
sys.exit(0 if status == 200 else 1)
