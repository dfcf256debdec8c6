#!/usr/bin/env bash
# `make swarm-up` / `make swarm-down`: Gateway Lab as a Docker Swarm stack
# (deploy/swarm/stack.yml) on this machine.
#   up:   a single-node swarm if none (docker swarm init --advertise-addr
#         127.0.0.1), the images built by compose, the secrets made by the
#         compose secrets job and copied out, then `docker stack deploy`,
#         waiting until every service runs its replicas.
#   down: the stack removed; with SWARM_LEAVE=1 this node leaves the swarm.
# SWARM_STACK names the stack (default gateway-lab-swarm); settings from .env.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/settings.sh && load_settings
export SWARM_STACK="${SWARM_STACK:-gateway-lab-swarm}"
export SWARM_SECRETS="$PWD/.cache/swarm/$SWARM_STACK/secrets"
# The compose project that builds the images and runs the secrets job: a name
# of its own, so its networks never take the stack's names.
export COMPOSE_PROJECT_NAME="$SWARM_STACK-compose" COMPOSE_FILE=docker-compose.yml
# The Swarm configs' names carry this hash of their files (configs are immutable).
SWARM_CONFIG_VERSION=$(cat deploy/swarm/nginx/*.conf | sha256sum | cut -c1-12)
export SWARM_CONFIG_VERSION
SWARM_WAIT="${SWARM_WAIT:-300}"   # seconds for every service to converge

swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }

copy_secrets() {   # the compose secrets job's files, one per Swarm secret
  docker compose run --rm -T secrets >/dev/null 2>&1
  install -d -m 0700 "$SWARM_SECRETS"
  local f
  for f in db_password django_secret_key django_admin_password; do
    docker compose run --rm --no-deps -T secrets cat "/run/secrets/gateway/$f" >"$SWARM_SECRETS/$f"
  done
  for f in ca.crt server.crt server.key locust.htpasswd; do
    docker compose run --rm --no-deps -T secrets cat "/etc/gateway-tls/$f" >"$SWARM_SECRETS/$f"
  done
  chmod 0600 "$SWARM_SECRETS"/*
}

wait_converged() {   # every service at its desired replicas (migrate: completed)
  local deadline=$((SECONDS + SWARM_WAIT)) pending
  while :; do
    pending=$(docker service ls --filter "label=com.docker.stack.namespace=$SWARM_STACK" \
      --format '{{.Name}} {{.Replicas}}' | awk '$1 !~ /_migrate$/ { split($2, r, "/"); if (r[1] != r[2]) print }')
    if [ -z "$pending" ] && migrate_done; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "swarm: not converged after ${SWARM_WAIT}s:" >&2
      echo "$pending" >&2
      docker stack ps "$SWARM_STACK" --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' | head -30 >&2
      return 1
    fi
    sleep 3
  done
}

migrate_done() {
  docker service ps "${SWARM_STACK}_migrate" --format '{{.CurrentState}}' | grep -q '^Complete'
}

up() {
  if [ "$(swarm_state)" != active ]; then
    # Loopback: a one-machine swarm reachable from nowhere else. For a second
    # machine, init with an address the others can reach (deploy/README.md).
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
    echo "swarm: initialised (single node, 127.0.0.1)"
  fi
  docker compose build --quiet
  copy_secrets
  # --resolve-image never: the images are local, not in a registry.
  docker stack deploy --compose-file deploy/swarm/stack.yml --resolve-image never --prune "$SWARM_STACK"
  wait_converged
  echo "swarm: $SWARM_STACK is up: https://${PUBLIC_HOST}:${HTTPS_PORT}/ (CA: $SWARM_SECRETS/ca.crt)"
}

down() {
  if [ "$(swarm_state)" = active ]; then
    docker stack rm "$SWARM_STACK" >/dev/null 2>&1 || true
    # The networks go once their tasks have stopped; the volumes are kept
    # (the stack's pgdata and django-static, the compose project's secrets).
    local deadline=$((SECONDS + 60))
    while docker network ls --filter "label=com.docker.stack.namespace=$SWARM_STACK" -q | grep -q . &&
      [ "$SECONDS" -lt "$deadline" ]; do sleep 2; done
    if [ "${SWARM_LEAVE:-0}" = 1 ]; then docker swarm leave --force >/dev/null && echo "swarm: left"; fi
  fi
  echo "swarm: $SWARM_STACK removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
