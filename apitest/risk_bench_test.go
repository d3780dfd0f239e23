package apitest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
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
	reg, keys := accesstest.Registry(b)
	svc := usecase.New(store, reg, usecase.Options{Analytics: opts})
	cfg := server.DefaultConfig()
	cfg.RequestTimeout = 5 * time.Minute // the graph-wide triage is measured whole
	srv := server.New(cfg, svc, nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)))
	b.Cleanup(ts.Close)
	return ts
}

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
// next write, "risk-uncached" computes every score), and the graph-wide
// triage behind riskList and rings computed afresh on every request.
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
		cached := serveAnalytics(b, inner, usecase.AnalyticsOptions{Now: asOf})
		uncached := serveAnalytics(b, inner, usecase.AnalyticsOptions{Now: asOf, CacheTTL: time.Nanosecond})
		vars := func(i int) map[string]any { return map[string]any{"q": hot[i%len(hot)]} }
		b.Run(name+"/lookup", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				turns := []struct {
					name string
					ts   *httptest.Server
					q    string
				}{{"plain", cached, lookupQuery}, {"risk", cached, riskLookupQuery}, {"risk-uncached", uncached, riskLookupQuery}}
				for _, m := range turns {
					drive(b, m.ts, concurrency, m.q, vars, accessTurn(2*time.Second)) // warm-up
				}
				p50 := map[string][]float64{}
				for r := 0; r < accessRounds(6); r++ {
					line := fmt.Sprintf("risk-round %d %s:", r+1, b.Name())
					for k := range turns {
						if r%2 == 1 {
							k = len(turns) - 1 - k
						}
						m := turns[k]
						s := drive(b, m.ts, concurrency, m.q, vars, accessTurn(2*time.Second))
						p50[m.name] = append(p50[m.name], s.percentileMs(0.50))
						line += fmt.Sprintf(" %s p50 %.2f ms p99 %.2f ms (%d req)", m.name, s.percentileMs(0.50), s.percentileMs(0.99), len(s.latencies))
					}
					fmt.Println(line)
				}
				for _, m := range turns {
					b.ReportMetric(median(p50[m.name]), m.name+"-p50-ms")
				}
				fmt.Printf("risk-ratio %s: p50 risk/plain %.2fx, risk-uncached/plain %.2fx\n", b.Name(),
					median(p50["risk"])/median(p50["plain"]), median(p50["risk-uncached"])/median(p50["plain"]))
			}
		})
		b.Run(name+"/rings", func(b *testing.B) {
			hammerQuery(b, uncached, 1, `{ rings(first: 50) { totalCount nodes { id size caseCount } } }`,
				func(int) map[string]any { return nil })
		})
		b.Run(name+"/riskList", func(b *testing.B) {
			hammerQuery(b, uncached, 1, `{ riskList(level: MEDIUM, first: 100) { totalCount edges { node { id } risk { score } } } }`,
				func(int) map[string]any { return nil })
		})
	}
}
