package neo4jtest

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/neo4jstore"
)

// wipeAccessRecords deletes the registry's own nodes and nothing else: the
// graph tests share the database and keep their :Entity data.
const wipeAccessRecords = `
MATCH (n) WHERE n:AccessDoc OR n:AuditEntry OR n:AccessCounter
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`

// AccessRecords opens the registry's backend in the Neo4j named by
// NEO4J_URI with every registry node wiped, leaving the graph alone; the
// store under it closes when the test ends.
func AccessRecords(t testing.TB) *neo4jstore.AccessRecords {
	t.Helper()
	wipe(t, wipeAccessRecords)
	return ReopenAccessRecords(t)
}

// ReopenAccessRecords opens the registry's backend over what the database
// holds, on a store (and driver) of its own: what a restarted service sees.
func ReopenAccessRecords(t testing.TB) *neo4jstore.AccessRecords {
	t.Helper()
	return Reopen(t).AccessRecords()
}

// wipe runs one auto-commit statement (CALL … IN TRANSACTIONS needs one)
// on a driver of its own: the store does not offer to erase its registry.
func wipe(t testing.TB, cypher string) {
	t.Helper()
	cfg := Config(t)
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	d, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	defer d.Close(ctx)
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatalf("wipe the registry's nodes: %v", err)
	}
}

// WipeAccessRecords deletes the registry's nodes, for a test that leaves
// many audit entries behind (a benchmark's smoke run) and must not bury
// the entries later tests look for.
func WipeAccessRecords(t testing.TB) {
	t.Helper()
	wipe(t, wipeAccessRecords)
}
