#!/usr/bin/env bash
# Re-pin every requirements.in into a hashed requirements.txt for the images'
# Python (Debian trixie: 3.13) or, for tests/, the host's Python.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || python3 -m pip install --quiet uv
for dir in cgi_app django_app fastapi_app loadtest; do
  for in_file in "$dir"/requirements*.in; do
    [ -e "$in_file" ] || continue
    uv pip compile --quiet --generate-hashes --universal --python-version 3.13 \
      "$in_file" -o "${in_file%.in}.txt"
  done
done
uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
  tests/requirements.in -o tests/requirements.txt
