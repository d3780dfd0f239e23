// Command peerbench runs the peer benchmark (bench/peers): ScamGraph on
// its two stores and with its cache, beside @neo4j/graphql, raw Cypher and
// a static handler, under one load generator, and writes the report. Its
// `raw` and `static` subcommands are targets E and F, run as their own
// processes.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/scamgraph/scamgraph/bench/peers"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peerbench run|raw|static|unguarded|growth|growth-point [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(ctx, os.Args[2:])
	case "raw":
		err = raw(ctx, os.Args[2:])
	case "static":
		err = static(ctx, os.Args[2:])
	case "unguarded":
		err = unguarded(ctx, os.Args[2:])
	case "growth":
		err = growth(ctx, os.Args[2:])
	case "growth-point":
		err = growthPoint(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: run, raw, static, unguarded, growth or growth-point", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
}

// names splits a comma-separated list, leaving out empty names.
func names(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	c := peers.Config{Log: os.Stdout}
	var conc, workloads, profiled string
	fs.StringVar(&c.Repo, "repo", ".", "the repository's root")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j to load and ask (env NEO4J_URI)")
	fs.StringVar(&c.RedisURL, "redis-url", os.Getenv("REDIS_URL"), "Redis for target C's cache (env REDIS_URL)")
	fs.StringVar(&c.ImportDir, "neo4j-import-dir", "", "Neo4j's import directory, for LOAD CSV (default: $SCAMGRAPH_STATE_DIR/neo4j/dbms/import)")
	fs.Float64Var(&c.Scale, "scale", 1, "the demo world's scale (1: about 28,000 entities, 135,000 links)")
	fs.Float64Var(&c.LargeScale, "large-scale", 0, "a second, larger world's scale (7.36: about 1M links; 0: none)")
	fs.BoolVar(&c.Reuse, "reuse", false, "keep a first world already in Neo4j instead of reloading it")
	fs.StringVar(&conc, "concurrency", "16,64", "concurrent clients per run, comma-separated")
	fs.DurationVar(&c.Warmup, "warmup", 5*time.Second, "unmeasured warm-up per run")
	fs.DurationVar(&c.Duration, "duration", 15*time.Second, "measured time per run")
	fs.IntVar(&c.ColdKeys, "cold-keys", 20000, "distinct keys the cold lookups cycle through")
	fs.IntVar(&c.IngestRecords, "ingest", 100000, "call records per ingest path (0: no ingest)")
	fs.BoolVar(&c.IngestOnly, "ingest-only", false, "run the ingest workloads alone; the report keeps the read results of the last full run")
	fs.StringVar(&c.Targets, "targets", "ABCDEFab", "targets to run (a and b: A and B with the sharing rules off)")
	fs.StringVar(&workloads, "workloads", "", "read workloads to run, comma-separated (default: all), e.g. lookup-hit,lookup-cold")
	fs.StringVar(&profiled, "profile", "", "read workloads whose CPU profiles are taken on A and B, comma-separated (all: every one; default: none)")
	fs.IntVar(&c.BasePort, "port", 18080, "first of eleven ports the targets and their profiles listen on")
	fs.StringVar(&c.Out, "out", "bench/results", "where the report goes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--concurrency: %q is not a positive number", s)
		}
		c.Concurrency = append(c.Concurrency, n)
	}
	c.Workloads, c.Profile = names(workloads), names(profiled)
	if c.ImportDir == "" && os.Getenv("SCAMGRAPH_STATE_DIR") != "" {
		c.ImportDir = os.Getenv("SCAMGRAPH_STATE_DIR") + "/neo4j/dbms/import"
	}
	if c.Neo4jURI == "" || c.RedisURL == "" {
		return fmt.Errorf("NEO4J_URI and REDIS_URL are needed: eval \"$(scripts/services.sh env)\"")
	}
	_, err := c.Run(ctx)
	return err
}

// raw is target E: ScamGraph's Neo4j statements behind a bare handler.
func raw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("raw", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18084", "listen address")
	uri := fs.String("neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j")
	token := fs.String("token", "", "the API key whose access the answers apply")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: *uri})
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := peers.AccessOf(ctx, s, *token)
	if err != nil {
		return err
	}
	return listen(ctx, *addr, peers.RawHandler(s, a))
}

// unguarded is targets a and b: ScamGraph's stack with the sharing rules
// off, built by the benchmark alone.
func unguarded(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("unguarded", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18086", "listen address")
	store := fs.String("store", "embedded", "embedded or neo4j")
	dir := fs.String("data-dir", "", "the embedded store's data directory")
	uri := fs.String("neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h, closeStore, err := peers.UnguardedHandler(ctx, *store, *dir, *uri)
	if err != nil {
		return err
	}
	defer closeStore()
	return listen(ctx, *addr, h)
}

// static is target F, the HTTP floor.
func static(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("static", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18085", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return listen(ctx, *addr, peers.StaticHandler())
}

func listen(ctx context.Context, addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
