package main

import (
	"context"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// seedCommand loads the demo world into the configured store. Upserts
// are idempotent, so seeding twice changes nothing.
func (c *cli) seedCommand() *cobra.Command {
	return c.configured(&cobra.Command{
		Use:   "seed [--store embedded|neo4j] [flags]",
		Short: "load the demo world into the store",
		Args:  cobra.NoArgs,
	}, defaultConfig(), append(slices.Clone(storeSettings), logSettings...), func(ctx context.Context, cfg *Config, _ []string) int {
		ctx, stop := untilSignal(ctx)
		defer stop()
		logger := newLogger(cfg.LogFormat, cfg.LogLevel, c.stderr)
		opened, err := openStore(ctx, *cfg, logger, nil)
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
	})
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
