"""What serves this backend, as shown by / and /info."""

from pathlib import Path

INTERFACE = "CGI"
FRAMEWORK = "Python standard library"
WORKER_MODEL = "fcgiwrap forks and executes one Python process per request; FCGI_CHILDREN bounds how many run at once"
# Written at image build time from the installed Debian package's version.
SERVER_RELEASE_FILE = Path("/etc/gateway-cgi/server-release")


def server_release() -> str:
    return SERVER_RELEASE_FILE.read_text().strip()
