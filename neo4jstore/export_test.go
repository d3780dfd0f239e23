package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
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
	stmt := callersAt[intel.SiteAttr(attr)]
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

// factClassDrift counts the entity nodes whose stored fact classes differ,
// as a set or by a duplicate, from those their links have now; nodes
// without the list yet are counted apart.
const factClassDrift = `
MATCH (n:Entity)
WITH n, ` + classesOfN + ` AS computed
RETURN count(CASE WHEN n.factClasses IS NOT NULL AND (size(n.factClasses) <> size(computed)
                   OR any(c IN computed WHERE NOT c IN n.factClasses)) THEN 1 END) AS drift,
       count(CASE WHEN n.factClasses IS NULL THEN 1 END) AS unfilled`

// FactClassDrift returns how many entity nodes hold fact classes other
// than their links' and how many hold none yet.
func FactClassDrift(ctx context.Context, s *Store) (drift, unfilled int, err error) {
	type counts struct{ drift, unfilled int }
	c, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (counts, error) {
		res, err := tx.Run(ctx, factClassDrift, nil)
		if err != nil {
			return counts{}, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return counts{}, err
		}
		d, _ := rec.Get("drift")
		u, _ := rec.Get("unfilled")
		return counts{int(d.(int64)), int(u.(int64))}, nil
	})
	return c.drift, c.unfilled, err
}

// ForgetFactClasses removes every node's fact classes, leaving the graph
// as a version that did not keep them wrote it.
func ForgetFactClasses(ctx context.Context, s *Store) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		res, err := tx.Run(ctx, `MATCH (n:Entity) REMOVE n.factClasses`, nil)
		if err != nil {
			return struct{}{}, err
		}
		_, err = res.Consume(ctx)
		return struct{}{}, err
	})
	return err
}

// WaitFactClassesFilled waits for the filling in of fact classes that
// opening s started.
func WaitFactClassesFilled(s *Store) { <-s.factClassesFilled }
