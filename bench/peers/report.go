package peers

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// resultFor finds the result of target on workload at concurrency n.
func (r *Run) resultFor(target, workload string, n int) (Result, bool) {
	for _, res := range r.Results {
		if res.Target == target && res.Workload == workload && res.Concurrency == n {
			return res, true
		}
	}
	return Result{}, false
}

// workloadNames are the read workloads in report order.
func (r *Run) workloadNames() []string {
	var out []string
	for _, w := range r.Questions.Workloads() {
		out = append(out, w.Name)
	}
	return out
}

// topConcurrency is the highest concurrency run, the one the summary and
// the goals read.
func (r *Run) topConcurrency() int {
	top := 0
	for _, n := range r.Config.Concurrency {
		top = max(top, n)
	}
	return top
}

// SummaryTable is the terminal's and the README's table: for each world,
// req/s and p95 of every target on every read workload at the highest
// concurrency; then the ingest rates.
func (r *Run) SummaryTable() string {
	var b strings.Builder
	for i := range r.Worlds {
		r.setView(i)
		fmt.Fprintf(&b, "%s\n\n", r.worldLine())
		b.WriteString(r.readTable())
		b.WriteString("\n")
	}
	r.setView(0)
	b.WriteString(r.ingestTable())
	return b.String()
}

// worldLine names the current world.
func (r *Run) worldLine() string {
	return fmt.Sprintf("**%s world:** the demo world at scale %g (%d entities, %d links)", strings.ToUpper(r.tag[:1])+r.tag[1:], r.Config.Scale, r.World.Entities, r.World.Links)
}

// readTable is the current world's summary of the read workloads.
func (r *Run) readTable() string {
	var b strings.Builder
	n := r.topConcurrency()
	fmt.Fprintf(&b, "| workload (c=%d) |", n)
	for _, t := range r.Targets {
		fmt.Fprintf(&b, " %s |", t.Name)
	}
	b.WriteString("\n|---|")
	for range r.Targets {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, w := range r.workloadNames() {
		fmt.Fprintf(&b, "| %s |", w)
		for _, t := range r.Targets {
			if res, ok := r.resultFor(t.Name, w, n); ok {
				fmt.Fprintf(&b, " %.0f/s, p95 %s%s |", res.Rate(), fmtDur(res.Quantile(0.95)), errMark(res))
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ingestTable is the summary of the ingest workloads.
func (r *Run) ingestTable() string {
	var b strings.Builder
	if len(r.Ingest) > 0 {
		b.WriteString("| ingest | records/s | replay records/s | replay added |\n|---|---:|---:|---:|\n")
		for _, in := range r.Ingest {
			replay := "–"
			if in.Replay > 0 {
				replay = fmt.Sprintf("%.0f", in.ReplayRate())
			}
			fmt.Fprintf(&b, "| %s | %.0f | %s | %d |\n", in.Method, in.Rate(), replay, in.ReplayAdded)
		}
	}
	return b.String()
}

func errMark(res Result) string {
	if res.Errors > 0 {
		return fmt.Sprintf(" (%d errors)", res.Errors)
	}
	return ""
}

// WriteReport writes REPORT.md and its SVG charts into the output directory.
func (r *Run) WriteReport() error {
	var b strings.Builder
	c := r.Config
	fmt.Fprintf(&b, "# ScamGraph beside its peers\n\n")
	fmt.Fprintf(&b, "Written by `make bench-peers` (bench/peers) on %s. Do not edit by hand.\n\n", r.Started.Format(time.RFC3339))
	fmt.Fprintf(&b, "**Machine:** %s\n\n", r.Machine)
	b.WriteString("**Worlds:** ")
	for i := range r.Worlds {
		r.setView(i)
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: the demo world at scale %g (%d entities, %d links)", r.tag, r.Config.Scale, r.World.Entities, r.World.Links)
	}
	b.WriteString(", each in Neo4j and in the embedded store, every target driven over one world and then the next.\n\n")
	fmt.Fprintf(&b, "**Load:** one Go load generator, closed loop, concurrency %v, %s warm-up then %s measured per run; "+
		"every response body is checked against the expected answer, and a wrong answer counts as an error. "+
		"Latencies are of correct answers only.\n\n", c.Concurrency, c.Warmup, c.Duration)
	b.WriteString("## Targets\n\n| | target |\n|---|---|\n")
	for _, t := range r.Targets {
		fmt.Fprintf(&b, "| %s | %s |\n", t.Name, t.Label)
	}
	b.WriteString("\nA, B and C are `scamgraph serve` as shipped (authentication, sharing rules, audit, GraphQL), asked as a TH-CCIB analyst. " +
		"a and b are A and B with the sharing rules off, a stack only the benchmark builds (bench/peers/unguarded.go, as BenchmarkAccessRules " +
		"builds its own): the same GraphQL handler over the same store, every request made by TH-CCIB's operator, so no key, no terms, " +
		"no visibility filter and no audit entry; they see everything, so a network may hold more nodes than the analyst's. " +
		"D is `@neo4j/graphql` 7 on Apollo Server (bench/peers/neo4jgraphql, pinned by its lockfile): lookups through its generated " +
		"`entities` query, network and shortestPath through `@cypher` fields that apply the same sharing rule, passed as arguments. " +
		"E calls ScamGraph's Neo4j store (the same Cypher statements B runs) from a bare net/http handler, with the reader's access fixed " +
		"at start-up and no GraphQL, authentication, audit or cache. F writes a constant JSON body: the HTTP floor of this machine.\n\n")
	b.WriteString("## Summary\n\n")
	for i := range r.Worlds {
		r.setView(i)
		fmt.Fprintf(&b, "%s\n\n%s\n![requests per second, %s world](%s)\n\n", r.worldLine(), r.readTable(), r.tag, r.chartName("throughput"))
	}
	r.setView(0)
	b.WriteString(r.ingestTable())

	b.WriteString("\n## Goals (issue 16)\n\n")
	fmt.Fprintf(&b, "Read at c=%d. A goal whose runs had errors is not measured.\n\n| workload | goal | measured | |\n|---|---|---:|---|\n", r.topConcurrency())
	for i := range r.Worlds {
		r.setView(i)
		b.WriteString(goalRows(r.goals(r.tag + " world: ")))
	}
	r.setView(0)
	b.WriteString(goalRows(r.ingestGoals()))
	g := loadGrowth(c.Out)
	if g != nil {
		b.WriteString(goalRows(g.goals()))
	} else {
		b.WriteString("| growth | see `make bench-growth` | not measured: no growth.json beside this report | – |\n")
	}
	for i := range r.Worlds {
		r.setView(i)
		fmt.Fprintf(&b, "\n## %s world\n\n%s.\n\n", strings.ToUpper(r.tag[:1])+r.tag[1:], r.worldLine())
		r.worldSections(&b)
	}
	r.setView(0)
	if len(r.Ingest) > 0 {
		fmt.Fprintf(&b, "\n## Ingest\n\n%d synthetic call records (ingest.SyntheticCall) into an emptied Neo4j by each path; "+
			"the ScamGraph paths are then sent the same records again (the replay), which must add no link. "+
			"`load-csv` is Neo4j's own `LOAD CSV … CALL { … } IN TRANSACTIONS OF 1000 ROWS` of the same rows already mapped, "+
			"writing the very graph the import writes.\n\n| path | records/s | replay records/s | replay vs first | links | replay added |\n|---|---:|---:|---:|---:|---:|\n",
			r.Ingest[0].Records)
		for _, in := range r.Ingest {
			rep, speed := "–", "–"
			if in.Replay > 0 {
				rep, speed = fmt.Sprintf("%.0f", in.ReplayRate()), ratio(in.ReplayRate(), in.Rate())
			}
			fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %d | %d |\n", in.Method, in.Rate(), rep, speed, in.Links, in.ReplayAdded)
		}
		b.WriteString("\n![ingest](ingest.svg)\n")
	}
	b.WriteString("\nThe targets' own logs are in `logs/` beside this report.\n")
	profiles, err := profilesSection(c.Out)
	if err != nil {
		return err
	}
	b.WriteString(profiles)
	if g != nil {
		b.WriteString("\n## Growth\n\nFrom `make bench-growth`; the whole run is in [GROWTH.md](GROWTH.md).\n\n")
		b.WriteString(g.Table())
		b.WriteString("\n![bytes per link](growth-bytes.svg)\n\n![latency by size](growth-latency.svg)\n")
	}
	if err := os.WriteFile(filepath.Join(c.Out, "REPORT.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	for i := range r.Worlds {
		r.setView(i)
		if err := r.writeCharts(); err != nil {
			return err
		}
	}
	r.setView(0)
	return r.writeIngestChart()
}

// worldSections writes the current world's questions, every run, the
// ratios and the latency charts.
func (r *Run) worldSections(b *strings.Builder) {
	c := r.Config
	b.WriteString("### Questions\n\n")
	fmt.Fprintf(b, "- lookup-hit: `%s` again and again (C answers it from Redis).\n", r.Questions.Hit.Key)
	fmt.Fprintf(b, "- lookup-cold: %d distinct phone numbers in turn (C's cache is flushed before the run; a run longer than the list comes round to cached keys).\n", len(r.Questions.Cold))
	for d := 1; d <= 3; d++ {
		nq := r.Questions.Networks[d]
		fmt.Fprintf(b, "- network-%dhop: around `%s`, depth %d, at most %d nodes (answer: %d nodes, not truncated).\n", d, nq.Seed, d, nq.Limit, len(nq.Nodes))
	}
	fmt.Fprintf(b, "- shortestPath: `%s` → `%s`, at most 4 links (answer: %d links).\n", r.Questions.Path.From, r.Questions.Path.To, r.Questions.Path.Length)
	if off := r.questionsOff; len(off.Networks) > 0 {
		b.WriteString("- with the rules off (a, b) the same questions see everything: the networks hold")
		for d := 1; d <= 3; d++ {
			nq := off.Networks[d]
			fmt.Fprintf(b, " %d", len(nq.Nodes))
			if nq.Truncated {
				b.WriteString(" (cut by the cap; only the count is checked)")
			}
			b.WriteString(map[bool]string{true: ",", false: " nodes"}[d < 3])
		}
		fmt.Fprintf(b, "; the path has %d links.\n", off.Path.Length)
	}
	b.WriteString("\n")

	b.WriteString("\n### Every run\n\n| workload | target | c | req/s | p50 | p95 | p99 | answers | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, w := range r.workloadNames() {
		for _, t := range r.Targets {
			for _, n := range c.Concurrency {
				if res, ok := r.resultFor(t.Name, w, n); ok {
					fmt.Fprintf(b, "| %s | %s | %d | %.0f | %s | %s | %s | %d | %d |\n", w, t.Name, n, res.Rate(),
						fmtDur(res.Quantile(0.5)), fmtDur(res.Quantile(0.95)), fmtDur(res.Quantile(0.99)), res.Requests, res.Errors)
				}
			}
		}
	}
	for _, res := range r.Results {
		if res.FirstError != "" {
			fmt.Fprintf(b, "\nFirst error of %s %s c=%d: `%s`\n", res.Target, res.Workload, res.Concurrency, res.FirstError)
		}
	}

	b.WriteString("\n### Ratios\n\nEach cell is the row target's req/s divided by the column target's (above 1: the row is faster), " +
		"then the row's p95 divided by the column's (below 1: the row answers sooner).\n")
	for _, w := range r.workloadNames() {
		for _, n := range c.Concurrency {
			fmt.Fprintf(b, "\n**%s, c=%d**\n\n|  |", w, n)
			var ts []Target
			for _, t := range r.Targets {
				if _, ok := r.resultFor(t.Name, w, n); ok {
					ts = append(ts, t)
					fmt.Fprintf(b, " vs %s |", t.Name)
				}
			}
			b.WriteString("\n|---|" + strings.Repeat("---:|", len(ts)) + "\n")
			for _, row := range ts {
				x, _ := r.resultFor(row.Name, w, n)
				fmt.Fprintf(b, "| %s |", row.Name)
				for _, col := range ts {
					y, _ := r.resultFor(col.Name, w, n)
					if row.Name == col.Name {
						b.WriteString(" – |")
						continue
					}
					fmt.Fprintf(b, " %s, p95 %s |", ratio(x.Rate(), y.Rate()), ratio(x.Quantile(0.95).Seconds(), y.Quantile(0.95).Seconds()))
				}
				b.WriteString("\n")
			}
		}
	}

	b.WriteString("\n### Latency distributions\n\nPercentile curves of the correct answers at the highest concurrency (log scale).\n\n")
	for _, w := range r.workloadNames() {
		fmt.Fprintf(b, "![%s latency](%s)\n", w, r.chartName("latency-"+w))
	}
}

// chartName is the file of the current world's chart base.
func (r *Run) chartName(base string) string {
	if r.tag == worldTag(0) {
		return base + ".svg"
	}
	return base + "-" + r.tag + ".svg"
}

func ratio(x, y float64) string {
	if y == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", x/y)
}

// goal is one line of the goal table read off this run.
type goal struct {
	workload, goal, measured string
	met                      *bool
}

// goals reads the read goals of issue 16 off the current world, each
// named with prefix.
func (r *Run) goals(prefix string) []goal {
	n := r.topConcurrency()
	rate := func(t, w string) (float64, bool) {
		res, ok := r.resultFor(t, w, n)
		return res.Rate(), ok && res.Errors == 0
	}
	p95 := func(t, w string) (float64, bool) {
		res, ok := r.resultFor(t, w, n)
		return res.Quantile(0.95).Seconds(), ok && res.Errors == 0
	}
	var gs []goal
	cmp := func(workload, text, x, y string, f func(string, string) (float64, bool), w string, want float64, atMost bool) {
		a, ok1 := f(x, w)
		b, ok2 := f(y, w)
		g := goal{workload: prefix + workload, goal: text}
		if !ok1 || !ok2 || b == 0 {
			g.measured = "not measured"
		} else {
			v := a / b
			met := v >= want
			if atMost {
				met = v <= want
			}
			g.measured, g.met = fmt.Sprintf("%.2f×", v), &met
		}
		gs = append(gs, g)
	}
	for _, t := range []string{"A", "C"} {
		cmp("lookup, cache hit", t+" ≥ 0.5× F req/s", t, "F", rate, "lookup-hit", 0.5, false)
		cmp("lookup, cache hit", t+" ≥ 10× D req/s", t, "D", rate, "lookup-hit", 10, false)
	}
	for _, t := range []string{"B", "C"} {
		cmp("lookup, cold cache", t+" ≥ 0.8× E req/s", t, "E", rate, "lookup-cold", 0.8, false)
		cmp("lookup, cold cache", t+" ≥ 3× D req/s", t, "D", rate, "lookup-cold", 3, false)
	}
	for _, w := range []string{"network-2hop", "shortestPath"} {
		cmp(w, "B p95 ≤ 1.15× E p95", "B", "E", p95, w, 1.15, true)
		cmp(w, "B ≥ 2× D req/s", "B", "D", rate, w, 2, false)
	}
	for _, w := range r.workloadNames() {
		cmp("embedded store", "A ≥ 10× B req/s on "+w, "A", "B", rate, w, 10, false)
	}
	// The cost of a request is the inverse of the rate: rules-off req/s
	// over rules-on req/s is what the rules multiply it by.
	for _, pair := range [][2]string{{"A", "a"}, {"B", "b"}} {
		for _, w := range r.workloadNames() {
			cmp("sharing rules on", fmt.Sprintf("%s ≤ 1.3× the cost of %s (rules off) on %s", pair[0], pair[1], w), pair[1], pair[0], rate, w, 1.3, true)
		}
	}
	return gs
}

// ingestGoals reads the ingest goals of issue 16 off the run.
func (r *Run) ingestGoals() []goal {
	var gs []goal
	var csv float64
	for _, in := range r.Ingest {
		if in.Method == "load-csv" {
			csv = in.Rate()
		}
	}
	for _, in := range r.Ingest {
		if in.Method == "load-csv" {
			continue
		}
		met := csv > 0 && in.Rate() >= csv
		gs = append(gs, goal{workload: "ingest", goal: in.Method + " ≥ 1.0× LOAD CSV", measured: ratio(in.Rate(), csv), met: &met})
		rm := in.Replay > 0 && in.ReplayRate() >= 1.5*in.Rate() && in.ReplayAdded == 0
		gs = append(gs, goal{workload: "ingest", goal: in.Method + " replay ≥ 1.5× faster, adding nothing",
			measured: fmt.Sprintf("%s, added %d", ratio(in.ReplayRate(), in.Rate()), in.ReplayAdded), met: &rm})
	}
	return gs
}

// machineLine names the machine, its load and the tools' versions.
func machineLine(ctx context.Context, c Config) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	node := "node absent"
	if out, err := exec.CommandContext(ctx, "node", "--version").Output(); err == nil {
		node = "node " + strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d CPUs%s%s; %s %s/%s, %s, Neo4j at %s", cpu, runtime.NumCPU(), mem, load,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, node, c.Neo4jURI)
}
