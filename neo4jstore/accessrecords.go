package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
)

// AccessRecords keeps the registry in the production Neo4j, beside the
// graph but apart from it: documents are (:AccessDoc) nodes, audit entries
// (:AuditEntry) nodes and the audit sequence one (:AccessCounter) node.
// None of them is an :Entity, so no graph query ever meets them. Every
// method is one managed transaction, retried by the driver on transient
// failures; Cypher is static and parameterised and sits beside its method.
//
// Audit entries keep the fields queries filter on as properties (with
// times as Unix milliseconds, as the graph store keeps them) and the whole
// entry as JSON in doc, so that the entry read back is the entry written.
type AccessRecords struct {
	s *Store
}

var _ access.Records = (*AccessRecords)(nil)

// AccessRecords returns the registry's backend over this store: the same
// driver, database and transaction helpers, one of each per process. The
// registry's constraints and indexes are part of the store's schema.
func (s *Store) AccessRecords() *AccessRecords { return &AccessRecords{s: s} }

// Close does nothing: the driver belongs to the Store.
func (n *AccessRecords) Close() error { return nil }

// getDocs reads documents by id in one statement, in the order of ids.
const getDocs = `
UNWIND range(0, size($ids) - 1) AS i
MATCH (d:AccessDoc {collection: $collection, id: $ids[i]})
RETURN d.id AS id, d.version AS version, d.doc AS doc
ORDER BY i`

// Get reads the documents of collection with the given ids.
func (n *AccessRecords) Get(ctx context.Context, collection string, ids []string) ([]access.Doc, error) {
	if len(ids) == 0 {
		return []access.Doc{}, nil
	}
	return read(ctx, n.s, func(tx neo4j.ManagedTransaction) ([]access.Doc, error) {
		return collectDocs(ctx, tx, getDocs, map[string]any{"collection": collection, "ids": ids})
	})
}

const listDocsCypher = `
MATCH (d:AccessDoc {collection: $collection})
RETURN d.id AS id, d.version AS version, d.doc AS doc`

// List reads every document of collection, in id order.
func (n *AccessRecords) List(ctx context.Context, collection string) ([]access.Doc, error) {
	docs, err := read(ctx, n.s, func(tx neo4j.ManagedTransaction) ([]access.Doc, error) {
		return collectDocs(ctx, tx, listDocsCypher, map[string]any{"collection": collection})
	})
	if err != nil {
		return nil, err
	}
	// Sorted here, byte-wise, because Cypher orders strings by UTF-16 code
	// units, which differs from Go (and bbolt) outside the BMP.
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	return docs, nil
}

// gatherDocs answers several wants in one statement: per want, the
// documents with its ids (through the (collection, id) constraint's index)
// or all of its collection.
const gatherDocs = `
UNWIND range(0, size($wants) - 1) AS i
WITH i, $wants[i] AS w
CALL {
  WITH w
  OPTIONAL MATCH (d:AccessDoc {collection: w.collection})
  WHERE w.all OR d.id IN w.ids
  RETURN collect({id: d.id, version: d.version, doc: d.doc}) AS docs
}
RETURN i, docs
ORDER BY i`

// Gather answers every want in one round trip.
func (n *AccessRecords) Gather(ctx context.Context, wants []access.Want) ([][]access.Doc, error) {
	rows := make([]map[string]any, len(wants))
	for i, w := range wants {
		ids := w.IDs
		if ids == nil {
			ids = []string{}
		}
		rows[i] = map[string]any{"collection": w.Collection, "ids": ids, "all": w.All}
	}
	return read(ctx, n.s, func(tx neo4j.ManagedTransaction) ([][]access.Doc, error) {
		res, err := tx.Run(ctx, gatherDocs, map[string]any{"wants": rows})
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		out := make([][]access.Doc, len(wants))
		for _, rec := range recs {
			i, _, err := neo4j.GetRecordValue[int64](rec, "i")
			if err != nil {
				return nil, err
			}
			raw, _, err := neo4j.GetRecordValue[[]any](rec, "docs")
			if err != nil {
				return nil, err
			}
			docs := []access.Doc{}
			for _, r := range raw {
				m, _ := r.(map[string]any)
				id, _ := m["id"].(string)
				if id == "" {
					continue // the OPTIONAL MATCH found nothing
				}
				version, _ := m["version"].(int64)
				doc, _ := m["doc"].(string)
				docs = append(docs, access.Doc{ID: id, Version: version, Data: []byte(doc)})
			}
			if wants[i].All {
				sort.Slice(docs, func(a, b int) bool { return docs[a].ID < docs[b].ID })
			} else {
				docs = inOrder(docs, wants[i].IDs)
			}
			out[i] = docs
		}
		return out, nil
	})
}

// inOrder puts docs in the order of ids, as Get returns them.
func inOrder(docs []access.Doc, ids []string) []access.Doc {
	byID := make(map[string]access.Doc, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	out := make([]access.Doc, 0, len(docs))
	for _, id := range ids {
		if d, ok := byID[id]; ok {
			out = append(out, d)
			delete(byID, id)
		}
	}
	return out
}

func collectDocs(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]access.Doc, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]access.Doc, 0, len(recs))
	for _, rec := range recs {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, err
		}
		version, _, err := neo4j.GetRecordValue[int64](rec, "version")
		if err != nil {
			return nil, err
		}
		doc, _, err := neo4j.GetRecordValue[string](rec, "doc")
		if err != nil {
			return nil, err
		}
		out = append(out, access.Doc{ID: id, Version: version, Data: []byte(doc)})
	}
	return out, nil
}

// putDoc writes one document and returns its new version. Reading
// d.version on the right-hand side of SET makes Cypher take the node's
// write lock before the read, so concurrent writers cannot both see the
// same version; the caller compares the result with the version it read.
const putDoc = `
MERGE (d:AccessDoc {collection: $collection, id: $id})
  ON CREATE SET d.version = 0
SET d.version = d.version + 1, d.doc = $doc
RETURN d.version AS version`

// appendAudit allocates the next sequence number by incrementing the
// counter node (locked the same way) and creates the entry, in the
// caller's transaction, so a rolled-back commit leaves no gap.
const appendAudit = `
MERGE (c:AccessCounter {name: 'audit'})
  ON CREATE SET c.seq = 0
SET c.seq = c.seq + 1
WITH c.seq AS seq
CREATE (e:AuditEntry {seq: seq, at: $at, requestId: $requestId, agency: $agency, actorCountry: $actorCountry,
  keyId: $keyId, role: $role, operation: $operation, kind: $kind, outcome: $outcome,
  dataCountries: $dataCountries, doc: $doc, token: $token})
RETURN seq`

// appendAudits allocates a run of sequence numbers with one increment of
// the counter and creates the entries, so that a group of appends takes
// the counter's lock once. The increment reads c.seq on the right-hand
// side of SET, which takes the write lock before the read, as putDoc does;
// reading it first and setting it after (WITH c.seq AS base) would let two
// writers, such as two replicas of the service, take the same run.
const appendAudits = `
MERGE (c:AccessCounter {name: 'audit'})
  ON CREATE SET c.seq = 0
SET c.seq = c.seq + size($entries)
WITH c.seq - size($entries) AS base
UNWIND range(0, size($entries) - 1) AS i
WITH base + i + 1 AS seq, $entries[i] AS e
CREATE (x:AuditEntry {seq: seq, at: e.at, requestId: e.requestId, agency: e.agency, actorCountry: e.actorCountry,
  keyId: e.keyId, role: e.role, operation: e.operation, kind: e.kind, outcome: e.outcome,
  dataCountries: e.dataCountries, doc: e.doc, token: $token})
RETURN seq ORDER BY seq`

// auditEntriesOf finds the entries one call appended, by its token.
const auditEntriesOf = `
MATCH (e:AuditEntry {token: $token})
RETURN e.seq AS seq ORDER BY seq`

// newAuditToken names the entries of one AppendAudits or Commit call. The
// driver runs a transaction again when the connection drops while it
// commits, and the first commit may have gone through with only its
// acknowledgement lost: the retry then looks the token up first and
// answers with what the first commit stored rather than appending the
// entries a second time (or, for Commit, failing its version check on its
// own write). A first attempt skips the look-up: no commit can hold a
// token made for this call.
func newAuditToken() string { return rand.Text() }

// appendedBefore returns the sequence numbers of the entries a previous
// attempt of the same call stored under token, none when it stored none.
func appendedBefore(ctx context.Context, tx neo4j.ManagedTransaction, token string) ([]int64, error) {
	return runSeqs(ctx, tx, auditEntriesOf, map[string]any{"token": token})
}

// runSeqs runs a statement that returns audit entries' seq column.
func runSeqs(ctx context.Context, tx neo4j.ManagedTransaction, stmt string, params map[string]any) ([]int64, error) {
	res, err := tx.Run(ctx, stmt, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	seqs := make([]int64, len(recs))
	for i, rec := range recs {
		if seqs[i], _, err = neo4j.GetRecordValue[int64](rec, "seq"); err != nil {
			return nil, err
		}
	}
	return seqs, nil
}

// auditParams are the properties of one entry's node.
func auditParams(e access.AuditEntry) (map[string]any, error) {
	e.Seq = 0 // the node's seq property is the truth; see QueryAudit
	doc, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: access records: encode audit entry: %w", err)
	}
	countries := make([]string, len(e.DataCountries))
	for i, c := range e.DataCountries {
		countries[i] = string(c)
	}
	return map[string]any{"at": e.At.UnixMilli(), "requestId": e.RequestID, "agency": e.Agency,
		"actorCountry": string(e.Country), "keyId": e.KeyID, "role": string(e.Role), "operation": e.Operation,
		"kind": e.Kind, "outcome": e.Outcome, "dataCountries": countries, "doc": string(doc)}, nil
}

// AppendAudits appends every entry in one write transaction; a retried
// transaction never appends them twice (see newAuditToken).
func (n *AccessRecords) AppendAudits(ctx context.Context, entries []access.AuditEntry) ([]access.AuditEntry, error) {
	return n.appendAudits(ctx, entries, newAuditToken(), false)
}

// appendAudits is AppendAudits under a given token; retried says that an
// attempt under that token may have been committed already.
func (n *AccessRecords) appendAudits(ctx context.Context, entries []access.AuditEntry, token string, retried bool) ([]access.AuditEntry, error) {
	rows := make([]map[string]any, len(entries))
	for i, e := range entries {
		p, err := auditParams(e)
		if err != nil {
			return nil, err
		}
		rows[i] = p
	}
	return write(ctx, n.s, func(tx neo4j.ManagedTransaction) ([]access.AuditEntry, error) {
		seqs, err := n.appendOnce(ctx, tx, rows, token, retried)
		retried = true
		if err != nil {
			return nil, err
		}
		if len(seqs) != len(entries) {
			return nil, fmt.Errorf("neo4jstore: access records: appended %d audit entries, want %d", len(seqs), len(entries))
		}
		out := make([]access.AuditEntry, len(entries))
		for i, seq := range seqs {
			out[i] = entries[i]
			out[i].Seq = seq
		}
		return out, nil
	})
}

// appendOnce is one attempt of appendAudits: the entries a previous
// attempt stored, if there was one and it stored them, or else the
// sequence numbers of the entries it appends.
func (n *AccessRecords) appendOnce(ctx context.Context, tx neo4j.ManagedTransaction, rows []map[string]any, token string, retried bool) ([]int64, error) {
	if retried {
		if seqs, err := appendedBefore(ctx, tx, token); err != nil || len(seqs) > 0 {
			return seqs, err
		}
	}
	return runSeqs(ctx, tx, appendAudits, map[string]any{"entries": rows, "token": token})
}

// Commit writes every document, checking its version, and appends the
// audit entry in one write transaction; a version mismatch returns an
// error from the transaction function, which rolls it all back.
func (n *AccessRecords) Commit(ctx context.Context, puts []access.Put, audit *access.AuditEntry) (access.AuditEntry, error) {
	return n.commit(ctx, puts, audit, newAuditToken(), false)
}

// commit is Commit under a given token; retried says that an attempt
// under that token may have been committed already. Only a Commit with an
// audit entry can tell: one without makes no entry to find.
func (n *AccessRecords) commit(ctx context.Context, puts []access.Put, audit *access.AuditEntry, token string, retried bool) (access.AuditEntry, error) {
	var params map[string]any
	if audit != nil {
		var err error
		if params, err = auditParams(*audit); err != nil {
			return access.AuditEntry{}, err
		}
		params["token"] = token
	}
	return write(ctx, n.s, func(tx neo4j.ManagedTransaction) (access.AuditEntry, error) {
		if audit != nil && retried {
			seqs, err := appendedBefore(ctx, tx, token)
			if err != nil {
				return access.AuditEntry{}, err
			}
			if len(seqs) == 1 {
				stored := *audit
				stored.Seq = seqs[0]
				return stored, nil
			}
		}
		retried = true
		for _, p := range puts {
			res, err := tx.Run(ctx, putDoc, map[string]any{"collection": p.Collection, "id": p.ID, "doc": string(p.Data)})
			if err != nil {
				return access.AuditEntry{}, err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return access.AuditEntry{}, err
			}
			v, _, err := neo4j.GetRecordValue[int64](rec, "version")
			if err != nil {
				return access.AuditEntry{}, err
			}
			if v != p.Version+1 {
				return access.AuditEntry{}, fmt.Errorf("%w: %s %s is at version %d, not %d", access.ErrVersionMismatch, p.Collection, p.ID, v-1, p.Version)
			}
		}
		if audit == nil {
			return access.AuditEntry{}, nil
		}
		res, err := tx.Run(ctx, appendAudit, params)
		if err != nil {
			return access.AuditEntry{}, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return access.AuditEntry{}, err
		}
		seq, _, err := neo4j.GetRecordValue[int64](rec, "seq")
		if err != nil {
			return access.AuditEntry{}, err
		}
		stored := *audit
		stored.Seq = seq
		return stored, nil
	})
}

// queryAudit filters on the properties; a null parameter matches all.
const queryAudit = `
MATCH (e:AuditEntry)
WHERE e.seq > $afterSeq
  AND ($agency IS NULL OR e.agency = $agency)
  AND ($actorCountry IS NULL OR e.actorCountry = $actorCountry)
  AND ($dataCountry IS NULL OR $dataCountry IN e.dataCountries)
  AND ($operation IS NULL OR e.operation = $operation)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN e.seq AS seq, e.doc AS doc
ORDER BY e.seq
LIMIT $limit`

// QueryAudit returns the matching entries in Seq order.
func (n *AccessRecords) QueryAudit(ctx context.Context, f access.AuditFilter) ([]access.AuditEntry, error) {
	orNil := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	msOrNil := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UnixMilli()
	}
	params := map[string]any{"afterSeq": f.AfterSeq, "agency": orNil(f.Agency), "actorCountry": orNil(string(f.ActorCountry)),
		"dataCountry": orNil(string(f.DataCountry)), "operation": orNil(f.Operation),
		"since": msOrNil(f.Since), "until": msOrNil(f.Until), "limit": int64(f.Limit)}
	return read(ctx, n.s, func(tx neo4j.ManagedTransaction) ([]access.AuditEntry, error) {
		res, err := tx.Run(ctx, queryAudit, params)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]access.AuditEntry, 0, len(recs))
		for _, rec := range recs {
			seq, _, err := neo4j.GetRecordValue[int64](rec, "seq")
			if err != nil {
				return nil, err
			}
			doc, _, err := neo4j.GetRecordValue[string](rec, "doc")
			if err != nil {
				return nil, err
			}
			var e access.AuditEntry
			if err := json.Unmarshal([]byte(doc), &e); err != nil {
				return nil, fmt.Errorf("neo4jstore: access records: decode audit entry %d: %w", seq, err)
			}
			e.Seq = seq
			out = append(out, e)
		}
		return out, nil
	})
}

// pruneAudit deletes the entries up to a sequence number; the counter
// node goes on from where it was.
const pruneAudit = `
MATCH (e:AuditEntry) WHERE e.seq <= $through
DETACH DELETE e
RETURN count(e) AS n`

// PruneAudit deletes the entries up to seq through in one write transaction.
func (n *AccessRecords) PruneAudit(ctx context.Context, through int64) (int, error) {
	return write(ctx, n.s, func(tx neo4j.ManagedTransaction) (int, error) {
		res, err := tx.Run(ctx, pruneAudit, map[string]any{"through": through})
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		count, _, err := neo4j.GetRecordValue[int64](rec, "n")
		return int(count), err
	})
}
