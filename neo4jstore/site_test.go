package neo4jstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// TestCallersAtSeeksTheSiteIndexes: a site is asked about while one number
// is scored, so its calls must be found by an index seek on the call
// attribute, never by scanning every call.
func TestCallersAtSeeksTheSiteIndexes(t *testing.T) {
	s := neo4jtest.Open(t)
	for _, attr := range []string{"cellId", "imei"} {
		ops, err := neo4jstore.SiteOperators(context.Background(), s, attr)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(ops, " "), "RelationshipIndexSeek") {
			t.Errorf("%s: plan %v, want a relationship index seek", attr, ops)
		}
	}
}
