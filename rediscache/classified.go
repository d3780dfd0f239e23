package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// GetClassified caches each entity with its fact classes under its id, in
// a table of its own so that a lookup is one Redis round trip. Like a
// summary, the classes change only when a link at the entity is written,
// and every Upsert and Retract deletes the value of both ends of each link
// as well as of every entity it writes.
func (c *Store) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	return getMany(ctx, c, "GetClassified", &c.classified, ids)
}

// GetClassifiedWithNeighbours reads through to the inner store, uncached:
// it serves a score, which reads the entity's own links afresh (the
// analytics keep what they reuse themselves, see fetch.Memo), and one
// round trip to the inner store is what it saves.
func (c *Store) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	return c.inner.GetClassifiedWithNeighbours(ctx, ids, q)
}
