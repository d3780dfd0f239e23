package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/scamgraph/scamgraph/bench/peers"
)

// growth runs the growth benchmark: each store at each size in a process
// of its own, then the read mix's audit growth, and writes GROWTH.md.
func growth(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("growth", flag.ContinueOnError)
	c := peers.GrowthConfig{Log: os.Stdout}
	var embedded, neo string
	fs.StringVar(&c.Repo, "repo", ".", "the repository's root")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j to load and ask (env NEO4J_URI); empty: embedded store only")
	fs.StringVar(&c.Neo4jData, "neo4j-data-dir", "", "Neo4j's data directory, whose size is measured (default: $SCAMGRAPH_STATE_DIR/neo4j/dbms/data)")
	fs.StringVar(&embedded, "embedded-sizes", "10000,100000,1000000", "embedded store sizes in links, comma-separated")
	fs.StringVar(&neo, "neo4j-sizes", "10000,100000,1000000", "Neo4j sizes in links, comma-separated (empty: none)")
	fs.IntVar(&c.AuditCalls, "audit-calls", 20000, "calls of the read mix whose file growth is measured (0: none)")
	fs.IntVar(&c.Port, "port", 18070, "where the read mix's server listens")
	fs.StringVar(&c.Out, "out", "bench/results", "where GROWTH.md goes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.EmbeddedSizes, err = sizes(embedded); err != nil {
		return fmt.Errorf("--embedded-sizes: %w", err)
	}
	if c.Neo4jSizes, err = sizes(neo); err != nil {
		return fmt.Errorf("--neo4j-sizes: %w", err)
	}
	if c.Neo4jData == "" && os.Getenv("SCAMGRAPH_STATE_DIR") != "" {
		c.Neo4jData = os.Getenv("SCAMGRAPH_STATE_DIR") + "/neo4j/dbms/data"
	}
	if len(c.Neo4jSizes) > 0 && (c.Neo4jURI == "" || c.Neo4jData == "") {
		return fmt.Errorf("Neo4j sizes need NEO4J_URI and SCAMGRAPH_STATE_DIR: eval \"$(scripts/services.sh env)\"")
	}
	_, err = c.Run(ctx)
	return err
}

func sizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1000 {
			return nil, fmt.Errorf("%q is not a number of links of at least 1000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// growthPoint measures one store at one size and prints the point as
// JSON; growth runs it as a child so that each point's memory is its own.
func growthPoint(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("growth-point", flag.ContinueOnError)
	store := fs.String("store", "embedded", "embedded or neo4j")
	size := fs.Int("links", 10000, "the world's size in links")
	scale := fs.Float64("scale", 0, "the demo world's scale that holds about --links links (0: worked out, see peers.ScaleFor)")
	dir := fs.String("data-dir", "", "a fresh embedded data directory")
	uri := fs.String("neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j (wiped)")
	data := fs.String("neo4j-data-dir", "", "Neo4j's data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var p peers.GrowthPoint
	var err error
	if *scale == 0 {
		if *scale, err = peers.ScaleFor(*size); err != nil {
			return err
		}
	}
	switch *store {
	case "embedded":
		p, err = peers.MeasureEmbedded(ctx, *dir, *size, *scale)
	case "neo4j":
		p, err = peers.MeasureNeo4j(ctx, *uri, *data, *size, *scale)
	default:
		err = fmt.Errorf("--store: %q is neither embedded nor neo4j", *store)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(p)
}
