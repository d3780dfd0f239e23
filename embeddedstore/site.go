package embeddedstore

import (
	"context"
	"maps"
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// siteAttrs are the call attributes the site index covers.
var siteAttrs = []intel.SiteAttr{intel.SiteCell, intel.SiteDevice}

// siteKey is a site's key in the site index.
func siteKey(attr intel.SiteAttr, value string) string { return string(attr) + "\x00" + value }

// indexSites adds call l to the site index under each site it names that
// old (the link it replaces, or nil) did not. The index only grows: an
// entry left behind by a call whose site changed is skipped on reading,
// since CallersAt checks every call it finds against the query.
func (s *Store) indexSites(old, l *intel.Link) {
	if l.Type != intel.LinkCalled {
		return
	}
	for _, a := range siteAttrs {
		v := l.Attrs[string(a)]
		if v == "" || (old != nil && old.Attrs[string(a)] == v) {
			continue
		}
		k := siteKey(a, v)
		s.sites[k] = append(s.sites[k], l.ID)
	}
}

// CallersAt reads the calls each site names from the site index, so a
// site costs its own calls, never a scan of every call; the Neo4j store
// answers the same from its relationship property indexes.
func (s *Store) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]intel.SiteCallers{}
	for _, v := range q.Values {
		callers := map[string]bool{}
		for _, id := range s.sites[siteKey(q.Attr, v)] {
			l := &s.links[id].Link
			if site, ok := q.Calls(l); ok && site == v && q.Access.Allows(l) {
				callers[l.From] = true
			}
		}
		if len(callers) == 0 {
			continue
		}
		ids := slices.Sorted(maps.Keys(callers))
		page := intel.SiteCallers{IDs: ids}
		if len(ids) > q.First {
			page.IDs, page.HasMore = ids[:q.First], true
		}
		out[v] = page
	}
	return out, nil
}
