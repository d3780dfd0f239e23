package server

import (
	"context"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// InstrumentedStore times every call of the store it wraps. It is a
// decorator like the cache, and runs the conformance suite like every Store.
type InstrumentedStore struct {
	inner intel.Store
	m     *Metrics
}

var _ intel.Store = (*InstrumentedStore)(nil)

// Instrument wraps s so that its latency shows in /metrics.
func Instrument(s intel.Store, m *Metrics) *InstrumentedStore {
	return &InstrumentedStore{inner: s, m: m}
}

// Upsert times the inner Upsert.
func (s *InstrumentedStore) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	defer s.m.observeStore("Upsert", time.Now())
	return s.inner.Upsert(ctx, b)
}

// Retract times the inner Retract.
func (s *InstrumentedStore) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	defer s.m.observeStore("Retract", time.Now())
	return s.inner.Retract(ctx, r)
}

// GetEntities times the inner GetEntities.
func (s *InstrumentedStore) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	defer s.m.observeStore("GetEntities", time.Now())
	return s.inner.GetEntities(ctx, ids)
}

// GetLinks times the inner GetLinks.
func (s *InstrumentedStore) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	defer s.m.observeStore("GetLinks", time.Now())
	return s.inner.GetLinks(ctx, ids)
}

// FindEntity times the inner FindEntity.
func (s *InstrumentedStore) FindEntity(ctx context.Context, k intel.Kind, key string) (intel.Entity, error) {
	defer s.m.observeStore("FindEntity", time.Now())
	return s.inner.FindEntity(ctx, k, key)
}

// Neighbours times the inner Neighbours.
func (s *InstrumentedStore) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	defer s.m.observeStore("Neighbours", time.Now())
	return s.inner.Neighbours(ctx, q)
}

// NeighboursOf times the inner NeighboursOf.
func (s *InstrumentedStore) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	defer s.m.observeStore("NeighboursOf", time.Now())
	return s.inner.NeighboursOf(ctx, ids, q)
}

// LinkedEntities times the inner LinkedEntities.
func (s *InstrumentedStore) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	defer s.m.observeStore("LinkedEntities", time.Now())
	return s.inner.LinkedEntities(ctx, q)
}

// CallersAt times the inner CallersAt.
func (s *InstrumentedStore) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	defer s.m.observeStore("CallersAt", time.Now())
	return s.inner.CallersAt(ctx, q)
}

// Summaries times the inner Summaries.
func (s *InstrumentedStore) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	defer s.m.observeStore("Summaries", time.Now())
	return s.inner.Summaries(ctx, ids)
}

// GetClassified times the inner GetClassified.
func (s *InstrumentedStore) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	defer s.m.observeStore("GetClassified", time.Now())
	return s.inner.GetClassified(ctx, ids)
}

// GetClassifiedWithNeighbours times the inner GetClassifiedWithNeighbours.
func (s *InstrumentedStore) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	defer s.m.observeStore("GetClassifiedWithNeighbours", time.Now())
	return s.inner.GetClassifiedWithNeighbours(ctx, ids, q)
}

// Expand times the inner Expand.
func (s *InstrumentedStore) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	defer s.m.observeStore("Expand", time.Now())
	return s.inner.Expand(ctx, q)
}

// ShortestPath times the inner ShortestPath.
func (s *InstrumentedStore) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	defer s.m.observeStore("ShortestPath", time.Now())
	return s.inner.ShortestPath(ctx, q)
}

// Ping passes through untimed: readiness probes would swamp the histogram.
func (s *InstrumentedStore) Ping(ctx context.Context) error { return s.inner.Ping(ctx) }

// Close closes the inner store.
func (s *InstrumentedStore) Close() error { return s.inner.Close() }

// Search is timed like the other reads.
func (s *InstrumentedStore) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	defer s.m.observeStore("Search", time.Now())
	return s.inner.Search(ctx, q)
}
