package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// mergeEntityClause merges one entity row the way intel.MergeEntity does:
// a new node gets the whole state of a first sighting (label defaulting to
// the key, firstIngested now); an existing one has its label replaced when
// one is given, attributes replaced key by key and raw forms and markers
// accumulated as sets. Rows carry raw forms and markers as sorted sets
// already, so both branches read the same few fields and no field is sent
// twice. It is spliced into the statements below, never built from input.
const mergeEntityClause = `
MERGE (n:Entity {id: row.id})
  ON CREATE SET n = row.attrs, n.id = row.id, n.kind = row.kind, n.key = row.key,
                n.label = CASE row.label WHEN '' THEN row.key ELSE row.label END,
                n.rawForms = row.rawForms, n.markers = row.markers, n.firstIngested = $now,
                n.factClasses = []
  ON MATCH SET n.label = CASE row.label WHEN '' THEN n.label ELSE row.label END,
               n.rawForms = row.rawForms + [x IN n.rawForms WHERE NOT x IN row.rawForms],
               n.markers = row.markers + [x IN n.markers WHERE NOT x IN row.markers],
               n += row.attrs`

// upsertEntities merges a batch's entities when none of its links joins
// two of them (see upsertEntitiesAndLinksTemplate for when some do).
const upsertEntities = `
UNWIND $entities AS row` + mergeEntityClause

// mergeLinkClause merges one link by id between the bound nodes a and b:
// the id's uniqueness constraint gives MERGE a locking index seek, so a
// link is found in constant time however many links its ends have, and a
// retried or concurrent batch finds the link instead of adding a second.
// A new link gets its properties and ingestedAt; a stored one is replaced
// but keeps its first ingestedAt and its retraction (the map is built
// before it is assigned; a null value sets nothing). A new link has no
// agency until it is assigned, which is how before (its class as it was
// stored, null for a new or retracted link) tells the two apart.
//
// Then the ends' fact classes (see factclass.go): a link that is not
// retracted adds its class where it is missing, which MERGE's locks on
// both ends make safe; a link whose class changed may have left the old
// one without a link, so both ends are worked out again (rare: a record
// re-sent with another marking or agency). A node without the list yet is
// left to be worked out when read.
// %s is the relationship type, taken from the intel.LinkSpecs registry,
// never from input.
const mergeLinkClause = `
MERGE (a)-[r:%s {id: props.id}]->(b)
  ON CREATE SET r.ingestedAt = $now
WITH a, b, r, props,
     CASE WHEN r.agency IS NOT NULL AND r.retractedAt IS NULL THEN ` + classOfR + ` END AS before
SET r = props{.*, ingestedAt: r.ingestedAt, retractedAt: r.retractedAt,
              retractedBy: r.retractedBy, retractReason: r.retractReason}
WITH a, b, before, CASE WHEN r.retractedAt IS NULL THEN ` + classOfR + ` END AS after
FOREACH (n IN CASE WHEN after IS NULL THEN [] ELSE [x IN [a, b] WHERE NOT after IN coalesce(x.factClasses, [after])] END |
  SET n.factClasses = CASE WHEN after IN n.factClasses THEN n.factClasses ELSE n.factClasses + after END)
WITH a, b, before IS NOT NULL AND before <> coalesce(after, '') AS changed` + recomputeClassesClause

// upsertEntitiesAndLinksTemplate merges a batch's entities and then the
// links of one type that join two of them, in one statement: the merged
// nodes are collected in row order, and each link names its ends by their
// position in $entities, so it reaches them without a second index lookup.
// This is what most of an import's batches are (two numbers and a call).
const upsertEntitiesAndLinksTemplate = `
UNWIND range(0, size($entities) - 1) AS i
WITH i, $entities[i] AS row` + mergeEntityClause + `
WITH i, n ORDER BY i
WITH collect(n) AS nodes
UNWIND $links AS link
WITH nodes[link.a] AS a, nodes[link.b] AS b, link.props AS props` + mergeLinkClause

// upsertLinksBetweenTemplate merges links of a further type between
// entities of the same batch, which the statement before has merged: they
// are found by index rather than merged again.
const upsertLinksBetweenTemplate = `
UNWIND $links AS link
MATCH (a:Entity {id: link.from}) USING INDEX a:Entity(id)
MATCH (b:Entity {id: link.to}) USING INDEX b:Entity(id)
WITH a, b, link.props AS props` + mergeLinkClause

// upsertLinksTemplate merges links whose ends are not in the batch,
// creating missing ends as stubs (like intel.StubEntity).
const upsertLinksTemplate = `
UNWIND $links AS link
MERGE (a:Entity {id: link.from})
  ON CREATE SET a.kind = link.fromKind, a.key = link.fromKey, a.label = link.fromKey,
                a.firstIngested = $now, a.rawForms = [], a.markers = [], a.factClasses = []
MERGE (b:Entity {id: link.to})
  ON CREATE SET b.kind = link.toKind, b.key = link.toKey, b.label = link.toKey,
                b.firstIngested = $now, b.rawForms = [], b.markers = [], b.factClasses = []
WITH a, b, link.props AS props` + mergeLinkClause

// linkStatements holds one link type's statements.
type linkStatements struct{ withEntities, between, withStubs string }

var linkStatementsByType = func() map[intel.LinkType]linkStatements {
	m := map[intel.LinkType]linkStatements{}
	for _, spec := range intel.LinkSpecs {
		m[spec.Type] = linkStatements{
			withEntities: fmt.Sprintf(upsertEntitiesAndLinksTemplate, spec.Type),
			between:      fmt.Sprintf(upsertLinksBetweenTemplate, spec.Type),
			withStubs:    fmt.Sprintf(upsertLinksTemplate, spec.Type),
		}
	}
	return m
}()

// step is one statement of an upsert with its rows.
type step struct {
	stmt     string
	entities []map[string]any
	links    []map[string]any
}

// Upsert writes the batch in one managed transaction: one statement for
// the entities together with the first link type's links between them,
// then, per further type, one for its links between the batch's entities,
// and per type one for links with an end outside the batch. A batch of
// calls is one statement. Rows are sorted by id so that concurrent batches
// take locks in the same order and rarely deadlock (the driver retries
// when they do).
func (s *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	b = b.Clone()
	if err := b.Validate(); err != nil {
		return intel.UpsertResult{}, err
	}
	steps := upsertSteps(b)
	now := s.now().UnixMilli()
	for attempt := 1; ; attempt++ {
		res, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (intel.UpsertResult, error) {
			var res intel.UpsertResult
			for _, st := range steps {
				params := map[string]any{"now": now, "entities": st.entities, "links": st.links}
				r, err := tx.Run(ctx, st.stmt, params)
				if err != nil {
					return res, err
				}
				sum, err := r.Consume(ctx)
				if err != nil {
					return res, err
				}
				res.EntitiesCreated += sum.Counters().NodesCreated()
				res.LinksCreated += sum.Counters().RelationshipsCreated()
			}
			return res, nil
		})
		// Node and link merges lock what they find, so concurrent batches
		// wait for each other rather than fail; should a constraint still
		// report a race, the batch runs again and finds what the other wrote.
		if err == nil || attempt == 3 || !isConstraintRace(err) {
			return res, err
		}
	}
}

// upsertSteps plans a validated batch's statements: first the entities,
// with the links of the first type that has any between them, then the
// other types' links between them, then links with ends outside the batch,
// so that those find the batch's entities already merged. Rows are built
// once, before the transaction, so that a retried transaction costs no
// more Go work than the first.
func upsertSteps(b intel.Batch) []step {
	entities := make([]map[string]any, len(b.Entities))
	position := make(map[string]int, len(b.Entities))
	for i, k := range sortedByID(b.Entities, func(e *intel.Entity) string { return e.ID }) {
		e := &b.Entities[k]
		entities[i] = entityRow(*e)
		position[e.ID] = i
	}
	byType := map[intel.LinkType][]*intel.Link{}
	for _, k := range sortedByID(b.Links, func(l *intel.Link) string { return l.ID }) {
		l := &b.Links[k]
		byType[l.Type] = append(byType[l.Type], l)
	}
	lead := step{stmt: upsertEntities, entities: entities}
	var between, withStubs []step
	for _, spec := range intel.LinkSpecs {
		stmts := linkStatementsByType[spec.Type]
		leads := len(entities) > 0 && lead.links == nil
		var inBatch, outside []map[string]any
		for _, l := range byType[spec.Type] {
			from, fromIn := position[l.From]
			to, toIn := position[l.To]
			switch {
			case fromIn && toIn && leads:
				inBatch = append(inBatch, map[string]any{"a": from, "b": to, "props": linkProps(*l)})
			case fromIn && toIn:
				inBatch = append(inBatch, map[string]any{"from": l.From, "to": l.To, "props": linkProps(*l)})
			default:
				outside = append(outside, linkStubRow(*l))
			}
		}
		switch {
		case len(inBatch) > 0 && leads:
			lead = step{stmt: stmts.withEntities, entities: entities, links: inBatch}
		case len(inBatch) > 0:
			between = append(between, step{stmt: stmts.between, links: inBatch})
		}
		if len(outside) > 0 {
			withStubs = append(withStubs, step{stmt: stmts.withStubs, links: outside})
		}
	}
	var steps []step
	if len(entities) > 0 {
		steps = append(steps, lead)
	}
	return append(append(steps, between...), withStubs...)
}

// sortedByID returns the indexes of items in the order of their ids, equal
// ids in input order, so that a later item with the same id is written
// after an earlier one. Sorting indexes is much cheaper than moving the
// items, which are large structs.
func sortedByID[T any](items []T, id func(*T) string) []int {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(id(&items[a]), id(&items[b])) })
	return order
}

// isConstraintRace reports a uniqueness constraint failing because a
// concurrent transaction created the same node or link first.
func isConstraintRace(err error) bool {
	var nerr *neo4j.Neo4jError
	return errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}
