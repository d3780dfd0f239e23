package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

const getEntities = `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN properties(n) AS n`

// GetEntities fetches many entities in one round trip.
func (s *Store) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.Entity, error) {
		return txSource{tx}.GetEntities(ctx, ids)
	})
}

// txSource runs reads inside one transaction, so that a multi-step read
// such as an expansion sees one consistent graph and is retried as a whole.
type txSource struct{ tx neo4j.ManagedTransaction }

func (t txSource) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	out := make(map[string]intel.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	res, err := t.tx.Run(ctx, getEntities, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for res.Next(ctx) {
		n, _ := res.Record().Get("n")
		e, err := entityFrom(n)
		if err != nil {
			return nil, err
		}
		out[e.ID] = e
	}
	return out, res.Err()
}

const getLinks = `
UNWIND $ids AS id
MATCH (a:Entity)-[r {id: id}]->(b:Entity)
RETURN properties(r) AS link, type(r) AS type, a.id AS from, b.id AS to`

// GetLinks fetches many links in one round trip.
func (s *Store) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.Link, error) {
		out := make(map[string]intel.Link, len(ids))
		if len(ids) == 0 {
			return out, nil
		}
		res, err := tx.Run(ctx, getLinks, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			l, err := linkFromRecord(res.Record().Get)
			if err != nil {
				return nil, err
			}
			out[l.ID] = l
		}
		return out, res.Err()
	})
}

// FindEntity looks an entity up by kind and key through its id.
func (s *Store) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	found, err := s.GetEntities(ctx, []string{intel.EntityID(kind, key)})
	if err != nil {
		return intel.Entity{}, err
	}
	e, ok := found[intel.EntityID(kind, key)]
	if !ok {
		return intel.Entity{}, intel.Errorf(intel.ENOTFOUND, "key", "no %s with key %q", kind, key)
	}
	return e, nil
}

// The neighbour statements share their filter; the match pattern differs by
// direction, and relationship direction cannot be a parameter.
const neighbourFilter = `
WHERE (size($types) = 0 OR type(r) IN $types)
  AND (size($kinds) = 0 OR b.kind IN $kinds)
  AND r.tStart < $until AND r.tEnd >= $since`

const neighbourPage = neighbourFilter + `
  AND (r.tStart < $afterAt OR (r.tStart = $afterAt AND r.id > $afterID))
RETURN properties(r) AS link, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to,
       properties(b) AS far
ORDER BY r.tStart DESC, r.id ASC
LIMIT $limit`

const neighbourCount = neighbourFilter + `
RETURN a.id AS id, count(r) AS total`

var neighbourStatements = map[intel.Direction]struct{ page, count string }{
	intel.DirectionOut: {
		page:  `MATCH (a:Entity {id: $id})-[r]->(b:Entity)` + neighbourPage,
		count: `MATCH (a:Entity {id: $id}) OPTIONAL MATCH (a)-[r]->(b:Entity)` + neighbourCount,
	},
	intel.DirectionIn: {
		page:  `MATCH (a:Entity {id: $id})<-[r]-(b:Entity)` + neighbourPage,
		count: `MATCH (a:Entity {id: $id}) OPTIONAL MATCH (a)<-[r]-(b:Entity)` + neighbourCount,
	},
	intel.DirectionBoth: {
		page:  `MATCH (a:Entity {id: $id})-[r]-(b:Entity)` + neighbourPage,
		count: `MATCH (a:Entity {id: $id}) OPTIONAL MATCH (a)-[r]-(b:Entity)` + neighbourCount,
	},
}

// Neighbours counts the matches and reads one page, in one read transaction.
func (s *Store) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	if err := q.Normalize(); err != nil {
		return intel.NeighbourPage{}, err
	}
	since, until := q.Window.Bounds()
	afterAt, afterID := q.AfterPosition()
	params := map[string]any{
		"id": q.ID, "types": intel.LinkTypeStrings(q.LinkTypes), "kinds": intel.KindStrings(q.Kinds),
		"since": since, "until": until, "afterAt": afterAt, "afterID": afterID, "limit": q.First + 1,
	}
	stmts := neighbourStatements[q.Direction]
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.NeighbourPage, error) {
		var page intel.NeighbourPage
		res, err := tx.Run(ctx, stmts.count, params)
		if err != nil {
			return page, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return page, err
		}
		if len(recs) == 0 {
			return page, intel.Errorf(intel.ENOTFOUND, "id", "no entity with id %q", q.ID)
		}
		total, _ := recs[0].Get("total")
		page.TotalCount = int(total.(int64))
		res, err = tx.Run(ctx, stmts.page, params)
		if err != nil {
			return page, err
		}
		for res.Next(ctx) {
			if len(page.Items) == q.First {
				page.HasNextPage = true
				break
			}
			rec := res.Record()
			l, err := linkFromRecord(rec.Get)
			if err != nil {
				return page, err
			}
			far, _ := rec.Get("far")
			e, err := entityFrom(far)
			if err != nil {
				return page, err
			}
			start, _ := l.Span()
			page.Items = append(page.Items, intel.Neighbour{
				Link: l, Entity: e, Outgoing: l.From == q.ID, Cursor: intel.EncodeCursor(start, l.ID),
			})
		}
		return page, res.Err()
	})
}

// Expand runs the shared expansion algorithm in one read transaction, one
// statement per level.
func (s *Store) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return intel.Subgraph{}, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.Subgraph, error) {
		return intel.ExpandNetwork(ctx, txSource{tx}, q)
	})
}

const linksAround = `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})-[r]-(b:Entity)
WHERE NOT b.id IN $done
  AND (size($types) = 0 OR type(r) IN $types)
  AND r.tStart < $until AND r.tEnd >= $since
  AND (size($kinds) = 0 OR b.kind IN $kinds OR b.id IN $frontier)
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
