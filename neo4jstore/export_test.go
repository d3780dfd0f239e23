package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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
