package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
)

// accessFileName is the registry's file inside the embedded data directory,
// beside the graph store's own file.
const accessFileName = "access.db"

// openRegistry opens the access registry (agencies, keys, agreements,
// evidence requests, audit log) on the configured backend: a bbolt file in
// the data directory for the embedded store, the same Neo4j for the neo4j
// store. The returned function closes what was opened.
func openRegistry(ctx context.Context, cfg Config) (*access.Registry, func() error, error) {
	switch cfg.Store {
	case "embedded":
		rec, err := access.OpenBolt(filepath.Join(cfg.DataDir, accessFileName))
		if err != nil {
			return nil, nil, err
		}
		return access.New(rec, time.Now), rec.Close, nil
	case "neo4j":
		if cfg.Neo4jURI == "" {
			return nil, nil, fmt.Errorf("--store neo4j needs --neo4j-uri or NEO4J_URI")
		}
		auth := neo4j.NoAuth()
		if cfg.Neo4jUser != "" {
			auth = neo4j.BasicAuth(cfg.Neo4jUser, cfg.Neo4jPassword, "")
		}
		driver, err := neo4j.NewDriverWithContext(cfg.Neo4jURI, auth, func(c *neo4j.Config) {
			c.MaxTransactionRetryTime = 30 * time.Second
		})
		if err != nil {
			return nil, nil, fmt.Errorf("neo4j: %w", err)
		}
		octx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := driver.VerifyConnectivity(octx); err != nil {
			driver.Close(ctx)
			return nil, nil, fmt.Errorf("cannot reach Neo4j at %s: %w", cfg.Neo4jURI, err)
		}
		rec, err := access.NewNeo4jRecords(octx, driver, cfg.Neo4jDatabase)
		if err != nil {
			driver.Close(ctx)
			return nil, nil, err
		}
		closeAll := func() error {
			rec.Close()
			return driver.Close(context.Background())
		}
		return access.New(rec, time.Now), closeAll, nil
	}
	return nil, nil, fmt.Errorf("--store must be embedded or neo4j, got %q", cfg.Store)
}
