"""The running stack as Docker sees it: config valid, hardening, networks, ports."""

import json
import subprocess

import pytest

from tests.conftest import compose

LONG_RUNNING = ("nginx", "cgi", "django", "fastapi", "db", "locust", "locust-worker")


def inspect(service: str) -> dict:
    container_id = compose("ps", "-q", service).stdout.split()[0]
    result = subprocess.run(["docker", "inspect", container_id], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)[0]


def test_nginx_config_is_valid_in_the_running_image():
    result = compose("exec", "-T", "nginx", "nginx", "-t", check=False)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_service_is_healthy_hardened_and_non_root(service):
    container = inspect(service)
    assert container["State"]["Health"]["Status"] == "healthy"
    host_config = container["HostConfig"]
    assert host_config["ReadonlyRootfs"] is True
    assert host_config["CapDrop"] == ["ALL"]
    assert not host_config["CapAdd"]
    assert "no-new-privileges:true" in host_config["SecurityOpt"]
    uid = compose("exec", "-T", service, "id", "-u").stdout.strip()
    assert uid not in {"", "0"}


def test_published_ports_listen_on_loopback_only():
    for service in ("nginx", "locust"):
        for bindings in (inspect(service)["HostConfig"]["PortBindings"] or {}).values():
            assert {binding["HostIp"] for binding in bindings} == {"127.0.0.1"}


def test_database_is_unreachable_from_the_edge():
    result = compose("exec", "-T", "nginx", "curl", "-sS", "--connect-timeout", "3", "telnet://db:5432", check=False)
    assert result.returncode != 0
    assert "resolve" in result.stderr.lower()


def test_database_is_not_published():
    assert not inspect("db")["HostConfig"]["PortBindings"]


def test_no_secret_in_any_environment():
    for service in ("db", "django", "fastapi", "cgi"):
        env = "\n".join(inspect(service)["Config"]["Env"])
        password = compose("exec", "-T", service, "cat", "/run/secrets/gateway/db_password").stdout
        assert len(password) >= 32
        assert password not in env
        assert "PASSWORD=" not in env
