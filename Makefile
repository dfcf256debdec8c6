# Gateway Lab. `make up` runs the stack, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
COMPOSE := docker compose
export COMPOSE_PROJECT_NAME ?= gateway-lab
export DOCKER_BUILDKIT := 1

.PHONY: help bootstrap build up down clean logs ps scale restart deploy test lint bench bench-conns bench-edge bench-compare bench-keep bench-figures measure ca-cert tls-install admin-password locust-password requirements k8s-validate swarm-up swarm-down test-swarm

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

bootstrap: ## install and start what the host needs (engine, compose, base image)
	@scripts/bootstrap-host.sh

build: bootstrap ## build every image
	$(COMPOSE) build

up: bootstrap ## build, start and wait until every service is healthy (MATRIX=1: the server matrix too)
	$(COMPOSE) $(if $(MATRIX),--profile matrix) up -d --build --wait
	@$(MAKE) --no-print-directory ca-cert
	@MATRIX=$(MATRIX) scripts/print-urls.sh

down: ## stop the stack, keep its data
	$(COMPOSE) --profile matrix down

clean: ## stop the stack and delete its volumes (database, secrets, certificates)
	$(COMPOSE) --profile matrix down -v --remove-orphans

logs: ## follow the logs of every service
	$(COMPOSE) logs -f --tail=100

ps: ## show services and their health
	$(COMPOSE) ps

scale: ## replicas behind the edge, no request lost: make scale DJANGO=3 FASTAPI=3 (CGI WSGI ASGI DJANGO_ASGI too)
	@scripts/replicas.sh scale $(foreach b,CGI DJANGO FASTAPI WSGI ASGI DJANGO_ASGI,$(if $($(b)),$(b)=$($(b))))

restart: ## restart a backend's servers and workers, no request lost (drained at the edge first): make restart SERVICE=fastapi
	@test -n "$(SERVICE)" || { echo "usage: make restart SERVICE=cgi|django|fastapi|wsgi|asgi|django-asgi" >&2; exit 2; }
	@scripts/replicas.sh deploy $(SERVICE)

deploy: ## build a backend and replace its replicas one by one, no request lost: make deploy SERVICE=django
	@test -n "$(SERVICE)" || { echo "usage: make deploy SERVICE=cgi|django|fastapi|wsgi|asgi|django-asgi" >&2; exit 2; }
	$(COMPOSE) build $(if $(filter django-asgi,$(SERVICE)),django,$(SERVICE))   # django-asgi runs the django image
	@scripts/replicas.sh deploy $(SERVICE)

ca-cert: ## copy the stack's CA certificate to certs/ca.crt
	@mkdir -p certs
	@$(COMPOSE) run --rm --no-deps -T secrets cat /etc/gateway-tls/ca.crt > certs/ca.crt.tmp && mv certs/ca.crt.tmp certs/ca.crt
	@echo "CA certificate: certs/ca.crt"

tls-install: ## use your own certificate: make tls-install CERT=fullchain.pem KEY=privkey.pem
	@test -r "$(CERT)" -a -r "$(KEY)" || { echo "usage: make tls-install CERT=fullchain.pem KEY=privkey.pem" >&2; exit 2; }
	@cat "$(CERT)" "$(KEY)" | $(COMPOSE) run --rm --no-deps -T secrets install-tls
	@$(COMPOSE) exec -T nginx nginx -s reload 2>/dev/null && echo "nginx reloaded" || echo "nginx is not running; the next up uses it"

admin-password: ## show the Django admin password (user: admin)
	@$(COMPOSE) run --rm --no-deps -T secrets cat /run/secrets/gateway/django_admin_password; echo

locust-password: ## show the Locust UI password (user: locust)
	@$(COMPOSE) run --rm --no-deps -T secrets cat /var/lib/gateway-secrets/locust_password; echo

test: ## every test, from a bare host: lint, unit, config, end to end
	@scripts/test.sh

lint: ## ruff check and format check
	@scripts/test.sh lint

bench: ## headless benchmark of the running stack into reports/<timestamp>/; fails on an invalid cell (BENCH_ARGS="--help")
	@python3 -m bench $(BENCH_ARGS)

bench-conns: ## held connections per backend and kind, in steps, into reports/conns-<timestamp>/ (BENCH_CONNS_ARGS="--help")
	$(COMPOSE) --profile bench build conns-client
	@python3 -m bench.conns $(BENCH_CONNS_ARGS)

bench-edge: ## nginx's CPU per request, static file vs proxied, at one paced rate, into reports/edge-<timestamp>/ (BENCH_EDGE_ARGS="--help")
	@python3 -m bench edge $(BENCH_EDGE_ARGS)

bench-compare: ## req/s of report B over report A per cell (A=reports/... B=reports/...)
	@python3 -m bench compare "$(A)" "$(B)" $(BENCH_ARGS)

bench-keep: ## copy a run's summary.json to docs/results/ to commit (RUN=reports/latest)
	@python3 -m bench keep $(RUN)

bench-figures: ## the README's benchmark figures and spread from docs/results/*/ (and the ladder's from docs/results/ladder/*/)
	@python3 -m bench figures
	@if [ -d docs/results/ladder ]; then python3 -m bench figures --results docs/results/ladder --block ladder; fi

measure: bootstrap ## time a warm start and sum idle memory (the README's numbers)
	@python3 -m bench measure

requirements: ## re-pin every requirements.txt with hashes from its requirements.in
	@scripts/pin-requirements.sh

k8s-validate: ## render deploy/k8s and validate it offline against the pinned Kubernetes schemas
	@scripts/test-k8s.sh

swarm-up: ## the stack on Docker Swarm (single node unless joined): deploy/swarm/stack.yml
	@scripts/swarm.sh up

swarm-down: ## remove the Swarm stack (SWARM_LEAVE=1: this node also leaves the swarm)
	@scripts/swarm.sh down

test-swarm: ## the Swarm stack end to end on a single-node swarm: deploy, scale, rolling update, rollback, clean up
	@scripts/test-swarm.sh
