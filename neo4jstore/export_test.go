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
