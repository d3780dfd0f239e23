package browsertest

import (
	"context"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// BenchmarkPage measures the analysts' page on the whole demo world in
// headless Chromium: the first load of / in a fresh profile, opening a
// number from the search box to its network drawn, and laying out and
// drawing the SIM-box hub's network at depth 3 with up to 2,000 entities.
// Each figure is the median of SCAMGRAPH_BENCH_ROUNDS rounds (default 3).
func BenchmarkPage(b *testing.B) {
	mustBrowser(b)
	store, err := embeddedstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := demo.Load(context.Background(), store, demo.Config{Scale: 1}); err != nil {
		b.Fatal(err)
	}
	reg, keys := accesstest.Registry(b)
	srv := server.New(server.DefaultConfig(), usecase.New(store, reg, usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return demo.End }}}), nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	key := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	rounds := 3
	if n, err := strconv.Atoi(getenv("SCAMGRAPH_BENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	var out struct {
		FirstLoadMs, OpenMs, LargeDrawMs, LargeLayoutMs, LargeNodes, LargeEdges []float64
		ForeignRequests                                                         []string
		Error                                                                   string
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runScriptFor(b, 20*time.Minute, "pagebench.mjs", &out, ts.URL, key, "0869041377", demo.SIMBoxHub.LocalForm, "2000", strconv.Itoa(rounds))
		if out.Error != "" {
			b.Fatal(out.Error)
		}
		if len(out.ForeignRequests) > 0 {
			b.Fatalf("the page asked other hosts: %v", out.ForeignRequests)
		}
	}
	b.StopTimer()
	b.Logf("rounds: first load %v ms, open %v ms, 2,000-node draw %v ms (layout %v ms) of %v nodes and %v edges",
		out.FirstLoadMs, out.OpenMs, out.LargeDrawMs, out.LargeLayoutMs, out.LargeNodes, out.LargeEdges)
	b.ReportMetric(median(out.FirstLoadMs), "firstload-ms")
	b.ReportMetric(median(out.OpenMs), "open-ms")
	b.ReportMetric(median(out.LargeDrawMs), "draw2000-ms")
	b.ReportMetric(median(out.LargeLayoutMs), "layout2000-ms")
	b.ReportMetric(median(out.LargeNodes), "nodes")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
