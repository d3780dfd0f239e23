package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// linkedEntities lists the entities at the chosen end of visible links of
// the asked types, in id order, one page past the cursor. The relationship
// pattern is undirected and the end is chosen by comparing the entity with
// startNode(r), since a direction cannot be a parameter.
const linkedEntities = `
MATCH (a:Entity)-[r]-()
WHERE type(r) IN $types
  AND a.id > $after
  AND (size($kinds) = 0 OR a.kind IN $kinds)
  AND ($end = 'ANY' OR ($end = 'FROM') = (startNode(r) = a))
  AND ` + accessPredicate + `
WITH DISTINCT a.id AS id
ORDER BY id
LIMIT $limit
RETURN id`

// LinkedEntities runs linkedEntities in one read transaction.
func (s *Store) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	if err := q.Normalize(); err != nil {
		return intel.LinkedPage{}, err
	}
	params := map[string]any{"types": intel.LinkTypeStrings(q.LinkTypes), "kinds": intel.KindStrings(q.Kinds),
		"after": q.After, "end": string(q.End), "limit": q.First + 1}
	addAccessParams(params, q.Access)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.LinkedPage, error) {
		res, err := tx.Run(ctx, linkedEntities, params)
		if err != nil {
			return intel.LinkedPage{}, err
		}
		page := intel.LinkedPage{IDs: []string{}}
		for res.Next(ctx) {
			if len(page.IDs) == q.First {
				page.HasNextPage = true
				break
			}
			id, _ := res.Record().Get("id")
			page.IDs = append(page.IDs, str(id))
		}
		return page, res.Err()
	})
}
