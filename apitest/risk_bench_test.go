package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

const riskLookupQuery = `query($q: String!) { lookup(identifier: $q) { key kind valid entity { id label
	... on PhoneNumber { numberType carrier summary { linkCount reportCount firstSeen lastSeen } } }
	risk { score level reasons { kind points text } } } }`

// serveAnalytics serves a store with the given analytics options, as the
// Thai demo analyst.
func serveAnalytics(b *testing.B, store intel.Store, opts usecase.AnalyticsOptions) *httptest.Server {
	ts, _ := serveAnalyticsKeys(b, store, opts)
	return ts
}

// serveAnalyticsKeys is serveAnalytics with the demo keys of its
// registry, for requests made as someone else (send the key).
func serveAnalyticsKeys(b *testing.B, store intel.Store, opts usecase.AnalyticsOptions) (*httptest.Server, []demo.Key) {
	reg, keys := accesstest.Registry(b)
	svc := usecase.New(store, reg, usecase.Options{Analytics: opts})
	cfg := server.DefaultConfig()
	cfg.RequestTimeout = 5 * time.Minute // the graph-wide triage is measured whole
	srv := server.New(cfg, svc, nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)))
	b.Cleanup(ts.Close)
	return ts, keys
}

const enrichmentWrite = `mutation($r: [RecordInput!]!) { ingest(records: $r) { totals { accepted rejected } results { status reason } } }`

// enrichment is an enrichment job: every interval until stop is closed,
// it writes a batch (enrich), and then reports how many batches were
// written, or the first failure.
func enrichment(ts *httptest.Server, token string, interval time.Duration, next *int, stop <-chan struct{}) (int, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for batches := 0; ; batches++ {
		select {
		case <-stop:
			return batches, nil
		case <-tick.C:
		}
		if err := enrich(ts, token, next); err != nil {
			return batches, err
		}
	}
}

// enrich sends ts a batch of enrichmentBatch new synthetic call records
// (ingest.SyntheticCall, from *next on, as token's agency's).
func enrich(ts *httptest.Server, token string, next *int) error {
	records := make([]any, enrichmentBatch)
	for i := range records {
		raw, _ := json.Marshal(ingest.SyntheticCall(*next))
		*next++
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		delete(m, "agency") // the enricher's own
		records[i] = m
	}
	body, _ := json.Marshal(map[string]any{"query": enrichmentWrite, "variables": map[string]any{"r": records}})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var got struct {
		Data struct {
			Ingest struct{ Totals struct{ Accepted int } }
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil || got.Data.Ingest.Totals.Accepted != enrichmentBatch {
		return fmt.Errorf("enrichment batch: %s", raw)
	}
	return nil
}

// enrichmentBatch is how many call records an enrichment batch holds.
const enrichmentBatch = 20

// benchScale is the demo world's scale for BenchmarkRisk: 1 unless
// SCAMGRAPH_BENCH_SCALE says otherwise, so that the cost can be shown at
// two sizes.
func benchScale() float64 {
	if v, err := strconv.ParseFloat(os.Getenv("SCAMGRAPH_BENCH_SCALE"), 64); err == nil && v > 0 {
		return v
	}
	return 1
}

// demoStoreAt is demoStore at a scale.
func demoStoreAt(b *testing.B, name string, scale float64) intel.Store {
	if scale == 1 {
		return demoStore(b, name)
	}
	var inner intel.Store
	if name == "embedded" {
		s, err := embeddedstore.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		inner = s
	} else {
		inner = neo4jtest.Open(b)
	}
	if _, err := demo.Load(context.Background(), inner, demo.Config{Scale: scale}); err != nil {
		b.Fatal(err)
	}
	return inner
}

// worldEnd is the demo world's last day: scores are taken as of then.
func worldEnd() time.Time { return demo.Epoch.Add(demo.HistoryDays * 24 * time.Hour) }

// BenchmarkRisk measures, on the demo world and on both stores, in one
// run: lookups with and without the risk field (16 clients, the modes
// taking turns as in BenchmarkAccessRules; "risk" reuses scores until the
// next write, "risk-uncached" computes every score, reading the entity's
// own links afresh and what lies around it through the view's memo, see
// fetch.Memo; "risk-writes" is "risk" while an enrichment job writes a
// batch of new call records every 100 ms through the same service), each
// mode's p50 and its processor time per request (this
// process and Neo4j, which move far less with a shared machine's load),
// the graph-wide triage behind riskList and rings computed cold, and
// riskList and rings answered while a newer triage computes.
func BenchmarkRisk(b *testing.B) {
	numbers := demoPhoneInputs(b)
	var thai []string
	for _, n := range numbers {
		if strings.HasPrefix(n, "0") {
			thai = append(thai, n)
		}
	}
	hot := thai[:200]
	scale := benchScale()
	for _, name := range []string{"embedded", "neo4j"} {
		inner := demoStoreAt(b, name, scale)
		asOf := func() time.Time { return worldEnd() }
		cached, keys := serveAnalyticsKeys(b, inner, usecase.AnalyticsOptions{Now: asOf})
		enricher, nextCall := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), 0
		uncached := serveAnalytics(b, inner, usecase.AnalyticsOptions{Now: asOf, CacheTTL: time.Nanosecond})
		vars := func(i int) map[string]any { return map[string]any{"q": hot[i%len(hot)]} }
		b.Run(name+"/lookup", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				turns := []struct {
					name    string
					ts      *httptest.Server
					q       string
					writing bool
				}{{"plain", cached, lookupQuery, false}, {"risk", cached, riskLookupQuery, false},
					{"risk-uncached", uncached, riskLookupQuery, false}, {"risk-writes", cached, riskLookupQuery, true}}
				// run drives one turn; a writing turn's lookups run while an
				// enrichment job writes a batch every 100 ms through the
				// same service.
				run := func(m int) load {
					if !turns[m].writing {
						return drive(b, turns[m].ts, concurrency, turns[m].q, vars, accessTurn(2*time.Second))
					}
					stop, done := make(chan struct{}), make(chan error, 1)
					go func() { _, err := enrichment(cached, enricher, 100*time.Millisecond, &nextCall, stop); done <- err }()
					s := drive(b, turns[m].ts, concurrency, turns[m].q, vars, accessTurn(2*time.Second))
					close(stop)
					if err := <-done; err != nil {
						b.Fatal(err)
					}
					return s
				}
				for m := range turns {
					run(m) // warm-up
				}
				p50 := map[string][]float64{}
				// The processor time of each mode's turns (this process and
				// Neo4j), per request: on a shared machine it moves far less
				// with the neighbours' load than the latencies do.
				cpu, reqs := map[string]cpuMeter{}, map[string]int{}
				for r := 0; r < accessRounds(6); r++ {
					line := fmt.Sprintf("risk-round %d %s:", r+1, b.Name())
					for k := range turns {
						if r%2 == 1 {
							k = len(turns) - 1 - k
						}
						m := turns[k]
						start := readCPU()
						s := run(k)
						end := readCPU()
						c := cpu[m.name]
						c.self += end.self - start.self
						c.neo4j += end.neo4j - start.neo4j
						cpu[m.name], reqs[m.name] = c, reqs[m.name]+len(s.latencies)
						p50[m.name] = append(p50[m.name], s.percentileMs(0.50))
						line += fmt.Sprintf(" %s p50 %.2f ms p99 %.2f ms (%d req)", m.name, s.percentileMs(0.50), s.percentileMs(0.99), len(s.latencies))
					}
					fmt.Println(line)
				}
				for _, m := range turns {
					b.ReportMetric(median(p50[m.name]), m.name+"-p50-ms")
				}
				fmt.Printf("risk-ratio %s: p50 risk/plain %.2fx, risk-uncached/plain %.2fx, risk-writes/plain %.2fx\n", b.Name(),
					median(p50["risk"])/median(p50["plain"]), median(p50["risk-uncached"])/median(p50["plain"]),
					median(p50["risk-writes"])/median(p50["plain"]))
				perReq := func(name string) (self, neo float64) {
					n := float64(max(reqs[name], 1))
					return float64(cpu[name].self.Microseconds()) / 1000 / n, float64(cpu[name].neo4j.Microseconds()) / 1000 / n
				}
				line := "risk-cpu " + b.Name() + ": per request (go + neo4j)"
				plainSelf, plainNeo := perReq("plain")
				for _, m := range turns {
					self, neo := perReq(m.name)
					b.ReportMetric(self+neo, m.name+"-cpu-ms")
					line += fmt.Sprintf(" %s %.2f + %.2f ms (%.2fx)", m.name, self, neo, (self+neo)/(plainSelf+plainNeo))
				}
				fmt.Println(line)
			}
		})
		// The graph-wide triage behind riskList and rings, computed cold
		// (a new service, nothing cached) on every request.
		b.Run(name+"/triage-cold", func(b *testing.B) { coldTriage(b, inner, asOf) })
		// The triage computed again after an enrichment batch, by a
		// service whose memo holds what the last one read: only what the
		// batch touched is read again.
		b.Run(name+"/triage-after-write", func(b *testing.B) {
			mustQuery(b, cached, `{ rings(first: 1) { totalCount } }`, nil)
			var took []time.Duration
			for i := 0; i < b.N; i++ {
				if err := enrich(cached, enricher, &nextCall); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				for stale := true; stale; {
					res, err := query(http.DefaultClient, cached.URL, `{ rings(first: 1) { stale } }`, nil)
					var got struct{ Rings struct{ Stale bool } }
					if err == nil {
						err = json.Unmarshal(res.Data, &got)
					}
					if err != nil {
						b.Fatal(err)
					}
					stale = got.Rings.Stale
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			l := load{latencies: took}
			b.ReportMetric(l.percentileMs(0.50), "p50-ms")
			b.ReportMetric(l.percentileMs(0.99), "p99-ms")
			fmt.Printf("triage-after-write %s: p50 %.0f ms p99 %.0f ms (%d runs)\n", b.Name(), l.percentileMs(0.50), l.percentileMs(0.99), len(took))
		})
		// Served while a newer triage computes: with CacheTTL past, every
		// request starts a recomputation in the background and is answered
		// from the last complete one, saying when that was computed.
		mustQuery(b, uncached, `{ rings(first: 1) { totalCount } }`, nil)
		b.Run(name+"/rings", func(b *testing.B) {
			hammerQuery(b, uncached, 1, `{ rings(first: 50) { totalCount computedAt stale nodes { id size caseCount } } }`,
				func(int) map[string]any { return nil })
		})
		b.Run(name+"/riskList", func(b *testing.B) {
			hammerQuery(b, uncached, 1, `{ riskList(level: MEDIUM, first: 100) { totalCount computedAt stale edges { node { id } risk { score } } } }`,
				func(int) map[string]any { return nil })
		})
	}
}

// coldTriage measures, b.N times, the graph-wide triage of a new service
// (nothing cached, no memo): the first rings request waits for the triage
// and its rings. It reports p50 and p99 and prints them.
func coldTriage(b *testing.B, inner intel.Store, asOf func() time.Time) {
	var took []time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ts := serveAnalytics(b, inner, usecase.AnalyticsOptions{Now: asOf})
		b.StartTimer()
		t0 := time.Now()
		mustQuery(b, ts, `{ rings(first: 50) { totalCount computedAt nodes { id size } } }`, nil)
		took = append(took, time.Since(t0))
		ts.Close()
	}
	slices.Sort(took)
	l := load{latencies: took}
	b.ReportMetric(l.percentileMs(0.50), "p50-ms")
	b.ReportMetric(l.percentileMs(0.99), "p99-ms")
	fmt.Printf("triage-cold %s: p50 %.0f ms p99 %.0f ms (%d runs)\n", b.Name(), l.percentileMs(0.50), l.percentileMs(0.99), len(took))
}

// BenchmarkRingComputation measures the cold triage and its rings (what
// riskList and rings are computed from) at two sizes of the demo world,
// on both stores, p50 and p99, to show how the cost grows: it follows the
// suspicious part of the graph (the seeds and what their risky members
// reach), not the whole graph.
func BenchmarkRingComputation(b *testing.B) {
	asOf := func() time.Time { return worldEnd() }
	for _, scale := range []float64{0.25, 1} {
		for _, name := range []string{"embedded", "neo4j"} {
			var inner intel.Store
			if name == "embedded" {
				s, err := embeddedstore.Open(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				inner = s
			} else {
				inner = neo4jtest.Open(b)
			}
			st, err := demo.Load(context.Background(), inner, demo.Config{Scale: scale})
			if err != nil {
				b.Fatal(err)
			}
			fmt.Printf("ring-computation scale=%g %s: %d entities, %d links\n", scale, name, st.Entities, st.Links)
			b.Run(fmt.Sprintf("scale=%g/%s", scale, name), func(b *testing.B) { coldTriage(b, inner, asOf) })
			if s, ok := inner.(interface{ Close() error }); ok && name == "embedded" {
				s.Close()
			}
		}
	}
}
