package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// runSeed loads the demo world into the configured store. Upserts are
// idempotent, so seeding twice changes nothing.
func runSeed(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg := defaultConfig()
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := bindConfig(fs, &cfg); err != nil {
		fmt.Fprintln(stderr, "scamgraph seed:", err)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return parseStatus(fs, err)
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)
	opened, err := openStore(ctx, cfg, logger, nil)
	if err != nil {
		logger.Error().Err(err).Msg("cannot open the store")
		return 1
	}
	defer opened.close()
	if err := loadDemo(ctx, opened.store, logger); err != nil {
		logger.Error().Err(err).Msg("seeding failed")
		return 1
	}
	return 0
}

// ensureDemo loads the demo world unless its entry points are already there,
// so that restarting `serve --demo` starts at once.
func ensureDemo(ctx context.Context, s intel.Store, logger zerolog.Logger) error {
	points := demo.EntryPoints()
	ids := make([]string, len(points))
	for i, p := range points {
		ids[i] = intel.EntityID(p.Kind, p.Key)
	}
	found, err := s.GetEntities(ctx, ids)
	if err != nil {
		return err
	}
	if len(found) == len(ids) {
		logger.Info().Msg("demo world already loaded")
		return nil
	}
	return loadDemo(ctx, s, logger)
}

func loadDemo(ctx context.Context, s intel.Store, logger zerolog.Logger) error {
	start := time.Now()
	logger.Info().Msg("loading the demo world")
	stats, err := demo.Load(ctx, s, demo.Config{})
	if err != nil {
		return err
	}
	logger.Info().Int("entities", stats.Entities).Int("links", stats.Links).
		Dur("took", time.Since(start)).Msg("demo world loaded")
	return nil
}
