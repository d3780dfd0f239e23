package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// The level-by-level expansion (network.go's fallback) is the reference
// the one-statement expansion is measured against
// (BenchmarkExpandStatement), and the shortest path's former two round
// trips (the ends, then the path) stay here, in a test file, for the same
// purpose.

// ExpandByLevels runs the level-by-level expansion in one read transaction.
func ExpandByLevels(ctx context.Context, s *Store, q intel.ExpandQuery) (intel.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return intel.Subgraph{}, err
	}
	return s.expandByLevels(ctx, q)
}

const shortestPathOnlyTemplate = `
MATCH (a:Entity {id: $from}) USING INDEX a:Entity(id)
MATCH (b:Entity {id: $to}) USING INDEX b:Entity(id)
MATCH p = shortestPath((a)-[rels*1..%d]-(b))
WHERE all(r IN rels WHERE (size($types) = 0 OR type(r) IN $types)
                      AND r.tStart < $until AND r.tEnd >= $since
                      AND ` + accessPredicate + `)
RETURN [n IN nodes(p) | properties(n)] AS nodes,
       [r IN rels | {link: properties(r), type: type(r), from: startNode(r).id, to: endNode(r).id}] AS links`

// ShortestPathTwoTrips is ShortestPath as it was: the ends read first,
// then the path asked for, in one transaction.
func ShortestPathTwoTrips(ctx context.Context, s *Store, q intel.PathQuery) (*intel.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	since, until := q.Window.Bounds()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*intel.Path, error) {
		found, err := txSource{tx}.GetEntities(ctx, []string{q.From, q.To})
		if err != nil {
			return nil, err
		}
		for _, end := range []struct{ field, id string }{{"from", q.From}, {"to", q.To}} {
			if _, ok := found[end.id]; !ok {
				return nil, intel.Errorf(intel.ENOTFOUND, end.field, "no entity with id %q", end.id)
			}
		}
		params := map[string]any{
			"from": q.From, "to": q.To, "types": intel.LinkTypeStrings(q.LinkTypes),
			"since": since, "until": until,
		}
		addAccessParams(params, q.Access)
		res, err := tx.Run(ctx, fmt.Sprintf(shortestPathOnlyTemplate, q.MaxDepth), params)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return pathFrom(recs[0])
	})
}
