#!/usr/bin/env bash
# Re-pin every requirements*.in into a hashed requirements*.txt: for the images'
# Python (Debian trixie: 3.13), and for tests/ and scripts/ the host's Python (3.11 and up).
# Hashes cover every file of each pinned release, so pip installs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || python3 -m pip install --quiet uv

pin() { # DIR PYTHON_VERSION
  local in_file
  for in_file in "$1"/requirements*.in; do
    [ -e "$in_file" ] || continue
    (cd "$1" && uv pip compile --quiet --generate-hashes --universal --python-version "$2" \
      "$(basename "$in_file")" -o "$(basename "${in_file%.in}.txt")")
  done
}

for dir in cgi_app django_app fastapi_app wsgi_app asgi_app loadtest loadtest/conns; do pin "$dir" 3.13; done
pin tests 3.11
pin scripts 3.11   # the host-side scanners (requirements-scanners.in)
pin deploy/k8s 3.11   # scripts/test-k8s.sh: the host's Python
