package peers

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// growthColours gives each store the colour of its target in the peer
// report.
var growthColours = map[string]string{"embedded": colours["A"], "neo4j": colours["B"]}

// Table is the growth run's table: one row per store and size.
func (g *GrowthRun) Table() string {
	var b strings.Builder
	b.WriteString("| store | links | entities | disk B/link | heap B/link | RSS B/link | API lookup p50 | API lookup p99 | API 2-hop p50 | API 2-hop per node " +
		"| store lookup p50 | store lookup p99 | store 2-hop p50 | 2-hop nodes (median) | store 2-hop per node |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range g.Points {
		heap := "–"
		if p.Store == "embedded" {
			heap = fmt.Sprintf("%.0f", p.PerLink(float64(p.HeapBytes)))
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %d | %s |\n", p.Store, p.Links, p.Entities,
			p.PerLink(float64(p.DiskBytes)), heap, p.PerLink(float64(p.RSSBytes)),
			fmtDur(p.APILookupP50), fmtDur(p.APILookupP99), fmtDur(p.APITwoHopP50), fmtDur(p.apiPerNode()),
			fmtDur(p.LookupP50), fmtDur(p.LookupP99), fmtDur(p.TwoHopP50), p.TwoHopNodes, fmtDur(p.perNode()))
	}
	return b.String()
}

// perNode is the store's 2-hop median latency per node of the median
// network, apiPerNode the API's.
func (p GrowthPoint) perNode() time.Duration {
	return p.TwoHopP50 / time.Duration(max(1, p.TwoHopNodes))
}

func (p GrowthPoint) apiPerNode() time.Duration {
	return p.APITwoHopP50 / time.Duration(max(1, p.TwoHopNodes))
}

// grew is how many times larger of last than of first f is.
func grew(first, last GrowthPoint, f func(GrowthPoint) time.Duration) float64 {
	return float64(f(last)) / float64(max(1, f(first)))
}

// ends are a store's smallest and largest points.
func (g *GrowthRun) ends(store string) (first, last GrowthPoint, ok bool) {
	for _, p := range g.Points {
		if p.Store != store {
			continue
		}
		if !ok || p.Links < first.Links {
			first = p
		}
		if !ok || p.Links > last.Links {
			last = p
		}
		ok = true
	}
	return first, last, ok
}

// goals reads the growth goals of issue 16 off the run.
func (g *GrowthRun) goals() []goal {
	var gs []goal
	mark := func(ok bool) *bool { return &ok }
	if first, last, ok := g.ends("embedded"); ok {
		perLink := last.PerLink(float64(last.DiskBytes))
		gs = append(gs, goal{workload: "growth", goal: fmt.Sprintf("embedded ≤ 200 bytes per link on disk (at %d links)", last.Links),
			measured: fmt.Sprintf("%.0f B/link (%.2f×)", perLink, perLink/200), met: mark(perLink <= 200)})
		if first.Links != last.Links {
			r50 := grew(first, last, func(p GrowthPoint) time.Duration { return p.APILookupP50 })
			gs = append(gs, goal{workload: "growth", goal: fmt.Sprintf("embedded lookup p50 (API) within 1.5× from %d to %d links", first.Links, last.Links),
				measured: fmt.Sprintf("%.2f× (p99 %.2f×); the store's own read %.2f× (p99 %.2f×)", r50,
					grew(first, last, func(p GrowthPoint) time.Duration { return p.APILookupP99 }),
					grew(first, last, func(p GrowthPoint) time.Duration { return p.LookupP50 }),
					grew(first, last, func(p GrowthPoint) time.Duration { return p.LookupP99 })), met: mark(r50 <= 1.5)})
			rn := grew(first, last, GrowthPoint.apiPerNode)
			gs = append(gs, goal{workload: "growth", goal: "embedded 2-hop (API) cost grows with the neighbourhood only (time per node within 1.5×)",
				measured: fmt.Sprintf("%.2f× per node (%d → %d nodes); the store's own expansion %.2f×", rn, first.TwoHopNodes, last.TwoHopNodes,
					grew(first, last, GrowthPoint.perNode)), met: mark(rn <= 1.5)})
		}
	}
	if first, last, ok := g.ends("neo4j"); ok && first.Links != last.Links {
		gs = append(gs, goal{workload: "growth", goal: fmt.Sprintf("Neo4j lookup p50 (API) from %d to %d links (no goal; for comparison)", first.Links, last.Links),
			measured: fmt.Sprintf("%.2f×; the store's own read %.2f×", grew(first, last, func(p GrowthPoint) time.Duration { return p.APILookupP50 }),
				grew(first, last, func(p GrowthPoint) time.Duration { return p.LookupP50 }))})
	}
	if a := g.Audit; a != nil {
		grew := a.DataAfter - a.DataBefore
		gs = append(gs, goal{workload: "read mix", goal: fmt.Sprintf("%d calls grow the data file only by the audit it keeps", a.Calls),
			measured: fmt.Sprintf("data file %+d B; registry %+d B for %d audit entries (%.0f B per audited call)",
				grew, a.RegistryAfter-a.RegistryBefore, a.Audited, a.PerAudited()), met: mark(grew <= 0)})
	}
	return gs
}

// goalRows prints goals as rows of the goal table.
func goalRows(gs []goal) string {
	var b strings.Builder
	for _, g := range gs {
		mark := "–"
		if g.met != nil {
			mark = map[bool]string{true: "met", false: "missed"}[*g.met]
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", g.workload, g.goal, g.measured, mark)
	}
	return b.String()
}

// WriteReport writes GROWTH.md and its charts into out.
func (g *GrowthRun) WriteReport(out string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# ScamGraph as the graph grows\n\nWritten by `make bench-growth` (bench/peers) on %s. Do not edit by hand.\n\n", g.Started.Format(time.RFC3339))
	fmt.Fprintf(&b, "**Machine:** %s\n\n", g.Machine)
	b.WriteString(growthMethod)
	b.WriteString("\n## Goals (issue 16, growth)\n\n| workload | goal | measured | |\n|---|---|---:|---|\n")
	b.WriteString(goalRows(g.goals()))
	b.WriteString("\n## Every size\n\n")
	b.WriteString(g.Table())
	b.WriteString("\n![bytes per link](growth-bytes.svg)\n\n![latency by size](growth-latency.svg)\n")
	if a := g.Audit; a != nil {
		fmt.Fprintf(&b, "\n## Read mix\n\n%d calls from %d clients (lookups of Thai and Cambodian phone numbers in turn, one 1-link network in twenty) "+
			"as a TH-CCIB analyst against `scamgraph serve` on the embedded demo world, in %s; %d were not answered. "+
			"Only a read that showed the other country's data leaves an audit entry.\n\n"+
			"| file | before | after | growth | per call |\n|---|---:|---:|---:|---:|\n"+
			"| data file (scamgraph.db) | %d | %d | %+d | %.1f |\n| registry (access.db) | %d | %d | %+d | %.1f |\n\n"+
			"%d audit entries: %.0f bytes of registry per audited call. bbolt grows a file in steps (doubling up to 1 GiB), "+
			"so with few entries the figure is an upper bound; a longer mix (GROWTH_AUDIT_CALLS=200000) narrows it.\n",
			a.Calls, auditMixWorkers, a.Elapsed.Round(time.Second), a.Failed,
			a.DataBefore, a.DataAfter, a.DataAfter-a.DataBefore, float64(a.DataAfter-a.DataBefore)/float64(max(1, a.Calls)),
			a.RegistryBefore, a.RegistryAfter, a.RegistryAfter-a.RegistryBefore, float64(a.RegistryAfter-a.RegistryBefore)/float64(max(1, a.Calls)),
			a.Audited, a.PerAudited())
	}
	if err := os.WriteFile(filepath.Join(out, "GROWTH.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	return g.writeCharts(out)
}

const growthMethod = `Each store at each size is loaded with the demo world scaled to that many links (demo.Generate, batches
of 1,000 through the store's Upsert) and measured in a process of its own. **Disk** is the embedded store's
data file, or Neo4j's database directory (its store files; the transaction logs are beside it). **Heap** is the Go heap the reopened embedded
store holds (live bytes after a collection); **RSS** the resident memory of the process holding the graph
(the measuring process for the embedded store; Neo4j's JVM, whose heap and page cache are set by
scripts/services.sh, for Neo4j). **API lookup** is what a user waits for: the peer workloads' GraphQL
lookup of a phone number, sent as a TH-CCIB analyst to ScamGraph's own handler over the store (served on
loopback by the measuring process), 3,000 distinct numbers one at a time, every answer checked; **API
2-hop** asks the network two links deep around 60 of them, at most 500 nodes, one at a time. The **store**
columns ask the same questions of the store through the sharing rules (guard) alone, with no HTTP,
GraphQL, authentication or audit: they show how the store's own part grows, which at a few microseconds
is dominated by the processor's caches. "Per node" divides the median 2-hop time by the median network's
size, which is what should stay flat as the graph grows. The goals are read off the API columns.
`

// writeCharts draws bytes per link and latencies against size.
func (g *GrowthRun) writeCharts(out string) error {
	type series struct {
		name, colour string
		dash         string
		value        func(GrowthPoint) float64
		store        string
	}
	draw := func(path, title string, logY bool, format func(float64) string, ss []series) error {
		const left, top, w, h = 80.0, 30.0, 520.0, 240.0
		var xs []float64
		lo, hi := math.Inf(1), 0.0
		for _, s := range ss {
			for _, p := range g.Points {
				if p.Store == s.store && s.value(p) > 0 {
					xs = append(xs, float64(p.Links))
					lo, hi = min(lo, s.value(p)), max(hi, s.value(p))
				}
			}
		}
		sv := newSVG(int(left+w+190), int(top+h+50))
		sv.text(10, 18, "start", title)
		if len(xs) == 0 {
			return sv.write(path)
		}
		xlo, xhi := math.Floor(math.Log10(minOf(xs))), math.Ceil(math.Log10(maxOf(xs)))
		if xhi <= xlo {
			xhi = xlo + 1
		}
		xOf := func(x float64) float64 { return left + w*(math.Log10(x)-xlo)/(xhi-xlo) }
		var yOf func(float64) float64
		if logY {
			lo, hi = math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
			if hi <= lo {
				hi = lo + 1
			}
			yOf = func(v float64) float64 { return top + h - h*(math.Log10(v)-lo)/(hi-lo) }
			for e := lo; e <= hi; e++ {
				y := yOf(math.Pow(10, e))
				sv.line(left, y, left+w, y, "#ddd")
				sv.text(left-6, y+4, "end", format(math.Pow(10, e)))
			}
		} else {
			hi *= 1.1
			yOf = func(v float64) float64 { return top + h - h*v/hi }
			for k := 0; k <= 4; k++ {
				v := hi * float64(k) / 4
				sv.line(left, yOf(v), left+w, yOf(v), "#ddd")
				sv.text(left-6, yOf(v)+4, "end", format(v))
			}
		}
		sv.line(left, top+h, left+w, top+h, "#333")
		for e := xlo; e <= xhi; e++ {
			x := xOf(math.Pow(10, e))
			sv.line(x, top+h, x, top+h+4, "#333")
			sv.text(x, top+h+18, "middle", fmt.Sprintf("%.0f links", math.Pow(10, e)))
		}
		for i, s := range ss {
			var pts []string
			for _, p := range g.Points {
				if p.Store == s.store && s.value(p) > 0 {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(float64(p.Links)), yOf(s.value(p))))
				}
			}
			if len(pts) == 0 {
				continue
			}
			stroke := s.colour
			fmt.Fprintf(&sv.b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", stroke,
				dashAttr(s.dash), strings.Join(pts, " "))
			sv.rect(left+w+14, top+float64(i)*18, 12, 12, stroke)
			sv.text(left+w+30, top+float64(i)*18+11, "start", s.name)
		}
		return sv.write(path)
	}
	bytesFmt := func(v float64) string { return fmt.Sprintf("%.0f B", v) }
	durFmt := func(v float64) string { return fmtDur(time.Duration(v * float64(time.Second))) }
	perLink := func(f func(GrowthPoint) int64) func(GrowthPoint) float64 {
		return func(p GrowthPoint) float64 { return p.PerLink(float64(f(p))) }
	}
	if err := draw(filepath.Join(out, "growth-bytes.svg"), "Bytes per link by size (the goal: at most 200 on disk)", false, bytesFmt, []series{
		{"embedded disk", growthColours["embedded"], "", perLink(func(p GrowthPoint) int64 { return p.DiskBytes }), "embedded"},
		{"embedded heap", growthColours["embedded"], "6 4", perLink(func(p GrowthPoint) int64 { return int64(p.HeapBytes) }), "embedded"},
		{"Neo4j disk", growthColours["neo4j"], "", perLink(func(p GrowthPoint) int64 { return p.DiskBytes }), "neo4j"},
	}); err != nil {
		return err
	}
	sec := func(f func(GrowthPoint) time.Duration) func(GrowthPoint) float64 {
		return func(p GrowthPoint) float64 { return f(p).Seconds() }
	}
	var ss []series
	for _, st := range []string{"embedded", "neo4j"} {
		ss = append(ss,
			series{st + " API lookup p50", growthColours[st], "", sec(func(p GrowthPoint) time.Duration { return p.APILookupP50 }), st},
			series{st + " API lookup p99", growthColours[st], "6 4", sec(func(p GrowthPoint) time.Duration { return p.APILookupP99 }), st},
			series{st + " API 2-hop p50", growthColours[st], "2 3", sec(func(p GrowthPoint) time.Duration { return p.APITwoHopP50 }), st},
			series{st + " store lookup p50", growthColours[st], "1 2", sec(func(p GrowthPoint) time.Duration { return p.LookupP50 }), st},
		)
	}
	return draw(filepath.Join(out, "growth-latency.svg"), "Latency by size, one request at a time (log scales)", true, durFmt, ss)
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return ` stroke-dasharray="` + d + `"`
}
