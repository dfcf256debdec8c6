#!/opt/venv/bin/python
"""Front controller: fcgiwrap runs this one script for every request under /cgi/.

nginx always sends SCRIPT_FILENAME=/srv/cgi_app/gateway.py and fcgiwrap is
started with `-p` for that path alone, so no request path ever reaches the
filesystem; PATH_INFO only selects a route in gateway_cgi.routes.

Python compiles the __main__ script on every run (it is never cached as .pyc),
so this file stays tiny and everything else lives in the precompiled package.
"""

from gateway_cgi.dispatch import serve

if __name__ == "__main__":
    serve()
