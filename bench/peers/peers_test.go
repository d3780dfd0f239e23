package peers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/bench/peers"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/servicetest"
)

// TestSmoke runs the whole peer benchmark once at a tiny size: a small
// demo world, every target, every workload for a second, a few hundred
// call records by every ingest path. It proves that each target starts
// and answers every question correctly (the harness checks each body and
// fails on any wrong answer) and that the report is written; it asserts no
// speed. It needs Neo4j and Redis (make test starts them) and Node with
// npm, and installs the Node target's packages from the lockfile.
func TestSmoke(t *testing.T) {
	neo, rds := servicetest.Env(t, "NEO4J_URI"), servicetest.Env(t, "REDIS_URL")
	state := os.Getenv("SCAMGRAPH_STATE_DIR")
	if state == "" {
		servicetest.Missing(t, "SCAMGRAPH_STATE_DIR is not set: run make test, or scripts/services.sh start and eval \"$(scripts/services.sh env)\"")
	}
	// The smoke run leaves a thousand audit entries in the registry on
	// Neo4j; later suites read the log back and must find their own.
	t.Cleanup(func() { neo4jtest.WipeAccessRecords(t) })
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var log strings.Builder
	c := peers.Config{
		Repo: repo, Neo4jURI: neo, RedisURL: rds, ImportDir: filepath.Join(state, "neo4j", "dbms", "import"),
		Scale: 0.05, Concurrency: []int{2}, Warmup: 200 * time.Millisecond, Duration: time.Second,
		ColdKeys: 500, IngestRecords: 300, Targets: "ABCDEFab", BasePort: 18090, Out: out, Log: &log,
		Profile: []string{"lookup-hit"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	r, err := c.Run(ctx)
	t.Log(log.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range "ABCDEFab" {
		answered := false
		for _, res := range r.Results {
			answered = answered || (res.Target == string(target) && res.Requests > 0)
		}
		if !answered {
			t.Errorf("target %c answered nothing", target)
		}
	}
	if len(r.Ingest) != 4 {
		t.Errorf("ingest paths measured: %d, want import, stream, mutation and load-csv", len(r.Ingest))
	}
	report, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Summary", "## Goals", "## Ratios", "throughput.svg", "latency-network-2hop.svg", "ingest.svg",
		"## Profiles", "(pprof/demo-A-lookup-hit.pprof)", "(pprof/demo-B-lookup-hit.pprof)"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
	for _, chart := range []string{"throughput.svg", "latency-lookup-hit.svg", "ingest.svg"} {
		b, err := os.ReadFile(filepath.Join(out, chart))
		if err != nil || !strings.Contains(string(b), "<rect") {
			t.Errorf("chart %s missing or empty: %v", chart, err)
		}
	}
}
