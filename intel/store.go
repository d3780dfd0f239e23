package intel

import (
	"context"
)

// Store is the contract every backend meets: the embedded store, the Neo4j
// store and the Redis cache decorator. The conformance suite (package
// conformance) checks each rule below against every implementation; any
// difference a caller can see between two backends is a bug.
//
// General rules:
//   - Implementations MUST be safe for concurrent use.
//   - Values returned MUST be deep copies: changing them MUST NOT change what
//     the store holds, and values passed in MUST NOT be retained.
//   - Errors caused by the caller MUST be *Error values with code EINVALID
//     and a Field naming the offending input; a missing single item MUST be
//     ENOTFOUND. Anything else is treated as EINTERNAL by the edges.
//   - Methods MUST honour ctx cancellation and deadlines.
type Store interface {
	// Upsert writes a batch of entities and links as one atomic unit.
	//
	// It MUST validate the whole batch before writing anything and reject
	// it with EINVALID (naming e.g. "entities[2].key") if any item is
	// invalid. It MUST be idempotent: writing the same batch again MUST
	// leave the store as it was, so a retried batch never duplicates a
	// record. Entities are merged with MergeEntity; a link replaces the
	// stored link with the same ID but keeps its first IngestedAt. A link
	// whose ends are not stored yet MUST create them as StubEntity values.
	// When Upsert returns nil the batch MUST be durable.
	Upsert(ctx context.Context, b Batch) (UpsertResult, error)

	// Retract records that a fact's contributor withdrew it (see
	// Retraction) and returns the link as now stored. It MUST validate the
	// request (RetractRequest.Validate) and answer ENOTFOUND for a link that
	// is not stored. It MUST be idempotent: a link already retracted keeps
	// its first retraction. From then on the link MUST be left out of every
	// read that Access.Current excludes: pages and their counts, summaries,
	// expansions and paths; GetLinks still returns it, with its
	// Retraction, for the audit and the owner. Upsert MUST keep a stored
	// retraction, so a resent record never brings the fact back. When
	// Retract returns nil the retraction MUST be durable.
	Retract(ctx context.Context, r RetractRequest) (Link, error)

	// GetEntities returns the stored entities with the given ids. Ids that are
	// not stored MUST be absent from the map and MUST NOT cause an error.
	GetEntities(ctx context.Context, ids []string) (map[string]Entity, error)

	// GetLinks returns the stored links with the given ids, like GetEntities.
	GetLinks(ctx context.Context, ids []string) (map[string]Link, error)

	// FindEntity returns the entity of the given kind and canonical key, or
	// an ENOTFOUND error.
	FindEntity(ctx context.Context, kind Kind, key string) (Entity, error)

	// Neighbours returns one page of the links at an entity that match the
	// query, each with the entity at its other end. The order MUST be stable:
	// link span start descending (most recent first), then link id ascending.
	// A cursor from one page MUST continue exactly after its last item, even
	// if links were added meanwhile. An unknown entity MUST be ENOTFOUND.
	Neighbours(ctx context.Context, q NeighbourQuery) (NeighbourPage, error)

	// NeighboursOf runs the same query (q.ID is ignored) for many entities in
	// one round trip, so that a list of N entities with their links costs a
	// constant number of calls. Pages follow Neighbours' rules; the cursor in
	// q.After applies to every id. Ids that are not stored MUST be absent
	// from the map and MUST NOT cause an error.
	NeighboursOf(ctx context.Context, ids []string, q NeighbourQuery) (map[string]NeighbourPage, error)

	// Summaries returns, for each stored entity among ids, its link counts
	// and first and last sighting (see Summary), over the links that are
	// not retracted. Ids that are not stored MUST be absent from the map.
	Summaries(ctx context.Context, ids []string) (map[string]Summary, error)

	// GetClassified returns, for each stored entity among ids, the entity
	// (as GetEntities returns it) and the distinct classes (see FactClass)
	// of its links that are not retracted, sorted by type, country, marking
	// and agency: exactly the classes of its Summary's groups, without
	// counting the links. An entity without such links MUST have an empty
	// list; ids that are not stored MUST be absent from the map. It is what
	// a reader's view asks to decide whether the reader may know an entity,
	// so it MUST be one round trip and MUST cost far less than Summaries on
	// an entity with many links.
	GetClassified(ctx context.Context, ids []string) (map[string]ClassifiedEntity, error)

	// GetClassifiedWithNeighbours is GetClassified and NeighboursOf(ids, q)
	// in one round trip: the entities with their classes, and each one's
	// page of links, exactly as the two calls return them; ids that are not
	// stored MUST be absent from both maps. It is what a lookup asks when
	// the entity's risk is wanted too: the score reads the entity's own
	// links, and on a networked store a round trip costs about as much as
	// the reading.
	GetClassifiedWithNeighbours(ctx context.Context, ids []string, q NeighbourQuery) (map[string]ClassifiedEntity, map[string]NeighbourPage, error)

	// Expand returns the network around seeds, following links in both
	// directions, level by level, with the deterministic algorithm of
	// ExpandNetwork, so that every backend returns the same subgraph,
	// including which nodes and links are kept when a cap truncates it.
	// Unknown seeds MUST be listed in MissingSeeds, not fail the call.
	Expand(ctx context.Context, q ExpandQuery) (Subgraph, error)

	// ShortestPath returns a shortest path between two entities over links
	// in either direction that match the query, or nil when there is no such
	// path within MaxDepth links: "no path" is an answer, not an error.
	// When several shortest paths exist, which one is returned MAY differ
	// between backends. An unknown endpoint MUST be ENOTFOUND.
	ShortestPath(ctx context.Context, q PathQuery) (*Path, error)

	// Search returns the stored entities that q matches (see
	// SearchQuery.Matches: part of a key, label or raw form, or a number's
	// digits), in id order after q.After, at most q.Limit. It MUST reject
	// a query that Normalize refuses with that EINVALID error. It applies
	// no reader's view: the view (guard) filters and checks the answers
	// again as the reader sees them.
	Search(ctx context.Context, q SearchQuery) ([]Entity, error)

	// LinkedEntities lists, in ascending id order, the entities at the
	// chosen end of at least one link of the query's types that the
	// query's Access allows, one page at a time: After continues exactly
	// after the given id. An entity reached only through hidden links MUST
	// NOT be listed. It is the one graph-wide listing of the contract; it
	// exists so that analytics can find their seeds (see LinkedQuery).
	LinkedEntities(ctx context.Context, q LinkedQuery) (LinkedPage, error)

	// CallersAt lists, for each site of the query (a cell or an IMEI), the
	// phone numbers at the calling end of CALLED links whose attribute
	// q.Attr is that site and that the query's Access allows, in ascending
	// id order, at most q.First, with HasMore when more numbers call from
	// there. A site no such call names MUST be absent from the map. A
	// number reached only through hidden calls MUST NOT be listed, nor
	// counted in HasMore. It MUST reject a query that Normalize refuses
	// with that EINVALID error. It MUST NOT scan every call: a site is
	// asked about while one number is scored.
	CallersAt(ctx context.Context, q SiteQuery) (map[string]SiteCallers, error)

	// Ping reports whether the backend can serve requests.
	Ping(ctx context.Context) error

	// Close releases the store's resources. It MUST NOT lose acknowledged writes.
	Close() error
}

// Batch is the unit of writing: entities and links that land together or not at all.
type Batch struct {
	Entities []Entity
	Links    []Link
}

// UpsertResult counts what an Upsert created, as opposed to updated or found
// unchanged. Link endpoints created as stubs count as entities created.
type UpsertResult struct {
	EntitiesCreated int
	LinksCreated    int
}

// MaxBatchItems bounds one Upsert, so that one transaction stays a sensible size.
const MaxBatchItems = 10000

// Validate normalises and checks every item of the batch. It is the one
// place both backends validate writes, so they reject exactly the same input.
func (b *Batch) Validate() error {
	if n := len(b.Entities) + len(b.Links); n > MaxBatchItems {
		return Errorf(EINVALID, "batch", "has %d items, at most %d allowed", n, MaxBatchItems)
	}
	for i := range b.Entities {
		if err := b.Entities[i].validate(fieldPath{base: "entities", index: i}); err != nil {
			return err
		}
	}
	for i := range b.Links {
		l := &b.Links[i]
		l.Normalize()
		if err := l.validate(fieldPath{base: "links", index: i}); err != nil {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy, so that a store can normalise and keep a batch
// without touching memory its caller still owns.
func (b Batch) Clone() Batch {
	out := Batch{Entities: make([]Entity, len(b.Entities)), Links: make([]Link, len(b.Links))}
	for i, e := range b.Entities {
		out.Entities[i] = e.Clone()
	}
	for i, l := range b.Links {
		out.Links[i] = l.Clone()
	}
	return out
}
