"""GET /cgi/floor (floor.py): the bare cost of a Python CGI process, and nothing else."""

import os
import subprocess

from cgi_client import FLOOR, run_cgi, run_fastcgi


def test_floor_answers_like_hello() -> None:
    # The same bytes as /hello, so the two rows differ only in what Python does.
    floor, hello = run_cgi("/floor", script=FLOOR), run_cgi("/hello")
    assert floor.status == hello.status == 200
    # Only the gateway times its phases (Server-Timing): the floor has none to time.
    assert "server-timing" not in floor.headers
    assert floor.headers == {name: value for name, value in hello.headers.items() if name != "server-timing"}
    assert floor.body == hello.body == b"Hello, CGI World"


def test_floor_ignores_the_request() -> None:
    response = run_cgi("/anything", script=FLOOR, method="POST", query="a=1", body=b"ignored")
    assert response.status == 200
    assert response.body == b"Hello, CGI World"


def test_floor_runs_isolated_without_site() -> None:
    # The shebang's -IS is the point of the floor: no site-packages scan, no
    # PYTHON* variable obeyed. PYTHONINSPECT would leave it waiting at a prompt.
    interpreter, _, flags = FLOOR.read_text().splitlines()[0].removeprefix("#!").partition(" ")
    probe = "import sys; print(sys.flags.isolated, sys.flags.no_site, 'site' in sys.modules)"
    completed = subprocess.run(
        [interpreter, flags, "-c", probe],
        env={**os.environ, "PYTHONINSPECT": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert completed.stdout.split() == ["1", "1", "False"]


def test_floor_through_fcgiwrap(fcgiwrap: str) -> None:
    response = run_fastcgi(fcgiwrap, "/floor", script=FLOOR)
    assert response.status == 200
    assert response.body == b"Hello, CGI World"
