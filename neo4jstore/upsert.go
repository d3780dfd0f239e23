package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// upsertEntities merges entities the way intel.MergeEntity does: label
// replaced when given, attributes replaced key by key, raw forms and
// markers accumulated as sets, firstIngested set once.
// A new node gets its whole state in one map assignment (row.created, what
// intel.MergeEntity makes of a first sighting), which is much cheaper than
// the merge expressions an existing node needs.
const upsertEntities = `
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
  ON CREATE SET n = row.created
  ON MATCH SET n.label = CASE WHEN row.label = '' THEN n.label ELSE row.label END,
               n.rawForms = row.rawForms + [x IN n.rawForms WHERE NOT x IN row.rawForms],
               n.markers = row.markers + [x IN n.markers WHERE NOT x IN row.markers],
               n += row.attrs`

// upsertLinksTemplate merges one link type's links, creating missing ends as
// stubs (like intel.StubEntity) and keeping the first ingestedAt. %s is the
// relationship type, taken from the intel.LinkSpecs registry, never from input.
const upsertLinksTemplate = `
UNWIND $rows AS row
MERGE (a:Entity {id: row.from})
  ON CREATE SET a.kind = row.fromKind, a.key = row.fromKey, a.label = row.fromKey,
                a.firstIngested = $now, a.rawForms = [], a.markers = []
MERGE (b:Entity {id: row.to})
  ON CREATE SET b.kind = row.toKind, b.key = row.toKey, b.label = row.toKey,
                b.firstIngested = $now, b.rawForms = [], b.markers = []
MERGE (a)-[r:%s {id: row.id}]->(b)
  ON CREATE SET r.ingestedAt = $now
WITH r, row, r.ingestedAt AS ingestedAt
SET r = row.props
SET r.ingestedAt = ingestedAt`

// upsertLinksBetweenTemplate is upsertLinksTemplate for links whose ends
// the same transaction has just upserted: it finds them by index instead of
// merging them again, which halves the work of a typical ingest batch.
const upsertLinksBetweenTemplate = `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}) USING INDEX a:Entity(id)
MATCH (b:Entity {id: row.to}) USING INDEX b:Entity(id)
MERGE (a)-[r:%s {id: row.id}]->(b)
  ON CREATE SET r.ingestedAt = $now
WITH r, row, r.ingestedAt AS ingestedAt
SET r = row.props
SET r.ingestedAt = ingestedAt`

// existingLinksTemplate lists which of a type's link ids are stored.
const existingLinksTemplate = `
UNWIND $ids AS id
MATCH ()-[r:%[1]s {id: id}]->() USING INDEX r:%[1]s(id)
RETURN r.id AS id`

// createLinksBetweenTemplate creates links known to be new between entities
// of the same batch: no MERGE, one property map. Should another transaction
// create one of them first, the id constraint fails this one, and Upsert
// runs again, finding the link stored.
const createLinksBetweenTemplate = `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}) USING INDEX a:Entity(id)
MATCH (b:Entity {id: row.to}) USING INDEX b:Entity(id)
CREATE (a)-[r:%s]->(b)
SET r = row.props, r.ingestedAt = $now`

// linkStatements holds each link type's statements.
type linkStatements struct{ merge, mergeBetween, existing, createBetween string }

var linkStatementsByType = func() map[intel.LinkType]linkStatements {
	m := map[intel.LinkType]linkStatements{}
	for _, spec := range intel.LinkSpecs {
		m[spec.Type] = linkStatements{
			merge:         fmt.Sprintf(upsertLinksTemplate, spec.Type),
			mergeBetween:  fmt.Sprintf(upsertLinksBetweenTemplate, spec.Type),
			existing:      fmt.Sprintf(existingLinksTemplate, spec.Type),
			createBetween: fmt.Sprintf(createLinksBetweenTemplate, spec.Type),
		}
	}
	return m
}()

// Upsert writes the batch in one managed transaction: entities with one
// UNWIND statement, then each link type's links: the new ones between
// entities of this batch created outright, the others merged. Rows are
// sorted by id so that concurrent batches take locks in the same order and
// rarely deadlock (the driver retries when they do).
func (s *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	b = b.Clone()
	if err := b.Validate(); err != nil {
		return intel.UpsertResult{}, err
	}
	now := s.now()
	nowMS := now.UnixMilli()
	var entityRows []map[string]any
	sort.SliceStable(b.Entities, func(i, j int) bool { return b.Entities[i].ID < b.Entities[j].ID })
	inBatch := make(map[string]bool, len(b.Entities))
	for _, e := range b.Entities {
		entityRows = append(entityRows, entityRow(e, now))
		inBatch[e.ID] = true
	}
	sort.SliceStable(b.Links, func(i, j int) bool { return b.Links[i].ID < b.Links[j].ID })
	byType := map[intel.LinkType][]intel.Link{}
	for _, l := range b.Links {
		byType[l.Type] = append(byType[l.Type], l)
	}
	for attempt := 1; ; attempt++ {
		res, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (intel.UpsertResult, error) {
			var res intel.UpsertResult
			run := func(stmt string, rows []map[string]any) error {
				if len(rows) == 0 {
					return nil
				}
				r, err := tx.Run(ctx, stmt, map[string]any{"rows": rows, "now": nowMS})
				if err != nil {
					return err
				}
				sum, err := r.Consume(ctx)
				if err != nil {
					return err
				}
				res.EntitiesCreated += sum.Counters().NodesCreated()
				res.LinksCreated += sum.Counters().RelationshipsCreated()
				return nil
			}
			if err := run(upsertEntities, entityRows); err != nil {
				return res, err
			}
			for _, spec := range intel.LinkSpecs {
				links := byType[spec.Type]
				if len(links) == 0 {
					continue
				}
				stmts := linkStatementsByType[spec.Type]
				stored, err := existingLinkIDs(ctx, tx, stmts.existing, links)
				if err != nil {
					return res, err
				}
				var merge, mergeBetween, createBetween []map[string]any
				created := map[string]bool{}
				for _, l := range links {
					row := linkRow(l)
					switch between := inBatch[l.From] && inBatch[l.To]; {
					case between && !stored[l.ID] && !created[l.ID]:
						createBetween = append(createBetween, row)
						created[l.ID] = true
					case between:
						mergeBetween = append(mergeBetween, row)
					default:
						merge = append(merge, row)
					}
				}
				for _, step := range []struct {
					stmt string
					rows []map[string]any
				}{{stmts.createBetween, createBetween}, {stmts.mergeBetween, mergeBetween}, {stmts.merge, merge}} {
					if err := run(step.stmt, step.rows); err != nil {
						return res, err
					}
				}
			}
			return res, nil
		})
		if err == nil || attempt == 3 || !isConstraintRace(err) {
			return res, err
		}
	}
}

// existingLinkIDs reads which of the links are already stored.
func existingLinkIDs(ctx context.Context, tx neo4j.ManagedTransaction, stmt string, links []intel.Link) (map[string]bool, error) {
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.ID
	}
	r, err := tx.Run(ctx, stmt, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for r.Next(ctx) {
		id, _ := r.Record().Get("id")
		out[str(id)] = true
	}
	return out, r.Err()
}

// isConstraintRace reports the id constraint failing because a concurrent
// transaction created the same link between our check and our create.
func isConstraintRace(err error) bool {
	var nerr *neo4j.Neo4jError
	return errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}
