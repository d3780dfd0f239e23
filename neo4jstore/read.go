package neo4jstore

import (
	"context"
	"fmt"
	"math"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

const getEntities = `
UNWIND $ids AS id
MATCH (n:Entity {id: id}) USING INDEX n:Entity(id)
RETURN n {.*, factClasses: null} AS n`

// GetEntities fetches many entities in one round trip.
func (s *Store) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	if len(ids) == 0 {
		return map[string]intel.Entity{}, nil
	}
	return readStatement(ctx, s, getEntities, map[string]any{"ids": ids}, func(res neo4j.ResultWithContext) (map[string]intel.Entity, error) {
		return entitiesFrom(ctx, res, len(ids))
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
	return entitiesFrom(ctx, res, len(ids))
}

// entitiesFrom reads getEntities' records.
func entitiesFrom(ctx context.Context, res neo4j.ResultWithContext, n int) (map[string]intel.Entity, error) {
	out := make(map[string]intel.Entity, n)
	for res.Next(ctx) {
		v, _ := res.Record().Get("n")
		e, err := entityFrom(v)
		if err != nil {
			return nil, err
		}
		out[e.ID] = e
	}
	return out, res.Err()
}

// getLinksTemplate finds links of one type by id through that type's
// uniqueness index; a lookup by id across all types would scan every
// relationship. %s is a type from intel.LinkSpecs, never input.
const getLinksTemplate = `
UNWIND $ids AS id
MATCH (a:Entity)-[r:%s {id: id}]->(b:Entity) USING INDEX r:%[1]s(id)
RETURN properties(r) AS link, type(r) AS type, a.id AS from, b.id AS to`

var getLinksByType = func() map[intel.LinkType]string {
	m := map[intel.LinkType]string{}
	for _, spec := range intel.LinkSpecs {
		m[spec.Type] = fmt.Sprintf(getLinksTemplate, spec.Type)
	}
	return m
}()

// GetLinks fetches many links in one transaction, one statement per type
// among the ids. Ids that name no link type cannot be stored and are skipped.
func (s *Store) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	byType := map[intel.LinkType][]string{}
	for _, id := range ids {
		if t, ok := intel.LinkTypeOfID(id); ok {
			byType[t] = append(byType[t], id)
		}
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.Link, error) {
		out := make(map[string]intel.Link, len(ids))
		for _, spec := range intel.LinkSpecs {
			typed := byType[spec.Type]
			if len(typed) == 0 {
				continue
			}
			res, err := tx.Run(ctx, getLinksByType[spec.Type], map[string]any{"ids": typed})
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
			if err := res.Err(); err != nil {
				return nil, err
			}
		}
		return out, nil
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

// The neighbour statement pages through each id's links in a subquery, so
// that many entities cost one round trip. The match pattern differs by
// direction, because relationship direction cannot be a parameter. The
// count of every match is a subquery of its own, a second pass over the
// links, left out when the caller skips it (NeighbourQuery.SkipTotal).
const (
	neighboursHead = `
UNWIND $ids AS id
MATCH (a:Entity {id: id}) USING INDEX a:Entity(id)`
	neighboursTotal = `
CALL {
  WITH a
  OPTIONAL MATCH %[1]s
  WHERE (size($types) = 0 OR type(r) IN $types)
    AND (size($kinds) = 0 OR b.kind IN $kinds)
    AND r.tStart < $until AND r.tEnd >= $since
    AND ` + accessPredicate + `
  RETURN count(r) AS total
}`
	neighboursItems = `
CALL {
  WITH a
  MATCH %[1]s
  WHERE (size($types) = 0 OR type(r) IN $types)
    AND (size($kinds) = 0 OR b.kind IN $kinds)
    AND r.tStart < $until AND r.tEnd >= $since
    AND (r.tStart < $afterAt OR (r.tStart = $afterAt AND r.id > $afterID))
    AND ` + accessPredicate + `
  WITH r, b ORDER BY r.tStart DESC, r.id ASC LIMIT $limit
  RETURN collect({link: properties(r), type: type(r), from: startNode(r).id, to: endNode(r).id,
                  far: b {.*, factClasses: null}}) AS items
}`
	neighboursTemplate          = neighboursHead + neighboursTotal + neighboursItems + "\nRETURN a.id AS id, total, items"
	neighboursUncountedTemplate = neighboursHead + neighboursItems + "\nRETURN a.id AS id, 0 AS total, items"
)

// neighbourPatterns are the match patterns by direction.
var neighbourPatterns = map[intel.Direction]string{
	intel.DirectionOut:  `(a)-[r]->(b:Entity)`,
	intel.DirectionIn:   `(a)<-[r]-(b:Entity)`,
	intel.DirectionBoth: `(a)-[r]-(b:Entity)`,
}

// neighbourStatements are the statements by whether the total is counted,
// then by direction.
var neighbourStatements = func() map[bool]map[intel.Direction]string {
	out := map[bool]map[intel.Direction]string{true: {}, false: {}}
	for d, pattern := range neighbourPatterns {
		out[true][d] = fmt.Sprintf(neighboursTemplate, pattern)
		out[false][d] = fmt.Sprintf(neighboursUncountedTemplate, pattern)
	}
	return out
}()

// Neighbours reads one entity's page.
func (s *Store) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	return intel.NeighboursOfOne(ctx, s, q)
}

// NeighboursOf reads a page for each of many entities in one statement.
func (s *Store) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	if len(ids) == 0 {
		return map[string]intel.NeighbourPage{}, nil
	}
	q.ID = ids[0] // Normalize wants an id; each page uses its own.
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	params := neighbourParams(ids, q)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.NeighbourPage, error) {
		res, err := tx.Run(ctx, neighbourStatements[!q.SkipTotal][q.Direction], params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]intel.NeighbourPage, len(ids))
		for res.Next(ctx) {
			rec := res.Record()
			id, _ := rec.Get("id")
			page, err := pageFrom(rec, str(id), q.First)
			if err != nil {
				return nil, err
			}
			out[str(id)] = page
		}
		return out, res.Err()
	})
}

// neighbourParams are the parameters of the neighbour statements.
func neighbourParams(ids []string, q intel.NeighbourQuery) map[string]any {
	since, until := q.Window.Bounds()
	afterAt, afterID := q.AfterPosition()
	params := map[string]any{
		"ids": ids, "types": intel.LinkTypeStrings(q.LinkTypes), "kinds": intel.KindStrings(q.Kinds),
		"since": since, "until": until, "afterAt": afterAt, "afterID": afterID, "limit": q.First + 1,
	}
	addAccessParams(params, q.Access)
	return params
}

// pageFrom reads one id's page from a record's total and items (first+1
// of them at most: one more says there is a next page).
func pageFrom(rec *neo4j.Record, id string, first int) (intel.NeighbourPage, error) {
	total, _ := rec.Get("total")
	items, _ := rec.Get("items")
	page := intel.NeighbourPage{TotalCount: int(total.(int64))}
	if n := min(len(items.([]any)), first); n > 0 {
		page.Items = make([]intel.Neighbour, 0, n)
	}
	for _, it := range items.([]any) {
		if len(page.Items) == first {
			page.HasNextPage = true
			break
		}
		m := it.(map[string]any)
		l, err := linkFromRecord(func(k string) (any, bool) { v, ok := m[k]; return v, ok })
		if err != nil {
			return intel.NeighbourPage{}, err
		}
		e, err := entityFrom(m["far"])
		if err != nil {
			return intel.NeighbourPage{}, err
		}
		start, _ := l.Span()
		page.Items = append(page.Items, intel.Neighbour{
			Link: l, Entity: e, Outgoing: l.From == id, Cursor: intel.EncodeCursor(start, l.ID),
		})
	}
	return page, nil
}

// classifiedNeighbourStatements are getClassified and the neighbour
// statement in one (see GetClassifiedWithNeighbours), by whether the
// total is counted, then by direction.
var classifiedNeighbourStatements = func() map[bool]map[intel.Direction]string {
	const tail = `
WITH a AS n, total, items
` + returnClassified + `, total, items`
	out := map[bool]map[intel.Direction]string{true: {}, false: {}}
	for d, pattern := range neighbourPatterns {
		out[true][d] = fmt.Sprintf(neighboursHead+neighboursTotal+neighboursItems, pattern) + tail
		out[false][d] = fmt.Sprintf(neighboursHead+neighboursItems+"\nWITH a, 0 AS total, items", pattern) + tail
	}
	return out
}()

// GetClassifiedWithNeighbours reads entities, their fact classes and a
// page of each one's links in one statement.
func (s *Store) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	if len(ids) == 0 {
		return map[string]intel.ClassifiedEntity{}, map[string]intel.NeighbourPage{}, nil
	}
	q.ID = ids[0] // Normalize wants an id; each page uses its own.
	if err := q.Normalize(); err != nil {
		return nil, nil, err
	}
	type both struct {
		found map[string]intel.ClassifiedEntity
		pages map[string]intel.NeighbourPage
	}
	got, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (both, error) {
		res, err := tx.Run(ctx, classifiedNeighbourStatements[!q.SkipTotal][q.Direction], neighbourParams(ids, q))
		if err != nil {
			return both{}, err
		}
		out := both{found: make(map[string]intel.ClassifiedEntity, len(ids)), pages: make(map[string]intel.NeighbourPage, len(ids))}
		for res.Next(ctx) {
			rec := res.Record()
			n, _ := rec.Get("n")
			e, err := entityFrom(n)
			if err != nil {
				return both{}, err
			}
			stored, _ := rec.Get("classes")
			classes, err := factClassesFrom(stored)
			if err != nil {
				return both{}, err
			}
			page, err := pageFrom(rec, e.ID, q.First)
			if err != nil {
				return both{}, err
			}
			out.found[e.ID] = intel.ClassifiedEntity{Entity: e, Classes: classes}
			out.pages[e.ID] = page
		}
		return out, res.Err()
	})
	return got.found, got.pages, err
}

// summaries groups each entity's links that are not retracted by class
// (type, country, marking, agency: see intel.SummaryGroup);
// intel.SummaryBuilder folds them.
const summaries = `
UNWIND $ids AS id
MATCH (a:Entity {id: id}) USING INDEX a:Entity(id)
OPTIONAL MATCH (a)-[r]-() WHERE r.retractedAt IS NULL
WITH a, type(r) AS type, r.country AS country, r.visibility AS visibility, r.agency AS agency, count(r) AS n,
     min(CASE WHEN r.tStart > $unknown THEN r.tStart END) AS first,
     max(CASE WHEN r.tStart > $unknown THEN r.tStart END) AS last,
     collect(DISTINCT r.evidenceRef) AS refs,
     collect(DISTINCT CASE WHEN type(r) = 'REPORTED_IN' THEN endNode(r).id END) AS cases
RETURN a.id AS id, collect({type: type, country: country, visibility: visibility, agency: agency,
                            n: n, first: first, last: last, refs: refs, cases: cases}) AS groups`

// Summaries reads every entity's summary in one statement.
func (s *Store) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.Summary, error) {
		out := make(map[string]intel.Summary, len(ids))
		if len(ids) == 0 {
			return out, nil
		}
		res, err := tx.Run(ctx, summaries, map[string]any{
			"ids": ids, "unknown": int64(math.MinInt64),
		})
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			id, _ := rec.Get("id")
			groups, _ := rec.Get("groups")
			b := intel.NewSummaryBuilder()
			for _, g := range groups.([]any) {
				m := g.(map[string]any)
				n, _ := m["n"].(int64)
				if n == 0 {
					continue
				}
				first, ok := m["first"].(int64)
				if !ok {
					first = math.MinInt64
				}
				last, ok := m["last"].(int64)
				if !ok {
					last = math.MinInt64
				}
				b.AddGroup(intel.SummaryGroup{Type: intel.LinkType(str(m["type"])), Country: intel.Region(str(m["country"])),
					Visibility: intel.Visibility(str(m["visibility"])), Agency: str(m["agency"]),
					Count: int(n), First: first, Last: last, EvidenceRefs: strList(m["refs"]), Cases: strList(m["cases"])})
			}
			out[str(id)] = b.Summary()
		}
		return out, res.Err()
	})
}

// getClassified reads entities with the distinct classes of their links
// that are not retracted: kept on the node (see factclass.go), so a hub
// costs what a number with two links costs, and worked out from the links
// only for a node written before the list existed. The entity comes in the
// same statement, so a lookup is one round trip.
const getClassified = `
UNWIND $ids AS id
MATCH (n:Entity {id: id}) USING INDEX n:Entity(id)
` + returnClassified

// returnClassified returns entity node n and its classes.
const returnClassified = `RETURN n {.*, factClasses: null} AS n, CASE WHEN n.factClasses IS NULL THEN ` + classesOfN + ` ELSE n.factClasses END AS classes`

// GetClassified reads entities and their fact classes in one statement.
func (s *Store) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	if len(ids) == 0 {
		return map[string]intel.ClassifiedEntity{}, nil
	}
	return readStatement(ctx, s, getClassified, map[string]any{"ids": ids}, func(res neo4j.ResultWithContext) (map[string]intel.ClassifiedEntity, error) {
		out := make(map[string]intel.ClassifiedEntity, len(ids))
		for res.Next(ctx) {
			rec := res.Record()
			n, _ := rec.Get("n")
			e, err := entityFrom(n)
			if err != nil {
				return nil, err
			}
			stored, _ := rec.Get("classes")
			classes, err := factClassesFrom(stored)
			if err != nil {
				return nil, err
			}
			out[e.ID] = intel.ClassifiedEntity{Entity: e, Classes: classes}
		}
		return out, res.Err()
	})
}
