"""The running stack as Docker sees it: config valid, hardening, networks, ports."""

import pytest

from tests.conftest import HTTP_PORT, HTTPS_PORT, LONG_RUNNING, LOOPBACK, compose, inspect_container


def test_nginx_config_is_valid_in_the_running_image():
    result = compose("exec", "-T", "nginx", "nginx", "-t", check=False)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_service_is_healthy_hardened_and_non_root(service):
    container = inspect_container(service)
    assert container["State"]["Health"]["Status"] == "healthy"
    host_config = container["HostConfig"]
    assert host_config["ReadonlyRootfs"] is True
    assert host_config["CapDrop"] == ["ALL"]
    assert not host_config["CapAdd"]
    assert "no-new-privileges:true" in host_config["SecurityOpt"]
    uid = compose("exec", "-T", service, "id", "-u").stdout.strip()
    assert uid not in {"", "0"}


def published(service: str) -> dict[str, set[tuple[str, str]]]:
    """Container port -> the (host address, host port) pairs Docker actually bound for it."""
    ports = inspect_container(service)["NetworkSettings"]["Ports"] or {}
    return {port: {(bind["HostIp"], bind["HostPort"]) for bind in binds} for port, binds in ports.items() if binds}


def test_only_the_edge_publishes_and_only_its_two_ports_on_loopback():
    assert published("nginx") == {
        "80/tcp": {(LOOPBACK, str(HTTP_PORT))},
        "443/tcp": {(LOOPBACK, str(HTTPS_PORT))},
    }
    for service in LONG_RUNNING:
        if service != "nginx":
            assert published(service) == {}, service


def test_database_is_unreachable_from_the_edge():
    result = compose("exec", "-T", "nginx", "curl", "-sS", "--connect-timeout", "3", "telnet://db:5432", check=False)
    assert result.returncode != 0
    assert "resolve" in result.stderr.lower()


# Python's own socket module: the Locust and backend images have no curl.
CONNECT = "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)"


def reaches(service: str, host: str, port: int) -> bool:
    """Whether `service`'s container can open a TCP connection to host:port."""
    python = "python3" if service == "locust" else "python"
    return compose("exec", "-T", service, python, "-c", CONNECT, host, str(port), check=False).returncode == 0


def test_the_load_generator_cannot_reach_fastcgi():
    """fcgiwrap runs whatever it is sent: of the edge network, only nginx shares its
    network (every /cgi/ test goes through it). The backends still share the data
    network with it, for PostgreSQL."""
    assert not reaches("locust", "cgi", 9000)
    assert reaches("locust", "django", 8000)  # the control: Locust does reach the app servers it benchmarks


def test_no_secret_in_any_environment():
    for service in ("db", "django", "fastapi", "cgi", "wsgi", "asgi"):
        env = "\n".join(inspect_container(service)["Config"]["Env"])
        password = compose("exec", "-T", service, "cat", "/run/secrets/gateway/db_password").stdout
        assert len(password) >= 32
        assert password not in env
        assert "PASSWORD=" not in env
