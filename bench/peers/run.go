package peers

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamgraph/scamgraph/demo"
)

// Config is one run of the peer benchmark.
type Config struct {
	// Repo is the repository's root; the binaries are built from it and the
	// Node target runs from its bench/peers/neo4jgraphql.
	Repo string
	// Neo4jURI and RedisURL are the running services (scripts/services.sh).
	Neo4jURI, RedisURL string
	// Scale is the demo world's scale (1: about 28,000 entities and 135,000
	// links); LargeScale, when not 0, is a second world every target is
	// driven over after the first (7.36: about a million links). Reuse
	// keeps a first world already in Neo4j instead of reloading it.
	Scale, LargeScale float64
	Reuse             bool
	// Concurrency lists the numbers of concurrent clients to run each
	// workload with; Warmup and Duration are per run.
	Concurrency      []int
	Warmup, Duration time.Duration
	// ColdKeys is how many distinct keys the cold lookups cycle through.
	ColdKeys int
	// IngestRecords is how many call records the ingest workloads load (0:
	// no ingest workloads).
	IngestRecords int
	// ImportDir is Neo4j's import directory, where LOAD CSV reads its file.
	ImportDir string
	// IngestOnly runs the ingest workloads alone and rewrites the report
	// with the read results the last full run saved beside it.
	IngestOnly bool
	// Targets are the letters of the targets to run, e.g. "ABCDEFab" (a and
	// b are A and B with the sharing rules off).
	Targets string
	// Workloads, when not empty, keeps only the read workloads so named
	// (e.g. "lookup-hit,lookup-cold"), for a short run on one hot path.
	Workloads []string
	// Profile names the read workloads whose CPU profiles are taken on
	// the ScamGraph targets A and B (see ProfileDir), "all" for every one.
	Profile []string
	// BasePort is the first of eleven consecutive ports the targets
	// listen on (the last three serve A's, B's and C's profiles).
	BasePort int
	// Out is where the report, the charts and the targets' logs go.
	Out string
	// Log receives progress and the summary table.
	Log io.Writer
}

// Scales are the worlds' scales in the order they are run.
func (c Config) Scales() []float64 {
	if c.LargeScale > 0 {
		return []float64{c.Scale, c.LargeScale}
	}
	return []float64{c.Scale}
}

// World is one world's load results: its size, the questions asked (of
// the rules-off targets, their own, since they see everything) and every
// target's results over them.
type World struct {
	Scale                   float64
	Stats                   demo.Stats
	Questions, QuestionsOff Questions
	Results                 []Result
}

// Run is one run's outcome: every load result and every ingest rate.
// World, Questions and Results are those of the world the report is being
// written about (setView).
type Run struct {
	Config    Config
	Machine   string
	Worlds    []World
	World     demo.Stats
	Questions Questions
	Targets   []Target
	Results   []Result
	Ingest    []IngestResult
	Started   time.Time
	// questionsOff are the current world's rules-off questions, tag names
	// its charts.
	questionsOff Questions
	tag          string
}

// setView makes world i the one the report's sections read.
func (r *Run) setView(i int) {
	if i >= len(r.Worlds) {
		return
	}
	w := r.Worlds[i]
	r.World, r.Questions, r.questionsOff, r.Results, r.Config.Scale, r.tag = w.Stats, w.Questions, w.QuestionsOff, w.Results, w.Scale, worldTag(i)
}

// worldTag names the i-th world in chart and log file names: the first is
// the demo world, the second the large one.
func worldTag(i int) string {
	switch i {
	case 0:
		return "demo"
	case 1:
		return "large"
	}
	return fmt.Sprintf("world%d", i+1)
}

// Run builds the binaries, loads the world, starts each target in turn,
// drives every workload it answers at every concurrency, runs the ingest
// workloads, and writes the report. Any target that fails to start or
// answers wrongly is an error after the report is written, so that a
// smoke run fails loudly.
func (c Config) Run(ctx context.Context) (*Run, error) {
	r := &Run{Config: c, Started: time.Now().UTC(), Machine: machineLine(ctx, c)}
	logf := func(format string, args ...any) { fmt.Fprintf(c.Log, format+"\n", args...) }
	if err := os.MkdirAll(filepath.Join(c.Out, "logs"), 0o755); err != nil {
		return nil, err
	}
	if !c.IngestOnly {
		// The profiles of an earlier run are of another build: none is
		// kept beside a report it is not about.
		if err := os.RemoveAll(filepath.Join(c.Out, ProfileDir)); err != nil {
			return nil, err
		}
		if len(c.Profile) > 0 {
			if err := os.MkdirAll(filepath.Join(c.Out, ProfileDir), 0o755); err != nil {
				return nil, err
			}
		}
	}
	work, err := os.MkdirTemp("", "peerbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	logf("peers: %s", r.Machine)
	logf("peers: building scamgraph and peerbench")
	bin := filepath.Join(work, "scamgraph")
	peer := filepath.Join(work, "peerbench")
	for out, pkg := range map[string]string{bin: "./cmd/scamgraph", peer: "./bench/peers/cmd/peerbench"} {
		if err := runIn(ctx, c.Repo, "go", "build", "-o", out, pkg); err != nil {
			return nil, err
		}
	}
	var failures []string
	if c.IngestOnly {
		if err := r.restore(); err != nil {
			return nil, fmt.Errorf("an ingest-only run needs the read results of a full run in %s: %w", c.Out, err)
		}
		r.Ingest, err = RunIngest(ctx, IngestConfig{Repo: c.Repo, Bin: bin, Neo4jURI: c.Neo4jURI, Records: c.IngestRecords,
			ImportDir: c.ImportDir, Port: c.BasePort + 1, Out: c.Out, Work: work, Log: c.Log})
		if err != nil {
			failures = append(failures, fmt.Sprintf("ingest: %v", err))
		}
		return r.finish(failures)
	}
	nodeDir := filepath.Join(c.Repo, "bench", "peers", "neo4jgraphql")
	if strings.Contains(c.Targets, "D") {
		if err := NpmCI(ctx, nodeDir); err != nil {
			return nil, err
		}
	}

	rdb, err := redisClient(c.RedisURL)
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	for i, scale := range c.Scales() {
		w, fails, err := c.runWorld(ctx, r, rdb, scale, filepath.Join(work, fmt.Sprintf("embedded-%d", i)), bin, peer, nodeDir)
		if err != nil {
			return nil, err
		}
		r.Worlds = append(r.Worlds, w)
		failures = append(failures, fails...)
	}
	r.setView(0)
	if err := r.save(); err != nil {
		return nil, err
	}
	if c.IngestRecords > 0 {
		ing, err := RunIngest(ctx, IngestConfig{Repo: c.Repo, Bin: bin, Neo4jURI: c.Neo4jURI, Records: c.IngestRecords,
			ImportDir: c.ImportDir, Port: c.BasePort + 1, Out: c.Out, Work: work, Log: c.Log})
		if err != nil {
			failures = append(failures, fmt.Sprintf("ingest: %v", err))
		}
		r.Ingest = ing
	}
	return r.finish(failures)
}

// runWorld loads the demo world at scale into Neo4j and into the embedded
// data directory dataDir, works out the expected answers, and drives every
// target over them in turn.
func (c Config) runWorld(ctx context.Context, r *Run, rdb *redis.Client, scale float64, dataDir, bin, peer, nodeDir string) (w World, failures []string, err error) {
	logf := func(format string, args ...any) { fmt.Fprintf(c.Log, format+"\n", args...) }
	w.Scale = scale
	logf("peers: loading the demo world at scale %g into Neo4j and the embedded store", scale)
	t0 := time.Now()
	store, keys, stats, err := SeedNeo4j(ctx, c.Neo4jURI, scale, c.Reuse && len(r.Worlds) == 0)
	if err != nil {
		return w, nil, fmt.Errorf("loading the world into Neo4j: %w", err)
	}
	defer store.Close()
	w.Stats = stats
	defer os.RemoveAll(dataDir)
	embeddedKeys, err := SeedEmbedded(ctx, dataDir, scale)
	if err != nil {
		return w, nil, fmt.Errorf("loading the world into the embedded store: %w", err)
	}
	logf("peers: world loaded in %s (%d entities, %d links)", time.Since(t0).Round(time.Second), stats.Entities, stats.Links)
	a, err := AccessOf(ctx, store, keys.Analyst)
	if err != nil {
		return w, nil, err
	}
	q, err := Ask(ctx, c.Neo4jURI, store, a, c.ColdKeys)
	if err != nil {
		return w, nil, fmt.Errorf("working out the expected answers: %w", err)
	}
	w.Questions = q
	if w.QuestionsOff, err = AskOff(ctx, store, q); err != nil {
		return w, nil, fmt.Errorf("working out the expected answers with the rules off: %w", err)
	}
	for d := 1; d <= 3; d++ {
		logf("peers: network-%dhop asks around %s (%d nodes)", d, q.Networks[d].Seed, len(q.Networks[d].Nodes))
	}
	logf("peers: shortestPath asks %s → %s (%d links); lookup-cold cycles %d keys", q.Path.From, q.Path.To, q.Path.Length, len(q.Cold))

	port := func(i int) int { return c.BasePort + i }
	addr := func(i int) string { return "127.0.0.1:" + strconv.Itoa(port(i)) }
	// Every ScamGraph target serves its runtime profiles apart, on the
	// port pprof past the targets'.
	sg := func(store string, pprof int, extra ...string) []string {
		return append([]string{bin, "serve", "--store", store, "--log-level", "warn", "--log-format", "json",
			"--pprof-addr", addr(pprof)}, extra...)
	}
	terms := map[string]any{"agency": a.Agency, "country": string(a.Country), "sharedTypes": a.SharedTypes(), "granted": nonNil(a.Granted)}
	all := []Target{
		{Name: "A", Label: "ScamGraph, embedded store", Reads: true, Port: port(0), PprofPort: port(8), Ready: "/readyz",
			Cmd: sg("embedded", 8, "--data-dir", dataDir, "--addr", addr(0)), protocol: scamGraphProtocol{token: embeddedKeys.Analyst}},
		{Name: "a", Label: "ScamGraph, embedded store, sharing rules off (benchmark-built)", Reads: true, Off: true, Port: port(6), Ready: "/healthz",
			Cmd: []string{peer, "unguarded", "--store", "embedded", "--data-dir", dataDir, "--addr", addr(6)}, protocol: scamGraphProtocol{}},
		{Name: "B", Label: "ScamGraph, Neo4j", Reads: true, Port: port(1), PprofPort: port(9), Ready: "/readyz",
			Cmd: sg("neo4j", 9, "--neo4j-uri", c.Neo4jURI, "--addr", addr(1)), protocol: scamGraphProtocol{token: keys.Analyst}},
		{Name: "b", Label: "ScamGraph, Neo4j, sharing rules off (benchmark-built)", Reads: true, Off: true, Port: port(7), Ready: "/healthz",
			Cmd: []string{peer, "unguarded", "--store", "neo4j", "--neo4j-uri", c.Neo4jURI, "--addr", addr(7)}, protocol: scamGraphProtocol{}},
		{Name: "C", Label: "ScamGraph, Neo4j + Redis cache", Reads: true, Port: port(2), Ready: "/readyz",
			Cmd:      sg("neo4j", 10, "--neo4j-uri", c.Neo4jURI, "--redis-url", c.RedisURL, "--addr", addr(2)),
			protocol: scamGraphProtocol{token: keys.Analyst},
			before: func(ctx context.Context, workload string) error {
				if workload == "lookup-cold" {
					return rdb.FlushDB(ctx).Err()
				}
				return nil
			}},
		{Name: "D", Label: "@neo4j/graphql 7 on Apollo Server (Node)", Reads: true, Port: port(3), Ready: "/?query=%7B__typename%7D",
			Cmd:      []string{"node", filepath.Join(nodeDir, "server.js")},
			Env:      []string{"NEO4J_URI=" + c.Neo4jURI, "PORT=" + strconv.Itoa(port(3)), "NODE_ENV=production"},
			protocol: neo4jGraphQLProtocol{terms: terms}},
		{Name: "E", Label: "raw Cypher, Go driver, net/http", Reads: true, Port: port(4), Ready: "/healthz",
			Cmd: []string{peer, "raw", "--addr", addr(4), "--neo4j-uri", c.Neo4jURI, "--token", keys.Analyst}, protocol: rawProtocol{}},
		{Name: "F", Label: "static JSON, net/http (floor)", Port: port(5), Ready: "/healthz",
			Cmd: []string{peer, "static", "--addr", addr(5)}, protocol: staticProtocol{}},
	}
	for _, t := range all {
		if !strings.Contains(c.Targets, t.Name) {
			continue
		}
		if len(r.Worlds) == 0 {
			r.Targets = append(r.Targets, t)
		}
		logf("peers: target %s: %s", t.Name, t.Label)
		p, err := t.Start(ctx, filepath.Join(c.Out, "logs", fmt.Sprintf("%s-%s.log", t.Name, worldTag(len(r.Worlds)))))
		if err != nil {
			return w, nil, err
		}
		workloads := q.Workloads()
		if t.Off {
			workloads = w.QuestionsOff.Workloads()
		}
		for _, wl := range workloads {
			if !t.Reads && !wl.Floor || len(c.Workloads) > 0 && !slices.Contains(c.Workloads, wl.Name) {
				continue
			}
			for _, n := range c.Concurrency {
				if t.before != nil {
					if err := t.before(ctx, wl.Name); err != nil {
						p.Stop()
						return w, nil, err
					}
				}
				var profiled <-chan error
				if t.PprofPort != 0 && t.Name != "C" && n == r.topConcurrency() && c.profiles(wl.Name) {
					path := filepath.Join(c.Out, ProfileDir, profileName(worldTag(len(r.Worlds)), t.Name, wl.Name))
					profiled = captureCPU(ctx, fmt.Sprintf("http://127.0.0.1:%d", t.PprofPort), c.Warmup, c.Duration, path)
				}
				res := Drive(ctx, NewClient(n), t.Base(), t.Caller(wl), LoadConfig{Concurrency: n, Warmup: c.Warmup, Duration: c.Duration})
				res.Target, res.Workload = t.Name, wl.Name
				if profiled != nil {
					if err := <-profiled; err != nil {
						failures = append(failures, fmt.Sprintf("scale %g: %s %s: %v", scale, t.Name, wl.Name, err))
					}
				}
				w.Results = append(w.Results, res)
				logf("peers:   %-13s c=%-3d %9.0f req/s  p50 %-9s p95 %-9s p99 %-9s errors %d", wl.Name, n, res.Rate(),
					fmtDur(res.Quantile(0.50)), fmtDur(res.Quantile(0.95)), fmtDur(res.Quantile(0.99)), res.Errors)
				if res.Errors > 0 || res.Requests == 0 {
					failures = append(failures, fmt.Sprintf("scale %g: %s %s c=%d: %d answers, %d errors (first: %s)",
						scale, t.Name, wl.Name, n, res.Requests, res.Errors, res.FirstError))
				}
			}
		}
		p.Stop()
	}
	return w, failures, nil
}

// profiles reports whether the CPU profiles of workload are taken.
func (c Config) profiles(workload string) bool {
	return slices.Contains(c.Profile, "all") || slices.Contains(c.Profile, workload)
}

// finish writes the report, prints the summary and fails when any answer
// was wrong or missing.
func (r *Run) finish(failures []string) (*Run, error) {
	c := r.Config
	if err := r.WriteReport(); err != nil {
		return r, err
	}
	fmt.Fprintln(c.Log)
	fmt.Fprint(c.Log, r.SummaryTable())
	if len(failures) > 0 {
		return r, fmt.Errorf("wrong or failed answers:\n  %s", strings.Join(failures, "\n  "))
	}
	return r, nil
}

// NpmCI installs the Node target's packages exactly as its lockfile pins
// them, unless the installed tree already matches the lockfile.
func NpmCI(ctx context.Context, dir string) error {
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	stamp := filepath.Join(dir, "node_modules", ".peerbench-lock")
	if have, err := os.ReadFile(stamp); err == nil && string(have) == string(lock) {
		return nil
	}
	if err := runIn(ctx, dir, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return fmt.Errorf("installing the Node target's packages (Node and npm are needed): %w", err)
	}
	return os.WriteFile(stamp, lock, 0o644)
}

func runIn(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func redisClient(url string) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return redis.NewClient(opt), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// fmtDur prints a latency with three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	}
}
