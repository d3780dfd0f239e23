package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// GrowthConfig is one run of the growth benchmark (make bench-growth).
type GrowthConfig struct {
	// Repo is the repository's root, from which peerbench and scamgraph
	// are built.
	Repo string
	// EmbeddedSizes and Neo4jSizes are the sizes measured, in links.
	EmbeddedSizes, Neo4jSizes []int
	// Neo4jURI is the services' Neo4j (wiped) and Neo4jData its data
	// directory, whose size is measured.
	Neo4jURI, Neo4jData string
	// AuditCalls is how many calls the read mix makes (0: no read mix);
	// Port is where its server listens.
	AuditCalls, Port int
	// Out is where GROWTH.md and its charts go.
	Out string
	// Log receives progress.
	Log io.Writer
}

// GrowthRun is what a growth run measured.
type GrowthRun struct {
	Machine string
	Started time.Time
	Points  []GrowthPoint
	Audit   *AuditGrowth
}

// growthFile keeps the last growth run beside the report, so that the
// peer report can show it.
const growthFile = "growth.json"

// Run measures every point, each in a child process of its own, then the
// read mix, and writes GROWTH.md and its charts.
func (c GrowthConfig) Run(ctx context.Context) (*GrowthRun, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(c.Log, format+"\n", args...) }
	g := &GrowthRun{Started: time.Now().UTC(), Machine: machineLine(ctx, Config{Neo4jURI: c.Neo4jURI})}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "peergrowth-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	bin, peer := filepath.Join(work, "scamgraph"), filepath.Join(work, "peerbench")
	for out, pkg := range map[string]string{bin: "./cmd/scamgraph", peer: "./bench/peers/cmd/peerbench"} {
		if err := runIn(ctx, c.Repo, "go", "build", "-o", out, pkg); err != nil {
			return nil, err
		}
	}
	logf("growth: %s", g.Machine)
	type job struct {
		store string
		size  int
	}
	var jobs []job
	for _, n := range c.EmbeddedSizes {
		jobs = append(jobs, job{"embedded", n})
	}
	for _, n := range c.Neo4jSizes {
		jobs = append(jobs, job{"neo4j", n})
	}
	// The read mix runs between the embedded points and Neo4j's, and the
	// report is rewritten after each step, so that a run cut short during
	// the slow Neo4j loads keeps what it measured.
	audit := func() error {
		if c.AuditCalls == 0 || g.Audit != nil {
			return nil
		}
		a, err := MeasureAudit(ctx, bin, filepath.Join(work, "audit"), c.AuditCalls, c.Port)
		os.RemoveAll(filepath.Join(work, "audit"))
		if err != nil {
			return fmt.Errorf("read mix: %w", err)
		}
		g.Audit = &a
		logf("growth: read mix of %d calls (%d audited): data file %+d B, registry %+d B (%.0f B per audited call)",
			a.Calls, a.Audited, a.DataAfter-a.DataBefore, a.RegistryAfter-a.RegistryBefore, a.PerAudited())
		return g.write(c.Out)
	}
	for _, j := range jobs {
		if j.store == "neo4j" {
			if err := audit(); err != nil {
				return nil, err
			}
		}
		dir := filepath.Join(work, fmt.Sprintf("%s-%d", j.store, j.size))
		scale, err := ScaleFor(j.size)
		if err != nil {
			return nil, err
		}
		args := []string{"growth-point", "--store", j.store, "--links", strconv.Itoa(j.size),
			"--scale", strconv.FormatFloat(scale, 'g', -1, 64), "--data-dir", dir,
			"--neo4j-uri", c.Neo4jURI, "--neo4j-data-dir", c.Neo4jData}
		t0 := time.Now()
		cmd := exec.CommandContext(ctx, peer, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("growth point %s at %d links: %w\n%s", j.store, j.size, err, stderr.String())
		}
		var p GrowthPoint
		if err := json.Unmarshal(stdout.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("growth point %s at %d links: %w", j.store, j.size, err)
		}
		os.RemoveAll(dir)
		g.Points = append(g.Points, p)
		logf("growth: %-8s %8d links: %6.0f B/link on disk, %6.0f B/link heap, API lookup p50 %s p99 %s, API 2-hop p50 %s; "+
			"store lookup p50 %s p99 %s, store 2-hop p50 %s (%d nodes); load %s, in %s",
			p.Store, p.Links, p.PerLink(float64(p.DiskBytes)), p.PerLink(float64(p.HeapBytes)), fmtDur(p.APILookupP50), fmtDur(p.APILookupP99),
			fmtDur(p.APITwoHopP50), fmtDur(p.LookupP50), fmtDur(p.LookupP99), fmtDur(p.TwoHopP50), p.TwoHopNodes,
			p.Load.Round(time.Second), time.Since(t0).Round(time.Second))
		if err := g.write(c.Out); err != nil {
			return nil, err
		}
	}
	if err := audit(); err != nil {
		return nil, err
	}
	fmt.Fprintln(c.Log)
	fmt.Fprint(c.Log, g.Table())
	return g, nil
}

// write keeps the run so far as growth.json and writes GROWTH.md.
func (g *GrowthRun) write(out string) error {
	b, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, growthFile), b, 0o644); err != nil {
		return err
	}
	return g.WriteReport(out)
}

// loadGrowth reads the last growth run kept in dir, nil when there is none.
func loadGrowth(dir string) *GrowthRun {
	b, err := os.ReadFile(filepath.Join(dir, growthFile))
	if err != nil {
		return nil
	}
	var g GrowthRun
	if json.Unmarshal(b, &g) != nil {
		return nil
	}
	return &g
}
