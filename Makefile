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
# make fuzz runs every fuzz target (FUZZ, a regular expression, picks some)
# for FUZZTIME each; make test runs each for TEST_FUZZTIME after their seed
# corpora have run as ordinary tests.
FUZZ ?= .
FUZZTIME ?= 30s
TEST_FUZZTIME ?= 3s
# make soak serves loopback traffic for SOAK_DURATION and reports memory and
# data-file growth.
SOAK_DURATION ?= 30m

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
	bench bench-peers bench-growth eval fuzz soak graphqlhttp lint help testdeps assets check-assets

## build: compile the service to bin/scamgraph
build:
	$(GO) build -o bin/scamgraph ./cmd/scamgraph

## run: start the service with demo data on the embedded store
run:
	$(GO) run ./cmd/scamgraph serve --demo

# Rebuilds the browser bundle (webui/dist) from web/ and fails if that
# changed the committed files: the bundle must match the pinned packages,
# the sources and the README's example queries. A subshell, as
# check_generated is.
define check_assets
(
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "not a git work tree; skipping the assets check"
	exit 0
fi
(cd web && node build.mjs) || exit 1
if ! git diff --exit-code --stat -- webui/dist || [[ -n "$$(git ls-files --others --exclude-standard -- webui/dist)" ]]; then
	echo "error: rebuilding the browser assets changed webui/dist; run make assets and commit the result" >&2
	exit 1
fi
)
endef

## test: lint, start Redis and Neo4j, run every test against them (none may skip), fuzz briefly, check generated code and assets
test: lint services graphqlhttp testdeps
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
		FUZZTIME=$(TEST_FUZZTIME) GO=$(GO) scripts/fuzz.sh 2>&1 | tee "$(STATE)/fuzz.log" || status=$$?
	fi
	if ((status == 0)); then
		$(check_generated) || status=$$?
	fi
	if ((status == 0)); then
		$(check_assets) || status=$$?
	fi
	echo "summary: $$passed passed, $$failed failed, $$skipped skipped"
	exit "$$status"

## test-unit: quick loop, no services: every package; tests that need Neo4j or Redis skip
# Tests that need a service ask servicetest: with SCAMGRAPH_REQUIRE_SERVICES=1
# (make test, make bench, CI) a missing one fails them; here the service
# variables are cleared so they skip, saying which, whatever the shell
# exports (a Neo4j named by NEO4J_URI would otherwise be wiped), and every
# test that needs no service runs.
test-unit:
	@env -u NEO4J_URI -u REDIS_URL -u SCAMGRAPH_REQUIRE_SERVICES \
		$(GO) test -short -count=1 ./...

## testdeps: install Chromium, the pinned npm packages and the NetworkX venv the tests use (idempotent)
testdeps:
	scripts/testdeps.sh install

## assets: rebuild the browser pages' bundle (webui/dist, committed and embedded) from web/
assets: testdeps
	cd web && node build.mjs

## check-assets: fail if rebuilding the browser bundle changes webui/dist
check-assets: testdeps
	@$(check_assets)

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

# The evaluation's world: SCALE 1 is the README's demo world; EVALSTORE
# neo4j evaluates on the services' Neo4j (wiped first).
SCALE ?= 0.5
BACKGROUND ?= 1
EVALSTORE ?= embedded

## eval: plant a demo world (SCALE, BACKGROUND), load it through the ingest path into a fresh store (EVALSTORE) and score the service
eval:
	if [[ "$(EVALSTORE)" == neo4j ]]; then
		$(SERVICES) start
		eval "$$($(SERVICES) env)"
		$(GO) run ./cmd/scamgraph eval --scale $(SCALE) --background $(BACKGROUND) --store neo4j --wipe
	else
		$(GO) run ./cmd/scamgraph eval --scale $(SCALE) --background $(BACKGROUND)
	fi

# The peer benchmark's knobs: the defaults are the demo world and a world
# of about a million links (PEERS_LARGE_SCALE 0 leaves it out), 16 and 64
# clients, 5 s warm-up and 15 s measured per run, 100,000 ingested calls,
# the six targets and A and B with the sharing rules off (a, b).
PEERS_SCALE ?= 1
PEERS_LARGE_SCALE ?= 7.36
PEERS_CONCURRENCY ?= 16,64
PEERS_WARMUP ?= 5s
PEERS_DURATION ?= 15s
PEERS_INGEST ?= 100000
PEERS_TARGETS ?= ABCDEFab
PEERS_PORT ?= 18080
# The read workloads whose CPU profiles are kept beside the report
# (bench/results/pprof), taken on A and B at the highest concurrency.
PEERS_PROFILE ?= lookup-hit,lookup-cold,network-2hop,shortestPath

## bench-peers: ScamGraph beside @neo4j/graphql, raw Cypher and a static handler at two sizes; writes bench/results/REPORT.md
bench-peers: services
	@eval "$$($(SERVICES) env)"
	$(GO) run ./bench/peers/cmd/peerbench run --repo . --scale $(PEERS_SCALE) --large-scale $(PEERS_LARGE_SCALE) \
		--concurrency $(PEERS_CONCURRENCY) --warmup $(PEERS_WARMUP) --duration $(PEERS_DURATION) \
		--ingest $(PEERS_INGEST) --targets $(PEERS_TARGETS) --port $(PEERS_PORT) --profile '$(PEERS_PROFILE)' \
		--neo4j-import-dir "$(STATE)/neo4j/dbms/import" --out bench/results

# The growth benchmark's knobs: sizes in links (GROWTH_10M=1 adds ten
# million to the embedded store's), and the calls of the read mix whose
# file growth it measures.
GROWTH_EMBEDDED ?= 10000,100000,1000000
GROWTH_NEO4J ?= 10000,100000,1000000
GROWTH_AUDIT_CALLS ?= 20000
ifeq ($(GROWTH_10M),1)
GROWTH_EMBEDDED := $(GROWTH_EMBEDDED),10000000
# The ten-million point holds some 10 GB of graph while it loads; a soft
# memory limit keeps the collector ahead of it on a 24 GB machine.
export GOMEMLIMIT ?= 18GiB
endif

## bench-growth: the embedded store at 10k-1M links (GROWTH_10M=1: 10M) and Neo4j to 1M; writes bench/results/GROWTH.md
bench-growth: services
	@eval "$$($(SERVICES) env)"
	$(GO) run ./bench/peers/cmd/peerbench growth --repo . --embedded-sizes "$(GROWTH_EMBEDDED)" \
		--neo4j-sizes "$(GROWTH_NEO4J)" --audit-calls $(GROWTH_AUDIT_CALLS) \
		--neo4j-data-dir "$(STATE)/neo4j/dbms/data" --out bench/results

## fuzz: run every fuzz target for FUZZTIME each (default 30s; FUZZ picks targets by name)
fuzz:
	FUZZ='$(FUZZ)' FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz.sh

## soak: serve bounded loopback traffic for SOAK_DURATION (default 30m); report RSS and data-file growth
soak: services
	@eval "$$($(SERVICES) env)"
	export SCAMGRAPH_REQUIRE_SERVICES=1 SCAMGRAPH_SOAK=$(SOAK_DURATION)
	$(GO) test -tags soak -count=1 -run='^TestSoak$$' -v -timeout 0 ./soak/ 2>&1 | tee "$(STATE)/soak.log"

## graphqlhttp: install the pinned graphql-http audit suite (tests/graphqlhttp) the server tests run
graphqlhttp:
	scripts/graphqlhttp.sh

## lint: gofmt check and go vet
lint:
	@$(check_gofmt)
	echo "go vet ./..."
	$(GO) vet ./...

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
