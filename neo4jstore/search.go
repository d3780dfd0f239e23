package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// searchEntities is intel.SearchQuery.Matches in Cypher. Neo4j Community
// has no index for "contains" on a list or on a key's digits, so this is a
// scan of the :Entity nodes after $after in id order (the id index gives
// the order and lets it stop at $limit answers); its cost grows with the
// entities it must pass to find $limit answers. The digits of a key are
// gathered character by character, as Cypher has no regular-expression
// replace.
const searchEntities = `
MATCH (n:Entity)
WHERE n.id > $after AND ($kinds = [] OR n.kind IN $kinds)
  AND (
    ($digits <> '' AND reduce(d = '', c IN split(n.key, '') |
         CASE WHEN c >= '0' AND c <= '9' THEN d + c ELSE d END) CONTAINS $digits)
    OR toLower(n.key) CONTAINS $plain
    OR toLower(coalesce(n.label, '')) CONTAINS $plain
    OR any(r IN coalesce(n.rawForms, []) WHERE toLower(r) CONTAINS $plain)
  )
RETURN n {.*, factClasses: null} AS n
ORDER BY n.id
LIMIT $limit`

// Search finds entities by part of their key, label or raw forms.
func (s *Store) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]intel.Entity, error) {
		res, err := tx.Run(ctx, searchEntities, map[string]any{"after": q.After, "kinds": kinds,
			"digits": q.Digits(), "plain": q.Plain(), "limit": q.Limit})
		if err != nil {
			return nil, err
		}
		var out []intel.Entity
		for res.Next(ctx) {
			n, _ := res.Record().Get("n")
			e, err := entityFrom(n)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, res.Err()
	})
}
