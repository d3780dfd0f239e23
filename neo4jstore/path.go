package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// shortestPathTemplate finds one shortest path over links in either
// direction that pass the type and time filters, and reads both ends, in
// one round trip: an end that is not stored comes back null. The length
// bound of a variable-length pattern must be a literal, so there is one
// statement per allowed depth, built from constants at start-up.
const shortestPathTemplate = `
OPTIONAL MATCH (a:Entity {id: $from}) USING INDEX a:Entity(id)
OPTIONAL MATCH (b:Entity {id: $to}) USING INDEX b:Entity(id)
OPTIONAL MATCH p = shortestPath((a)-[rels*1..%d]-(b))
WHERE all(r IN rels WHERE (size($types) = 0 OR type(r) IN $types)
                      AND r.tStart < $until AND r.tEnd >= $since
                      AND ` + accessPredicate + `)
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo,
       [n IN nodes(p) | n {.*, factClasses: null}] AS nodes,
       [r IN rels | {link: properties(r), type: type(r), from: startNode(r).id, to: endNode(r).id}] AS links`

var shortestPathByDepth = func() map[int]string {
	m := map[int]string{}
	for d := 1; d <= intel.MaxPathDepth; d++ {
		m[d] = fmt.Sprintf(shortestPathTemplate, d)
	}
	return m
}()

// ShortestPath asks Neo4j's shortestPath, checking both ends exist in the
// same statement.
func (s *Store) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	since, until := q.Window.Bounds()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*intel.Path, error) {
		if q.From == q.To {
			// shortestPath refuses a path from a node to itself.
			found, err := txSource{tx}.GetEntities(ctx, []string{q.From})
			if err != nil {
				return nil, err
			}
			e, ok := found[q.From]
			if !ok {
				return nil, intel.Errorf(intel.ENOTFOUND, "from", "no entity with id %q", q.From)
			}
			return &intel.Path{Nodes: []intel.Entity{e}}, nil
		}
		params := map[string]any{
			"from": q.From, "to": q.To, "types": intel.LinkTypeStrings(q.LinkTypes),
			"since": since, "until": until,
		}
		addAccessParams(params, q.Access)
		res, err := tx.Run(ctx, shortestPathByDepth[q.MaxDepth], params)
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		for _, end := range []struct{ field, id, col string }{{"from", q.From, "hasFrom"}, {"to", q.To, "hasTo"}} {
			if ok, _ := rec.Get(end.col); ok != true {
				return nil, intel.Errorf(intel.ENOTFOUND, end.field, "no entity with id %q", end.id)
			}
		}
		if nodes, _ := rec.Get("nodes"); nodes == nil {
			return nil, nil
		}
		return pathFrom(rec)
	})
}

func pathFrom(rec *neo4j.Record) (*intel.Path, error) {
	nodes, _ := rec.Get("nodes")
	links, _ := rec.Get("links")
	var p intel.Path
	for _, n := range nodes.([]any) {
		e, err := entityFrom(n)
		if err != nil {
			return nil, err
		}
		p.Nodes = append(p.Nodes, e)
	}
	for _, l := range links.([]any) {
		m, _ := l.(map[string]any)
		link, err := linkFromRecord(func(k string) (any, bool) { v, ok := m[k]; return v, ok })
		if err != nil {
			return nil, err
		}
		p.Links = append(p.Links, link)
	}
	return &p, nil
}
