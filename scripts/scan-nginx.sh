#!/usr/bin/env bash
# gixy-ng on the configuration the running edge actually uses (`nginx -T`: every
# included file, the rendered ones too). Prints the findings and exits non-zero
# if there is any. Bounded: 60 s for the dump, 120 s for the analysis.
#
# Which stack: the compose project of the environment, as scripts/test.sh
# exports it (COMPOSE_PROJECT_NAME, COMPOSE_FILE); `make up`'s otherwise.
#
# No check is skipped. Not enabled on purpose: nginx_cves, the version-only
# CVE check (it needs --nginx-cves-version): it compares the upstream version
# number, while Debian's nginx carries its security fixes as patches under the
# same number, so it would report CVEs the package has fixed. Debian's security
# tracker is the source for those: https://security-tracker.debian.org/tracker/source-package/nginx
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/scanners-venv.sh
. scripts/scanners-venv.sh
ensure_scanners_venv

dump=.cache/scanners/nginx-T.conf
mkdir -p "$(dirname "$dump")"
if ! timeout 60 docker compose exec -T nginx nginx -T >"$dump" 2>.cache/scanners/nginx-T.err; then
  cat .cache/scanners/nginx-T.err >&2
  echo "scan-nginx: could not read the configuration of the running nginx (is the stack up?)" >&2
  exit 1
fi
files=$(grep -c '^# configuration file ' "$dump")
version=$("$SCANNERS_VENV/bin/pip" show gixy-ng | sed -n 's/^Version: //p')
echo "scan-nginx: gixy-ng $version on nginx -T ($files files)"
# gixy exits 0 when clean, non-zero with its report when it finds anything.
if ! timeout 120 "$SCANNERS_VENV/bin/gixy" "$dump"; then
  echo "scan-nginx: gixy-ng reports the findings above" >&2
  exit 1
fi
