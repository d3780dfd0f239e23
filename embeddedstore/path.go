package embeddedstore

import (
	"context"
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// ShortestPath runs a bidirectional breadth-first search over links in
// either direction: each step grows, by one whole level, the side whose
// frontier has fewer links to try, and the search ends at the first level
// where the two sides meet. From a hub the one-sided search visits the
// hub's whole neighbourhood at every level; meeting in the middle visits
// about the square root of that.
//
// The answer is deterministic whatever order the links were stored in:
// each entity is reached by the lowest-id link from the level before, the
// frontiers are kept in id order, and of the entities where the sides
// meet the lowest id is taken.
func (s *Store) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, end := range []struct{ field, id string }{{"from", q.From}, {"to", q.To}} {
		if _, ok := s.entities[end.id]; !ok {
			return nil, intel.Errorf(intel.ENOTFOUND, end.field, "no entity with id %q", end.id)
		}
	}
	if q.From == q.To {
		return &intel.Path{Nodes: []intel.Entity{s.entities[q.From].Clone()}}, nil
	}
	fwd, back := s.newSearch(q.From), s.newSearch(q.To)
	for depth := 0; depth < q.MaxDepth; depth++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		grow, other := fwd, back
		if back.cost < fwd.cost {
			grow, other = back, fwd
		}
		if len(grow.frontier) == 0 {
			return nil, nil
		}
		if meet, ok := s.step(grow, other, &q); ok {
			return s.pathThrough(meet, fwd, back), nil
		}
	}
	return nil, nil
}

// search is one side of the bidirectional search.
type search struct {
	// via maps each entity reached to the link it was first reached by
	// (nil for the side's own end).
	via      map[string]*intel.Link
	frontier []string
	// cost is how many links the next step of this side would try.
	cost int
}

func (s *Store) newSearch(from string) *search {
	return &search{via: map[string]*intel.Link{from: nil}, frontier: []string{from}, cost: len(s.adjacency[from])}
}

// step grows one side by a level and reports the lowest-id entity it
// reached that the other side had reached too.
func (s *Store) step(grow, other *search, q *intel.PathQuery) (meet string, met bool) {
	var next []string
	// level holds the entities first reached in this step, whose link may
	// still give way to a lower-id one from the same level.
	level := map[string]bool{}
	for _, id := range grow.frontier {
		for _, r := range s.adjacency[id] {
			l := &r.Link
			far := l.To
			if far == id {
				far = l.From
			}
			prev, seen := grow.via[far]
			if seen && (!level[far] || prev.ID < l.ID) {
				continue
			}
			if !intel.ContainsLinkType(q.LinkTypes, l.Type) || !q.Window.Matches(l) || !q.Access.Allows(l) {
				continue
			}
			if !seen {
				next = append(next, far)
				level[far] = true
			}
			grow.via[far] = l
		}
	}
	slices.Sort(next)
	grow.frontier, grow.cost = next, 0
	for _, id := range next {
		grow.cost += len(s.adjacency[id])
		if _, ok := other.via[id]; ok && !met {
			meet, met = id, true
		}
	}
	return meet, met
}

// pathThrough joins the two sides' trails at meet into a from→to path.
func (s *Store) pathThrough(meet string, fwd, back *search) *intel.Path {
	var nodes []intel.Entity
	var links []intel.Link
	// Walk back from meet to the start, then reverse into from→meet order.
	for id := meet; ; {
		nodes = append(nodes, s.entities[id].Clone())
		l := fwd.via[id]
		if l == nil {
			break
		}
		links = append(links, l.Clone())
		id = otherEnd(l, id)
	}
	slices.Reverse(nodes)
	slices.Reverse(links)
	// Then walk on from meet to the target.
	for id := meet; ; {
		l := back.via[id]
		if l == nil {
			break
		}
		links = append(links, l.Clone())
		id = otherEnd(l, id)
		nodes = append(nodes, s.entities[id].Clone())
	}
	return &intel.Path{Nodes: nodes, Links: links}
}

func otherEnd(l *intel.Link, id string) string {
	if l.From == id {
		return l.To
	}
	return l.From
}
