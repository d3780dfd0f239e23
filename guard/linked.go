package guard

import (
	"context"
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// LinkedEntities lists entities at visible links only: the store applies
// the reader's class rules, and the links evidence requests granted the
// reader are added here, in order, so a granted fact lists its entity like
// any visible one.
func (s *Store) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	if err := q.Normalize(); err != nil {
		return intel.LinkedPage{}, err
	}
	q.Access = s.access
	page, err := s.inner.LinkedEntities(ctx, q)
	if err != nil {
		return intel.LinkedPage{}, err
	}
	granted, err := s.grantedLinks(ctx)
	if err != nil || len(granted) == 0 {
		return page, err
	}
	last := ""
	if page.HasNextPage && len(page.IDs) > 0 {
		last = page.IDs[len(page.IDs)-1]
	}
	ids := slices.Clone(page.IDs)
	for _, l := range granted {
		if !intel.ContainsLinkType(q.LinkTypes, l.Type) {
			continue
		}
		for _, end := range []struct {
			id   string
			from bool
		}{{l.From, true}, {l.To, false}} {
			if q.Lists(end.id, end.from) && (last == "" || end.id <= last) {
				ids = append(ids, end.id)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := intel.LinkedPage{IDs: ids, HasNextPage: page.HasNextPage}
	if len(ids) > q.First {
		out.IDs, out.HasNextPage = ids[:q.First], true
	}
	return out, nil
}

var _ intel.Store = (*Store)(nil)
