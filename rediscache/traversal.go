package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// The traversals below are not cached; they go straight to the inner store.
// Each answer depends on many facts at once (every link at an entity, or
// every link within several hops) and on the query's filters, cursor and
// caps, so one write could change any number of cached answers: deleting
// the right ones would mean tracking which answers read which entities,
// and deleting by pattern (SCAN) is slow and, on Cluster, spans every node.
// A wrong invalidation here would show an analyst a network that no longer
// exists, so the traversals stay exact; the stores are built to answer them
// in one round trip.

// Neighbours passes through to the inner store.
func (c *Store) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	return c.inner.Neighbours(ctx, q)
}

// NeighboursOf passes through to the inner store.
func (c *Store) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	return c.inner.NeighboursOf(ctx, ids, q)
}

// Expand passes through to the inner store.
func (c *Store) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	return c.inner.Expand(ctx, q)
}

// ShortestPath passes through to the inner store.
func (c *Store) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	return c.inner.ShortestPath(ctx, q)
}

// Search passes through: answers depend on free text, rarely repeat, and
// are checked again by each reader's view.
func (c *Store) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	return c.inner.Search(ctx, q)
}

// CallersAt passes through to the inner store: a site's callers change
// with any call written, and the answer depends on the reader's Access.
func (c *Store) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	return c.inner.CallersAt(ctx, q)
}

// LinkedEntities passes through to the inner store: a listing over the
// whole graph changes with any write.
func (c *Store) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	return c.inner.LinkedEntities(ctx, q)
}
