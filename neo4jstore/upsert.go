package neo4jstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// upsertEntities merges entities the way intel.MergeEntity does: label
// replaced when given, attributes replaced key by key, raw forms and
// markers accumulated as sets, firstIngested set once.
const upsertEntities = `
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
  ON CREATE SET n.kind = row.kind, n.key = row.key, n.label = row.key,
                n.firstIngested = $now, n.rawForms = [], n.markers = []
SET n.label = CASE WHEN row.label = '' THEN n.label ELSE row.label END,
    n.rawForms = row.rawForms + [x IN n.rawForms WHERE NOT x IN row.rawForms],
    n.markers = row.markers + [x IN n.markers WHERE NOT x IN row.markers]
SET n += row.attrs`

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
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:%s {id: row.id}]->(b)
  ON CREATE SET r.ingestedAt = $now
WITH r, row, r.ingestedAt AS ingestedAt
SET r = row.props
SET r.ingestedAt = ingestedAt`

// upsertLinks and upsertLinksBetween hold the statements of each link type.
var upsertLinks, upsertLinksBetween = func() (map[intel.LinkType]string, map[intel.LinkType]string) {
	merge, match := map[intel.LinkType]string{}, map[intel.LinkType]string{}
	for _, spec := range intel.LinkSpecs {
		merge[spec.Type] = fmt.Sprintf(upsertLinksTemplate, spec.Type)
		match[spec.Type] = fmt.Sprintf(upsertLinksBetweenTemplate, spec.Type)
	}
	return merge, match
}()

// Upsert writes the batch in one managed transaction: entities with one
// UNWIND statement, then each link type with one. Rows are sorted by id so
// that concurrent batches take locks in the same order and rarely deadlock
// (the driver retries when they do).
func (s *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	b = b.Clone()
	if err := b.Validate(); err != nil {
		return intel.UpsertResult{}, err
	}
	now := s.now().UnixMilli()
	var entityRows []map[string]any
	sort.SliceStable(b.Entities, func(i, j int) bool { return b.Entities[i].ID < b.Entities[j].ID })
	for _, e := range b.Entities {
		entityRows = append(entityRows, entityRow(e))
	}
	inBatch := make(map[string]bool, len(b.Entities))
	for _, e := range b.Entities {
		inBatch[e.ID] = true
	}
	linkRows := map[intel.LinkType][]map[string]any{}    // ends may be missing
	betweenRows := map[intel.LinkType][]map[string]any{} // both ends in this batch
	sort.SliceStable(b.Links, func(i, j int) bool { return b.Links[i].ID < b.Links[j].ID })
	for _, l := range b.Links {
		if inBatch[l.From] && inBatch[l.To] {
			betweenRows[l.Type] = append(betweenRows[l.Type], linkRow(l))
		} else {
			linkRows[l.Type] = append(linkRows[l.Type], linkRow(l))
		}
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (intel.UpsertResult, error) {
		var res intel.UpsertResult
		run := func(stmt string, rows []map[string]any) error {
			if len(rows) == 0 {
				return nil
			}
			r, err := tx.Run(ctx, stmt, map[string]any{"rows": rows, "now": now})
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
			if err := run(upsertLinks[spec.Type], linkRows[spec.Type]); err != nil {
				return res, err
			}
			if err := run(upsertLinksBetween[spec.Type], betweenRows[spec.Type]); err != nil {
				return res, err
			}
		}
		return res, nil
	})
}
