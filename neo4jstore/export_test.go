package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
)

// RunRead runs cypher in one read transaction exactly as the store's own
// reads run (its transaction timeout, classification and retry), for tests
// that need a traversal no store method would ask for: a runaway one.
func RunRead(ctx context.Context, s *Store, cypher string, params map[string]any) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return struct{}{}, err
		}
		_, err = res.Consume(ctx)
		return struct{}{}, err
	})
	return err
}

// SiteOperators returns the operators of the plan Neo4j makes for the
// CallersAt statement of attr, for a test that the site indexes are used.
func SiteOperators(ctx context.Context, s *Store, attr string) ([]string, error) {
	stmt := callersAtCell
	if attr == "imei" {
		stmt = callersAtDevice
	}
	params := map[string]any{"values": []string{"x"}, "limit": 2}
	addAccessParams(params, nil)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
		res, err := tx.Run(ctx, "EXPLAIN "+stmt, params)
		if err != nil {
			return nil, err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return nil, err
		}
		var ops []string
		var walk func(p neo4j.Plan)
		walk = func(p neo4j.Plan) {
			ops = append(ops, p.Operator())
			for _, c := range p.Children() {
				walk(c)
			}
		}
		if p := sum.Plan(); p != nil {
			walk(p)
		}
		return ops, nil
	})
}

// AppendAuditsAttempt runs AppendAudits under token as an attempt that
// follows one which may have committed (retried), as the driver runs it
// again after a connection lost while committing.
func AppendAuditsAttempt(ctx context.Context, n *AccessRecords, entries []access.AuditEntry, token string, retried bool) ([]access.AuditEntry, error) {
	return n.appendAudits(ctx, entries, token, retried)
}

// CommitAttempt is AppendAuditsAttempt for Commit.
func CommitAttempt(ctx context.Context, n *AccessRecords, puts []access.Put, audit *access.AuditEntry, token string, retried bool) (access.AuditEntry, error) {
	return n.commit(ctx, puts, audit, token, retried)
}
