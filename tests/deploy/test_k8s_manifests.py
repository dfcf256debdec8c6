"""The Kubernetes manifests (deploy/k8s) render and match the schemas of a pinned release.

No cluster runs here: `kubectl kustomize` (from the pinned kubectl wheel) renders
the base and the local overlay, and `kubernetes-validate` checks every resource
against the JSON schemas of KUBERNETES_VERSION, strictly (an unknown field
fails). The rest asserts what the schemas cannot: the hardening of every
container, probes, budgets and autoscalers, and the PostgreSQL connection budget
at the autoscalers' largest replica counts. Run by scripts/test-k8s.sh.
"""

import ipaddress
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.tools.test_connection_budget import connection_budget

ROOT = Path(__file__).resolve().parents[2]
# The release the manifests target (deploy/README.md says the same).
KUBERNETES_VERSION = "1.35.0"
KUBECTL = Path(sys.executable).parent / "kubectl"
SECRET_FILES = {
    "db_password",
    "django_secret_key",
    "django_admin_password",
    "ca.crt",
    "server.crt",
    "server.key",
    "locust.htpasswd",
}
WORKLOADS = {"Deployment", "StatefulSet", "Job"}
HTTP_BACKENDS = {"cgi", "django", "fastapi", "wsgi", "asgi", "django-asgi"}

Resource = dict[str, Any]


def render(kustomization: Path) -> list[Resource]:
    """`kubectl kustomize` with files outside the folder allowed (the nginx ConfigMaps)."""
    result = subprocess.run(
        [str(KUBECTL), "kustomize", "--load-restrictor=LoadRestrictionsNone", str(kustomization)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def base() -> list[Resource]:
    return render(ROOT / "deploy" / "k8s" / "base")


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> list[Resource]:
    """The local overlay in a copy of the tree, with stand-in secret files (never committed)."""
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "deploy" / "k8s", tree / "deploy" / "k8s")
    shutil.copytree(ROOT / "nginx", tree / "nginx")
    secrets = tree / "deploy" / "k8s" / "overlays" / "local" / "secrets"
    secrets.mkdir()
    for name in SECRET_FILES:
        (secrets / name).write_text(f"stand-in {name}\n")
    return render(tree / "deploy" / "k8s" / "overlays" / "local")


def by_kind(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def containers(workload: Resource) -> Iterator[Resource]:
    spec = workload["spec"]["template"]["spec"]
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def name_of(resource: Resource) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


@pytest.mark.parametrize("overlay", ["base", "local"])
def test_every_resource_matches_the_pinned_schemas(overlay: str, request: pytest.FixtureRequest) -> None:
    resources: list[Resource] = request.getfixturevalue(overlay)
    assert resources, "the kustomization rendered nothing"
    for resource in resources:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_an_unknown_field(base: list[Resource]) -> None:
    deployment = dict(by_kind(base, "Deployment")["django"])
    deployment["spec"] = deployment["spec"] | {"replica": 3}  # a typo for replicas
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_container_is_hardened(local: list[Resource]) -> None:
    workloads = [r for r in local if r["kind"] in WORKLOADS]
    assert {r["metadata"]["name"] for r in workloads} == {"db", "migrate", "nginx", *HTTP_BACKENDS}
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name_of(workload)
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name_of(workload)
        assert pod["automountServiceAccountToken"] is False, name_of(workload)
        for container in containers(workload):
            where = f"{name_of(workload)} {container['name']}"
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), where
            assert "memory" in container["resources"]["limits"], where


def test_the_app_users_match_the_images(local: list[Resource]) -> None:
    for workload in (r for r in local if r["kind"] in WORKLOADS):
        expected = 999 if workload["metadata"]["name"] == "db" else 10001  # the Dockerfiles' USER
        assert workload["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == expected, name_of(workload)


def test_long_running_containers_have_the_images_health_checks(local: list[Resource]) -> None:
    for workload in (r for r in local if r["kind"] in {"Deployment", "StatefulSet"}):
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert "exec" in container[probe], f"{name_of(workload)} {probe}"


def test_http_backends_have_a_disruption_budget_and_an_autoscaler(local: list[Resource]) -> None:
    budgets = by_kind(local, "PodDisruptionBudget")
    autoscalers = by_kind(local, "HorizontalPodAutoscaler")
    deployments = by_kind(local, "Deployment")
    for name in HTTP_BACKENDS:
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        selector = budgets[name]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items(), name
        assert autoscalers[name]["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        # The autoscaler owns the count: a replicas field would be reset on every apply.
        assert "replicas" not in deployments[name]["spec"], name


def gateway_settings(resources: list[Resource]) -> dict[str, str]:
    (settings,) = (
        r["data"]
        for r in resources
        if r["kind"] == "ConfigMap" and r["metadata"]["name"].startswith("gateway-settings")
    )
    return settings


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions with In) selects these labels."""
    expressions = selector.get("matchExpressions", [])
    assert all(e["operator"] == "In" for e in expressions), "only In is read here"
    return selector.get("matchLabels", {}).items() <= labels.items() and all(
        labels.get(e["key"]) in e["values"] for e in expressions
    )


def test_backends_trust_the_pod_network_and_only_nginx_may_connect(local: list[Resource]) -> None:
    """Trusting a whole network is safe only when no pod but nginx can reach the backends."""
    trusted = ipaddress.ip_network(gateway_settings(local)["TRUSTED_PROXY_CIDR"])
    assert trusted.is_private and not trusted.is_loopback
    deployments = by_kind(local, "Deployment")
    policies = by_kind(local, "NetworkPolicy").values()
    nginx = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "nginx"}}}
    for name in ("django", "fastapi", "wsgi", "asgi", "django-asgi"):
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        admitting = [p["spec"] for p in policies if selects(p["spec"]["podSelector"], labels)]
        assert admitting, f"{name}: no NetworkPolicy, every pod may connect"
        for spec in admitting:
            assert "Ingress" in spec["policyTypes"], name
            assert all(rule["from"] == [nginx] for rule in spec.get("ingress", [])), name


def test_the_connection_budget_fits_at_the_largest_replica_counts(local: list[Resource]) -> None:
    """scripts/connection_budget.py's formulas, at the ConfigMap's sizes and the HPAs' maxReplicas."""
    most = {name: hpa["spec"]["maxReplicas"] for name, hpa in by_kind(local, "HorizontalPodAutoscaler").items()}
    assert set(most) >= set(connection_budget.BACKENDS) - {"cgi"}, "a backend without an autoscaler"
    total = connection_budget.budget(gateway_settings(local), most)
    limit = connection_budget.available()
    assert total <= limit, f"{total} connections at maxReplicas {most}, PostgreSQL allows {limit}"


def settings_sources(container: Resource) -> set[str]:
    """The names a container gets from the gateway-settings ConfigMap, one by one or all at once."""
    if any(
        source.get("configMapRef", {}).get("name", "").startswith("gateway-settings")
        for source in container.get("envFrom", [])
    ):
        return {"*"}
    return {
        item["name"]
        for item in container.get("env", [])
        if item.get("valueFrom", {}).get("configMapKeyRef", {}).get("name", "").startswith("gateway-settings")
    }


def test_the_body_limit_is_the_env_files_and_reaches_the_edge_and_every_backend(local: list[Resource]) -> None:
    (settings,) = (
        r["data"] for r in local if r["kind"] == "ConfigMap" and r["metadata"]["name"].startswith("gateway-settings")
    )
    env_file = dict(
        line.split("=", 1) for line in (ROOT / ".env").read_text().splitlines() if line and not line.startswith("#")
    )
    assert settings["REQUEST_BODY_MAX_BYTES"] == env_file["REQUEST_BODY_MAX_BYTES"]
    deployments = by_kind(local, "Deployment")
    for name in {"nginx", *HTTP_BACKENDS}:
        (container,) = (c for c in containers(deployments[name]) if c["name"] == name)
        assert settings_sources(container) & {"*", "REQUEST_BODY_MAX_BYTES"}, name


# Containers that run with the same sizes in a pod as in compose (the backends run one
# worker per pod instead: deploy/README.md), and the compose service each mirrors.
SAME_SIZES = {
    ("db", "db"): "db",
    ("nginx", "nginx"): "nginx",
    ("nginx", "collectstatic"): "migrate",  # the django image's one-shot work
    ("cgi", "cgi"): "cgi",
    ("migrate", "migrate"): "migrate",
}
BINARY_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def in_bytes(quantity: str) -> int:
    """'512M' (compose: binary) or '512Mi' (Kubernetes) -> bytes."""
    number = quantity.rstrip("KMGi")
    return int(number) * BINARY_UNITS[quantity[len(number) :]]


def compose_memory_limit(service: str) -> int:
    """docker-compose.yml's memory limit for the service, a ${NAME} read from .env."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    limit = str(compose["services"][service]["deploy"]["resources"]["limits"]["memory"])
    if limit.startswith("${"):
        limit = connection_budget.read_settings(ROOT / ".env")[limit[2:].split(":", 1)[0]]
    return in_bytes(limit)


def test_memory_limits_match_compose_where_the_sizes_match(local: list[Resource]) -> None:
    workloads = {r["metadata"]["name"]: r for r in local if r["kind"] in WORKLOADS}
    for (workload, container_name), service in SAME_SIZES.items():
        (container,) = (c for c in containers(workloads[workload]) if c["name"] == container_name)
        limit = in_bytes(container["resources"]["limits"]["memory"])
        assert limit == compose_memory_limit(service), f"{workload} {container_name} vs compose's {service}"
        # The request is what the scheduler sets aside: at most the limit.
        assert in_bytes(container["resources"]["requests"]["memory"]) <= limit, workload


@pytest.mark.parametrize("folder", ["conf.d", "routes", "upstreams"])
def test_the_nginx_config_maps_hold_every_file_of_their_folder(folder: str, base: list[Resource]) -> None:
    config_maps = {name.rsplit("-", 1)[0]: r for name, r in by_kind(base, "ConfigMap").items()}
    shipped = {path.name for path in (ROOT / "nginx" / folder).glob("*.conf")}
    assert set(config_maps[f"nginx-{folder.replace('.', '-')}"]["data"]) == shipped


def test_no_secret_is_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "deploy/k8s"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if Path(path).name in SECRET_FILES]
