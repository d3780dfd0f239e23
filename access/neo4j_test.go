package access_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
)

var (
	sharedDriver    neo4j.DriverWithContext
	sharedDriverErr error
	sharedOnce      sync.Once
)

// mustDriver returns the test run's one driver for the Neo4j named by
// NEO4J_URI (`make services` starts one). As in the graph store's tests
// there is no skip: a run that cannot reach Neo4j fails, so CI can never
// pass without it.
func mustDriver(t testing.TB) neo4j.DriverWithContext {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		t.Fatal("NEO4J_URI is not set: run `make test`, or `make services` and export what it prints")
	}
	sharedOnce.Do(func() {
		sharedDriver, sharedDriverErr = newDriver(uri)
	})
	if sharedDriverErr != nil {
		t.Fatalf("connect to Neo4j at %s: %v", uri, sharedDriverErr)
	}
	return sharedDriver
}

func newDriver(uri string) (neo4j.DriverWithContext, error) {
	auth := neo4j.NoAuth()
	if u := os.Getenv("NEO4J_USER"); u != "" {
		auth = neo4j.BasicAuth(u, os.Getenv("NEO4J_PASSWORD"), "")
	}
	d, err := neo4j.NewDriverWithContext(uri, auth)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := d.VerifyConnectivity(ctx); err != nil {
		d.Close(ctx)
		return nil, err
	}
	return d, nil
}

// wipeAccess deletes the registry's own nodes, and nothing else: the graph
// store's tests share the database and keep their :Entity data.
const wipeAccess = `
MATCH (n) WHERE n:AccessDoc OR n:AuditEntry OR n:AccessCounter
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`

func mustWipe(t testing.TB, d neo4j.DriverWithContext) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: os.Getenv("NEO4J_DATABASE"), AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, wipeAccess, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatalf("wipe the registry's nodes: %v", err)
	}
}

// neo4jHarness wipes the registry's labels before each check; reopen uses
// a new driver and connection pool, as a restarted service would.
func neo4jHarness(t *testing.T) harness {
	d := mustDriver(t)
	db := os.Getenv("NEO4J_DATABASE")
	open := func(t *testing.T, d neo4j.DriverWithContext) access.Records {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		n, err := access.NewNeo4jRecords(ctx, d, db)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return harness{
		open: func(t *testing.T) access.Records {
			n := open(t, d)
			mustWipe(t, d)
			return n
		},
		reopen: func(t *testing.T, old access.Records) access.Records {
			old.Close()
			fresh, err := newDriver(os.Getenv("NEO4J_URI"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fresh.Close(context.Background()) })
			return open(t, fresh)
		},
	}
}
