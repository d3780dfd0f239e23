package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// The level-by-level expansion the store ran before Expand became one
// statement: intel.ExpandNetwork asking linksAround once per level, inside
// one transaction. It stays here, in a test file, as the reference the
// one-statement expansion is measured against (BenchmarkExpandStatement),
// and so does the shortest path's former two round trips (the ends, then
// the path).

const linksAround = `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})-[r]-(b:Entity) USING INDEX a:Entity(id)
WHERE NOT b.id IN $done
  AND (size($types) = 0 OR type(r) IN $types)
  AND r.tStart < $until AND r.tEnd >= $since
  AND (size($kinds) = 0 OR b.kind IN $kinds OR b.id IN $frontier)
  AND ` + accessPredicate + `
WITH DISTINCT r
ORDER BY r.id
LIMIT $limit
RETURN properties(r) AS link, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to`

// LinksAround serves one level of an expansion (see intel.NetworkSource).
func (t txSource) LinksAround(ctx context.Context, r intel.LevelRequest) ([]intel.Link, error) {
	since, until := r.Window.Bounds()
	params := map[string]any{
		"frontier": r.Frontier, "done": nonNil(r.Done), "types": intel.LinkTypeStrings(r.LinkTypes),
		"kinds": intel.KindStrings(r.Kinds), "since": since, "until": until, "limit": r.Limit,
	}
	addAccessParams(params, r.Access)
	res, err := t.tx.Run(ctx, linksAround, params)
	if err != nil {
		return nil, err
	}
	var out []intel.Link
	for res.Next(ctx) {
		l, err := linkFromRecord(res.Record().Get)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, res.Err()
}

// ExpandByLevels runs the level-by-level expansion in one read transaction.
func ExpandByLevels(ctx context.Context, s *Store, q intel.ExpandQuery) (intel.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return intel.Subgraph{}, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.Subgraph, error) {
		return intel.ExpandNetwork(ctx, txSource{tx}, q)
	})
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
