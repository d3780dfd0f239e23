package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// accessFileName is the registry's file inside the embedded data directory,
// beside the graph store's own file.
const accessFileName = "access.db"

// openRegistry opens the access registry (agencies, keys, agreements,
// evidence requests, audit log) on the configured backend: a bbolt file in
// the data directory for the embedded store, the same Neo4j for the neo4j
// store. base is the graph store already open, if any: on Neo4j the
// registry shares its driver, so a process holds one. The returned
// function closes what was opened here.
func openRegistry(ctx context.Context, cfg Config, base intel.Store) (*access.Registry, func() error, error) {
	reg, _, closeFn, err := openRegistryRecords(ctx, cfg, base)
	return reg, closeFn, err
}

// openRegistryRecords is openRegistry that also returns the embedded
// backend's file (nil on Neo4j), which the server's backup copies.
func openRegistryRecords(ctx context.Context, cfg Config, base intel.Store) (*access.Registry, *embeddedstore.AccessRecords, func() error, error) {
	switch cfg.Store {
	case "embedded":
		dir, err := resolveDataDir(cfg.DataDir)
		if err != nil {
			return nil, nil, nil, err
		}
		rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dir, accessFileName))
		if err != nil {
			return nil, nil, nil, inUseMessage(err)
		}
		return access.New(rec, time.Now), rec, rec.Close, nil
	case "neo4j":
		if s, ok := base.(*neo4jstore.Store); ok {
			return access.New(s.AccessRecords(), time.Now), nil, func() error { return nil }, nil
		}
		if cfg.Neo4jURI == "" {
			return nil, nil, nil, fmt.Errorf("--store neo4j needs --neo4j-uri or NEO4J_URI")
		}
		octx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		s, err := neo4jstore.Open(octx, neo4jstore.Config{URI: cfg.Neo4jURI, Username: cfg.Neo4jUser,
			Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
		if err != nil {
			return nil, nil, nil, err
		}
		return access.New(s.AccessRecords(), time.Now), nil, s.Close, nil
	}
	return nil, nil, nil, fmt.Errorf("--store must be embedded or neo4j, got %q", cfg.Store)
}
