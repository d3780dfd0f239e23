# Build, test and run ScamGraph. `make test` is the one test command, the one
# CI runs through .ci/run: it starts the real Redis and Neo4j, runs every suite
# against them, and fails if any test was skipped, since a skipped suite is a
# suite that quietly stopped proving anything.

# bash with -e and pipefail, so that `go test | tee` fails when go test does,
# and one shell per recipe, so that variables set in a recipe stay set in it.
# With .ONESHELL a recipe that mentions $(MAKE) would run whole even under
# `make -n`, so no recipe here calls $(MAKE).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
MAKEFLAGS += --no-builtin-rules
.DEFAULT_GOAL := build

GO ?= go
SERVICES := scripts/services.sh
# Where the services keep their data and where the test and bench logs go;
# exported so the script and these recipes agree on it.
STATE := $(abspath $(or $(SCAMGRAPH_STATE_DIR),.services))
export SCAMGRAPH_STATE_DIR := $(STATE)

TEST_TIMEOUT ?= 20m
# Benchmarks run long enough to be stable and short enough to finish: raise
# BENCHTIME or BENCHCOUNT (and compare with benchstat) for figures to publish.
BENCH ?= .
BENCHTIME ?= 2s
BENCHCOUNT ?= 1
FUZZ ?= FuzzParseIdentifier
FUZZTIME ?= 30s
FUZZPKG ?= ./intel/

# Every hand-written and generated Go file, but not test fixtures under
# testdata, the services' state or the launcher's build output.
define check_gofmt
unformatted="$$(find . \( -path ./.git -o -path ./.services -o -path ./services/neo4j/target \
	-o -path ./bin -o -name testdata -o -name vendor \) -prune -o -name '*.go' -print0 \
	| xargs -0 -r gofmt -l)"
if [[ -n $$unformatted ]]; then
	echo "gofmt -l lists files that are not formatted; run gofmt -w on them:" >&2
	echo "$$unformatted" >&2
	exit 1
fi
endef

# Runs go generate and fails if that changed or added files, i.e. if the
# committed generated code is stale. It is a subshell so that `make test` can
# collect its status; errexit does not apply inside a tested subshell, hence
# the explicit exits. git diff compares with the index, so staged work counts
# as the reference. Outside a git tree there is nothing to compare with.
define check_generated
(
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "not a git work tree; skipping the generated-code check"
	exit 0
fi
before="$$(git ls-files --others --exclude-standard | sort)" || exit 1
$(GO) generate ./... || exit 1
if ! git diff --exit-code --stat; then
	echo "error: go generate changed the files above; run make generate and commit the result" >&2
	exit 1
fi
after="$$(git ls-files --others --exclude-standard | sort)" || exit 1
added="$$(comm -13 <(echo "$$before") <(echo "$$after"))"
if [[ -n $$added ]]; then
	echo "error: go generate added files; run make generate and commit them:" >&2
	echo "$$added" >&2
	exit 1
fi
)
endef

.PHONY: build run test test-unit services services-stop generate check-generated \
	bench bench-peers fuzz lint help

## build: compile the service to bin/scamgraph
build:
	$(GO) build -o bin/scamgraph ./cmd/scamgraph

## run: start the service with demo data on the embedded store
run:
	$(GO) run ./cmd/scamgraph serve --demo

## test: lint, start Redis and Neo4j, run every test against them (none may skip), check generated code
test: lint services
	@eval "$$($(SERVICES) env)"
	export SCAMGRAPH_REQUIRE_SERVICES=1
	echo "testing with NEO4J_URI=$$NEO4J_URI REDIS_URL=$$REDIS_URL"
	mkdir -p "$(STATE)"
	log="$(STATE)/test.log"
	status=0
	$(GO) test -p 1 -count=1 -race=false -v -timeout $(TEST_TIMEOUT) ./... 2>&1 | tee "$$log" || status=$$?
	# grep -c prints 0 but exits 1 when nothing matches; that is not an error here.
	passed=$$(grep -cE '^[[:space:]]*--- PASS' "$$log" || true)
	failed=$$(grep -cE '^[[:space:]]*--- FAIL|^FAIL[[:space:]].*\[(build|setup) failed\]|^panic: test timed out' "$$log" || true)
	skipped=$$(grep -cE '^[[:space:]]*--- SKIP' "$$log" || true)
	if ((skipped > 0)); then
		echo "error: $$skipped test(s) skipped; every suite must run in CI:" >&2
		grep -E -B1 '^[[:space:]]*--- SKIP' "$$log" >&2 || true
		status=1
	fi
	if ((status == 0)); then
		$(check_generated) || status=$$?
	fi
	echo "summary: $$passed passed, $$failed failed, $$skipped skipped"
	exit "$$status"

## test-unit: quick loop, no services: the packages whose tests don't read NEO4J_URI or REDIS_URL
# Those packages fail, never skip, without their services, so they are left
# out here by what their tests read, and `make test` runs them.
test-unit:
	@unit=() needs=()
	while read -r pkg dir; do
		if grep -qsE 'NEO4J_URI|REDIS_URL' "$$dir"/*_test.go; then needs+=("$$pkg"); else unit+=("$$pkg"); fi
	done < <($(GO) list -f '{{.ImportPath}} {{.Dir}}' ./...)
	if (($${#needs[@]} > 0)); then
		echo "test-unit: leaving out (they need services; make test runs them): $${needs[*]}"
	fi
	if (($${#unit[@]} == 0)); then echo "test-unit: no package runs without services"; exit 0; fi
	$(GO) test -short -count=1 "$${unit[@]}"

## services: start Redis and Neo4j on loopback (idempotent)
services:
	$(SERVICES) start

## services-stop: stop Redis and Neo4j
services-stop:
	$(SERVICES) stop

## generate: run go generate (gqlgen and friends)
generate:
	$(GO) generate ./...

## check-generated: fail if go generate changes or adds files in the git tree
check-generated:
	@$(check_generated)

## bench: start the services and run every benchmark against them
bench: services
	@eval "$$($(SERVICES) env)"
	export SCAMGRAPH_REQUIRE_SERVICES=1
	echo "benchmarking with NEO4J_URI=$$NEO4J_URI REDIS_URL=$$REDIS_URL"
	$(GO) test -p 1 -run='^$$' -bench='$(BENCH)' -benchmem -benchtime=$(BENCHTIME) \
		-count=$(BENCHCOUNT) -timeout 60m ./... 2>&1 | tee "$(STATE)/bench.txt"
	echo "benchmark results saved in $(STATE)/bench.txt"

# The peer benchmark's knobs: the defaults are the demo world, 16 and 64
# clients, 5 s warm-up and 15 s measured per run, 100,000 ingested calls.
PEERS_SCALE ?= 1
PEERS_CONCURRENCY ?= 16,64
PEERS_WARMUP ?= 5s
PEERS_DURATION ?= 15s
PEERS_INGEST ?= 100000
PEERS_TARGETS ?= ABCDEF
PEERS_PORT ?= 18080

## bench-peers: ScamGraph beside @neo4j/graphql, raw Cypher and a static handler; writes bench/results/REPORT.md
bench-peers: services
	@eval "$$($(SERVICES) env)"
	$(GO) run ./bench/peers/cmd/peerbench run --repo . --scale $(PEERS_SCALE) \
		--concurrency $(PEERS_CONCURRENCY) --warmup $(PEERS_WARMUP) --duration $(PEERS_DURATION) \
		--ingest $(PEERS_INGEST) --targets $(PEERS_TARGETS) --port $(PEERS_PORT) \
		--neo4j-import-dir "$(STATE)/neo4j/dbms/import" --out bench/results

## fuzz: fuzz the identifier parser for FUZZTIME (default 30s)
fuzz:
	$(GO) test -run='^$$' -fuzz='^$(FUZZ)$$' -fuzztime=$(FUZZTIME) $(FUZZPKG)

## lint: gofmt check and go vet
lint:
	@$(check_gofmt)
	echo "go vet ./..."
	$(GO) vet ./...

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
