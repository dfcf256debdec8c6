"""The running stack as Docker sees it: config valid, hardening, ports (networks: test_segmentation.py)."""

import json

import pytest

from tests.conftest import HTTP_PORT, HTTPS_PORT, LONG_RUNNING, LOOPBACK, VARIANTS, compose, inspect_container


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


def test_no_secret_in_any_environment():
    for service in ("db", "django", "fastapi", "cgi", "wsgi", "asgi", "django-asgi", "pgbouncer", *VARIANTS):
        env = "\n".join(inspect_container(service)["Config"]["Env"])
        password = compose("exec", "-T", service, "cat", "/run/secrets/gateway/db_password").stdout
        assert len(password) >= 32
        assert password not in env
        assert "PASSWORD=" not in env


def test_the_edge_and_wrk_may_reuse_time_wait_ports_for_new_connections():
    # Both open a TCP connection per Gunicorn request, each leaving a TIME_WAIT
    # port for 60 s; without reuse, connect()'s search for a free port became
    # most of their CPU (docker-compose.yml, nginx's and wrk's sysctls).
    in_force = compose("exec", "-T", "nginx", "cat", "/proc/sys/net/ipv4/tcp_tw_reuse").stdout.strip()
    assert in_force == "1"
    config = json.loads(compose("--profile", "bench", "config", "--format", "json").stdout)
    assert config["services"]["wrk"]["sysctls"]["net.ipv4.tcp_tw_reuse"] == "1"
