package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// The level-by-level expansion the store ran before Expand became one
// statement: intel.ExpandNetwork asking linksAround once per level, inside
// one transaction. It stays here, in a test file, as the reference the
// one-statement expansion is measured against (BenchmarkExpandStatement).

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
