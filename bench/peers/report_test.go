package peers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/demo"
)

// fakeResult is a run of target on workload answering at rate req/s with
// every latency lat.
func fakeResult(target, workload string, rate float64, lat time.Duration) Result {
	n := int(rate)
	l := make([]time.Duration, n)
	for i := range l {
		l[i] = lat
	}
	return Result{Target: target, Workload: workload, Concurrency: 4, Requests: n, Elapsed: time.Second, Latencies: l}
}

// TestReportHasEveryWorldAndTheRulesCost writes the report of a made-up
// run over two worlds and checks that each world has its section and
// charts, that the sharing rules' cost is read off a and b, and that the
// growth run beside it is shown.
func TestReportHasEveryWorldAndTheRulesCost(t *testing.T) {
	out := t.TempDir()
	q := Questions{Hit: LookupQ{Key: "+66900000000"}, Networks: map[int]NetworkQ{1: {}, 2: {}, 3: {}}}
	r := &Run{Config: Config{Concurrency: []int{4}, Out: out, Warmup: time.Second, Duration: time.Second}, Started: time.Now()}
	for _, name := range []string{"A", "a", "B", "b", "F"} {
		r.Targets = append(r.Targets, Target{Name: name, Label: name, Reads: name != "F", Off: name == "a" || name == "b"})
	}
	for i, scale := range []float64{1, 7.36} {
		w := World{Scale: scale, Stats: demo.Stats{Entities: 10 * (i + 1), Links: 100 * (i + 1)}, Questions: q, QuestionsOff: q}
		for _, wl := range q.Workloads() {
			// Rules on take 1.2× (A) and 2× (B) the time of rules off.
			w.Results = append(w.Results, fakeResult("A", wl.Name, 100, time.Millisecond), fakeResult("a", wl.Name, 120, time.Millisecond),
				fakeResult("B", wl.Name, 50, time.Millisecond), fakeResult("b", wl.Name, 100, time.Millisecond))
		}
		w.Results = append(w.Results, fakeResult("F", "lookup-hit", 1000, time.Millisecond))
		r.Worlds = append(r.Worlds, w)
	}
	g := &GrowthRun{Points: []GrowthPoint{
		{Store: "embedded", Links: 10000, DiskBytes: 12_000_000, LookupP50: time.Microsecond, LookupP99: 2 * time.Microsecond, TwoHopP50: time.Millisecond, TwoHopNodes: 50,
			APILookupP50: 200 * time.Microsecond, APILookupP99: time.Millisecond, APITwoHopP50: 2 * time.Millisecond},
		{Store: "embedded", Links: 1000000, DiskBytes: 150_000_000, LookupP50: 3 * time.Microsecond, LookupP99: 3 * time.Microsecond, TwoHopP50: 4 * time.Millisecond, TwoHopNodes: 50,
			APILookupP50: 260 * time.Microsecond, APILookupP99: 2 * time.Millisecond, APITwoHopP50: 8 * time.Millisecond},
	}, Audit: &AuditGrowth{Calls: 100, Audited: 10, DataBefore: 5, DataAfter: 5, RegistryBefore: 100, RegistryAfter: 3100}}
	if err := g.WriteReport(out); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, growthFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	r.setView(0)
	if err := r.WriteReport(); err != nil {
		t.Fatal(err)
	}
	report := readFile(t, filepath.Join(out, "REPORT.md"))
	for _, want := range []string{
		"## Demo world", "## Large world", "scale 7.36 (20 entities, 200 links)",
		"large world: sharing rules on | A ≤ 1.3× the cost of a (rules off) on lookup-cold | 1.20× | met",
		"demo world: sharing rules on | B ≤ 1.3× the cost of b (rules off) on network-2hop | 2.00× | missed",
		"embedded ≤ 200 bytes per link on disk (at 1000000 links) | 150 B/link (0.75×) | met",
		"embedded lookup p50 (API) within 1.5× from 10000 to 1000000 links | 1.30× (p99 2.00×); the store's own read 3.00× (p99 1.50×) | met",
		"2-hop (API) cost grows with the neighbourhood only (time per node within 1.5×) | 4.00× per node (50 → 50 nodes); the store's own expansion 4.00× | missed",
		"data file +0 B; registry +3000 B for 10 audit entries (300 B per audited call) | met",
		"throughput-large.svg", "latency-network-2hop-large.svg", "## Growth",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
	for _, chart := range []string{"throughput.svg", "throughput-large.svg", "latency-lookup-cold-large.svg", "growth-bytes.svg", "growth-latency.svg"} {
		b, err := os.ReadFile(filepath.Join(out, chart))
		if err != nil || !(strings.Contains(string(b), "<rect x=") || strings.Contains(string(b), "<polyline")) {
			t.Errorf("chart %s missing or empty: %v", chart, err)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(out, "GROWTH.md")), "| embedded | 1000000 |") {
		t.Error("GROWTH.md lacks the 1M point")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
