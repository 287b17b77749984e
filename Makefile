# food-ordering-system: one Makefile for the six Go modules of the workspace.
# `make help` lists the targets.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

MODULES  := common infrastructure infrastructure/tools order-service payment-service restaurant-service
SERVICES := order-service payment-service restaurant-service
LOCAL    := infrastructure/tools/local
GO       ?= go
MOCKGEN  := $(shell $(GO) env GOPATH)/bin/mockgen
# The go.mod files name the patched Go toolchain (their toolchain line); with
# GOTOOLCHAIN=auto the go command fetches it from the module proxy by itself.
# Some installations default to local (the installed go, never switched):
# the targets ask for auto unless GOTOOLCHAIN is set in the environment.
export GOTOOLCHAIN ?= auto
# The lint and vulnerability tools, pinned, built from the module proxy into
# a cache of their own, one binary per version.
FOS_CACHE             ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/food-ordering-system
export FOS_CACHE
TOOLS_BIN             := $(FOS_CACHE)/bin
GOLANGCI_LINT_VERSION ?= v2.15.0
GOVULNCHECK_VERSION   ?= v1.10.0
GOLANGCI_LINT         := $(TOOLS_BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
GOVULNCHECK           := $(TOOLS_BIN)/govulncheck-$(GOVULNCHECK_VERSION)
# Integration tests share one PostgreSQL and one broker; two packages at a time
# keeps a 2-core machine responsive.
TEST_FLAGS ?= -count=1 -p 2 -timeout 15m

# A Docker engine is used when one answers; otherwise the local scripts run
# PostgreSQL and Kafka as plain processes.
DOCKER_ENGINE := $(shell docker info >/dev/null 2>&1 && echo yes)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: build
build: ## compile every module and the three service binaries into bin/
	@for m in $(MODULES); do (cd $$m && $(GO) build ./...); done
	@mkdir -p bin
	@for s in $(SERVICES); do (cd $$s && $(GO) build -o ../bin/$$s ./cmd/$$s); done
	@echo "built: $(addprefix bin/,$(SERVICES))"

.PHONY: run
run: infra-up ## start everything and run the three services in the foreground (Ctrl-C stops them)
	@$(LOCAL)/run.sh

.PHONY: demo
demo: infra-up ## walk three orders through the saga and print the final checks (starts the services if needed)
	@$(LOCAL)/demo.sh

.PHONY: reset
reset: ## stop everything and delete the local data: the next run starts from the seed data
	@if [[ -f .run/services.pid ]] && kill -0 "$$(cat .run/services.pid)" 2>/dev/null; then \
		kill -TERM "$$(cat .run/services.pid)"; \
		for i in $$(seq 1 100); do kill -0 "$$(cat .run/services.pid 2>/dev/null || echo 0)" 2>/dev/null || break; sleep 0.2; done; \
	fi
ifeq ($(DOCKER_ENGINE),yes)
	docker compose down --volumes
else
	@$(LOCAL)/kafka.sh reset
	@$(LOCAL)/postgres.sh reset
endif
	@rm -rf .run
	@echo "reset: local data removed"

.PHONY: test
# make test ends with the short versions of the long runs: fuzzing, the
# OpenAPI property tests, the Postman collection and the chaos scenarios.
# Chaos goes last because it stops and restarts the shared PostgreSQL and
# broker under the services.
test: infra-up ## unit, integration and end-to-end tests, then short fuzz, API property, Postman and chaos runs (starts PostgreSQL and Kafka itself)
	@failed=""; for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) test -race $(TEST_FLAGS) ./...) || failed="$$failed $$m"; done; \
	echo "== fuzz (FUZZTIME=$(FUZZTIME))"; $(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME) || failed="$$failed fuzz"; \
	echo "== api-test (API_EXAMPLES=$(TEST_API_EXAMPLES) API_TIME=$(TEST_API_TIME))"; \
	$(MAKE) --no-print-directory api-test API_EXAMPLES=$(TEST_API_EXAMPLES) API_TIME=$(TEST_API_TIME) API_SEED=$(TEST_API_SEED) || failed="$$failed api-test"; \
	echo "== postman"; $(MAKE) --no-print-directory postman || failed="$$failed postman"; \
	echo "== chaos (CHAOS_ARGS=$(TEST_CHAOS_ARGS))"; $(MAKE) --no-print-directory chaos CHAOS_ARGS="$(TEST_CHAOS_ARGS)" || failed="$$failed chaos"; \
	if [[ -n "$$failed" ]]; then echo "FAILED in:$$failed"; exit 1; fi

FUZZTIME          ?= 10s
TEST_API_EXAMPLES ?= 25
TEST_API_TIME     ?= 15s
TEST_API_SEED     ?= 1
# The short chaos run leaves out the three-broker cluster scenario: starting
# four more JVMs and waiting out two broker session timeouts takes minutes.
TEST_CHAOS_ARGS   ?= -duration 8s -outage 20s -skip cluster

.PHONY: fuzz
fuzz: ## fuzz create-order decoding and validation for FUZZTIME (no panic, no 5xx, nothing written on refusal)
	@cd order-service && $(GO) test -run '^$$' -fuzz '^FuzzCreateOrder$$' -fuzztime $(FUZZTIME) ./internal/rest/

.PHONY: test-e2e
test-e2e: infra-up ## only the end-to-end tests: the three services as processes (FOS_E2E_RACE=1 builds them with -race)
	@cd infrastructure/tools && $(GO) test -race -count=1 -v ./e2e/

.PHONY: test-unit
test-unit: ## unit tests only: no database, no broker
	@failed=""; for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) test -short $(TEST_FLAGS) ./...) || failed="$$failed $$m"; done; \
	if [[ -n "$$failed" ]]; then echo "FAILED in:$$failed"; exit 1; fi

# make load: RATE orders/s open loop (or WORKERS clients, closed loop) for
# DURATION, the first WARMUP left out of the steady figures, against
# PostgreSQL with fsync and synchronous commit on.
# PROFILE=dir also writes each service's CPU profile to dir. ATTACH=1 loads
# the services a running `make run` serves instead (start that one with
# FOS_PG_DURABLE=1 for publishable figures): its CPU figures count make run's
# own processes too, so the two can be compared.
RATE     ?= 100
WORKERS  ?= 0
DURATION ?= 60s
WARMUP   ?= 10s
LOAD_OUT ?= .run/load-$(shell date +%Y%m%d-%H%M%S).json

.PHONY: load
load: ## send RATE orders/s (or WORKERS clients) for DURATION; print latency, hops, CPU per saga (durable PostgreSQL; ATTACH=1: to make run's services)
ifeq ($(ATTACH),)
ifeq ($(DOCKER_ENGINE),yes)
	docker compose up -d --wait postgres kafka kafka-init
else
	@FOS_PG_DURABLE=1 $(LOCAL)/postgres.sh start
	@$(LOCAL)/kafka.sh start
endif
endif
	@cd infrastructure/tools && $(GO) run ./cmd/load -rate $(RATE) -workers $(WORKERS) -duration $(DURATION) -warmup $(WARMUP) -out ../../$(LOAD_OUT) \
		$(if $(PROFILE),-profile $(abspath $(PROFILE))) $(if $(ATTACH),-attach)

# make api-test: schemathesis, pinned, in a virtual environment of the
# repository's own (.venv/, git-ignored), installed once and reused; bumping
# the pin installs the new version. API_EXAMPLES and API_TIME bound each
# service's run; API_SEED repeats a run (0: a new random seed each time).
SCHEMATHESIS_VERSION ?= 4.32.5
VENV                 ?= .venv
API_EXAMPLES         ?= 50
API_TIME             ?= 30s
API_SEED             ?= 0
SCHEMATHESIS         := $(VENV)/bin/schemathesis

.PHONY: api-test
api-test: infra-up $(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION) ## schemathesis against each service's OpenAPI document: no 5xx, every answer as documented
	@cd infrastructure/tools && $(GO) run ./cmd/apitest -schemathesis ../../$(SCHEMATHESIS) -max-examples $(API_EXAMPLES) -max-time $(API_TIME) -seed $(API_SEED)

$(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION):
	@[[ -x $(VENV)/bin/pip ]] || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'schemathesis==$(SCHEMATHESIS_VERSION)'
	@rm -f $(VENV)/.schemathesis-* && touch $@

# make postman: the repository's Postman collection run by newman, pinned,
# installed into .newman/ (git-ignored) once and reused; bumping the pin
# installs the new version. cmd/postman starts the services on a system of
# their own and fails on any failed assertion or request.
NEWMAN_VERSION ?= 6.2.2
NEWMAN_DIR     ?= .newman
NEWMAN         := $(NEWMAN_DIR)/node_modules/.bin/newman

.PHONY: postman
postman: infra-up $(NEWMAN_DIR)/.newman-$(NEWMAN_VERSION) ## the Postman collection under newman against the three services on a system of their own: every assertion must pass
	@cd infrastructure/tools && $(GO) run ./cmd/postman -newman ../../$(NEWMAN)

$(NEWMAN_DIR)/.newman-$(NEWMAN_VERSION):
	npm install --prefix $(NEWMAN_DIR) --no-audit --no-fund --silent --save-exact 'newman@$(NEWMAN_VERSION)'
	@rm -f $(NEWMAN_DIR)/.newman-* && touch $@

.PHONY: chaos
chaos: infra-up ## faults under load (kills, broker and PostgreSQL restarts, a long broker outage, stalled services, replays, poison); judges every order, prints a table (CHAOS_ARGS="-only kill")
	@cd infrastructure/tools && $(GO) run ./cmd/chaos $(CHAOS_ARGS)

.PHONY: dlq
dlq: ## dead letters: make dlq ARGS=list | ARGS="replay payment-request.dlq/0/12" | ARGS="replay -all payment-request.dlq"
	@cd infrastructure/tools && $(GO) run ./cmd/dlq $(or $(ARGS),list)

.PHONY: bench
bench: infra-up ## the outbox relay benchmark across batch sizes, on the real PostgreSQL and Kafka
	@cd infrastructure && $(GO) test -run '^$$' -bench RelayDrain -benchtime 2000x ./outbox/

.PHONY: generate
generate: $(MOCKGEN) ## regenerate the golang/mock mocks of the application ports
	@for s in $(SERVICES); do (cd $$s && PATH="$$(dirname $(MOCKGEN)):$$PATH" $(GO) generate ./...); done

$(MOCKGEN):
	$(GO) install github.com/golang/mock/mockgen@v1.6.0

# promtool, the Prometheus release's own checker (3.9.1: Go module
# v0.309.1), for make lint: built once per version into .tools/
# (git-ignored) from the module's source, under its own go.mod and go.sum,
# since go install refuses a module whose go.mod has exclude directives.
PROMTOOL_VERSION ?= v0.309.1
TOOLS            ?= .tools
PROMTOOL         := $(TOOLS)/promtool-$(PROMTOOL_VERSION)

$(PROMTOOL):
	@mkdir -p $(TOOLS)
	@src="$$(GOWORK=off $(GO) mod download -json github.com/prometheus/prometheus@$(PROMTOOL_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')"; \
	[[ -n "$$src" ]] || { echo "could not download github.com/prometheus/prometheus@$(PROMTOOL_VERSION)"; exit 1; }; \
	echo "building promtool $(PROMTOOL_VERSION) once (a few minutes)"; \
	cd "$$src" && GOWORK=off GOFLAGS=-mod=mod $(GO) build -o $(abspath $(PROMTOOL)) ./cmd/promtool

.PHONY: lint
lint: $(GOLANGCI_LINT) $(PROMTOOL) ## gofmt, go vet, golangci-lint, every module tidy and buildable on its own, the architecture tests (dependency rule, compose file, Kubernetes manifests) and promtool on the alerting rules
	@unformatted="$$(gofmt -l $(MODULES))"; if [[ -n "$$unformatted" ]]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done
	@# Each module as a Docker build sees it: outside the workspace, tidy, and
	@# compiling with only its own go.mod.
	@for m in $(MODULES); do \
		(cd $$m && GOWORK=off $(GO) mod tidy -diff) || { echo "$$m: go.mod or go.sum not tidy (make tidy)"; exit 1; }; \
		(cd $$m && GOWORK=off $(GO) build ./...) || { echo "$$m: does not build with GOWORK=off"; exit 1; }; \
	done
	@for m in $(MODULES); do (cd $$m && $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./...) || { echo "golangci-lint: findings in $$m"; exit 1; }; done
	@cd infrastructure/tools && $(GO) test -count=1 ./repocheck/...
	@cd infrastructure && $(GO) test -count=1 ./deploy/...
	@$(PROMTOOL) check config --syntax-only infrastructure/observability/prometheus.yml
	@$(PROMTOOL) check rules infrastructure/observability/alerts.yml
	@cd infrastructure/observability && $(abspath $(PROMTOOL)) test rules alerts_test.yml
	@echo "lint: ok"

$(GOLANGCI_LINT):
	@mkdir -p $(TOOLS_BIN)/.install
	GOWORK=off GOBIN=$(TOOLS_BIN)/.install $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	@mv $(TOOLS_BIN)/.install/golangci-lint $@

# make vuln: govulncheck over every module as it builds on its own. The
# online database (vuln.go.dev) when it answers; otherwise an offline copy
# built from the golang.org/x/vulndb module (infrastructure/tools/local/vulndb.sh).
VULN_DB ?= https://vuln.go.dev

.PHONY: vuln
vuln: $(GOVULNCHECK) ## govulncheck over every module: the online database when it answers, else an offline copy from the module proxy
	@if curl -fsS --max-time 10 -o /dev/null $(VULN_DB)/index/db.json.gz 2>/dev/null; then db=$(VULN_DB); \
	else echo "vuln: $(VULN_DB) does not answer; using the offline copy of golang.org/x/vulndb"; \
		db="file://$$(GO=$(GO) $(LOCAL)/vulndb.sh)"; fi; \
	echo "vuln: database $$db"; \
	failed=""; for m in $(MODULES); do echo "== $$m"; (cd $$m && GOWORK=off $(GOVULNCHECK) -db "$$db" ./...) || failed="$$failed $$m"; done; \
	if [[ -n "$$failed" ]]; then echo "vuln: reachable advisories in:$$failed"; exit 1; fi; echo "vuln: ok"

$(GOVULNCHECK):
	@mkdir -p $(TOOLS_BIN)/.install
	GOWORK=off GOBIN=$(TOOLS_BIN)/.install $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)
	@mv $(TOOLS_BIN)/.install/govulncheck $@

.PHONY: tidy
tidy: ## go mod tidy in every module, as Docker builds see them (GOWORK=off)
	@for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy); done

.PHONY: infra-up
infra-up: ## start PostgreSQL and Kafka (Docker Compose, or local processes without Docker)
ifeq ($(DOCKER_ENGINE),yes)
	docker compose up -d --wait postgres kafka kafka-init
else
	@$(LOCAL)/postgres.sh start
	@$(LOCAL)/kafka.sh start
endif

.PHONY: infra-down
infra-down: ## stop PostgreSQL and Kafka (data is kept)
ifeq ($(DOCKER_ENGINE),yes)
	docker compose down
else
	@$(LOCAL)/kafka.sh stop
	@$(LOCAL)/postgres.sh stop
endif
