package embeddedstore

import (
	"context"
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// ShortestPath runs a breadth-first search over links in either direction.
// Links are tried in id order, so the answer is deterministic.
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
	// via[n] is the link by which the search first reached n.
	via := map[string]*intel.Link{q.From: nil}
	frontier := []string{q.From}
	for depth := 0; depth < q.MaxDepth && len(frontier) > 0; depth++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, ok := via[q.To]; ok {
			break
		}
		var next []string
		for _, id := range frontier {
			for _, l := range s.matchingLinks(id, q) {
				far := l.To
				if far == id {
					far = l.From
				}
				if _, seen := via[far]; seen {
					continue
				}
				via[far] = l
				next = append(next, far)
			}
		}
		frontier = next
	}
	if _, ok := via[q.To]; !ok {
		return nil, nil
	}
	// Walk back from the target, then reverse into from→to order.
	var nodes []intel.Entity
	var links []intel.Link
	for id := q.To; ; {
		nodes = append(nodes, s.entities[id].Clone())
		l := via[id]
		if l == nil {
			break
		}
		links = append(links, l.Clone())
		if l.From == id {
			id = l.To
		} else {
			id = l.From
		}
	}
	reverse(nodes)
	reverse(links)
	return &intel.Path{Nodes: nodes, Links: links}, nil
}

func (s *Store) matchingLinks(id string, q intel.PathQuery) []*intel.Link {
	var out []*intel.Link
	for _, lid := range s.adjacency[id] {
		l := s.links[lid]
		if intel.ContainsLinkType(q.LinkTypes, l.Type) && q.Window.Matches(l) && q.Access.Allows(l) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
