package demo

import "github.com/scamgraph/scamgraph/intel"

// Stats counts what a generation emitted, so that the CLI can print a
// summary and tests can check the world's size against the store's. Every
// item is emitted once, so the counts are also what a store ends up holding.
type Stats struct {
	// Entities and Links are the totals.
	Entities, Links int
	// EntitiesByKind and LinksByType break the totals down.
	EntitiesByKind map[intel.Kind]int
	LinksByType    map[intel.LinkType]int
	// Batches is how many batches emit accepted.
	Batches int
}

func newStats() Stats {
	return Stats{EntitiesByKind: map[intel.Kind]int{}, LinksByType: map[intel.LinkType]int{}}
}

// count adds a batch that emit accepted.
func (s *Stats) count(b intel.Batch) {
	s.Batches++
	s.Entities += len(b.Entities)
	s.Links += len(b.Links)
	for _, e := range b.Entities {
		s.EntitiesByKind[e.Kind]++
	}
	for _, l := range b.Links {
		s.LinksByType[l.Type]++
	}
}
