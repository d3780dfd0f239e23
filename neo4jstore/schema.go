package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// Entity ids are unique, which also gives MERGE the index and the lock it
// needs so that concurrent writers to one key end in one node.
const (
	createEntityIDConstraint = `CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE`
	createEntityKindIndex    = `CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)`
)

// linkIDConstraint makes one link type's ids unique; relationship types
// cannot be parameters, so there is one statement per registered type.
func linkIDConstraint(t intel.LinkType) string {
	return fmt.Sprintf("CREATE CONSTRAINT link_%s_id IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE",
		strings.ToLower(string(t)), t)
}

// The access registry's schema (see AccessRecords). The composite
// uniqueness constraint gives MERGE the lock that makes concurrent creators
// of one document end in one node, and the one on seq makes a duplicate
// sequence number impossible even if the counter were tampered with.
var accessRecordsSchema = []string{
	`CREATE CONSTRAINT access_doc_key IF NOT EXISTS FOR (d:AccessDoc) REQUIRE (d.collection, d.id) IS UNIQUE`,
	`CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE`,
	`CREATE CONSTRAINT access_counter_name IF NOT EXISTS FOR (c:AccessCounter) REQUIRE c.name IS UNIQUE`,
	`CREATE INDEX access_doc_collection IF NOT EXISTS FOR (d:AccessDoc) ON (d.collection)`,
	`CREATE INDEX audit_entry_at IF NOT EXISTS FOR (e:AuditEntry) ON (e.at)`,
	`CREATE INDEX audit_entry_agency IF NOT EXISTS FOR (e:AuditEntry) ON (e.agency)`,
	`CREATE INDEX audit_entry_token IF NOT EXISTS FOR (e:AuditEntry) ON (e.token)`,
}

// applySchema creates constraints and indexes; IF NOT EXISTS makes it safe
// to run at every start-up, from every replica.
func (s *Store) applySchema(ctx context.Context) error {
	stmts := []string{createEntityIDConstraint, createEntityKindIndex}
	for _, spec := range intel.LinkSpecs {
		stmts = append(stmts, linkIDConstraint(spec.Type))
	}
	stmts = append(stmts, siteIndexes...)
	stmts = append(stmts, accessRecordsSchema...)
	for _, stmt := range stmts {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db)); err != nil {
			return fmt.Errorf("neo4jstore: schema %q: %w", stmt, err)
		}
	}
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `CALL db.awaitIndexes(60)`, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		return fmt.Errorf("neo4jstore: await indexes: %w", err)
	}
	return nil
}

// instanceID reads, creating on first use, the random id of this graph.
const instanceID = `
MERGE (m:ScamGraphInstance {singleton: true})
  ON CREATE SET m.id = randomUUID()
RETURN m.id AS id`

// InstanceID is a random id stored in the graph when it was first used (and
// made anew after DeleteAll). A cache keys its entries with it, so that a
// different or wiped database never sees entries cached for another.
func (s *Store) InstanceID(ctx context.Context) (string, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		res, err := tx.Run(ctx, instanceID, nil)
		if err != nil {
			return "", err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return "", err
		}
		id, _ := rec.Get("id")
		return str(id), nil
	})
}

// deleteAll removes the graph's nodes and relationships in batches, each its
// own transaction, so that wiping a large graph never needs one huge
// transaction. Only the graph's own labels are touched: the access
// registry kept in the same database (agencies, keys, agreements and the
// append-only audit log) is not the graph's to wipe.
const deleteAll = `MATCH (n) WHERE n:Entity OR n:ScamGraphInstance
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`

// DeleteAll wipes the graph. Tests use it between checks, and the seed
// command before loading a fresh demo world; neither may erase the audit log.
// CALL … IN TRANSACTIONS needs an auto-commit statement, not a managed
// transaction, so it is retried here like transact retries one (deleting
// is idempotent).
func (s *Store) DeleteAll(ctx context.Context) error {
	return intel.Retry(ctx, s.retryFor, func() error {
		sess := s.session(ctx, neo4j.AccessModeWrite)
		defer sess.Close(ctx)
		res, err := sess.Run(ctx, deleteAll, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return classify(ctx, fmt.Errorf("delete all: %w", err), s.answers)
		}
		return nil
	}, s.onRetry)
}

const countAll = `
CALL { MATCH (n:Entity) RETURN count(n) AS entities }
CALL { MATCH ()-[r]->() RETURN count(r) AS links }
RETURN entities, links`

const countLinksOfType = `MATCH ()-[r]->() WHERE type(r) = $type RETURN count(r) AS n`

// Counts returns how many entities and links are stored, and how many
// links of the given type (0 when typ is ""); tests and the import command
// use it to check that every record landed exactly once.
func (s *Store) Counts(ctx context.Context, typ intel.LinkType) (entities, links, ofType int, err error) {
	type counts struct{ e, l, t int }
	c, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (counts, error) {
		var c counts
		res, err := tx.Run(ctx, countAll, nil)
		if err != nil {
			return c, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return c, err
		}
		e, _ := rec.Get("entities")
		l, _ := rec.Get("links")
		c.e, c.l = int(e.(int64)), int(l.(int64))
		if typ == "" {
			return c, nil
		}
		res, err = tx.Run(ctx, countLinksOfType, map[string]any{"type": string(typ)})
		if err != nil {
			return c, err
		}
		rec, err = res.Single(ctx)
		if err != nil {
			return c, err
		}
		n, _ := rec.Get("n")
		c.t = int(n.(int64))
		return c, nil
	})
	return c.e, c.l, c.t, err
}
