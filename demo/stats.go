package demo

import "github.com/scamgraph/scamgraph/intel"

// Stats counts what a generation emitted, so that the CLI can print a
// summary and tests can check the world's size against the store's.
type Stats struct {
	// Entities counts the emitted entities by kind; each entity is emitted once.
	Entities map[intel.Kind]int
	// Links counts the emitted links by type; each link is emitted once.
	Links map[intel.LinkType]int
	// Batches is how many batches were handed to emit.
	Batches int
}

// EntityCount is the number of entities emitted, of every kind.
func (s Stats) EntityCount() int {
	n := 0
	for _, c := range s.Entities {
		n += c
	}
	return n
}

// LinkCount is the number of links emitted, of every type.
func (s Stats) LinkCount() int {
	n := 0
	for _, c := range s.Links {
		n += c
	}
	return n
}
