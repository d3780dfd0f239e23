package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/rediscache"
	"github.com/scamgraph/scamgraph/server"
)

// instanceIdentified is a store that can name its contents, which the
// cache needs to keep entries of different stores apart.
type instanceIdentified interface {
	InstanceID(context.Context) (string, error)
}

// openedStore is the store the service runs on, with what must be closed.
type openedStore struct {
	store intel.Store
	base  intel.Store       // store without the cache
	cache *rediscache.Store // nil without REDIS_URL
	close func() error
}

// openStore builds the configured backend, wraps it in the Redis cache when
// REDIS_URL is set, and instruments it for /metrics.
func openStore(ctx context.Context, cfg Config, logger zerolog.Logger, metrics *server.Metrics) (*openedStore, error) {
	var base intel.Store
	switch cfg.Store {
	case "embedded":
		s, err := embeddedstore.Open(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		base = s
		logger.Info().Str("store", "embedded").Str("data_dir", cfg.DataDir).Msg("store open")
	case "neo4j":
		if cfg.Neo4jURI == "" {
			return nil, fmt.Errorf("--store neo4j needs --neo4j-uri or NEO4J_URI")
		}
		octx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		s, err := neo4jstore.Open(octx, neo4jstore.Config{URI: cfg.Neo4jURI, Username: cfg.Neo4jUser,
			Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase, RetryFor: cfg.RetryFor,
			OnRetry: func(err error, attempt int, wait time.Duration) {
				logger.Warn().Err(err).Int("attempt", attempt).Dur("retry_in", wait).Msg("neo4j does not answer; retrying")
			}})
		if err != nil {
			return nil, err
		}
		base = s
		logger.Info().Str("store", "neo4j").Str("uri", cfg.Neo4jURI).Msg("store open")
	default:
		return nil, fmt.Errorf("--store must be embedded or neo4j, got %q", cfg.Store)
	}
	out := &openedStore{store: base, base: base, close: base.Close}
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			base.Close()
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		client := redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs: []string{opts.Addr}, DB: opts.DB, Username: opts.Username, Password: opts.Password,
			TLSConfig: opts.TLSConfig,
			// Lets go-redis honour context deadlines on reads, on top of the
			// cache's own per-call timeout.
			ContextTimeoutEnabled: true,
		})
		var observer rediscache.Observer
		if metrics != nil {
			observer = metrics
		}
		// Entries are keyed by the store's instance id, so that a cache
		// shared with another (or a wiped) store never answers for it.
		identified, ok := base.(instanceIdentified)
		if !ok {
			base.Close()
			return nil, fmt.Errorf("the %s store has no instance id to key the cache with", cfg.Store)
		}
		instance, err := identified.InstanceID(ctx)
		if err != nil {
			base.Close()
			return nil, fmt.Errorf("reading the store's instance id: %w", err)
		}
		prefix := rediscache.DefaultPrefix + instance + ":"
		out.cache = rediscache.New(base, client, rediscache.Options{Prefix: prefix, TTL: cfg.CacheTTL, Logger: logger, Observer: observer})
		out.store = out.cache
		out.close = func() error {
			err := base.Close()
			client.Close()
			return err
		}
		logger.Info().Str("redis", opts.Addr).Dur("ttl", cfg.CacheTTL).Msg("cache on")
	}
	if metrics != nil {
		out.store = server.Instrument(out.store, metrics)
	}
	return out, nil
}
