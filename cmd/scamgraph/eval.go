package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/evaluation"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/usecase"
)

// evalConfig is what `scamgraph eval` adds to the store settings.
type evalConfig struct {
	Scale, Background float64
	Seed              int64
	Dir               string
	TopK              int
	Wipe, JSON        bool
}

// evalCommand generates a demo world with its truth, writes it as source
// records, loads it through the ingest path into a fresh store, asks the
// service what it finds and prints how that scores against the truth.
func (c *cli) evalCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval [--scale S] [--background B] [--store embedded|neo4j [--wipe]] [--dir DIR]",
		Short: "score the service on a planted world",
		Args:  cobra.NoArgs,
	}
	ec := evalConfig{Scale: 0.2, Background: 1, Seed: demo.DefaultSeed}
	fs := cmd.Flags()
	fs.Float64Var(&ec.Scale, "scale", ec.Scale, "size of the world: 1 is the README's demo world (about 28,000 entities)")
	fs.Float64Var(&ec.Background, "background", ec.Background, "multiplies the ordinary traffic hiding the scam")
	fs.Int64Var(&ec.Seed, "seed", ec.Seed, "which world")
	fs.StringVar(&ec.Dir, "dir", "", "where to write the world (records and truth.json); a temporary directory when empty")
	fs.IntVar(&ec.TopK, "top-k", 0, "accusations taken from each risk list; 0 means as many as were planted")
	fs.BoolVar(&ec.Wipe, "wipe", false, "with --store neo4j: delete the graph first (the evaluation needs an empty one)")
	fs.BoolVar(&ec.JSON, "json", false, "print the report as JSON")
	// The evaluation's embedded store is a temporary one of its own, without
	// the cache: of the store settings it takes the backend and Neo4j's.
	settings := []string{"store", "neo4j-uri", "neo4j-user", "neo4j-password", "neo4j-database"}
	return c.configured(cmd, defaultConfig(), append(settings, logSettings...), func(ctx context.Context, cfg *Config, _ []string) int {
		ctx, stop := untilSignal(ctx)
		defer stop()
		return runEval(ctx, *cfg, ec, c.stdout, c.stderr)
	})
}

// runEval is the eval command once its flags are parsed.
func runEval(ctx context.Context, cfg Config, ec evalConfig, stdout, stderr io.Writer) int {
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)
	report, err := evaluate(ctx, cfg, ec, stderr)
	if err != nil {
		logger.Error().Err(err).Msg("evaluation failed")
		return 1
	}
	if ec.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return 1
		}
		return 0
	}
	report.Print(stdout)
	return 0
}

func evaluate(ctx context.Context, cfg Config, ec evalConfig, progress io.Writer) (evaluation.Report, error) {
	dir := ec.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "scamgraph-eval-")
		if err != nil {
			return evaluation.Report{}, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	fmt.Fprintf(progress, "writing the world (scale %g, background %g, seed %d) to %s\n", ec.Scale, ec.Background, ec.Seed, dir)
	stats, truth, err := demo.WriteWorld(dir, demo.Config{Seed: ec.Seed, Scale: ec.Scale, Background: ec.Background})
	if err != nil {
		return evaluation.Report{}, err
	}
	store, closeStore, err := freshStore(ctx, cfg, ec.Wipe)
	if err != nil {
		return evaluation.Report{}, err
	}
	defer closeStore()
	svc := usecase.New(store, nil, evaluation.ServiceOptions())
	fmt.Fprintf(progress, "loading %d entities and %d links as source records into %s\n", stats.Entities, stats.Links, cfg.Store)
	start := time.Now()
	totals, err := evaluation.Load(ctx, svc, dir)
	if err != nil {
		return evaluation.Report{}, err
	}
	loadTime := time.Since(start)
	fmt.Fprintln(progress, "asking the service")
	report, err := evaluation.Run(ctx, svc, truth, stats, evaluation.Options{TopK: ec.TopK, Store: cfg.Store})
	report.Loaded, report.LoadTime = totals, loadTime
	return report, err
}

// freshStore opens an empty store of the configured backend: the embedded
// store in a temporary directory, or the configured Neo4j, wiped only when
// asked to and refused when it holds a graph.
func freshStore(ctx context.Context, cfg Config, wipe bool) (intel.Store, func(), error) {
	switch cfg.Store {
	case "embedded":
		tmp, err := os.MkdirTemp("", "scamgraph-eval-store-")
		if err != nil {
			return nil, nil, err
		}
		cfg.DataDir = tmp
		cfg.RedisURL = ""
		opened, err := openStore(ctx, cfg, newLogger("console", "warn", io.Discard), nil)
		if err != nil {
			os.RemoveAll(tmp)
			return nil, nil, err
		}
		return opened.store, func() { opened.close(); os.RemoveAll(tmp) }, nil
	case "neo4j":
		if cfg.Neo4jURI == "" {
			return nil, nil, fmt.Errorf("--store neo4j needs --neo4j-uri or NEO4J_URI")
		}
		octx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		s, err := neo4jstore.Open(octx, neo4jstore.Config{URI: cfg.Neo4jURI, Username: cfg.Neo4jUser,
			Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
		if err != nil {
			return nil, nil, err
		}
		if wipe {
			err = s.DeleteAll(octx)
		} else if entities, _, _, cerr := s.Counts(octx, intel.LinkTransferred); cerr != nil {
			err = cerr
		} else if entities > 0 {
			err = fmt.Errorf("the Neo4j graph holds %d entities; the evaluation needs an empty one (pass --wipe to delete them)", entities)
		}
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	}
	return nil, nil, fmt.Errorf("--store must be embedded or neo4j, got %q", cfg.Store)
}
