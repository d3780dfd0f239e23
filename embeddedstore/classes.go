package embeddedstore

import (
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// Every entity record keeps the classes of its links that are not
// retracted (intel.FactClass), because every read of an entity through
// the sharing rules asks for them (GetClassified). Working them out on
// each read meant visiting every link at the entity, one cache miss each
// once the graph is larger than the processor's caches: the largest part
// of a lookup's cost at a million links, and growing with the entity's
// links. Kept on the record, a read copies a few classes instead. A new
// link adds its class to its ends; a change of a link's class or its
// retraction, rarer, works its ends' classes out again.

// classOf is the class of l's fact.
func classOf(l *intel.Link) intel.FactClass {
	return intel.FactClass{Type: l.Type, Country: l.Country, Visibility: l.Visibility, Agency: l.Agency}
}

// addClass adds the class of a new link that is not retracted to e.
func (e *entityRecord) addClass(c intel.FactClass) {
	if slices.Contains(e.classes, c) {
		return
	}
	var set intel.FactClassSet
	for _, k := range e.classes {
		set.AddClass(k)
	}
	set.AddClass(c)
	e.classes = set.Classes()
}

// reclassify works e's classes out from its links; the caller holds mu
// for writing (or is loading the store).
func (s *Store) reclassify(e *entityRecord) {
	var set intel.FactClassSet
	for _, r := range s.adjacency[e.ID] {
		if r.Retraction == nil {
			set.Add(&r.Link)
		}
	}
	e.classes = set.Classes()
}

// classesCopy returns a copy of e's classes, empty and not nil for an
// entity without facts; the caller holds mu for reading.
func (e *entityRecord) classesCopy() []intel.FactClass {
	if len(e.classes) == 0 {
		return []intel.FactClass{}
	}
	return slices.Clone(e.classes)
}
