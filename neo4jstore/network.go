package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// expandStart finds the stored seeds ($seeds: distinct, in id order) and
// sets up the first level: the frontier is the seeds the node cap admits,
// and a seed beyond the cap truncates the expansion before it starts.
const expandStart = `
UNWIND $seeds AS sid
MATCH (s:Entity {id: sid}) USING INDEX s:Entity(id)
WITH s ORDER BY s.id
WITH collect(s) AS found
WITH found, found[..$maxNodes] AS frontier
WITH found, frontier, [] AS done, found AS reached, [] AS levels, 0 AS nLinks,
     size(frontier) AS nNodes, size(found) > $maxNodes AS stop
`

// expandLevel is one level of the expansion, the statement of
// linksAround run inside the expansion's own statement: the candidate
// links of the level in id order, at most the link cap's remainder plus
// one, and the entities they reach for the first time. The level after
// which the expansion stops (a cap hit, or nothing new reached) ends the
// work: later levels run over an empty frontier. intel.ExpandLevels then
// keeps exactly what ExpandNetwork would of each level.
//
// Membership tests are on node lists (identity, not a property read). A
// LIMIT may not read a variable, so the level is cut to the largest
// possible remainder by LIMIT and to the actual one by a slice.
const expandLevel = `
CALL (frontier, done, nLinks, stop) {
  UNWIND CASE WHEN stop THEN [] ELSE frontier END AS a
  MATCH (a)-[r]-(b:Entity)
  WHERE NOT b IN done
    AND (size($types) = 0 OR type(r) IN $types)
    AND r.tStart < $until AND r.tEnd >= $since
    AND (size($kinds) = 0 OR b.kind IN $kinds OR b IN frontier)
    AND ` + accessPredicate + `
  WITH DISTINCT r
  ORDER BY r.id
  LIMIT $maxLinks + 1
  WITH collect(r) AS level
  RETURN level[..($maxLinks - nLinks + 1)] AS level
}
CALL (level, frontier) {
  UNWIND level AS r
  UNWIND [startNode(r), endNode(r)] AS n
  WITH DISTINCT n
  WHERE NOT n IN frontier
  RETURN collect(n) AS fresh
}
WITH found, done + frontier AS done, fresh AS frontier, reached + fresh AS reached, levels + [level] AS levels,
     nLinks + size(level) AS nLinks, nNodes + size(fresh) AS nNodes,
     stop OR nLinks + size(level) > $maxLinks OR nNodes + size(fresh) > $maxNodes OR size(fresh) = 0 AS stop
`

// expandEnd hands back every level's links and every entity reached, the
// stored seeds first, in one record.
const expandEnd = `
RETURN [n IN reached | n {.*, factClasses: null}] AS nodes,
       [level IN levels | [r IN level | {link: properties(r), type: type(r), from: startNode(r).id, to: endNode(r).id}]] AS levels`

// expandBareEnd is expandEnd for a bare expansion (intel.ExpandQuery.Bare):
// the entities' identity, label and home and the links' identity, ends
// and country only, not the attributes, personal data and provenance that
// most of their weight is.
const expandBareEnd = `
RETURN [n IN reached | n {.id, .kind, .key, .label, .` + attrPrefix + intel.AttrDocumentCountry + `}] AS nodes,
       [level IN levels | [r IN level | {link: r {.id, .country}, type: type(r), from: startNode(r).id, to: endNode(r).id}]] AS levels`

// expandByDepth and expandBareByDepth hold one statement per allowed
// depth: Cypher has no loop over a parameter, so the levels are written
// out, from constants, at start-up.
var expandByDepth, expandBareByDepth = expandStatements(expandEnd), expandStatements(expandBareEnd)

func expandStatements(end string) map[int]string {
	m := map[int]string{}
	for d := 1; d <= intel.MaxExpandDepth; d++ {
		m[d] = expandStart + strings.Repeat(expandLevel, d) + end
	}
	return m
}

// Expand works out the whole network in one statement, so that a network
// costs one round trip however deep it goes, and applies the shared rule
// to the levels (intel.ExpandLevels), so that the answer is ExpandNetwork's.
//
// The one statement holds every level's candidates in the transaction's
// memory at once; around a hub (a SIM box's line, thousands of calls two
// links out) that can pass the server's transaction memory limit. Then the
// level-by-level expansion answers instead, whose levels are each cut by
// their LIMIT before the next is read: one round trip per level, but an
// answer rather than an error, and the same answer.
func (s *Store) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return intel.Subgraph{}, err
	}
	g, err := s.expandInOne(ctx, q)
	if errors.Is(err, errTooBigForOne) {
		return s.expandByLevels(ctx, q)
	}
	return g, err
}

// errTooBigForOne is the one-statement expansion's report that it ran out
// of the transaction's memory. It is not a Neo4j error, so that neither
// the driver nor the store's retry tries the same statement again.
var errTooBigForOne = errors.New("neo4jstore: the expansion needs more memory than one transaction may use")

// outOfTransactionMemory says whether err is Neo4j refusing an allocation
// past db.memory.transaction.max or .total.max. Neo4j calls it transient,
// since other transactions may free memory, but the same statement over
// the same neighbourhood would need as much again.
func outOfTransactionMemory(err error) bool {
	var dbErr *neo4j.Neo4jError
	return errors.As(err, &dbErr) && strings.HasSuffix(dbErr.Code, ".MemoryPoolOutOfMemoryError")
}

func (s *Store) expandInOne(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	params := expandParams(q)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.Subgraph, error) {
		stmt := expandByDepth[q.Depth]
		if q.Bare {
			stmt = expandBareByDepth[q.Depth]
		}
		res, err := tx.Run(ctx, stmt, params)
		if outOfTransactionMemory(err) {
			return intel.Subgraph{}, errTooBigForOne
		}
		if err != nil {
			return intel.Subgraph{}, err
		}
		rec, err := res.Single(ctx)
		if outOfTransactionMemory(err) {
			return intel.Subgraph{}, errTooBigForOne
		}
		if err != nil {
			return intel.Subgraph{}, err
		}
		found, levels, err := expansionFrom(rec)
		if err != nil {
			return intel.Subgraph{}, err
		}
		return intel.ExpandLevels(q, found, levels)
	})
}

// expandParams are the parameters of the expansion statement for a
// normalised query.
func expandParams(q intel.ExpandQuery) map[string]any {
	since, until := q.Window.Bounds()
	params := map[string]any{
		"seeds": slices.Compact(slices.Sorted(slices.Values(q.Seeds))), "types": intel.LinkTypeStrings(q.LinkTypes),
		"kinds": intel.KindStrings(q.Kinds), "since": since, "until": until, "maxNodes": q.MaxNodes, "maxLinks": q.MaxLinks,
	}
	addAccessParams(params, q.Access)
	return params
}

// expansionFrom reads the expansion statement's record.
func expansionFrom(rec *neo4j.Record) (map[string]intel.Entity, [][]intel.Link, error) {
	nodes, _ := rec.Get("nodes")
	rawLevels, _ := rec.Get("levels")
	ns, _ := nodes.([]any)
	found := make(map[string]intel.Entity, len(ns))
	for _, n := range ns {
		e, err := entityFrom(n)
		if err != nil {
			return nil, nil, err
		}
		found[e.ID] = e
	}
	ls, _ := rawLevels.([]any)
	levels := make([][]intel.Link, len(ls))
	for i, lv := range ls {
		rows, _ := lv.([]any)
		levels[i] = make([]intel.Link, 0, len(rows))
		for _, row := range rows {
			m, ok := row.(map[string]any)
			if !ok {
				return nil, nil, fmt.Errorf("neo4jstore: expansion link row is %T", row)
			}
			l, err := linkFromRecord(func(k string) (any, bool) { v, ok := m[k]; return v, ok })
			if err != nil {
				return nil, nil, err
			}
			levels[i] = append(levels[i], l)
		}
	}
	return found, levels, nil
}

// warmPlans has Neo4j plan the expansion statements once, in the
// background, as the store opens. A statement of several subqueries takes
// Neo4j long to plan (seconds on a busy machine), and every request that
// arrives before its plan is cached plans it again, so without this the
// first burst of networks after a start would each pay for it. The seed is
// never stored: each statement is planned in full and runs in no time. It
// runs outside the store's transactions, so it is never retried nor
// counted as a retry; an error (a store closed meanwhile, Neo4j not ready)
// only means the plan is made by the first request instead.
func (s *Store) warmPlans() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	reader := &intel.Access{Agency: "TH-WARMUP", Country: intel.RegionTH, Shared: []intel.Category{intel.CategoryCallRecords}}
	for d := 1; d <= intel.MaxExpandDepth; d++ {
		q := intel.ExpandQuery{Seeds: []string{intel.EntityID(intel.KindPhoneNumber, "+0")}, Depth: d, Access: reader}
		if q.Normalize() != nil {
			return
		}
		for _, stmt := range []string{expandByDepth[d], expandBareByDepth[d]} {
			res, err := sess.Run(ctx, stmt, expandParams(q))
			if err != nil {
				return
			}
			if _, err := res.Consume(ctx); err != nil {
				return
			}
		}
	}
}

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

// expandByLevels runs the level-by-level expansion of a normalised query
// in one read transaction: intel.ExpandNetwork asking linksAround once per
// level, each level cut by its LIMIT before the next is read.
func (s *Store) expandByLevels(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (intel.Subgraph, error) {
		return intel.ExpandNetwork(ctx, txSource{tx}, q)
	})
}
