package embeddedstore

import (
	"context"
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// LinkedEntities scans the links of the asked types. The scan reads every
// link once, which on one machine's graph is milliseconds; the Neo4j store
// answers the same from its relationship-type scan.
func (s *Store) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	if err := q.Normalize(); err != nil {
		return intel.LinkedPage{}, err
	}
	if err := ctx.Err(); err != nil {
		return intel.LinkedPage{}, err
	}
	s.mu.RLock()
	found := map[string]bool{}
	for _, l := range s.links {
		if !intel.ContainsLinkType(q.LinkTypes, l.Type) || !q.Access.Allows(&l.Link) {
			continue
		}
		if q.Lists(l.From, true) {
			found[l.From] = true
		}
		if q.Lists(l.To, false) {
			found[l.To] = true
		}
	}
	s.mu.RUnlock()
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	page := intel.LinkedPage{IDs: ids}
	if len(ids) > q.First {
		page.IDs, page.HasNextPage = ids[:q.First], true
	}
	return page, nil
}
