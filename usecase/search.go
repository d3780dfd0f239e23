package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// SearchResult is one page of entities found, and the cursor of the next
// page ("" when this one is the last).
type SearchResult struct {
	Entities  []intel.Entity
	EndCursor string
}

// Search finds entities by part of a number, a name or a reference, in the
// caller's view and matched as the caller sees them (guard.Store.Search).
func (s *Service) Search(ctx context.Context, c *Caller, q intel.SearchQuery) (out SearchResult, err error) {
	defer func() { c.finish(access.OpSearch, err) }()
	if err = c.allow(access.OpSearch); err != nil {
		return out, err
	}
	out.Entities, err = c.view.Search(ctx, q)
	if err != nil {
		return SearchResult{}, err
	}
	// A full page may have a next one; a short page is the last.
	limit := q.Limit
	if limit == 0 {
		limit = intel.DefaultSearchLimit
	}
	if len(out.Entities) == limit {
		out.EndCursor = out.Entities[len(out.Entities)-1].ID
	}
	return out, nil
}
