package neo4jstore_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/registrytest"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// TestAccessRecordsConformance runs the registry's suite over Neo4j: each
// check on a wiped registry, a restart on a new driver and connection pool.
func TestAccessRecordsConformance(t *testing.T) {
	registrytest.Run(t, registrytest.Harness{
		Open: func(t *testing.T) access.Records { return neo4jtest.AccessRecords(t) },
		Reopen: func(t *testing.T, old access.Records) access.Records {
			old.Close()
			return neo4jtest.ReopenAccessRecords(t)
		},
	})
}
