# The local platform and the test suite. `make up` starts everything and waits until it is
# healthy; `make test` runs every test tier (starting what the tests need).
# See docs/runbooks/local-platform.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# pip may install uv where the shell does not look; `python3 -m uv` always finds it.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PLATFORM := $(UV) run python dev/platform.py
SERVICE ?=
QUEUE ?=
# mypy's incremental cache outside the checkout (one per checkout path: it records paths), so
# a fresh clone checks only what changed.
MYPY_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/catalog-platform/mypy$(CURDIR)

.PHONY: help deps up down status logs migrate reindex dlq-redrive lint test test-unit test-integration bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

deps: ## install uv if missing and sync the workspace venv
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --break-system-packages uv
	@$(UV) sync --all-packages --locked --quiet || $(UV) sync --all-packages

up: deps ## start the whole platform, wait until healthy, print the URLs
	@$(PLATFORM) up

down: deps ## stop what `up` started
	@$(PLATFORM) down

status: deps ## health of every part
	@$(PLATFORM) status

logs: deps ## follow the logs (one service: SERVICE=identity; one request from every process, in time order: CORRELATION_ID=<id>)
	@$(PLATFORM) logs $(SERVICE) $(if $(CORRELATION_ID),--correlation-id $(CORRELATION_ID))

reindex: deps ## rebuild the store's documents and search index from the write services
	@$(PLATFORM) exec store -- python -m store_service.entrypoints.cli reindex

dlq-redrive: deps ## move dead letters back to their consumer: make dlq-redrive SERVICE=store [QUEUE=store.offerings]
	@test -n "$(SERVICE)" || { echo "usage: make dlq-redrive SERVICE=<service> [QUEUE=<consumer>]" >&2; exit 2; }
	@$(PLATFORM) exec $(SERVICE) -- python -m catalog_chassis.messaging.redrive \
		$(SERVICE)_service.entrypoints.consumers $(if $(QUEUE),--queue $(QUEUE))

migrate: deps ## alembic upgrade head for every service
	@$(PLATFORM) migrate

lint: deps ## ruff, formatting, mypy, import contracts; tsc and eslint over the web UI
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy --cache-dir $(MYPY_CACHE)/src libs/chassis/src libs/testing/src services/*/src operators/*/src
# dev/ is imported as the namespace package `dev` (dev.localplatform): its module names
# start at the repository root, unlike the src layouts above, hence a run of its own.
	$(UV) run mypy --cache-dir $(MYPY_CACHE)/dev --explicit-package-bases dev
	$(UV) run lint-imports
	$(UV) run vulture libs/chassis/src services/*/src services/*/migrations operators/*/src operators/*/vulture_whitelist.py dev vulture_whitelist.py
	@$(PLATFORM) lint-frontend

test: lint ## lint, then every test tier (starts the platform for the tiers that need it)
	@$(UV) run python dev/run_tests.py

test-unit: deps ## unit tier only (no infrastructure)
	@$(UV) run python dev/run_tests.py --tier unit

test-integration: deps ## integration and component tiers (starts the platform)
	@$(UV) run python dev/run_tests.py --tier integration

bench: up ## benchmarks against the running platform (see bench/README.md)
	@$(UV) run python bench/token_verification.py
	@$(UV) run python bench/http_client.py
	@$(UV) run python bench/outbox_relay.py
	@$(UV) run python bench/api_latency.py
	@$(UV) run python bench/api_vs_baseline.py
	@$(UV) run python bench/consumer.py
	@$(UV) run python bench/store_search.py
	@$(UV) run python bench/publication_saga.py

# --- the platform on a local Kubernetes cluster (kind), docs/runbooks/local-cluster.md -----------
CLUSTER := $(UV) run python dev/cluster.py

.PHONY: images cluster-up cluster-down deploy tilt
images: deps ## build every image (services, UI, operator, local infrastructure) without a registry
	@$(CLUSTER) images

cluster-up: deps ## create the local kind cluster (node image built here, cached)
	@$(CLUSTER) up

deploy: deps ## install the whole platform into the kind cluster (helm), wait until Ready
	@$(CLUSTER) deploy

tilt: deps ## the developers' loop on the cluster: tilt up (make tilt ARGS="ci" for other commands)
	@$(CLUSTER) tilt -- $(or $(ARGS),up)

cluster-down: deps ## delete the kind cluster
	@$(CLUSTER) down

.PHONY: api-docs
api-docs: deps ## regenerate docs/api (OpenAPI documents, event schemas) from the code
	@$(UV) run python dev/api_contracts.py write
