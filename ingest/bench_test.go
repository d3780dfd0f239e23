package ingest_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/bench/peers"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// benchRecords is how many call records the import benchmarks load; set
// SCAMGRAPH_BENCH_CALLS to change it (1000000 for the figure in the issue).
func benchRecords() int { return envInt("SCAMGRAPH_BENCH_CALLS", 200_000) }

// benchRounds is how many times the Neo4j imports and their references run
// in turn; set SCAMGRAPH_BENCH_ROUNDS to change it.
func benchRounds() int { return envInt("SCAMGRAPH_BENCH_ROUNDS", 3) }

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkImport measures call records per second through the real
// `scamgraph import` command into the embedded store and into Neo4j, the
// replay of an already imported file, the command's peak memory, and, as
// the references, Neo4j's own LOAD CSV with CALL { … } IN TRANSACTIONS over
// the same rows already normalised: once writing the fields the issue's
// reference writes, and once writing the very graph the import writes.
//
// Neo4j's speed drifts while it warms up (its JIT, its page cache) and
// with whatever else the machine does, so one pass of each would compare
// a cold run with a warm one. After one unmeasured pass of each, the four
// Neo4j runs take turns, benchRounds times, and the figures are the medians,
// the ratio that of the medians (each round's ratio is printed too).
func BenchmarkImport(b *testing.B) {
	n := benchRecords()
	dir := b.TempDir()
	bin := filepath.Join(dir, "scamgraph")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/scamgraph").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "calls.csv")
	writeCallsCSV(b, file, n)
	neo := MustNeo4j(b)
	cfg := neo4jtest.Config(b)
	uri := cfg.URI

	// cli runs one import and returns its rate and peak memory.
	cli := func(b *testing.B, args ...string) (rate, peakMB float64) {
		base := []string{"import", "--format", "csv", "--type", "call", "--progress", "never", "--resume=false", "--log-format", "json"}
		if size := os.Getenv("SCAMGRAPH_BENCH_BATCH"); size != "" {
			base = append(base, "--batch-size", size) // for sizing batches by measurement
		}
		cmd := exec.Command(bin, append(base, append(args, file)...)...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		elapsed := time.Since(start)
		if err != nil {
			b.Fatalf("import: %v\n%s", err, out)
		}
		return float64(n) / elapsed.Seconds(), float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	}
	embeddedDir := filepath.Join(dir, "embedded")
	embedded := func(name string, fresh bool) {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if fresh {
					b.StopTimer()
					os.RemoveAll(embeddedDir)
					b.StartTimer()
				}
				rate, peak := cli(b, "--store", "embedded", "--data-dir", embeddedDir)
				b.ReportMetric(rate, "records/s")
				b.ReportMetric(peak, "peak-MB")
			}
		})
	}
	embedded("cli/embedded", true)
	embedded("cli/embedded/replay", false)

	wipe := func(b *testing.B) {
		if err := neo.DeleteAll(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	importDir := filepath.Join(os.Getenv("SCAMGRAPH_STATE_DIR"), "neo4j", "dbms", "import")
	for name, write := range map[string]func(string, int) error{"bench_calls.csv": writeNormalisedCSV, "bench_calls_same_graph.csv": peers.WriteSameGraphCSV} {
		if err := write(filepath.Join(importDir, name), n); err != nil {
			b.Fatalf("writing the reference file into Neo4j's import directory %s (set SCAMGRAPH_STATE_DIR as make bench does): %v", importDir, err)
		}
	}
	reference := func(b *testing.B, stmt string, params map[string]any) float64 {
		wipe(b)
		start := time.Now()
		loadCSV(b, cfg, stmt, params)
		return float64(n) / time.Since(start).Seconds()
	}
	b.Run("neo4j", func(b *testing.B) {
		type sample struct{ cli, replay, ref, same, peak float64 }
		pass := func(b *testing.B) sample {
			var s sample
			wipe(b)
			s.cli, s.peak = cli(b, "--store", "neo4j", "--neo4j-uri", uri)
			s.replay, _ = cli(b, "--store", "neo4j", "--neo4j-uri", uri)
			s.ref = reference(b, loadCSVReference, nil)
			s.same = reference(b, peers.LoadCSVSameGraph, map[string]any{"url": "file:///bench_calls_same_graph.csv"})
			return s
		}
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			pass(b) // warm-up, unmeasured
			b.StartTimer()
			var samples []sample
			for r := 0; r < benchRounds(); r++ {
				s := pass(b)
				samples = append(samples, s)
				fmt.Printf("ingest-round %d: cli/neo4j %.0f records/s (peak %.0f MB), replay %.0f, load-csv-reference %.0f (%.2fx), load-csv-same-graph %.0f (%.2fx)\n",
					r+1, s.cli, s.peak, s.replay, s.ref, s.cli/s.ref, s.same, s.cli/s.same)
			}
			med := func(f func(sample) float64) float64 {
				v := make([]float64, len(samples))
				for i, s := range samples {
					v[i] = f(s)
				}
				slices.Sort(v)
				if len(v)%2 == 1 {
					return v[len(v)/2]
				}
				return (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
			cliRate, ref, same := med(func(s sample) float64 { return s.cli }), med(func(s sample) float64 { return s.ref }), med(func(s sample) float64 { return s.same })
			b.ReportMetric(cliRate, "cli-records/s")
			b.ReportMetric(med(func(s sample) float64 { return s.replay }), "replay-records/s")
			b.ReportMetric(ref, "load-csv-records/s")
			b.ReportMetric(same, "load-csv-same-graph-records/s")
			b.ReportMetric(cliRate/ref, "x-load-csv")
			b.ReportMetric(cliRate/same, "x-load-csv-same-graph")
			b.ReportMetric(med(func(s sample) float64 { return s.peak }), "peak-MB")
			fmt.Printf("ingest-ratio: cli/neo4j %.0f records/s vs load-csv-reference %.0f = %.2fx, vs load-csv-same-graph %.0f = %.2fx (medians of %d rounds of %d records)\n",
				cliRate, ref, cliRate/ref, same, cliRate/same, len(samples), n)
		}
	})
}

// writeCallsCSV writes n synthetic call records as the import command reads them.
func writeCallsCSV(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"agency", "country", "evidenceRef", "legalBasis", "visibility", "recordId", "caller", "callee", "start", "durationSec", "answered"})
	for i := 0; i < n; i++ {
		r := ingest.SyntheticCall(i)
		w.Write([]string{r.Agency, r.Country, r.EvidenceRef, r.LegalBasis, r.Visibility, r.RecordID, r.Caller, r.Callee, r.Start,
			strconv.Itoa(*r.DurationSec), strconv.FormatBool(*r.Answered)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
}

// writeMappedCalls writes n synthetic calls mapped as the import maps
// them, one row each: row builds it from the call's link and its two ends.
func writeMappedCalls(path string, n int, header []string, row func(i int, l intel.Link, from, to intel.Entity) ([]string, error)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write(header)
	for i := 0; i < n; i++ {
		batch, err := ingest.Map(ingest.SyntheticCall(i))
		if err != nil {
			return err
		}
		if len(batch.Links) != 1 || len(batch.Entities) != 2 {
			return fmt.Errorf("call %d does not map to one link and its two ends: %+v", i, batch)
		}
		l := batch.Links[0]
		from, to := batch.Entities[0], batch.Entities[1]
		if from.ID != l.From {
			from, to = to, from
		}
		r, err := row(i, l, from, to)
		if err != nil {
			return err
		}
		w.Write(r)
	}
	w.Flush()
	return w.Error()
}

// writeNormalisedCSV writes the same calls already mapped (canonical ids,
// link ids, times in milliseconds), so that LOAD CSV does only the database's
// share of the work: the reference for "the speed of the database".
func writeNormalisedCSV(path string, n int) error {
	header := []string{"id", "eventKey", "fromId", "fromKey", "toId", "toKey", "t", "agency", "dur", "ans"}
	return writeMappedCalls(path, n, header, func(_ int, l intel.Link, from, to intel.Entity) ([]string, error) {
		return []string{l.ID, l.EventKey, from.ID, from.Key, to.ID, to.Key, strconv.FormatInt(l.ObservedAt.UnixMilli(), 10),
			l.Agency, l.Attrs["durationSec"], l.Attrs["answered"]}, nil
	})
}

const loadCSVReference = `
LOAD CSV WITH HEADERS FROM 'file:///bench_calls.csv' AS row
CALL {
  WITH row
  MERGE (a:Entity {id: row.fromId})
    ON CREATE SET a.kind = 'PhoneNumber', a.key = row.fromKey, a.label = row.fromKey,
                  a.firstIngested = timestamp(), a.rawForms = [], a.markers = []
  MERGE (b:Entity {id: row.toId})
    ON CREATE SET b.kind = 'PhoneNumber', b.key = row.toKey, b.label = row.toKey,
                  b.firstIngested = timestamp(), b.rawForms = [], b.markers = []
  MERGE (a)-[r:CALLED {id: row.id}]->(b)
    ON CREATE SET r.ingestedAt = timestamp()
  SET r.eventKey = row.eventKey, r.agency = row.agency, r.country = 'TH',
      r.observedAt = toInteger(row.t), r.tStart = toInteger(row.t), r.tEnd = toInteger(row.t),
      r.confidence = 1.0, r.visibility = 'SHAREABLE', r.attr_durationSec = row.dur, r.attr_answered = row.ans
} IN TRANSACTIONS OF 1000 ROWS`

func loadCSV(b *testing.B, cfg neo4jstore.Config, stmt string, params map[string]any) {
	ctx := context.Background()
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		b.Fatal(err)
	}
	defer driver.Close(ctx)
	sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, stmt, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
}
