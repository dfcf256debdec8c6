#!/usr/bin/env bash
# The Kubernetes manifests, offline: render deploy/k8s with kubectl's kustomize
# and validate every resource against a pinned release's schemas
# (tests/deploy/test_k8s_manifests.py). No cluster, no Docker. Its own venv
# with hashed pins (deploy/k8s/requirements.txt); arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$PWD/.cache/k8s-venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
stamp="$VENV/.requirements.sha256"
if ! sha256sum --status -c "$stamp" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r deploy/k8s/requirements.txt
  sha256sum deploy/k8s/requirements.txt >"$stamp"
fi
# --noconftest: tests/conftest.py is the end-to-end tests' (httpx, a running stack).
exec "$VENV/bin/pytest" -q --noconftest tests/deploy/test_k8s_manifests.py "$@"
