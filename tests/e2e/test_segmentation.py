"""Network segmentation: who can open a TCP connection to whom, tried from inside the containers.

CALLS below is the design, one table: which services each service opens connections
to. A Docker network has no direction, so two services on one network reach each
other both ways: the reachability expected is CALLS made symmetric (PostgreSQL could
connect back to a backend's port; nothing of it listens for that). The compose file is
checked against the table (two services share a network exactly when one calls the
other), then every running container tries every listening port of every other
service: by name, and for a forbidden pair also by each address the target has on any
network, since a network that only hid the name would pass a probe by name. The probe
is bash's /dev/tcp: every image has bash and timeout; not every one has Python or curl.
"""

import functools
import json
from collections.abc import Callable
from itertools import combinations

import pytest

from tests.conftest import PUBLIC_HOST, VARIANTS, compose, inspect_container, prefix

# Who opens connections to whom (client -> servers): the design the networks implement.
CALLS: dict[str, set[str]] = {
    # Its routes: the app servers, fcgiwrap, and the Locust UI under /locust/.
    "nginx": {"cgi", "django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS, "locust"},
    "cgi": {"pgbouncer", "db"},  # PgBouncer for most rows; PostgreSQL itself for /cgi/direct/ and /cgi/poll
    "pgbouncer": {"db"},
    "django": {"db"},
    "fastapi": {"db"},
    "wsgi": {"db"},
    "asgi": {"db"},
    "django-asgi": {"db"},
    **{variant: {"db"} for variant in VARIANTS},
    "migrate": {"db"},
    "db": set(),
    # The edge, and each HTTP app server directly (the benchmark's direct cells);
    # workers also report to the master.
    "locust": {"nginx", "django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS},
    "locust-worker": {"nginx", "django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS, "locust"},
}
# Pairs that share a network though neither calls the other, each with its reason.
ALSO_LINKED: dict[frozenset[str], str] = {
    frozenset({"django", "migrate"}): "django's data network carries its migrate job, which exits before django starts",
    **{
        frozenset(pair): "the server matrix's variants share one front and one data network (three /28s were left)"
        for pair in combinations(VARIANTS, 2)
    },
}
# The ports each service listens on (locust: the web UI and the workers' port).
LISTENS: dict[str, tuple[int, ...]] = {
    "nginx": (80, 443),
    "cgi": (9000,),
    "django": (8000,),
    "fastapi": (8000,),
    "wsgi": (8000,),
    "asgi": (8000,),
    "django-asgi": (8000,),
    "pgbouncer": (6432,),
    **{variant: (8000,) for variant in VARIANTS},
    "db": (5432,),
    "locust": (8089, 5557),
}
ONE_SHOTS = {"migrate"}  # exited by the time the tests run: checked in the compose file only
HTTP_BACKENDS = ("django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS)
# Connections tried at once in a container: few, so a container's pids limit holds.
PARALLEL_PROBES = 8
# A probe that must fail waits this long for nothing (its packets are dropped).
FORBIDDEN_PROBE_SECONDS = 3
# A probe that must succeed answers at once, but its name lookup may need
# glibc's second try at Docker's DNS, 5 s after an unanswered first
# (resolv.conf(5), "timeout"). One CI run under load found nginx -> fastapi
# "shut" at 3 s, not reproduced since; a lost lookup is the likely cause.
LINKED_PROBE_SECONDS = 12


def linked(a: str, b: str) -> bool:
    """Whether a and b may reach each other: one of them calls the other (or ALSO_LINKED says why)."""
    return b in CALLS[a] or a in CALLS[b] or frozenset({a, b}) in ALSO_LINKED


LINKS = {frozenset(pair) for pair in combinations(CALLS, 2) if linked(*pair)}
PAIRS = [(source, target) for source in CALLS if source not in ONE_SHOTS for target in LISTENS if target != source]


def test_every_server_in_the_table_has_a_caller():
    """A forbidden probe passes on a port nobody listens on: each port is also opened by an allowed caller."""
    for target in LISTENS:
        assert any(target in servers for servers in CALLS.values()), target


def compose_config() -> dict:
    return json.loads(compose("config", "--format", "json").stdout)


def test_services_share_a_network_exactly_when_one_calls_the_other():
    services = compose_config()["services"]
    networks = {name: set(service.get("networks") or {}) for name, service in services.items()}
    networked = {name for name, names in networks.items() if names}
    assert networked == set(CALLS), "every service on a network must be in CALLS, and only those"
    shared = {frozenset(pair) for pair in combinations(CALLS, 2) if networks[pair[0]] & networks[pair[1]]}
    assert sorted(map(sorted, shared - LINKS)) == [], "share a network, but neither calls the other"
    assert sorted(map(sorted, LINKS - shared)) == [], "one calls the other, but they share no network"


def test_only_the_edge_network_has_a_route_out():
    """Internal networks have no gateway out of the host: only nginx's published
    ports and Locust need the edge's."""
    networks = compose_config()["networks"]
    assert {name for name, network in networks.items() if not network.get("internal")} == {"edge"}


# Runs in the source container: "open HOST:PORT" or "shut HOST:PORT" per
# argument SECONDS/HOST:PORT, each connect given SECONDS.
PROBE = f"""
for probe in "$@"; do
  seconds=${{probe%%/*}} target=${{probe#*/}}
  host=${{target%:*}} port=${{target##*:}}
  if timeout "$seconds" bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
  then echo "open $target"; else echo "shut $target"; fi &
  (( ++started % {PARALLEL_PROBES} )) || wait
done
wait
"""


def addresses(service: str) -> set[str]:
    """The service's address on each of its networks."""
    return {network["IPAddress"] for network in inspect_container(service)["NetworkSettings"]["Networks"].values()}


@pytest.fixture(scope="module")
def opened_by() -> Callable[[str], dict[str, set[str]]]:
    """source -> {target: the HOST:PORTs of it that source could connect to}, probed once per source.
    Every port of a target by name; a target source may not reach by each of its addresses too."""
    target_addresses = {target: addresses(target) for target in LISTENS}

    @functools.cache
    def probe(source: str) -> dict[str, set[str]]:
        tries = {
            f"{host}:{port}": target
            for target, ports in LISTENS.items()
            if target != source
            for host in ({target} if linked(source, target) else {target, *target_addresses[target]})
            for port in ports
        }
        probes = [
            f"{LINKED_PROBE_SECONDS if linked(source, target) else FORBIDDEN_PROBE_SECONDS}/{host_port}"
            for host_port, target in tries.items()
        ]
        output = compose("exec", "-T", source, "bash", "-c", PROBE, "probe", *probes).stdout
        results = {host_port: result for result, host_port in (line.split(" ", 1) for line in output.splitlines())}
        assert set(results) == set(tries), f"{source}: probes without a result"
        opened: dict[str, set[str]] = {target: set() for target in LISTENS}
        for host_port, result in results.items():
            if result == "open":
                opened[tries[host_port]].add(host_port)
        return opened

    return probe


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_a_service_reaches_exactly_the_services_it_is_linked_to(opened_by, source, target):
    opened = opened_by(source)[target]
    if linked(source, target):
        assert opened == {f"{target}:{port}" for port in LISTENS[target]}
    else:
        assert opened == set()


# --- Whose forwarding headers a backend believes ------------------------------------

# Host: a name every backend answers for (Django's ALLOWED_HOSTS has no variant's service name).
FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "Host": PUBLIC_HOST}
# Run in the Locust container (Python, no curl): a request straight to an app server.
ASK_INFO = """
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers=json.loads(sys.argv[2]))
print(urllib.request.urlopen(request, timeout=10).read().decode())
"""


def info_from(peer: str, backend: str) -> dict:
    """/info's `request` as the backend saw a request from `peer` carrying FORGED headers."""
    url = f"http://{backend}:8000/{prefix(backend)}/info"
    if peer == "nginx":  # curl, no Python in the edge's image
        headers = [arg for name, value in FORGED.items() for arg in ("-H", f"{name}: {value}")]
        output = compose("exec", "-T", "nginx", "curl", "-fsS", "--max-time", "10", *headers, url).stdout
    else:
        output = compose("exec", "-T", peer, "python3", "-c", ASK_INFO, url, json.dumps(FORGED)).stdout
    return json.loads(output)["request"]


def address_on(service: str, network_suffix: str) -> str:
    networks = inspect_container(service)["NetworkSettings"]["Networks"]
    (network,) = (settings for name, settings in networks.items() if name.endswith(network_suffix))
    return network["IPAddress"]


@pytest.mark.parametrize("backend", HTTP_BACKENDS)
def test_forwarding_headers_count_from_nginx_alone_on_the_front_network(backend):
    """Locust sits on the same front network as nginx: the neighbour that must not be believed.
    (Through the edge, test_contract's spoofing test sees the client's address and https.)"""
    from_nginx = info_from("nginx", backend)
    assert (from_nginx["client"], from_nginx["scheme"]) == ("203.0.113.9", "https")
    from_locust = info_from("locust", backend)
    front = "was-front" if backend in VARIANTS else f"{backend}-front"
    assert from_locust["client"] == address_on("locust", f"_{front}")
    assert from_locust["scheme"] == "http"
