"""Container healthcheck: exit 0 when <prefix>/healthz answers 200 (standard library only).

The prefix is the container's SCRIPT_NAME: /django under Gunicorn, /django-asgi under Uvicorn.
"""

import http.client
import os
import sys

connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=4)
try:
    # Host 127.0.0.1 is in ALLOWED_HOSTS for this check; the path carries the prefix.
    connection.request("GET", f"{os.environ['SCRIPT_NAME']}/healthz", headers={"Host": "127.0.0.1"})
    status = connection.getresponse().status
except OSError:
    sys.exit(1)
sys.exit(0 if status == 200 else 1)
