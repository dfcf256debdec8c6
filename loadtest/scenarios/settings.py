"""Where the scenarios point and how they trust the edge, from the environment.

The site's name comes from .env through compose; every other value has a
default that matches the compose network, so the same locustfile runs
unchanged in the master, in a worker and in a headless benchmark container.
"""

import os

DEFAULT_HOST = os.environ.get("GATEWAY_TARGET", "https://nginx")
"""Target when neither --host nor the UI's host field says otherwise."""

CA_FILE = os.environ.get("GATEWAY_CA_FILE", "/etc/gateway-tls/ca.crt")
"""The stack's own CA (volume `tls`); HTTPS is always verified against it."""

HOST_HEADER = os.environ["PUBLIC_HOST"]
"""The site's name (.env's PUBLIC_HOST, passed by compose): connecting to
https://nginx must still ask for that virtual host, and a direct hit on an app
server sends the same Host the edge forwards, so both cells do identical work."""

STATIC_PATH = os.environ.get("GATEWAY_STATIC_PATH", "/static/landing/style.css")
"""A file Nginx serves from disk: the ceiling no backend can beat."""

CALIBRATION_PATH = "/edge-calibration"
"""Nginx's fixed `return 200` (nginx/routes/edge-calibration.conf): no file, no
upstream, so what a generator gets here is its own capacity on this host."""

QUERIES_PER_REQUEST = 20
"""TechEmpower's usual middle step for the multiple-queries test."""

IO_WAIT_MS = 100
"""Long enough that waiting, not CPU, dominates: shows blocking vs async."""
